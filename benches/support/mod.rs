//! What the benchmarks share: one run on a fresh SQLite file and, when
//! `BENCH_DATABASE_URL` names a PostgreSQL server, one on a fresh database there (dropped after).
#![allow(clippy::expect_used)] // benchmark code: a panic is a failed run
#![allow(dead_code)] // each benchmark uses what it needs

use diesel::{Connection, RunQueryDsl};

/// Runs `bench(label, database_url)` on each backend; only under `cargo bench`.
pub fn on_each_backend(name: &str, bench: impl Fn(&str, &str)) {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    bench("SQLite", &dir.path().join("bench.db").to_string_lossy());
    if let Ok(base) = std::env::var("BENCH_DATABASE_URL") {
        let db = format!("bench_{name}_{}", std::process::id());
        let mut admin = diesel::PgConnection::establish(&base).expect("postgres");
        diesel::sql_query(format!("CREATE DATABASE {db}"))
            .execute(&mut admin)
            .expect("create");
        let url = format!(
            "{}/{db}",
            base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
        );
        bench("PostgreSQL", &url);
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            .execute(&mut admin);
    }
}

/// Runs a change in one write transaction, as a request would.
pub fn write<T>(
    conn: &mut yingbin::db::PooledConn,
    f: impl FnOnce(&mut yingbin::db::Tx) -> Result<T, yingbin::error::AppError>,
) -> Result<T, yingbin::error::AppError> {
    yingbin::db::write_tx(conn, yingbin::time::now_utc(), f)
}
