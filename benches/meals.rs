//! Kitchen forecast speed (release build, this machine).
//!
//! `cargo bench --bench meals` — SQLite; with `BENCH_DATABASE_URL=postgres://…/test`
//! PostgreSQL too. 20,000 guests (the demo's mix, stays of 7–10 nights), 60 dining points
//! (every fifth at a hotel hosting journalists, so with a night snack), each guest but
//! journalists designated a point, a day of breakfasts eaten; then the forecast for all points
//! over 14 days and 4 services (60 × 14 × 4 cells), five times; the median.
//! Canteen verdict throughput is measured by `BENCH_ONLY=canteen cargo bench --bench scan`.
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
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Meals-2026!".into());
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
    let actor = admin.actor();
    let start = chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date");
    let ctx = yingbin::guests::import::ImportContext {
        actor: &actor,
        scope_department: None,
        tz: settings.timezone,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let csv = yingbin::demo::demo_csv(20_000, 11, start);
    yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    use yingbin::meals::{self, catalog, kitchen};
    support::write(&mut conn, |tx| {
        yingbin::hotels::catalog::create_hotel(
            tx,
            &admin,
            &serde_json::json!({"code": "PRESS", "name": "新闻大厦", "categories": ["journalist"]}),
        )
    })
    .expect("hotel");
    for i in 0..60 {
        let hotel = (i % 5 == 0).then(|| "PRESS".to_string());
        support::write(&mut conn, |tx| {
            catalog::create_point(
                tx,
                &admin,
                &meals::PointResponse {
                    code: format!("P{i:02}"),
                    name: format!("餐厅{i}"),
                    hotel,
                    seats: 400,
                    halal: i % 4 == 0,
                    ..Default::default()
                },
            )
        })
        .expect("point");
    }
    let cat = catalog::MealCatalog::load(&mut conn).expect("catalog");
    let guests = meals::list_meal_guests(&mut conn).expect("guests");
    support::write(&mut conn, |c| {
        for g in &guests {
            if g.category.as_deref() != Some("journalist") {
                meals::set_guest_point(c, g.id, Some(cat.points[g.id as usize % 60].id))?;
            }
            meals::insert_use(
                c,
                &format!("g{}", g.id),
                start,
                "breakfast",
                cat.points[g.id as usize % 60].id,
                g.halal,
                chrono::Utc::now().naive_utc(),
            )?;
        }
        Ok(())
    })
    .expect("points");
    let mut times = Vec::new();
    let mut cells = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let cat = catalog::MealCatalog::load(&mut conn).expect("catalog");
        let rows = kitchen::forecast(
            &mut conn,
            &cat,
            (start, start + chrono::Duration::days(13)),
            None,
            settings.timezone,
        )
        .expect("forecast");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        cells = rows.len();
    }
    times.sort_by(f64::total_cmp);
    println!("{label}: forecast of {cells} point-day-service cells for 20,000 guests: median {:.0} ms (min {:.0}, max {:.0}) over 5", times[2], times[0], times[4]);
}

fn main() {
    support::on_each_backend("meals", bench);
}
