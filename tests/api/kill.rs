//! kill -9 under scan load: the service binary runs as its own process on the test's
//! database; gates scan a credential and a ceremony ticket from eight connections at once, and
//! the process is killed with SIGKILL mid-load. Restarted on the same database, every scan it
//! acknowledged is in the log, each acknowledged nonce sent again gets the same answer, and
//! the ticket was let in once at most.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::common::{json_of, spawn_app_on, Backend, TestApp, TestResult, ADMIN_PASSWORD};
use crate::passes::{ceremony_ticket, credential, event};

/// The service as a process of its own; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(app: &TestApp) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_yingbin"))
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("YINGBIN_DATA_DIR", &app.data_dir)
        .env("YINGBIN_BIND", format!("127.0.0.1:{port}"))
        .env("YINGBIN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("YINGBIN_MAIL_WORKER", "false")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the yingbin binary");
    let server = Server {
        child,
        address: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let up = app
            .client
            .get(format!("{}/healthz", server.address))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if up {
            return server;
        }
        assert!(Instant::now() < deadline, "the service did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One acknowledged scan: what was sent and what came back.
#[derive(Clone, Debug)]
struct Acked {
    body: Value,
    answer: Value,
}

async fn acknowledged_scans_survive_kill_9(app: TestApp) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (_, card) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let ticket = ceremony_ticket(&app, &admin, zhang, "S1").await;

    let server = start_server(&app).await;
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let gates: Vec<_> = (0..8)
        .map(|g| {
            let (client, address, admin) =
                (app.client.clone(), server.address.clone(), admin.clone());
            let (card, ticket, acked, stop) =
                (card.clone(), ticket.clone(), acked.clone(), stop.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    // Every tenth scan is the ceremony ticket, at the session's gate.
                    let (payload, point) = if i % 10 == 0 {
                        (&ticket, "S1")
                    } else {
                        (&card, "G-A")
                    };
                    let body = json!({"payload": payload, "point": point,
                                      "device": format!("gate-{g}"), "nonce": format!("g{g}-{i}")});
                    let sent = client
                        .post(format!("{address}/api/v1/scans"))
                        .bearer_auth(&admin)
                        .json(&body)
                        .send()
                        .await;
                    let Ok(response) = sent else { return };
                    if response.status() != 200 {
                        return;
                    }
                    let Ok(answer) = response.json::<Value>().await else {
                        return;
                    };
                    acked.lock().expect("acked").push(Acked { body, answer });
                }
            })
        })
        .collect();
    // Killed mid-load, once a few hundred scans were acknowledged.
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.lock().expect("acked").len() < 400 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(server);
    stop.store(true, Ordering::Relaxed);
    for g in gates {
        g.await?;
    }
    let acked = acked.lock().expect("acked").clone();
    assert!(
        acked.len() >= 400,
        "only {} scans before the kill",
        acked.len()
    );

    // Every acknowledged scan is in the log.
    let nonces: Vec<String> = acked
        .iter()
        .map(|a| a.body["nonce"].as_str().unwrap_or_default().to_string())
        .collect();
    {
        use yingbin::db::schema::scans;
        let mut conn = app.pool.get()?;
        let mut logged = 0;
        for chunk in nonces.chunks(500) {
            logged += scans::table
                .filter(scans::nonce.eq_any(chunk))
                .count()
                .get_result::<i64>(&mut conn)?;
        }
        assert_eq!(logged, nonces.len() as i64, "acknowledged scans lost");
    }

    // Restarted: the same nonce gets the same answer; the ticket entered once at most.
    let server = start_server(&app).await;
    for a in &acked {
        let (s, again) = json_of(
            app.client
                .post(format!("{}/api/v1/scans", server.address))
                .bearer_auth(&admin)
                .json(&a.body)
                .send()
                .await?,
        )
        .await;
        assert_eq!(s, 200, "{again}");
        assert_eq!(
            again, a.answer,
            "a replayed nonce answers as the first time"
        );
    }
    let ticket_accepts = acked
        .iter()
        .filter(|a| a.body["point"] == "S1" && a.answer["reason"].is_null())
        .count();
    assert!(
        ticket_accepts <= 1,
        "the ticket entered {ticket_accepts} times"
    );
    Ok(())
}

/// On both backends, each in a fresh database.
mod kill_9 {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() -> TestResult {
        let app = spawn_app_on(Backend::Sqlite).await.expect("sqlite");
        acknowledged_scans_survive_kill_9(app).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() -> TestResult {
        match spawn_app_on(Backend::Postgres).await {
            Some(app) => acknowledged_scans_survive_kill_9(app).await,
            None => Ok(()),
        }
    }
}
