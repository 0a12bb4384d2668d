//! Email speed (release build, this machine).
//!
//! `cargo bench --bench mail` — SQLite; with `BENCH_DATABASE_URL=postgres://…/test`
//! PostgreSQL too. 10,000 guests with addresses (the demo's generator). One instance without
//! a worker takes the HTTP requests: reception queues all 10,000 itineraries with one
//! `POST /api/v1/mail/send`, three times (curl's `time_total` is the figure), while a probe
//! asks `GET /api/v1/guests?limit=20` in a loop to see whether the API slows. Then a second
//! instance with a worker sends the backlog to a local SMTP server (mailin-embedded in this
//! process, a real SMTP conversation per message); the rate of three windows of 1,000
//! delivered messages is reported, with the probe running against the first instance.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

#[path = "support/mod.rs"]
mod support;

#[path = "../tests/api/smtp_sink.rs"]
#[allow(dead_code)]
mod smtp_sink;

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;

const ADMIN_PASSWORD: &str = "Bench-Mail-2026!";
const GUESTS: usize = 10_000;
const QUEUE_RUNS: usize = 3;
const WINDOW: usize = 1_000;
const WINDOWS: usize = 3;

fn settings(url: &str, data: &std::path::Path, smtp: &str, worker: bool) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_BIND", "127.0.0.1:0".into());
    env.insert("YINGBIN_ADMIN_PASSWORD", ADMIN_PASSWORD.into());
    env.insert("YINGBIN_WORKERS", "2".into());
    env.insert("YINGBIN_DB_POOL", "8".into());
    env.insert("YINGBIN_DATA_DIR", data.display().to_string());
    env.insert("YINGBIN_SMTP_URL", smtp.into());
    env.insert("YINGBIN_MAIL_WORKER", worker.to_string());
    // The service's own rate limit and connections unless asked otherwise: the figure is what
    // a deployment with the defaults gets.
    for (key, bench_key) in [
        ("YINGBIN_MAIL_PER_SECOND", "BENCH_MAIL_PER_SECOND"),
        ("YINGBIN_MAIL_CONNECTIONS", "BENCH_MAIL_CONNECTIONS"),
    ] {
        if let Ok(value) = std::env::var(bench_key) {
            env.insert(key, value);
        }
    }
    Settings::from_lookup(|k| env.get(k).cloned()).expect("settings")
}

fn start(settings: Settings, pool: yingbin::db::DbPool) -> u16 {
    let app = yingbin::Application::build(settings, pool).expect("app");
    let port = app.port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(app.run_until_stopped()));
    std::thread::sleep(Duration::from_millis(300));
    port
}

