//! Allocation engine speed and quality (release build, this machine).
//!
//! `cargo bench --bench allocate` — 20,000 guests over 40 hotels and 14 nights (the synthetic
//! event of `engine::synthetic`), seeds 1–5 (or `BENCH_SEED=n` for one). For each run: the
//! engine's time, guests placed and unplaced, hard-rule violations found by the independent
//! checker (must be 0), and the soft penalties next to a plain first-fit greedy's on the same
//! input. Then the medians.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

use std::time::Instant;

use yingbin::hotels::engine::{allocate, first_fit, synthetic, violations, Penalty};

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
    let (mut times, mut ours, mut greedy) = (Vec::new(), Vec::new(), Vec::new());
    for seed in seeds {
        let input = synthetic(20_000, 40, 14, seed);
        let t = Instant::now();
        let plan = allocate(&input);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let broken = violations(&input, &plan.assignments).len();
        let baseline = first_fit(&input);
        let baseline_broken = violations(&input, &baseline.assignments).len();
        println!(
            "seed {seed}: {ms:.0} ms, placed {}, unplaced {}, hard-rule violations {broken}\n  engine    {}\n  first-fit {} (placed {}, violations {baseline_broken})",
            plan.assignments.len(),
            plan.unplaced.len(),
            parts(&plan.penalty),
            parts(&baseline.penalty),
            baseline.assignments.len(),
        );
        assert_eq!(broken, 0, "the engine broke a hard rule");
        times.push(ms);
        ours.push(plan.penalty.total as f64);
        greedy.push(baseline.penalty.total as f64);
    }
    println!(
        "median over {} runs: {:.0} ms; penalty {:.0} (first-fit {:.0})",
        times.len(),
        median(times),
        median(ours),
        median(greedy)
    );
}
