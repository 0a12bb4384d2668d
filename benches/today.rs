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

use std::time::Instant;

use yingbin::reception::today::today;

const GUESTS: usize = 20_000;
const REQUESTED: usize = 400;
const RUNS: usize = 40;

fn bench(label: &str, url: &str) {
    let support::Event {
        pool,
        admin,
        tz,
        start,
    } = support::published_event(label, url, GUESTS);
    let mut conn = pool.get().expect("conn");

    // The next draft: its unplaced list is what the dashboard counts.
    support::write(&mut conn, |tx| {
        yingbin::hotels::plans::propose(tx, &admin, tz)
    })
    .expect("draft");

    let all = yingbin::guests::matching_guest_ids(&mut conn, &Default::default()).expect("ids");
    let photo = support::image_bytes();
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

fn main() {
    support::on_each_backend("today", bench);
}
