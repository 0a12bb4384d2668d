//! The guest summary on a big event (release build, this machine).
//!
//! `cargo bench --bench summary` — SQLite; with `BENCH_DATABASE_URL` PostgreSQL too.
//! 20,000 guests over 10 designated hotels, a plan proposed, submitted and published (every
//! placed guest has a stay), the zone policy set; 200 guests each with a signed credential
//! (and its queued pass email), 20 gate scans and 5 meals; 100,000 more scans in the log.
//! Timed: `GET /guests/{id}/summary`'s service for those 200 guests and 200 others, as
//! reception (the record, passes, room and roommates, rides, meals, emails, scans and the
//! timeline). Median and p90 of each set.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::Instant;

use diesel::RunQueryDsl;
use serde_json::json;
use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;
use yingbin::hotels::rules::PlanAction;
use yingbin::reception::summary::guest_summary;

const GUESTS: usize = 20_000;
const WITH_PASSES: usize = 200;
const FILLER_SCANS: usize = 100_000;

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Summary-2026!".into());
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

    let gate = support::write(&mut conn, |tx| {
        yingbin::scan::service::create_point(
            tx,
            &admin,
            &yingbin::scan::service::PointRequest {
                code: Some("G-A".into()),
                name: "主场馆东门".into(),
                kind: Some("person_gate".into()),
                zone: Some("A".into()),
                session_id: None,
                target: None,
            },
        )
    })
    .expect("gate");

    // The guests with a card, their scans and meals.
    let all = yingbin::guests::matching_guest_ids(&mut conn, &Default::default()).expect("ids");
    let chosen: Vec<i64> = all.iter().copied().step_by(97).take(WITH_PASSES).collect();
    let others: Vec<i64> = all
        .iter()
        .copied()
        .skip(13)
        .step_by(89)
        .filter(|id| !chosen.contains(id))
        .take(WITH_PASSES)
        .collect();
    let photo = image_bytes();
    let t = Instant::now();
    for (i, id) in chosen.iter().enumerate() {
        support::write(&mut conn, |tx| {
            yingbin::guests::service::put_photo(tx, &admin, *id, photo.clone())
        })
        .expect("photo");
        let pass = support::write(&mut conn, |tx| {
            yingbin::passes::service::request_credential(
                tx,
                &admin,
                *id,
                &[],
                start - chrono::Duration::days(1),
                start + chrono::Duration::days(10),
                tz,
            )
        })
        .expect("credential");
        support::write(&mut conn, |tx| {
            yingbin::passes::service::approve(tx, &admin, &[pass.id], tz)
        })
        .expect("approve");
        support::write(&mut conn, |tx| {
            let base = yingbin::time::now_utc() - chrono::Duration::days(3);
            for k in 0..20i64 {
                scan_row(
                    tx,
                    gate.id,
                    Some(pass.id),
                    base + chrono::Duration::minutes(k * 97 + i as i64),
                )?;
            }
            for d in 0..5i64 {
                yingbin::meals::insert_use(
                    tx,
                    &format!("g{id}"),
                    start + chrono::Duration::days(d),
                    "lunch",
                    1,
                    false,
                    base + chrono::Duration::days(d),
                )?;
            }
            Ok(())
        })
        .expect("scans and meals");
    }
    support::write(&mut conn, |tx| {
        let base = yingbin::time::now_utc() - chrono::Duration::days(5);
        for k in 0..FILLER_SCANS {
            scan_row(
                tx,
                gate.id,
                None,
                base + chrono::Duration::seconds(k as i64 * 3),
            )?;
        }
        Ok(())
    })
    .expect("filler scans");
    println!(
        "{label}: setup: {WITH_PASSES} cards with scans and meals, {FILLER_SCANS} more scans in {:.0} s",
        t.elapsed().as_secs_f64()
    );

    let reception = user(Role::Reception);
    for (what, ids) in [
        ("with a card, scans, meals and an email", &chosen),
        ("without a card", &others),
    ] {
        // One untimed pass warms the caches a running server has warm.
        for id in ids.iter().take(5) {
            guest_summary(&mut conn, &reception, *id, tz).expect("summary");
        }
        let mut times = Vec::with_capacity(ids.len());
        let mut filled = 0;
        for id in ids.iter() {
            let t = Instant::now();
            let s = guest_summary(&mut conn, &reception, *id, tz).expect("summary");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if !s.passes.is_empty() && (s.room.stay.is_some() || s.room.planned.is_some()) {
                filled += 1;
            }
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let p90 = times[times.len() * 9 / 10];
        println!(
            "{label}: guest summary on {GUESTS} guests with a published plan, {what}: \
             median {median:.2} ms, p90 {p90:.2} ms over {} guests ({filled} with a pass and a room)",
            times.len()
        );
    }
}

fn scan_row(
    tx: &mut yingbin::db::Tx,
    point_id: i64,
    pass_id: Option<i64>,
    at: chrono::NaiveDateTime,
) -> Result<(), yingbin::error::AppError> {
    diesel::insert_into(yingbin::db::schema::scans::table)
        .values(&yingbin::scan::NewScan {
            at,
            point_id,
            user_id: 1,
            device: None,
            nonce: None,
            pass_id,
            serial: pass_id.map(|_| 1),
            verdict: if pass_id.is_some() {
                "accept"
            } else {
                "reject"
            },
            reason: if pass_id.is_some() {
                None
            } else {
                Some("malformed")
            },
            response: "{}",
        })
        .execute(&mut **tx)?;
    Ok(())
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
    support::on_each_backend("summary", bench);
}
