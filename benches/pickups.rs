//! Pickup speed (release build, this machine).
//!
//! `cargo bench --bench pickups` — SQLite; with `BENCH_DATABASE_URL=postgres://…/test`
//! PostgreSQL too (a fresh database next to the one named, dropped after).
//! 1. Planning: 5,000 arrivals over two days at three hubs (40 flights a hub a day, guests
//!    booked at 8 hotels by the allocation engine, 120 pool cars); `runs::plan` for each hub and
//!    day (6 calls, reads and writes included), five times; the median of the total.
//! 2. The board: a hub with 2,000 arrivals in one day; `GET /api/v1/board` for the whole day
//!    through the real server, 30 times by curl (`time_total`); median and p90.
//! 3. Live: 200 boards hold `GET /api/v1/board/events` open on the real server; a trip update is
//!    posted and each board's wait for its `change` is timed; five rounds; min, median, max.
//!    The 200 clients are threads on the same two cores as the server.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;

const ADMIN_PASSWORD: &str = "Bench-Pickup-2026!";
const BOARDS: usize = 200;

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_BIND", "127.0.0.1:0".into());
    env.insert("YINGBIN_ADMIN_PASSWORD", ADMIN_PASSWORD.into());
    env.insert("YINGBIN_WORKERS", "2".into());
    env.insert("YINGBIN_DB_POOL", "8".into());
    Settings::from_lookup(|k| env.get(k).cloned()).expect("settings")
}

fn admin() -> CurrentUser {
    CurrentUser {
        id: 1,
        username: "admin".into(),
        role: Role::Admin,
        scope: None,
        token_hash: String::new(),
    }
}

/// Guests arriving at `hubs` over `days` from `start`: `per_hub_day` each, on 40 numbers a hub a
/// day between 06:00 and 23:00.
fn arrivals_csv(
    hubs: &[&str],
    days: i64,
    per_hub_day: usize,
    start: chrono::NaiveDate,
    first_ref: usize,
) -> String {
    let mut out = String::from("ref,name,category,gender,department,delegation,arrival_mode,arrival_no,arrival_hub,arrival_time,stay_from,stay_to\n");
    let mut n = first_ref;
    for (h, hub) in hubs.iter().enumerate() {
        for d in 0..days {
            let date = start + chrono::Duration::days(d);
            for i in 0..per_hub_day {
                let flight = (i * 7 + h) % 40;
                let minutes = 6 * 60 + flight * 25;
                let category = if i % 40 == 0 { "vip" } else { "delegate" };
                out.push_str(&format!(
                    "B{n:06},来宾{n},{category},{},体育局,代表团{},flight,{}{},{hub},{date} {:02}:{:02},{date},{}\n",
                    if i % 2 == 0 { "M" } else { "F" },
                    (i / 12) % 150,
                    ["3U", "CA", "MU"][h % 3],
                    8000 + flight,
                    minutes / 60,
                    minutes % 60,
                    date + chrono::Duration::days(5),
                ));
                n += 1;
            }
        }
    }
    out
}

