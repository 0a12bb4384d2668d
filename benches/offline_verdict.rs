//! The offline verdict in headless Chromium (Debian's chromium and chromedriver): the service
//! serves the scanner's modules; `static/js/offline/bench-verdict.js` decides 1,000 canteen
//! scans against a kit of 20,000 eaters — decode, WebCrypto Ed25519, decide — and reports the
//! median and 99th percentile. Five runs in one fresh browser; the median of the medians.
//!
//! `cargo bench --bench offline_verdict`
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert(
        "DATABASE_URL",
        dir.path().join("bench.db").display().to_string(),
    );
    env.insert("YINGBIN_BIND", "127.0.0.1:0".into());
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Verdict-2026!".into());
    let settings =
        yingbin::config::Settings::from_lookup(|k| env.get(k).cloned()).expect("settings");
    let (pool, _) = yingbin::prepare_database(&settings).expect("db");
    let app = yingbin::Application::build(settings, pool).expect("app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").port()
    };
    let mut driver = std::process::Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver (apt-get install chromium chromium-driver)");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let base = format!("http://127.0.0.1:{port}");
    let mut session = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let profile = dir.path().join("profile");
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display())]}}}});
        if let Ok(r) = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
        {
            let v: Value = r.json().await.unwrap_or_default();
            if let Some(id) = v["value"]["sessionId"].as_str() {
                session = Some(id.to_string());
                break;
            }
        }
    }
    let session = format!("{base}/session/{}", session.expect("a browser session"));
    http.post(format!("{session}/url"))
        .json(&json!({"url": format!("{address}/login/")}))
        .send()
        .await
        .expect("open page");
    http.post(format!("{session}/timeouts"))
        .json(&json!({"script": 120_000}))
        .send()
        .await
        .expect("timeouts");
    let mut medians = Vec::new();
    let mut last = Value::Null;
    for _ in 0..5 {
        let r: Value = http
            .post(format!("{session}/execute/async"))
            .json(
                &json!({"script": "const done = arguments[arguments.length - 1]; \
                import('/js/offline/bench-verdict.js').then(m => m.timeVerdicts(1000)) \
                .then(done, e => done({error: String(e)}));", "args": []}),
            )
            .send()
            .await
            .expect("run")
            .json()
            .await
            .expect("answer");
        last = r["value"].clone();
        medians.push(last["median_ms"].as_f64().expect("median"));
    }
    medians.sort_by(f64::total_cmp);
    println!(
        "offline verdict in headless Chromium ({}): 1,000 canteen scans against 20,000 eaters, \
         median {:.2} ms (run medians {:.2}–{:.2}), p99 of the last run {:.2} ms; accepted {}",
        last["user_agent"].as_str().unwrap_or("?"),
        medians[2],
        medians[0],
        medians[4],
        last["p99_ms"].as_f64().unwrap_or(f64::NAN),
        last["accepted"]
    );
    let _ = http.delete(session).send().await;
    let _ = driver.kill();
}
