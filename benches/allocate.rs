//! Allocation engine speed and quality (release build, this machine).
//!
//! `cargo bench --bench allocate` — 20,000 guests over 40 hotels and 14 nights, seeds 1–5 (or
//! `BENCH_SEED=n` for one), two events each:
//! - loose: `engine::synthetic`, every hotel holding ~110 % of its busiest night;
//! - tight: `engine::tight`, the busiest night needing 95–105 % of the rooms held.
//!
//! For each run: the engine's time, guests placed and unplaced, the relaxation's bound (the most
//! the rules could place), hard-rule violations found by the independent checker (must be 0),
//! and the soft penalties next to a plain first-fit greedy's on the same input. Then the medians.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

use std::time::Instant;

use yingbin::hotels::engine::{allocate, first_fit, synthetic, tight, violations, Input, Penalty};

fn parts(p: &Penalty) -> String {
    format!(
        "total {} (split delegations {}, empty bed-nights {}, VIP minutes {}, crowded room-nights {})",
        p.total, p.split_delegations, p.empty_bed_nights, p.vip_minutes, p.crowded_room_nights
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs one kind of event over the seeds; prints each run and the medians.
fn bench(name: &str, seeds: &[u64], make: fn(u64) -> Input) {
    let (mut times, mut ours, mut greedy, mut share) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &seed in seeds {
        let input = make(seed);
        let t = Instant::now();
        let plan = allocate(&input);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let broken = violations(&input, &plan.assignments).len();
        let baseline = first_fit(&input);
        let baseline_broken = violations(&input, &baseline.assignments).len();
        let bound = plan.bound.unwrap_or(input.guests.len());
        println!(
            "{name} seed {seed}: {ms:.0} ms, placed {} of {} guests, bound {bound}, first-fit {}, unplaced {}, hard-rule violations {broken}\n  engine    {}\n  first-fit {} (violations {baseline_broken})",
            plan.assignments.len(),
            input.guests.len(),
            baseline.assignments.len(),
            plan.unplaced.len(),
            parts(&plan.penalty),
            parts(&baseline.penalty),
        );
        assert_eq!(broken, 0, "the engine broke a hard rule");
        times.push(ms);
        ours.push(plan.penalty.total as f64);
        greedy.push(baseline.penalty.total as f64);
        share.push(plan.assignments.len() as f64 * 100.0 / bound.max(1) as f64);
    }
    println!(
        "{name}: median over {} runs: {:.0} ms; placed {:.2} % of the bound; penalty {:.0} (first-fit {:.0})\n",
        times.len(),
        median(times),
        median(share),
        median(ours),
        median(greedy)
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let seeds: Vec<u64> = match std::env::var("BENCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(s) => vec![s],
        None => (1..=5).collect(),
    };
    bench("loose", &seeds, |seed| synthetic(20_000, 40, 14, seed));
    bench("tight", &seeds, |seed| tight(20_000, 40, 14, seed));
}
