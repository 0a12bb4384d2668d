//! Import speed: 50,000 guest rows into a fresh database, median of 5 runs.
//!
//! `cargo bench --bench import` (SQLite); with `BENCH_DATABASE_URL=postgres://…/test` the same
//! on PostgreSQL (a fresh database per run is created next to the one named).
//! Reports the whole import: decode, parse and validate every row, compare, write, commit.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use yingbin::audit::Actor;
use yingbin::db::{self, DbUrl, PoolOptions};
use yingbin::guests::import::{self, ImportContext};
use yingbin::i18n::Lang;

const ROWS: usize = 50_000;
const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run_once(url: &str, csv: &[u8]) -> (Duration, Duration) {
    let pool = db::open_pool(
        &DbUrl::parse(url).expect("url"),
        &PoolOptions {
            max_size: 2,
            timeout: Duration::from_secs(10),
            create_sqlite: true,
        },
    )
    .expect("pool");
    let mut conn = pool.get().expect("conn");
    db::run_migrations(&mut conn).expect("migrations");
    let actor = Actor::system("bench");
    let tz = chrono_tz::Asia::Shanghai;
    let ctx = ImportContext {
        actor: &actor,
        scope_department: None,
        tz,
        lang: Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let start = Instant::now();
    let report = import::run(&mut conn, &ctx, csv, false, &|_, _| {}).expect("import");
    let first = start.elapsed();
    assert_eq!(
        report.created,
        ROWS,
        "{:?}",
        &report.errors[..report.errors.len().min(3)]
    );
    // The same file again: every row compared, none written.
    let start = Instant::now();
    let again = import::run(&mut conn, &ctx, csv, false, &|_, _| {}).expect("reimport");
    let second = start.elapsed();
    assert_eq!(again.unchanged, ROWS);
    (first, second)
}

fn report(label: &str, runs: Vec<(Duration, Duration)>) {
    let firsts: Vec<Duration> = runs.iter().map(|r| r.0).collect();
    let seconds: Vec<Duration> = runs.iter().map(|r| r.1).collect();
    println!(
        "{label}: import {ROWS} rows into an empty database: median {:.3} s (runs: {:?}); re-import unchanged: median {:.3} s",
        median(firsts.clone()).as_secs_f64(),
        firsts.iter().map(|d| format!("{:.3}", d.as_secs_f64())).collect::<Vec<_>>(),
        median(seconds).as_secs_f64(),
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` must not run the long benchmark.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let csv = yingbin::demo::demo_csv(
        ROWS,
        42,
        chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date"),
    )
    .into_bytes();
    println!("file: {} rows, {:.1} MB", ROWS, csv.len() as f64 / 1e6);

    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bench.db");
        runs.push(run_once(&path.to_string_lossy(), &csv));
    }
    report("SQLite (WAL, synchronous=NORMAL)", runs);

    if let Ok(base) = std::env::var("BENCH_DATABASE_URL") {
        let mut runs = Vec::new();
        for i in 0..RUNS {
            let name = format!("bench_import_{}_{i}", std::process::id());
            let mut admin = diesel::PgConnection::establish(&base).expect("postgres");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create");
            let url = format!(
                "{}/{name}",
                base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
            );
            runs.push(run_once(&url, &csv));
            diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut admin)
                .expect("drop");
        }
        report("PostgreSQL", runs);
    }
}
