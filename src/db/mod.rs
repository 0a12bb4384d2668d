//! Storage: one connection type over SQLite (the embedded default) and PostgreSQL,
//! chosen at run time by the URL's scheme; a pool; migrations; write transactions.
//!
//! SQLite writes take the write lock at `BEGIN IMMEDIATE`: a deferred transaction that
//! reads and then writes can fail with "database is locked" when two upgrade at once.

pub mod schema;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL, for deployments with several instances.
    Postgres(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to the connection of `$conn`'s own backend, for what the
/// two-backend `DbConn` does not do or does slowly: inserts of many rows and `ON CONFLICT`
/// (not supported through it), and the scan path's queries (through it diesel writes a query's
/// SQL out again at every execution to find its prepared statement, where on the backend's own
/// connection it finds it by the query's type: a third of the scan writer's time went to
/// writing SQL out).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgres($c) => $body,
        }
    };
}

/// The connection pool shared by the whole app.
pub type DbPool = Pool<ConnManager>;
/// A connection borrowed from the pool.
pub type PooledConn = PooledConnection<ConnManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Where the database is, parsed from `DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DbUrl {
    /// `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite://path`, `sqlite:path` or a bare
    /// path → SQLite.
    pub fn parse(url: &str) -> Result<DbUrl, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(local_without_tls(url)));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.contains("://") {
            return Err(format!(
                "DATABASE_URL scheme not supported: {url} (use a file path, sqlite://… or postgres://…)"
            ));
        }
        if path.is_empty() || path == ":memory:" {
            return Err("DATABASE_URL must name a SQLite file (an in-memory database would not be shared by the pool)".into());
        }
        Ok(DbUrl::Sqlite(PathBuf::from(path)))
    }

    /// The backend's name, for logs.
    pub fn backend(&self) -> &'static str {
        match self {
            DbUrl::Sqlite(_) => "sqlite",
            DbUrl::Postgres(_) => "postgres",
        }
    }
}

/// A PostgreSQL URL on this machine (loopback or a socket) without an `sslmode` gets
/// `sslmode=disable`: libpq's default `prefer` negotiates TLS even on 127.0.0.1, which costs
/// every short transaction CPU for nothing. A remote host keeps what the URL says (set
/// `sslmode=require` or `verify-full` there: see docs/operations.md).
fn local_without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        return url.to_string();
    }
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[')
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if !matches!(host, "" | "localhost" | "127.0.0.1" | "::1") {
        return url.to_string();
    }
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}sslmode=disable")
}

/// Opens connections by URL scheme and sets SQLite's per-connection PRAGMAs.
///
/// Written by hand because the derived `establish` tries each backend in turn and loses the
/// real error.
#[derive(Debug)]
pub struct ConnManager {
    url: DbUrl,
}

