//! Scan and issuing speed (release build, this machine).
//!
//! `cargo bench --bench scan` — SQLite; with `BENCH_DATABASE_URL=postgres://…/test` PostgreSQL
//! too (a fresh database is made next to the one named).
//! `BENCH_ONLY=issue|scan|canteen` runs one part; canteen is the scan run at a canteen.
//! `BENCH_POOL=n` sets the service's connection pool (default 8).
//!
//! 1. Issuing: 10,000 credentials approved (signed) and each QR rendered as PNG.
//! 2. Scanning: the real server on 127.0.0.1, `wrk` with 32 connections posting scans of 1,000
//!    different credentials at a person gate for 10 s, three runs; verdict + log write per
//!    request. The load tool runs on the same two cores as the server.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

mod support;

use std::collections::HashMap;
use std::io::Cursor;
use std::process::Command;
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;

const ISSUE: usize = 10_000;
const SCAN_TOKENS: usize = 1_000;
const ADMIN_PASSWORD: &str = "Bench-Gate-2026!";

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_BIND", "127.0.0.1:0".into());
    env.insert("YINGBIN_ADMIN_PASSWORD", ADMIN_PASSWORD.into());
    env.insert("YINGBIN_WORKERS", "2".into());
    env.insert(
        "YINGBIN_DB_POOL",
        std::env::var("BENCH_POOL").unwrap_or("8".into()),
    );
    // The approved passes' emails would be rendered and sent during the first run: scanning
    // is what is measured here.
    env.insert("YINGBIN_MAIL_WORKER", "false".into());
    Settings::from_lookup(|k| env.get(k).cloned()).expect("settings")
}

