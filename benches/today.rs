//! Today at a glance on a big event (release build, this machine).
//!
//! `cargo bench --bench today` — SQLite; with `BENCH_DATABASE_URL` PostgreSQL too.
//! 20,000 guests (the demo's mix of hubs, flights and days) over 10 designated hotels, a plan
//! proposed, submitted and published (every placed guest has a stay, so check-ins are due), then
//! a new draft proposed (its unplaced list counts); 400 credentials requested, half of their
//! guests with a photo; nobody met at any hub. Timed: `GET /reception/today`'s service at noon
//! of each of the event's first four days — the busiest arrival days, with up to 50 unmet
//! flights listed. Median and p90.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::Instant;

use serde_json::json;
use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;
use yingbin::hotels::rules::PlanAction;
use yingbin::reception::today::today;

const GUESTS: usize = 20_000;
const REQUESTED: usize = 400;
const RUNS: usize = 40;

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Today-2026!".into());
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
    let tz = settings.timezone;
    let start = chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date");
    let ctx = yingbin::guests::import::ImportContext {
        actor: &actor,
        scope_department: None,
        tz,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let csv = yingbin::demo::demo_csv(GUESTS, 11, start);
    yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    use yingbin::hotels::{catalog, plans};
    for h in 0..10 {
        let code = format!("H{h}");
        let categories = match h {
            0 => json!(["vip", "entourage"]),
            1 | 2 => json!(["journalist"]),
            _ => json!(["staff", "delegate"]),
        };
        support::write(&mut conn, |tx| {
            catalog::create_hotel(
                tx,
                &admin,
                &json!({"code": code, "name": code, "halal": h % 3 == 0,
                        "venue_minutes": 10 + h * 3, "categories": categories}),
            )
        })
        .expect("hotel");
        for (room_type, rooms) in [
            ("twin", 1100),
            ("single", 250),
            ("suite", 40),
            ("accessible", 20),
        ] {
            support::write(&mut conn, |tx| {
                catalog::create_block(
                    tx,
                    &admin,
                    &code,
                    &catalog::RoomsRequest {
                        room_type: Some(room_type.into()),
                        nights_from: Some(start - chrono::Duration::days(2)),
                        nights_to: Some(start + chrono::Duration::days(14)),
                        rooms: Some(rooms),
                        rate: Some(420.0),
                        reason: None,
                    },
                )
            })
            .expect("block");
        }
    }
    for (code, name) in [("A", "主场馆"), ("B", "新闻中心"), ("C", "运动员村")] {
        support::write(&mut conn, |tx| {
            yingbin::passes::catalog::create_zone(
                tx,
                &admin,
                &yingbin::passes::catalog::ZoneRequest {
                    code: Some(code.into()),
                    name: name.into(),
                    name_en: None,
                    color: None,
                },
            )
        })
        .expect("zone");
    }
    let policy = [
        ("delegate", ["A", "C"]),
        ("journalist", ["A", "B"]),
        ("staff", ["A", "C"]),
        ("vip", ["A", "B"]),
        ("entourage", ["A", "C"]),
    ]
    .map(|(c, z)| yingbin::passes::follow::ZonePolicyEntry {
        category: c.into(),
        zones: z.iter().map(|s| s.to_string()).collect(),
    });
    support::write(&mut conn, |tx| {
        yingbin::passes::follow::set_zone_policy(tx, &admin, &policy)
    })
    .expect("policy");
    let t = Instant::now();
    let plan = support::write(&mut conn, |tx| plans::propose(tx, &admin, tz)).expect("propose");
    println!(
        "{label}: setup: plan proposed in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
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

    // The next draft: its unplaced list is what the dashboard counts.
    support::write(&mut conn, |tx| plans::propose(tx, &admin, tz)).expect("draft");

    let all = yingbin::guests::matching_guest_ids(&mut conn, &Default::default()).expect("ids");
    let photo = image_bytes();
    for (i, id) in all.iter().copied().step_by(41).take(REQUESTED).enumerate() {
        if i % 2 == 0 {
            support::write(&mut conn, |tx| {
                yingbin::guests::service::put_photo(tx, &admin, id, photo.clone())
            })
            .expect("photo");
        }
        support::write(&mut conn, |tx| {
            yingbin::passes::service::request_credential(
                tx,
                &admin,
                id,
                &[],
                start - chrono::Duration::days(1),
                start + chrono::Duration::days(10),
                tz,
            )
        })
        .expect("credential");
    }

    for offset in 0..4 {
        let noon = yingbin::time::to_utc(
            tz,
            (start + chrono::Duration::days(offset))
                .and_hms_opt(12, 0, 0)
                .expect("noon"),
        );
        let day = today(&mut conn, noon, tz).expect("today");
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            today(&mut conn, noon, tz).expect("today");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let p90 = times[times.len() * 9 / 10];
        println!(
            "{label}: today at a glance on {GUESTS} guests, {}: median {median:.2} ms, p90 {p90:.2} ms \
             over {RUNS} runs ({} arriving, {} leaving, {} not met on {} flights, {} check-ins due, \
             {} unplaced, {} + {} passes waiting)",
            start + chrono::Duration::days(offset),
            day.days[0].arrivals.count,
            day.days[0].departures.count,
            day.unmet.count,
            day.unmet.trips.len(),
            day.check_ins.count,
            day.unplaced.count,
            day.passes_waiting_photo.count,
            day.passes_waiting_approval.count,
        );
    }
}

/// A small JPEG the photo rules accept.
fn image_bytes() -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 400, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("jpeg");
    out.into_inner()
}

fn main() {
    support::on_each_backend("today", bench);
}