impl ManageConnection for ConnManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match &self.url {
            DbUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // busy_timeout first, so that the others wait instead of failing.
                for pragma in [
                    "PRAGMA busy_timeout = 5000;",
                    "PRAGMA foreign_keys = ON;",
                    "PRAGMA synchronous = NORMAL;",
                    // Read pages through a memory map rather than a pread() call each.
                    "PRAGMA mmap_size = 268435456;",
                    // No checkpoint inside a commit: `checkpointer` does it beside the writers.
                    "PRAGMA wal_autocheckpoint = 0;",
                ] {
                    conn.batch_execute(pragma)
                        .map_err(diesel::r2d2::Error::QueryError)?;
                }
                Ok(DbConn::Sqlite(conn))
            }
            DbUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(diesel::r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// Pool settings.
#[derive(Clone, Debug)]
pub struct PoolOptions {
    /// Connections kept at most.
    pub max_size: u32,
    /// How long a request waits for a connection before answering 503.
    pub timeout: Duration,
    /// Create a missing SQLite file instead of refusing to start.
    pub create_sqlite: bool,
}

/// Opens the pool, preparing the SQLite file (WAL) first.
pub fn open_pool(url: &DbUrl, options: &PoolOptions) -> Result<DbPool, String> {
    if let DbUrl::Sqlite(path) = url {
        if !path.exists() {
            if !options.create_sqlite {
                return Err(format!(
                    "SQLite database {} does not exist (set YINGBIN_CREATE_DATABASE=true to create it)",
                    path.display()
                ));
            }
            tracing::warn!(path = %path.display(), "creating a new, empty SQLite database");
        }
        // WAL is a property of the file: set it once, before the pool opens.
        let mut conn = SqliteConnection::establish(&path.to_string_lossy())
            .map_err(|e| format!("cannot open SQLite database {}: {e}", path.display()))?;
        conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
            .map_err(|e| format!("cannot set WAL on {}: {e}", path.display()))?;
    }
    Pool::builder()
        .max_size(options.max_size)
        // No ping before every checkout (a query per request); a connection that failed is
        // dropped by `has_broken` and the next checkout opens a new one.
        .test_on_check_out(false)
        .connection_timeout(options.timeout)
        .build(ConnManager { url: url.clone() })
        .map_err(|e| format!("cannot connect to the {} database: {e}", url.backend()))
}

/// Copies the SQLite write-ahead log back into the database ten times a second, on a
/// connection of its own. SQLite would otherwise checkpoint inside whichever commit crosses
/// 1,000 pages, and that commit (and every writer queued behind it) would wait for the fsync.
/// A passive checkpoint never blocks readers or writers, and a small one often disturbs the
/// writers less than a large one seldom (measured: scan p99 6.7 ms at 100 ms, 28 ms at 1 s).
///
/// Under a steady stream of writes a passive checkpoint never catches the log's end, so the
/// log never starts over and grows without bound (4 GB in a 30-second scan benchmark). Once
/// it holds more than [`WAL_RESTART_FRAMES`], the checkpointer takes this process's writer
/// turn for the file and checkpoints again: only what was written during the last checkpoint
/// is left to copy, no write comes between, and the next write starts the log from its
/// beginning (SQLite does so when every frame is copied). When the writers pause, even for a
/// moment, the log starts over by itself.
/// The thread ends when the file is gone.
pub fn start_checkpointer(path: PathBuf) -> Result<(), String> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .map_err(|e| format!("cannot open {} for checkpoints: {e}", path.display()))?;
    let writer = sqlite_writer(&mut conn).map_err(|e| format!("checkpointer: {e}"))?;
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while path.exists() {
                std::thread::sleep(Duration::from_millis(100));
                let frames = match checkpoint(&mut conn) {
                    Ok(frames) => frames,
                    Err(e) => {
                        tracing::warn!(error = %e, "WAL checkpoint failed");
                        continue;
                    }
                };
                if frames > WAL_RESTART_FRAMES {
                    catch_up(&mut conn, &path);
                    // Only what was written during the last catching-up checkpoint, and its
                    // fsync, is copied while the writers wait.
                    let _turn = writer.lock().unwrap_or_else(|p| p.into_inner());
                    let started = std::time::Instant::now();
                    if let Err(e) = checkpoint(&mut conn) {
                        tracing::warn!(error = %e, "WAL checkpoint failed");
                    }
                    tracing::debug!(held = ?started.elapsed(), "WAL started over");
                }
            }
        })
        .map(|_| ())
        .map_err(|e| format!("cannot start the checkpointer: {e}"))
}

/// Brings the database file up to the log's end without holding the writers, so that the
/// last copy (with the writers held) has almost nothing to do. Passive checkpoints back to
/// back until one is quick: each copies and fsyncs only the log written during the one
/// before, and the disk flushes faster than the writers write (~500 MB/s here against
/// ~150 MB/s of log at 13,000 scans/s). Then the database file's own fsync: SQLite syncs it
/// only in a checkpoint that reaches the log's end, which under steady writes is the one
/// taken with the writers held, and that fsync flushed everything copied since the last
/// start-over. Measured under the scan benchmark: the writers were held 45–70 ms for each
/// start-over, now 2–12 ms (at most 20).
fn catch_up(conn: &mut SqliteConnection, path: &std::path::Path) {
    let quick = |conn: &mut SqliteConnection| {
        for _ in 0..8 {
            let started = std::time::Instant::now();
            if let Err(e) = checkpoint(conn) {
                tracing::warn!(error = %e, "WAL checkpoint failed");
                return;
            }
            if started.elapsed() < Duration::from_millis(2) {
                return;
            }
        }
    };
    quick(conn);
    if let Err(e) = std::fs::File::open(path).and_then(|f| f.sync_data()) {
        tracing::warn!(error = %e, "database fsync failed");
    }
    quick(conn);
}