/// (milliseconds, HTTP status, body) of one curl request.
fn curl(args: &[&str]) -> (f64, String, String) {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{time_total} %{http_code}"])
        .args(args)
        .output()
        .expect("curl");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, tail) = text.rsplit_once('\n').expect("curl output");
    let mut parts = tail.split_whitespace();
    let secs: f64 = parts.next().and_then(|t| t.parse().ok()).expect("time");
    (
        secs * 1000.0,
        parts.next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

/// Asks for a page of guests in a loop until stopped; returns the latencies.
fn probe(port: u16, bearer: String, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<f64>> {
    std::thread::spawn(move || {
        let mut times = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let (ms, status, _) = curl(&[
                "-o",
                "/dev/null",
                "-H",
                &format!("Authorization: Bearer {bearer}"),
                &format!("http://127.0.0.1:{port}/api/v1/guests?limit=20"),
            ]);
            assert_eq!(status, "200");
            times.push(ms);
            std::thread::sleep(Duration::from_millis(20));
        }
        times
    })
}

fn pct(times: &mut [f64], p: usize) -> f64 {
    times.sort_by(f64::total_cmp);
    times[(times.len() * p / 100).min(times.len() - 1)]
}

fn bench(label: &str, url: &str) {
    let data = tempfile::tempdir().expect("tmp");
    let sink = smtp_sink::SmtpSink::start();
    let quiet = settings(url, data.path(), &sink.url(), false);
    let (pool, _) = yingbin::prepare_database(&quiet).expect("db");
    let mut conn = pool.get().expect("conn");
    let admin = CurrentUser {
        id: 1,
        username: "admin".into(),
        role: Role::Admin,
        scope: None,
        token_hash: String::new(),
    };
    let actor = admin.actor();
    let ctx = yingbin::guests::import::ImportContext {
        actor: &actor,
        scope_department: None,
        tz: quiet.timezone,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let csv = yingbin::demo::demo_csv(
        GUESTS,
        7,
        chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date"),
    );
    yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    drop(conn);
    let port = start(quiet, pool.clone());
    let (_, _, body) = curl(&[
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        &format!(r#"{{"username":"admin","password":"{ADMIN_PASSWORD}"}}"#),
        &format!("http://127.0.0.1:{port}/api/v1/auth/login"),
    ]);
    let body: serde_json::Value = serde_json::from_str(&body).expect("login json");
    let bearer = body["token"].as_str().expect("token").to_string();

    // The API alone.
    let stop = Arc::new(AtomicBool::new(false));
    let idle = probe(port, bearer.clone(), stop.clone());
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    let mut idle = idle.join().expect("probe");

    // Queueing, with the probe running.
    let stop = Arc::new(AtomicBool::new(false));
    let during = probe(port, bearer.clone(), stop.clone());
    let mut queue_ms = Vec::new();
    let mut queued = 0;
    for _ in 0..QUEUE_RUNS {
        let (ms, status, body) = curl(&[
            "-X",
            "POST",
            "-H",
            &format!("Authorization: Bearer {bearer}"),
            "-H",
            "Content-Type: application/json",
            "-d",
            r#"{"kind":"itinerary"}"#,
            &format!("http://127.0.0.1:{port}/api/v1/mail/send"),
        ]);
        assert_eq!(status, "200", "{body}");
        let r: serde_json::Value = serde_json::from_str(&body).expect("json");
        queued = r["queued"].as_u64().expect("queued");
        queue_ms.push(ms);
        std::thread::sleep(Duration::from_millis(300));
    }
    stop.store(true, Ordering::Relaxed);
    let mut queueing = during.join().expect("probe");

    // Sending the backlog from a second instance, with the probe on the first.
    let stop = Arc::new(AtomicBool::new(false));
    let during = probe(port, bearer.clone(), stop.clone());
    let sender = settings(url, data.path(), &sink.url(), true);
    let (connections, limit) = (sender.mail.connections, sender.mail.per_second);
    let (sender_pool, _) = yingbin::prepare_database(&sender).expect("db");
    start(sender, sender_pool);
    let mut rates = Vec::new();
    let mut mark = (Instant::now(), 0usize);
    let deadline = Instant::now() + Duration::from_secs(600);
    while rates.len() < WINDOWS && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        let n = sink.accepted().len();
        if mark.1 == 0 && n > 0 {
            mark = (Instant::now(), n); // from the first delivery: the worker's start-up is not sending
        } else if mark.1 > 0 && n >= mark.1 + WINDOW {
            let secs = mark.0.elapsed().as_secs_f64();
            rates.push((n - mark.1) as f64 / secs);
            mark = (Instant::now(), n);
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut sending = during.join().expect("probe");
    rates.sort_by(f64::total_cmp);
    queue_ms.sort_by(f64::total_cmp);
    println!(
        "{label}: queue {queued} itineraries in one request: median {:.0} ms (runs: {})",
        queue_ms[QUEUE_RUNS / 2],
        queue_ms
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "{label}: send to a local SMTP server ({connections} connections, limit {limit}/s): median {:.0} messages/s over {WINDOWS} windows of {WINDOW} (rates: {})",
        rates[rates.len() / 2],
        rates.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ")
    );
    for (what, times) in [
        ("idle", &mut idle),
        ("while queueing", &mut queueing),
        ("while sending", &mut sending),
    ] {
        let n = times.len();
        println!(
            "{label}: GET /api/v1/guests?limit=20 {what}: p50 {:.1} ms, p95 {:.1} ms ({n} requests)",
            pct(times, 50),
            pct(times, 95)
        );
    }
}

fn main() {
    support::on_each_backend("mail", bench);
}
