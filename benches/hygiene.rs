//! Roster speed (release build, this machine).
//!
//! `cargo bench --bench hygiene` — SQLite; with `BENCH_DATABASE_URL=postgres://…/test`
//! PostgreSQL too. 60 dining points serving breakfast, lunch, dinner and a night snack
//! (22:00–24:00), raw food an hour ahead; 150 inspectors, at most 13 hours a day (a point's four
//! windows with their lead times take 13 hours, so one inspector can stay the day), an hour's rest
//! between shifts, 30 minutes between points. The roster for 14 days (60 × 14 × 4 windows, two
//! inspectors each) is generated through the service — read, plan, write — five times; the
//! median, with the shifts made and the gaps left (must be 0), and the rules checked.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::Instant;

use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Hygiene-2026!".into());
    Settings::from_lookup(|k| env.get(k).cloned()).expect("settings")
}

fn bench(label: &str, url: &str) {
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
    use yingbin::hygiene::service;
    use yingbin::meals::{self, catalog};
    let w = |s: &str, a: &str, b: &str| meals::WindowEntry {
        service: s.into(),
        start: a.into(),
        end: b.into(),
    };
    support::write(&mut conn, |tx| {
        catalog::set_default_windows(
            tx,
            &admin,
            &[
                w("breakfast", "06:30", "09:00"),
                w("lunch", "11:30", "13:30"),
                w("dinner", "17:30", "20:00"),
                w("night_snack", "22:00", "24:00"),
            ],
        )
    })
    .expect("windows");
    for i in 0..60 {
        support::write(&mut conn, |tx| {
            catalog::create_point(
                tx,
                &admin,
                &meals::PointResponse {
                    code: format!("P{i:02}"),
                    name: format!("餐厅{i}"),
                    seats: 300,
                    ..Default::default()
                },
            )
        })
        .expect("point");
    }
    for i in 0..150 {
        support::write(&mut conn, |tx| {
            service::save_inspector(
                tx,
                &admin,
                None,
                &service::Inspector {
                    name: format!("检查员{i}"),
                    unit: "卫生监督所".into(),
                    certificate_no: format!("WS-{i:04}"),
                    ..Default::default()
                },
            )
        })
        .expect("inspector");
    }
    let rules = service::HygieneSettings {
        max_minutes_per_day: 780,
        min_rest_minutes: 60,
        travel_minutes: 30,
        lead_minutes: 60,
        point_leads: Default::default(),
    };
    support::write(&mut conn, |tx| service::set_settings(tx, &admin, &rules)).expect("settings");
    let start = chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date");
    let days = (start, start + chrono::Duration::days(13));
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = support::write(&mut conn, |tx| {
            service::generate(tx, &admin, days, settings.timezone)
        })
        .expect("generate");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(r);
    }
    let r = last.expect("a run");
    let cells = service::coverage(&mut conn, days, settings.timezone).expect("coverage");
    let gaps = cells.iter().filter(|c| c.on_duty < c.need).count();
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: roster for {} windows (60 points × 14 days × 4 services), 150 inspectors: {} shifts, {} gaps ({gaps} windows short on the coverage view){}: median {:.0} ms (min {:.0}, max {:.0}) over 5",
        cells.len(),
        r.shifts,
        r.gaps,
        r.too_few.map(|t| format!(", {}", t.message)).unwrap_or_default(),
        times[2],
        times[0],
        times[4]
    );
}

fn main() {
    support::on_each_backend("hygiene", bench);
}
