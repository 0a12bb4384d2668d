//! Several instances of the service on one PostgreSQL database, as behind a load balancer:
//! requests here go to each instance in turn. A session made on one works on every one and a
//! sign-out on one is honoured by all within the session cache's time; a single-use ticket
//! scanned at once through every instance enters once; and the live feed is gap-free — events
//! written from many connections, committing out of id order, reach every board on every
//! instance, each exactly once; a key rotated through one instance signs at once and is
//! trusted by the others within their key cache's time. (The mail worker on every instance
//! sending each message once is proved in `mail.rs`.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use serde_json::{json, Value};

use crate::common::{json_of, spawn_app_on, start_instance, Backend, TestApp, TestResult};
use crate::passes::{ceremony_ticket, credential, event};

/// The session cache's time (`auth::extract::SESSION_CACHE_TTL`), and some slack.
const SIGN_OUT_WITHIN: Duration = Duration::from_secs(4);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_on_one_postgres_act_as_one_service() -> TestResult {
    let Some(app) = spawn_app_on(Backend::Postgres).await else {
        return Ok(());
    };
    let mut pools = vec![app.pool.clone()];
    let mut addresses = vec![app.address.clone()];
    for _ in 0..2 {
        let (address, pool) = start_instance(&app.database_url, &app.data_dir, &[]);
        addresses.push(address);
        pools.push(pool);
    }

    sessions_hold_on_every_instance(&app, &addresses).await?;
    let (admin, zhang) = a_ticket_enters_once_through_every_instance(&app, &addresses).await?;
    a_rotated_key_is_trusted_everywhere(&app, &addresses, &pools[1], &admin, zhang).await?;
    every_board_hears_every_event_once(&app, &addresses, &pools).await?;
    Ok(())
}