fn prepare(url: &str) -> (Settings, yingbin::db::DbPool, chrono::NaiveDate) {
    let settings = settings(url);
    let (pool, _) = yingbin::prepare_database(&settings).expect("db");
    let mut conn = pool.get().expect("conn");
    let me = admin();
    let actor = me.actor();
    let start = chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date");
    let ctx = yingbin::guests::import::ImportContext {
        actor: &actor,
        scope_department: None,
        tz: settings.timezone,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    // 5,000 over two days at three hubs; 2,000 in one day at a fourth.
    let mut csv = arrivals_csv(&["CTU", "TFU", "MIG"], 2, 834, start, 0);
    let big = arrivals_csv(&["BIG"], 1, 2000, start, 10_000);
    csv.push_str(big.split_once('\n').expect("header").1);
    let report = yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    assert!(
        report.errors.is_empty(),
        "{:?}",
        &report.errors[..report.errors.len().min(3)]
    );
    use yingbin::hotels::{catalog, plans, rules::PlanAction};
    for h in 0..8 {
        let code = format!("H{h}");
        support::write(&mut conn, |tx| catalog::create_hotel(tx, &me, &serde_json::json!({"code": code, "name": code, "categories": ["vip", "delegate"], "halal": true, "venue_minutes": 10 + h * 5}))).expect("hotel");
        for (t, rooms) in [
            ("twin", 600),
            ("single", 100),
            ("suite", 40),
            ("accessible", 10),
        ] {
            support::write(&mut conn, |tx| {
                catalog::create_block(
                    tx,
                    &me,
                    &code,
                    &catalog::RoomsRequest {
                        room_type: Some(t.into()),
                        nights_from: Some(start - chrono::Duration::days(1)),
                        nights_to: Some(start + chrono::Duration::days(10)),
                        rooms: Some(rooms),
                        rate: Some(400.0),
                        reason: None,
                    },
                )
            })
            .expect("block");
        }
    }
    let tz = settings.timezone;
    let plan = support::write(&mut conn, |tx| plans::propose(tx, &me, tz)).expect("propose");
    support::write(&mut conn, |tx| {
        plans::decide(tx, &me, plan.id, PlanAction::Submit, None, tz)
    })
    .expect("submit");
    let committee = CurrentUser {
        role: Role::Committee,
        ..admin()
    };
    support::write(&mut conn, |tx| {
        plans::decide(tx, &committee, plan.id, PlanAction::Approve, None, tz)
    })
    .expect("approve");
    for i in 0..120u32 {
        let v = yingbin::pickups::VehicleResponse {
            plate: format!("川A{}", 60000 + i * 7),
            seats: [4, 7, 19][i as usize % 3],
            vehicle_type: "car".into(),
            ..Default::default()
        };
        support::write(&mut conn, |tx| {
            yingbin::pickups::vehicles::create_vehicle(tx, &me, &v, tz)
        })
        .expect("vehicle");
    }
    drop(conn);
    (settings, pool, start)
}

fn bench_plan(
    label: &str,
    pool: &yingbin::db::DbPool,
    settings: &Settings,
    start: chrono::NaiveDate,
) {
    let mut conn = pool.get().expect("conn");
    let me = admin();
    let mut totals = Vec::new();
    let mut last = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let (mut runs, mut guests) = (0, 0);
        for hub in ["CTU", "TFU", "MIG"] {
            for d in 0..2 {
                let r = support::write(&mut conn, |tx| {
                    yingbin::pickups::runs::plan(
                        tx,
                        &me,
                        &yingbin::pickups::runs::PlanRequest {
                            hub: Some(hub.into()),
                            date: Some(start + chrono::Duration::days(d)),
                            direction: None,
                            max_wait_minutes: None,
                        },
                        settings.timezone,
                        settings.mail.change_hold(),
                    )
                })
                .expect("plan");
                runs += r.runs;
                guests += r.guests;
            }
        }
        totals.push(t.elapsed().as_secs_f64() * 1000.0);
        last = (runs, guests);
    }
    totals.sort_by(f64::total_cmp);
    println!("{label}: planned {} runs for {} arrivals (3 hubs × 2 days): median {:.0} ms (min {:.0}, max {:.0}) over 5", last.0, last.1, totals[2], totals[0], totals[4]);
}

/// A plain HTTP/1.1 request; returns status and body.
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        out.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default(),
    )
}