/// How long the write-ahead log may grow, in pages, before it is started over: 256 MB. Each
/// start-over holds the writers for a moment, so not too often; a longer log makes every
/// read that misses the cache search more of its index (a 4 GB log cut the scan rate by a
/// sixth).
const WAL_RESTART_FRAMES: i64 = 65_536;

/// Runs a passive checkpoint; returns the frames in the log.
fn checkpoint(conn: &mut SqliteConnection) -> diesel::QueryResult<i64> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Outcome {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        log: i64,
    }
    let outcome: Outcome = diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)?;
    Ok(outcome.log)
}

/// Runs the pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConn) -> Result<(), String> {
    let result = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| format!("migrations failed: {e}"))
}

/// Reverts every migration (used by the up/down/up test).
pub fn revert_all_migrations(conn: &mut DbConn) -> Result<(), String> {
    let result = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| format!("reverting migrations failed: {e}"))
}

/// SQLite has one writer at a time per database file. Writers of this process queue on that
/// file's mutex, which wakes the next one the moment the last commits, instead of in SQLite's
/// busy handler, which sleeps 1, 2, 5, 10… ms between tries and turns contention into long
/// tail latency. One mutex per file, not per process: a process with two databases (the test
/// suite runs dozens) must not make one wait for the other's writes.
static SQLITE_WRITERS: LazyLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> =
    LazyLock::new(Default::default);

/// The writers' mutex of the file this connection has open.
fn sqlite_writer(c: &mut SqliteConnection) -> diesel::QueryResult<Arc<Mutex<()>>> {
    use diesel::RunQueryDsl;
    let file: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
        "(SELECT file FROM pragma_database_list WHERE name = 'main')",
    ))
    .get_result(c)?;
    let mut writers = SQLITE_WRITERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Ok(writers.entry(file).or_default().clone())
}

/// A connection inside a write transaction, with the one clock reading the transaction uses.
///
/// Services that change anything take `&mut Tx`: the caller (a handler, a use case that spans
/// domains, a job) opened the transaction with [`write_tx`] and read the clock once, so use
/// cases compose into one transaction and agree on `now`. A `Tx` derefs to the connection
/// for queries, but cannot begin another transaction: [`write_tx`] takes only a pooled
/// connection, which a `Tx` is not — nesting is a compile error, not a deadlock.
pub struct Tx<'c> {
    conn: &'c mut DbConn,
    now: chrono::NaiveDateTime,
}

impl Tx<'_> {
    /// The instant this transaction acts at (UTC, microseconds), read once by its caller.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.now
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        self.conn
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.conn
    }
}

/// Runs `f` in a write transaction acting at `now`: `BEGIN IMMEDIATE` on SQLite (so it can't
/// deadlock on upgrade), a plain transaction on PostgreSQL. Any `Err` rolls everything back.
pub fn write_tx<T, E, F>(conn: &mut PooledConn, now: chrono::NaiveDateTime, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Tx) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let writer = writer_of(conn)?;
    in_transaction(conn, writer, now, f, Ending::Commit)
}

/// Runs `f` exactly as [`write_tx`] would, then rolls back whatever it wrote: a dry run. A
/// preview of a change is the change itself, not committed — never a second implementation.
pub fn rehearse<T, E, F>(conn: &mut PooledConn, now: chrono::NaiveDateTime, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Tx) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let writer = writer_of(conn)?;
    in_transaction(conn, writer, now, f, Ending::Rollback)
}

/// The writers' mutex of a pooled SQLite connection's file, found once per connection and
/// kept with it (finding it is a query).
fn writer_of(conn: &mut PooledConn) -> diesel::QueryResult<Option<Arc<Mutex<()>>>> {
    if let Some(writer) = PooledConnection::extensions(conn).get::<Arc<Mutex<()>>>() {
        return Ok(Some(writer.clone()));
    }
    let DbConn::Sqlite(c) = &mut **conn else {
        return Ok(None);
    };
    let writer = sqlite_writer(c)?;
    PooledConnection::extensions_mut(conn).insert(writer.clone());
    Ok(Some(writer))
}

