//! Arrangement changes on a big event (release build, this machine).
//!
//! `cargo bench --bench arrangements` — SQLite; with `BENCH_DATABASE_URL` PostgreSQL too.
//! 20,000 guests over 10 designated hotels, a plan proposed, submitted and published, the
//! zone policy set and a signed credential for the 40 guests whose category then changes.
//! Timed: one recategorize each (delegate ⇄ journalist: the credential reissued, the room
//! placed again in the next plan revision, rides and meals followed, the message decided),
//! through the same service and one transaction as the API. The first change of a published
//! plan also opens the next revision (copies the plan): reported apart. Median and p90.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::Instant;

use serde_json::json;
use yingbin::arrangements::change::{self, Ctx};
use yingbin::auth::{CurrentUser, Role};
use yingbin::config::Settings;
use yingbin::hotels::rules::PlanAction;

const GUESTS: usize = 20_000;
const CHANGES: usize = 40;

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Changes-2026!".into());
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

    // The guests to change: delegates with a room, each given a signed credential.
    let delegates = yingbin::guests::matching_guest_ids(
        &mut conn,
        &yingbin::guests::GuestFilter {
            category: Some("delegate".into()),
            ..Default::default()
        },
    )
    .expect("ids");
    let chosen: Vec<i64> = delegates.into_iter().step_by(97).take(CHANGES).collect();
    let photo = image_bytes();
    for id in &chosen {
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
    }

    let ctx = Ctx {
        user: &admin,
        tz,
        lang: yingbin::i18n::Lang::En,
        hold: chrono::Duration::seconds(120),
    };
    let mut times = Vec::new();
    let mut first = None;
    let mut actions: HashMap<String, usize> = HashMap::new();
    for (i, id) in chosen.iter().enumerate() {
        let body = json!({"category": "journalist"});
        let body = body.as_object().cloned().expect("object");
        let t = Instant::now();
        let (_, report) =
            support::write(&mut conn, |tx| change::edit(tx, &ctx, *id, &body)).expect("change");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        *actions
            .entry(format!(
                "pass {}, room {}",
                report.pass.action, report.room.action
            ))
            .or_default() += 1;
        if i == 0 {
            first = Some(ms);
        } else {
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p90 = times[times.len() * 9 / 10];
    println!(
        "{label}: recategorize delegate → journalist on {GUESTS} guests with a published plan: \
         median {median:.1} ms, p90 {p90:.1} ms over {} changes; the first (opens the next \
         plan revision) {:.0} ms; outcomes {actions:?}",
        times.len(),
        first.unwrap_or_default()
    );
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
    support::on_each_backend("arrangements", bench);
}