async fn get(app: &TestApp, address: &str, path: &str, token: &str) -> u16 {
    app.client
        .get(format!("{address}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

async fn sessions_hold_on_every_instance(app: &TestApp, addresses: &[String]) -> TestResult {
    let token = app.admin().await;
    for a in addresses {
        assert_eq!(get(app, a, "/api/v1/guests", &token).await, 200, "{a}");
    }
    // Signed out on the second instance: refused on every one within the cache's time.
    let r = app
        .client
        .post(format!("{}/api/v1/auth/logout", addresses[1]))
        .bearer_auth(&token)
        .send()
        .await?;
    assert!(r.status().is_success(), "{}", r.status());
    let out = Instant::now();
    for a in addresses {
        while get(app, a, "/api/v1/guests", &token).await != 401 {
            assert!(
                out.elapsed() < SIGN_OUT_WITHIN,
                "{a} still admits a signed-out session"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

async fn a_ticket_enters_once_through_every_instance(
    app: &TestApp,
    addresses: &[String],
) -> Result<(String, i64), Box<dyn std::error::Error>> {
    let (admin, zhang, _) = event(app).await;
    let token = ceremony_ticket(app, &admin, zhang, "S1").await;

    // Sixteen gates scan the ticket at once, spread over the instances.
    let scans = (0..16).map(|i| {
        let r = app
            .client
            .post(format!("{}/api/v1/scans", addresses[i % addresses.len()]))
            .bearer_auth(&admin)
            .json(&json!({"payload": token, "point": "S1", "device": format!("gate-{i}")}))
            .send();
        async move { json_of(r.await.expect("scan")).await }
    });
    let verdicts: Vec<(u16, Value)> = futures_util::future::join_all(scans).await;
    let accepted = verdicts
        .iter()
        .filter(|(s, v)| *s == 200 && v["reason"].is_null())
        .count();
    let used = verdicts
        .iter()
        .filter(|(_, v)| v["reason"] == "already_used")
        .count();
    assert_eq!((accepted, used), (1, 15), "{verdicts:?}");
    Ok((admin, zhang))
}

/// The keys' cache time on every instance (`passes::keys`: re-read every 5 s), and some slack.
const KEY_TRUSTED_WITHIN: Duration = Duration::from_secs(7);

async fn a_rotated_key_is_trusted_everywhere(
    app: &TestApp,
    addresses: &[String],
    second: &yingbin::db::DbPool,
    admin: &str,
    guest: i64,
) -> TestResult {
    // Rotated through the second instance, as `yingbin keys rotate` does.
    let mut conn = second.get()?;
    let key = yingbin::db::write_tx(
        &mut conn,
        Utc::now().naive_utc(),
        yingbin::passes::keys::create_key,
    )?;
    drop(conn);
    let rotated = Instant::now();
    // The first instance signs with it at once.
    let (_, token) = credential(app, admin, guest, &["A"], 0, 3).await;
    let decoded = yingbin::passes::token::decode(&token).map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        i32::from(decoded.record.key_id),
        key,
        "new passes are signed with the new key"
    );
    // The third trusts it within the cache's time.
    for i in 0.. {
        let (s, v) = json_of(
            app.client
                .post(format!("{}/api/v1/scans", addresses[2]))
                .bearer_auth(admin)
                .json(&json!({"payload": token, "point": "G-A", "nonce": format!("rot-{i}")}))
                .send()
                .await?,
        )
        .await;
        if s == 200 && v["reason"].is_null() {
            break;
        }
        assert!(
            rotated.elapsed() < KEY_TRUSTED_WITHIN,
            "the new key is not trusted: {v}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// What one board heard: how many times each probe event arrived.
type Heard = Arc<Mutex<HashMap<String, usize>>>;

async fn open_board(app: &TestApp, address: &str, token: &str) -> Result<Heard, reqwest::Error> {
    let mut response = app
        .client
        .get(format!("{address}/api/v1/board/events"))
        .bearer_auth(token)
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    // The first chunk says the board is connected (its subscription is in place).
    let mut buffer =
        String::from_utf8_lossy(&response.chunk().await?.unwrap_or_default()).into_owned();
    let heard: Heard = Arc::default();
    let into = heard.clone();
    tokio::spawn(async move {
        while let Ok(Some(chunk)) = response.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let message: String = buffer.drain(..end + 2).collect();
                let data = message
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .and_then(|d| serde_json::from_str::<Value>(d).ok());
                if let Some(d) = data.filter(|d| d["kind"] == "probe") {
                    let id = d["id"].as_str().unwrap_or_default().to_string();
                    *into.lock().expect("heard").entry(id).or_default() += 1;
                }
            }
        }
    });
    Ok(heard)
}

async fn every_board_hears_every_event_once(
    app: &TestApp,
    addresses: &[String],
    pools: &[yingbin::db::DbPool],
) -> TestResult {
    let token = app.admin().await;
    let mut boards = Vec::new();
    for a in addresses {
        boards.push((a.clone(), open_board(app, a, &token).await?));
    }
    // Writers on every instance's pool; each holds its transaction open a random while after
    // taking its id, so rows commit out of id order.
    const PER_WRITER: usize = 40;
    let writers: Vec<_> = pools
        .iter()
        .flat_map(|p| [p.clone(), p.clone()])
        .enumerate()
        .map(|(w, pool)| {
            std::thread::spawn(move || {
                let mut rng = rand::thread_rng();
                let mut conn = pool.get().expect("connection");
                for i in 0..PER_WRITER {
                    let hold = Duration::from_millis(rng.gen_range(0..25));
                    yingbin::db::write_tx(&mut conn, Utc::now().naive_utc(), |tx| {
                        yingbin::live::record(tx, None, "probe", format!("w{w}-{i}"))?;
                        std::thread::sleep(hold);
                        Ok::<_, diesel::result::Error>(())
                    })
                    .expect("write an event");
                }
            })
        })
        .collect();
    let total = writers.len() * PER_WRITER;
    for w in writers {
        w.join().expect("writer");
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    for (address, heard) in &boards {
        loop {
            let got = heard.lock().expect("heard").len();
            if got == total || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let heard = heard.lock().expect("heard");
        assert_eq!(heard.len(), total, "the board on {address} missed events");
        let twice: Vec<_> = heard.iter().filter(|(_, n)| **n != 1).collect();
        assert!(
            twice.is_empty(),
            "the board on {address} heard some twice: {twice:?}"
        );
    }
    Ok(())
}