#[derive(PartialEq)]
enum Ending {
    Commit,
    Rollback,
}

fn in_transaction<T, E, F>(
    conn: &mut DbConn,
    writer: Option<Arc<Mutex<()>>>,
    now: chrono::NaiveDateTime,
    f: F,
    ending: Ending,
) -> Result<T, E>
where
    F: FnOnce(&mut Tx) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let _turn = writer
        .as_ref()
        .map(|w| w.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let outcome = f(&mut Tx { conn, now });
    match outcome {
        Ok(value) if ending == Ending::Commit => {
            let committed = on_backend!(conn, |c| AnsiTransactionManager::commit_transaction(c));
            match committed {
                Ok(()) => Ok(value),
                Err(e) => {
                    rollback(conn);
                    Err(e.into())
                }
            }
        }
        other => {
            rollback(conn);
            other
        }
    }
}

fn rollback(conn: &mut DbConn) {
    let result = on_backend!(conn, |c| AnsiTransactionManager::rollback_transaction(c));
    if let Err(e) = result {
        // The pool's has_broken check discards a connection left in a transaction.
        tracing::error!(error = %e, "rollback failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_path_and_sqlite_urls_mean_sqlite() {
        for (label, url) in [
            ("bare", "./yingbin.db"),
            ("scheme", "sqlite://./yingbin.db"),
            ("short", "sqlite:./yingbin.db"),
        ] {
            assert_eq!(
                DbUrl::parse(url),
                Ok(DbUrl::Sqlite(PathBuf::from("./yingbin.db"))),
                "{label}"
            );
        }
    }

    #[test]
    fn postgres_urls_mean_postgres() {
        assert!(matches!(
            DbUrl::parse("postgres://postgres@127.0.0.1/test"),
            Ok(DbUrl::Postgres(_))
        ));
        assert!(matches!(
            DbUrl::parse("postgresql://postgres@127.0.0.1/test"),
            Ok(DbUrl::Postgres(_))
        ));
    }

    #[test]
    fn a_local_postgres_goes_without_tls_unless_the_url_says_otherwise() {
        let pg = |u: &str| match DbUrl::parse(u) {
            Ok(DbUrl::Postgres(url)) => url,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            pg("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
        );
        assert_eq!(
            pg("postgres://u:p@localhost/db?connect_timeout=5"),
            "postgres://u:p@localhost/db?connect_timeout=5&sslmode=disable"
        );
        assert_eq!(pg("postgresql:///db"), "postgresql:///db?sslmode=disable");
        assert_eq!(
            pg("postgres://127.0.0.1/db?sslmode=require"),
            "postgres://127.0.0.1/db?sslmode=require"
        );
        assert_eq!(
            pg("postgres://db.example.org/db"),
            "postgres://db.example.org/db"
        );
    }

    #[test]
    fn a_sqlite_writer_waits_only_for_writers_of_its_own_file() {
        let dir = tempfile::tempdir().expect("dir");
        let open = |name: &str| {
            SqliteConnection::establish(&dir.path().join(name).to_string_lossy()).expect("open")
        };
        let (mut a1, mut a2, mut b) = (open("a.db"), open("a.db"), open("b.db"));
        let (a1, a2, b) = (
            sqlite_writer(&mut a1).expect("a1"),
            sqlite_writer(&mut a2).expect("a2"),
            sqlite_writer(&mut b).expect("b"),
        );
        let _writing_a = a1.lock().expect("a's turn");
        assert!(a2.try_lock().is_err(), "a second writer of a.db waits");
        assert!(b.try_lock().is_ok(), "a writer of b.db does not");
    }

    #[test]
    fn other_schemes_and_memory_are_refused() {
        assert!(DbUrl::parse("mysql://root@localhost/x").is_err());
        assert!(DbUrl::parse(":memory:").is_err());
        assert!(DbUrl::parse("").is_err());
    }
}