fn jpeg() -> Vec<u8> {
    let img = image::ImageBuffer::from_fn(450, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    yingbin::guests::photo::normalize(&out.into_inner()).expect("jpeg")
}

/// Guests with photos and ID numbers, and one requested credential each; returns pass ids.
fn prepare(url: &str, n: usize) -> (Settings, yingbin::db::DbPool, Vec<i64>) {
    let settings = settings(url);
    let (pool, _) = yingbin::prepare_database(&settings).expect("db");
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
        tz: settings.timezone,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let csv = yingbin::demo::demo_csv(
        n,
        99,
        chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date"),
    );
    yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    let photo = jpeg();
    let ids = yingbin::guests::matching_guest_ids(&mut conn, &Default::default()).expect("ids");
    support::write(&mut conn, |c| {
        for id in &ids {
            yingbin::guests::upsert_photo(
                c,
                &yingbin::guests::GuestPhoto {
                    guest_id: *id,
                    jpeg: photo.clone(),
                    sha256: format!("{:08x}{}", id, "0".repeat(56)),
                    updated_at: yingbin::time::now_utc(),
                },
            )?;
        }
        Ok(())
    })
    .expect("photos");
    let zone = yingbin::passes::catalog::ZoneRequest {
        code: Some("A".into()),
        name: "主场馆".into(),
        name_en: None,
        color: None,
    };
    support::write(&mut conn, |tx| {
        yingbin::passes::catalog::create_zone(tx, &admin, &zone)
    })
    .expect("zone");
    let today = chrono::Utc::now()
        .with_timezone(&settings.timezone)
        .date_naive();
    support::write(&mut conn, |tx| {
        yingbin::passes::service::request_credentials_bulk(
            tx,
            &admin,
            Default::default(),
            &["A".into()],
            today,
            today + chrono::Duration::days(10),
        )
    })
    .expect("bulk");
    let filter = yingbin::passes::PassFilter::default();
    let (_, passes) =
        yingbin::passes::list_passes(&mut conn, &filter, None, i64::MAX, 0).expect("passes");
    (
        settings,
        pool.clone(),
        passes.iter().map(|p| p.id).collect(),
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn bench_issue(label: &str, url: impl Fn() -> String) {
    let mut times = Vec::new();
    for _ in 0..3 {
        let (settings, pool, ids) = prepare(&url(), ISSUE);
        let mut conn = pool.get().expect("conn");
        let admin = CurrentUser {
            id: 1,
            username: "admin".into(),
            role: Role::Admin,
            scope: None,
            token_hash: String::new(),
        };
        let start = Instant::now();
        let out = support::write(&mut conn, |tx| {
            yingbin::passes::service::approve(tx, &admin, &ids, settings.timezone)
        })
        .expect("approve");
        assert_eq!(out.approved, ISSUE, "{:?}", out.incomplete.first());
        let signed = start.elapsed().as_secs_f64();
        let filter = yingbin::passes::PassFilter::default();
        let (_, passes) =
            yingbin::passes::list_passes(&mut conn, &filter, None, i64::MAX, 0).expect("passes");
        // The QR images are rendered as the print pages fetch them: by both workers at once.
        let bytes: usize = std::thread::scope(|s| {
            let halves: Vec<_> = passes
                .chunks(passes.len().div_ceil(2))
                .map(|half| {
                    s.spawn(move || {
                        half.iter()
                            .map(|p| {
                                yingbin::passes::qr::png(p.token.as_deref().expect("token"), 400)
                                    .expect("qr")
                                    .len()
                            })
                            .sum::<usize>()
                    })
                })
                .collect();
            halves.into_iter().map(|h| h.join().expect("render")).sum()
        });
        let secs = start.elapsed().as_secs_f64();
        println!(
            "  run: {secs:.2} s (approve and sign {signed:.2} s; {} QR PNGs, {:.1} MB)",
            passes.len(),
            bytes as f64 / 1e6
        );
        times.push(secs);
    }
    println!(
        "{label}: issue {ISSUE} credentials (approve + sign + QR PNG): median {:.2} s",
        median(times)
    );
}

/// Scans at a person gate, or (`canteen`) at a canteen serving lunch all day where everyone
/// may eat: each credential is accepted once, then every scan is an `already_used` verdict —
/// both paths claim the meal in the log transaction.
fn bench_scan(label: &str, url: &str, canteen: bool) {
    let (settings, pool, ids) = prepare(url, SCAN_TOKENS);
    let mut conn = pool.get().expect("conn");
    let admin = CurrentUser {
        id: 1,
        username: "admin".into(),
        role: Role::Admin,
        scope: None,
        token_hash: String::new(),
    };
    support::write(&mut conn, |tx| {
        yingbin::passes::service::approve(tx, &admin, &ids, settings.timezone)
    })
    .expect("approve");
    let point = if canteen {
        use yingbin::meals::{self, catalog};
        support::write(&mut conn, |tx| {
            catalog::create_point(
                tx,
                &admin,
                &meals::PointResponse {
                    code: "MAIN".into(),
                    name: "主场馆餐厅".into(),
                    seats: 500,
                    ..Default::default()
                },
            )
        })
        .expect("dining point");
        let all_day = [meals::WindowEntry {
            service: "lunch".into(),
            start: "00:00".into(),
            end: "24:00".into(),
        }];
        support::write(&mut conn, |tx| {
            catalog::set_point_windows(tx, &admin, "MAIN", &all_day)
        })
        .expect("windows");
        let anywhere: Vec<catalog::MealPolicyEntry> =
            ["vip", "entourage", "journalist", "staff", "delegate"]
                .iter()
                .map(|c| catalog::MealPolicyEntry {
                    category: c.to_string(),
                    mode: "any".into(),
                    services: vec!["lunch".into()],
                })
                .collect();
        support::write(&mut conn, |tx| catalog::set_policy(tx, &admin, &anywhere)).expect("policy");
        yingbin::scan::service::PointRequest {
            code: Some("G1".into()),
            name: "主场馆餐厅".into(),
            kind: Some("canteen".into()),
            zone: None,
            session_id: None,
            target: Some("MAIN".into()),
            offline_max_age_minutes: None,
        }
    } else {
        yingbin::scan::service::PointRequest {
            code: Some("G1".into()),
            name: "1号门".into(),
            kind: Some("person_gate".into()),
            zone: Some("A".into()),
            session_id: None,
            target: None,
            offline_max_age_minutes: None,
        }
    };
    support::write(&mut conn, |tx| {
        yingbin::scan::service::create_point(tx, &admin, &point)
    })
    .expect("point");
    let filter = yingbin::passes::PassFilter::default();
    let (_, passes) =
        yingbin::passes::list_passes(&mut conn, &filter, None, i64::MAX, 0).expect("passes");
    let tokens: Vec<String> = passes.iter().filter_map(|p| p.token.clone()).collect();
    drop(conn);

    let app = yingbin::Application::build(settings, pool.clone()).expect("app");
    let port = app.port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(app.run_until_stopped()));
    std::thread::sleep(Duration::from_millis(300));
    let login = Command::new("curl")
        .args([
            "-s",
            "-X",
            "POST",
            &format!("http://127.0.0.1:{port}/api/v1/auth/login"),
            "-H",
            "Content-Type: application/json",
            "-d",
        ])
        .arg(format!(
            r#"{{"username":"admin","password":"{ADMIN_PASSWORD}"}}"#
        ))
        .output()
        .expect("curl");
    let body: serde_json::Value = serde_json::from_slice(&login.stdout).expect("login json");
    let bearer = body["token"].as_str().expect("token").to_string();

    let script = std::env::temp_dir().join(format!("yingbin-scan-{}.lua", std::process::id()));
    let list = tokens
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    std::fs::write(
        &script,
        format!(
            "tokens = {{\n{list}\n}}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n  local t = tokens[(counter % #tokens) + 1]\n  return wrk.format(\"POST\", \"/api/v1/scans\", {{[\"Content-Type\"] = \"application/json\", [\"Authorization\"] = \"Bearer {bearer}\"}}, '{{\"payload\":\"' .. t .. '\",\"point\":\"G1\"}}')\nend\n"
        ),
    )
    .expect("lua");
    let mut rates = Vec::new();
    let mut p99s = Vec::new();
    let mut cpu_per_verdict = Vec::new();
    for run in 0..3 {
        // The server runs in this process (wrk in its own): this process's CPU time over the
        // run is the server's.
        let cpu_before = process_cpu_seconds();
        let out = Command::new("wrk")
            .args(["-t2", "-c32", "-d10s", "--latency", "-s"])
            .arg(&script)
            .arg(format!("http://127.0.0.1:{port}/"))
            .output()
            .expect("wrk (apt-get install wrk)");
        let text = String::from_utf8_lossy(&out.stdout);
        let rate: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("Requests/sec:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0.0);
        let p99 = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("99%"))
            .map(|v| parse_ms(v.trim()))
            .unwrap_or(f64::NAN);
        let p50 = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("50%"))
            .map(|v| parse_ms(v.trim()))
            .unwrap_or(f64::NAN);
        let non2xx = text
            .lines()
            .find(|l| l.contains("Non-2xx"))
            .unwrap_or("")
            .trim()
            .to_string();
        let cpu = process_cpu_seconds() - cpu_before;
        let requests: f64 = text
            .lines()
            .find(|l| l.contains("requests in"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(f64::NAN);
        let per = cpu * 1000.0 / requests;
        println!("  run {run}: {rate:.0} verdicts/s, p50 {p50:.2} ms, p99 {p99:.2} ms, server CPU {per:.3} ms per verdict {non2xx}");
        rates.push(rate);
        p99s.push(p99);
        cpu_per_verdict.push(per);
    }
    let mut conn = pool.get().expect("conn");
    let (logged, _) = yingbin::scan::list_scans(&mut conn, &Default::default(), 0, 0).expect("log");
    let what = if canteen {
        "canteen scans (meal claimed in the log transaction)"
    } else {
        "scans"
    };
    println!("{label}: {what} at 32 connections: median {:.0} verdicts/s, median p99 {:.2} ms, median server CPU {:.3} ms per verdict ({logged} scans logged)", median(rates), median(p99s), median(cpu_per_verdict));
    let _ = std::fs::remove_file(script);
}

/// User and system CPU seconds this process has used (Linux: /proc/self/stat, in clock ticks).
fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime: the 14th and 15th fields of the line.
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    let per_second = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(100.0);
    ticks / per_second
}

fn parse_ms(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => n,
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dirs: std::cell::RefCell<Vec<tempfile::TempDir>> = Default::default();
    let sqlite_url = || {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("bench.db").to_string_lossy().into_owned();
        dirs.borrow_mut().push(dir);
        path
    };
    // BENCH_ONLY=issue, scan or canteen runs one part.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only == part;
    if run("issue") {
        bench_issue("SQLite", sqlite_url);
    }
    if run("scan") {
        bench_scan("SQLite", &sqlite_url(), false);
    }
    if run("canteen") {
        bench_scan("SQLite", &sqlite_url(), true);
    }
    if let Ok(base) = std::env::var("BENCH_DATABASE_URL") {
        let made: std::cell::RefCell<Vec<String>> = Default::default();
        let pg_url = || {
            let name = format!("bench_scan_{}_{}", std::process::id(), made.borrow().len());
            let mut admin = diesel::PgConnection::establish(&base).expect("postgres");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create");
            made.borrow_mut().push(name.clone());
            format!(
                "{}/{name}",
                base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
            )
        };
        if run("issue") {
            bench_issue("PostgreSQL", pg_url);
        }
        if run("scan") {
            bench_scan("PostgreSQL", &pg_url(), false);
        }
        if run("canteen") {
            bench_scan("PostgreSQL", &pg_url(), true);
        }
        // Leave the server as it was: drop the databases made for the runs.
        if let Ok(mut admin) = diesel::PgConnection::establish(&base) {
            for name in made.borrow().iter() {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}
