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

use std::time::Instant;

use serde_json::json;
use std::collections::HashMap;
use yingbin::arrangements::change::{self, Ctx};

const GUESTS: usize = 20_000;
const CHANGES: usize = 40;

fn bench(label: &str, url: &str) {
    let support::Event {
        pool,
        admin,
        tz,
        start,
    } = support::published_event(label, url, GUESTS);
    let mut conn = pool.get().expect("conn");

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
    let photo = support::image_bytes();
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

fn main() {
    support::on_each_backend("arrangements", bench);
}