fn bench_board_and_live(
    label: &str,
    pool: &yingbin::db::DbPool,
    settings: Settings,
    start: chrono::NaiveDate,
) {
    let mut conn = pool.get().expect("conn");
    let big = yingbin::pickups::service::find_hub_by_key(&mut conn, "BIG")
        .expect("hub")
        .id;
    drop(conn);
    let app = yingbin::Application::build(settings, pool.clone()).expect("app");
    let port = app.port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(app.run_until_stopped()));
    std::thread::sleep(Duration::from_millis(300));
    let (_, body) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        &format!(r#"{{"username":"admin","password":"{ADMIN_PASSWORD}"}}"#),
    );
    let body = body
        .lines()
        .find(|l| l.contains("token"))
        .unwrap_or(&body)
        .to_string();
    let token: String = serde_json::from_str::<serde_json::Value>(body.trim())
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_string))
        .or_else(|| {
            body.split("\"token\":\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
                .map(str::to_string)
        })
        .expect("token");

    // The board.
    let url = format!(
        "http://127.0.0.1:{port}/api/v1/board?hub={big}&from={start}T00:00:00%2B08:00&hours=24"
    );
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..30 {
        let out = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{time_total} %{size_download} %{http_code}",
                "-H",
                &format!("Authorization: Bearer {token}"),
                &url,
            ])
            .output()
            .expect("curl");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let mut p = text.split_whitespace();
        times.push(p.next().and_then(|t| t.parse::<f64>().ok()).expect("time") * 1000.0);
        size = p.next().and_then(|t| t.parse().ok()).unwrap_or(0);
        assert_eq!(p.next(), Some("200"));
    }
    times.sort_by(f64::total_cmp);
    println!("{label}: board of a hub with 2,000 arrivals in the day ({size} bytes): median {:.1} ms, p90 {:.1} ms over 30", times[15], times[27]);

    // 200 live boards.
    let mut rounds = Vec::new();
    for round in 0..5 {
        let ready = Arc::new(Barrier::new(BOARDS + 1));
        let sent_at: Arc<std::sync::Mutex<Option<Instant>>> = Arc::default();
        let mut handles = Vec::new();
        for _ in 0..BOARDS {
            let (ready, sent_at, token) = (ready.clone(), sent_at.clone(), token.clone());
            handles.push(std::thread::spawn(move || {
                let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
                write!(s, "GET /api/v1/board/events?hub={big} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n").expect("write");
                let mut reader = BufReader::new(s);
                let mut line = String::new();
                // Until the stream says hello.
                while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    if line.contains("connected") {
                        break;
                    }
                    line.clear();
                }
                ready.wait();
                line.clear();
                while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    if line.contains("\"kind\":\"trip\"") {
                        let sent = sent_at.lock().ok().and_then(|s| *s);
                        return sent.map(|t| t.elapsed());
                    }
                    line.clear();
                }
                None
            }));
        }
        ready.wait();
        // Let the feed notice the new listeners before the change.
        std::thread::sleep(Duration::from_millis(300));
        *sent_at.lock().expect("lock") = Some(Instant::now());
        let (status, _) = http(
            port,
            "POST",
            "/api/v1/trips/update",
            Some(&token),
            &format!(
                r#"{{"number":"3U{}","date":"{start}","hub":"BIG","expected_time":"{:02}:10"}}"#,
                8000 + round,
                12 + round
            ),
        );
        assert_eq!(status, 200);
        let mut waits: Vec<f64> = handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .map(|d| d.as_secs_f64() * 1000.0)
            .collect();
        assert_eq!(waits.len(), BOARDS, "every board heard the change");
        waits.sort_by(f64::total_cmp);
        println!("{label}: round {}: {BOARDS} boards heard a trip update after min {:.0} ms, median {:.0} ms, max {:.0} ms", round + 1, waits[0], waits[BOARDS / 2], waits[BOARDS - 1]);
        rounds.push(waits[BOARDS - 1]);
    }
    rounds.sort_by(f64::total_cmp);
    println!("{label}: the last of {BOARDS} boards heard each update within a median of {:.0} ms (worst round {:.0} ms)", rounds[2], rounds[4]);
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let (settings, pool, start) = prepare(&dir.path().join("bench.db").to_string_lossy());
    bench_plan("SQLite", &pool, &settings, start);
    bench_board_and_live("SQLite", &pool, settings, start);
    if let Ok(base) = std::env::var("BENCH_DATABASE_URL") {
        let name = format!("bench_pickups_{}", std::process::id());
        let mut admin = diesel::PgConnection::establish(&base).expect("postgres");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create");
        let url = format!(
            "{}/{name}",
            base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
        );
        let (settings, pool, start) = prepare(&url);
        bench_plan("PostgreSQL", &pool, &settings, start);
        bench_board_and_live("PostgreSQL", &pool, settings, start);
        drop(pool);
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin);
    }
}
