//! Rooming list speed (release build, this machine).
//!
//! `cargo bench --bench rooming` — SQLite; with `BENCH_DATABASE_URL=postgres://…/test`
//! PostgreSQL too (a fresh database is made next to the one named, and dropped after).
//! One designated hotel holding 1,000 twin rooms and 150 singles; 2,000 guests placed by the
//! engine, the plan submitted and approved (so the bookings exist). Then the real server on
//! 127.0.0.1 is asked for `GET /api/v1/hotels/BIG/rooming-list.csv` 30 times by curl, one at a
//! time; curl's `time_total` (connect to last byte) is the figure. Median and p90 reported.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;
use yingbin::hotels::rules::PlanAction;

const ADMIN_PASSWORD: &str = "Bench-Rooms-2026!";
const GUESTS: usize = 2_000;
const RUNS: usize = 30;

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_BIND", "127.0.0.1:0".into());
    env.insert("YINGBIN_ADMIN_PASSWORD", ADMIN_PASSWORD.into());
    env.insert("YINGBIN_WORKERS", "2".into());
    env.insert("YINGBIN_DB_POOL", "8".into());
    Settings::from_lookup(|k| env.get(k).cloned()).expect("settings")
}

fn user(role: Role) -> CurrentUser {
    CurrentUser {
        id: 1,
        username: "admin".into(),
        role,
        scope: None,
        token_hash: String::new(),
    }
}

fn bench(label: &str, url: &str) {
    let settings = settings(url);
    let (pool, _) = yingbin::prepare_database(&settings).expect("db");
    let mut conn = pool.get().expect("conn");
    let admin = user(Role::Admin);
    let actor = admin.actor();
    let start = chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date");
    let ctx = yingbin::guests::import::ImportContext {
        actor: &actor,
        scope_department: None,
        tz: settings.timezone,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let csv = yingbin::demo::demo_csv(GUESTS, 7, start);
    yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    use yingbin::hotels::{catalog, plans};
    support::write(&mut conn, |tx| {
        catalog::create_hotel(
            tx,
            &admin,
            &serde_json::json!({"code": "BIG", "name": "大酒店", "halal": true, "venue_minutes": 10,
            "categories": ["vip", "entourage", "journalist", "staff", "delegate"]}),
        )
    })
    .expect("hotel");
    for (room_type, rooms) in [
        ("twin", 1000),
        ("single", 150),
        ("accessible", 30),
        ("suite", 80),
    ] {
        support::write(&mut conn, |tx| {
            catalog::create_block(
                tx,
                &admin,
                "BIG",
                &catalog::RoomsRequest {
                    room_type: Some(room_type.into()),
                    nights_from: Some(start - chrono::Duration::days(1)),
                    nights_to: Some(start + chrono::Duration::days(12)),
                    rooms: Some(rooms),
                    rate: Some(450.0),
                    reason: None,
                },
            )
        })
        .expect("block");
    }
    let tz = settings.timezone;
    let plan = support::write(&mut conn, |tx| plans::propose(tx, &admin, tz)).expect("propose");
    support::write(&mut conn, |tx| {
        plans::decide(tx, &admin, plan.id, PlanAction::Submit, None, tz)
    })
    .expect("submit");
    support::write(&mut conn, |tx| {
        plans::decide(
            tx,
            &user(Role::Committee),
            plan.id,
            PlanAction::Approve,
            None,
            tz,
        )
    })
    .expect("approve");
    let big = yingbin::hotels::find_hotel(&mut conn, "BIG")
        .expect("query")
        .expect("hotel");
    let list = yingbin::hotels::rooming::rooming_list(&mut conn, &big, tz).expect("list");
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
        ])
        .args(["-H", "Content-Type: application/json", "-d"])
        .arg(format!(
            r#"{{"username":"admin","password":"{ADMIN_PASSWORD}"}}"#
        ))
        .output()
        .expect("curl");
    let body: serde_json::Value = serde_json::from_slice(&login.stdout).expect("login json");
    let bearer = body["token"].as_str().expect("token").to_string();
    let mut times = Vec::new();
    let mut bytes = 0usize;
    for _ in 0..RUNS {
        let out = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{time_total} %{size_download} %{http_code}",
            ])
            .args(["-H", &format!("Authorization: Bearer {bearer}")])
            .arg(format!(
                "http://127.0.0.1:{port}/api/v1/hotels/BIG/rooming-list.csv"
            ))
            .output()
            .expect("curl");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let mut parts = text.split_whitespace();
        let secs: f64 = parts.next().and_then(|t| t.parse().ok()).expect("time");
        bytes = parts.next().and_then(|t| t.parse().ok()).expect("size");
        assert_eq!(parts.next(), Some("200"), "status");
        times.push(secs * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: rooming list of {} guests ({} rooms held), {bytes} bytes: median {:.1} ms, p90 {:.1} ms over {RUNS} runs",
        list.rows.len(),
        1260,
        times[RUNS / 2],
        times[RUNS * 9 / 10]
    );
}

fn main() {
    support::on_each_backend("rooming", bench);
}
