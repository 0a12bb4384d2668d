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

use std::time::Instant;

use diesel::RunQueryDsl;
use yingbin::auth::Role;
use yingbin::reception::summary::guest_summary;

const GUESTS: usize = 20_000;
const WITH_PASSES: usize = 200;
const FILLER_SCANS: usize = 100_000;

fn bench(label: &str, url: &str) {
    let support::Event {
        pool,
        admin,
        tz,
        start,
    } = support::published_event(label, url, GUESTS);
    let mut conn = pool.get().expect("conn");

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
                offline_max_age_minutes: None,
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
    let photo = support::image_bytes();
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

    let reception = support::user(Role::Reception);
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
            device_id: None,
            device_verdict: None,
            device_reason: None,
            received_at: None,
        })
        .execute(&mut **tx)?;
    Ok(())
}

/// A small JPEG the photo rules accept.

fn main() {
    support::on_each_backend("summary", bench);
}
