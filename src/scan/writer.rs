//! Group commit for the scan log: a writer thread writes the scans that arrive together in one
//! transaction and answers each request when the transaction has committed. A request is
//! answered only once its log row is committed, as with one transaction per scan, but a burst
//! of scans shares one commit instead of queueing for SQLite's single writer, or for
//! PostgreSQL's WAL flush, one by one.
//!
//! On SQLite the writer also decides each scan (its reads: the nonce, the pass, the holder), on
//! its own connection inside the batch's transaction: that connection's page cache holds what
//! it wrote, where any other connection would drop its cache and memory map after each of the
//! writer's commits. The signature, the one costly step, is verified on the request's worker
//! first ([`service::verify_signature`]). On PostgreSQL the reads are round trips that
//! the requests make on the blocking pool in parallel, and two writer threads log, so that
//! one batch is written while the other waits for its commit's WAL flush.
//!
//! The scans of a batch are written without a savepoint each (a savepoint is two round trips
//! on PostgreSQL). Should one fail (two requests with the same nonce at once; on PostgreSQL a
//! deadlock or a serialization failure), the batch is rolled back and its scans written again
//! in a transaction each, exactly as without group commit. A batch takes its decided scans in
//! pass order (a pass's scans keep their arrival order), so two instances' batches claiming
//! the same passes wait for each other in one order rather than deadlock.

use std::sync::{mpsc, Arc, Mutex};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ed25519_dalek::VerifyingKey;
use tokio::sync::oneshot;

use crate::auth::CurrentUser;
use crate::db::{write_tx, DbConn, DbPool, PooledConn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::passes::keys::KeyRing;
use crate::scan::service::{self, PendingScan, Prepared, ScanCache, ScanRequest, ScanResponse};

/// The most scans one transaction takes.
const BATCH: usize = 256;

/// A scan still to be decided, with what deciding it needs.
pub struct Undecided {
    pub user: CurrentUser,
    pub request: ScanRequest,
    /// The key the worker verified the payload's signature under, if it could.
    pub verified: Option<VerifyingKey>,
    pub lang: Lang,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

/// What a request hands the writer.
enum Scan {
    Decided(Box<PendingScan>),
    Undecided(Box<Undecided>),
}

struct Job {
    scan: Scan,
    reply: oneshot::Sender<Result<ScanResponse, AppError>>,
}

/// A handle to the writer thread; the thread ends when every handle is gone.
pub struct ScanWriter {
    jobs: mpsc::Sender<Job>,
}

/// What the writer decides scans with.
struct Writer {
    pool: DbPool,
    keys: Arc<KeyRing>,
    cache: Arc<ScanCache>,
    /// Kept from batch to batch (a warm cache, no checkout); dropped after a failed batch.
    conn: Option<PooledConn>,
}

impl ScanWriter {
    /// Starts `threads` writer threads on `pool`: one for SQLite (one writer at a time
    /// anyway); on PostgreSQL two, so that one batch is written while the last one waits
    /// for its commit's WAL flush.
    pub fn start(
        pool: DbPool,
        keys: Arc<KeyRing>,
        cache: Arc<ScanCache>,
        threads: usize,
    ) -> Result<ScanWriter, String> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..threads.max(1) {
            let writer = Writer {
                pool: pool.clone(),
                keys: keys.clone(),
                cache: cache.clone(),
                conn: None,
            };
            let queue = queue.clone();
            std::thread::Builder::new()
                .name("scan-writer".into())
                .spawn(move || writer.run(&queue))
                .map_err(|e| format!("cannot start the scan writer: {e}"))?;
        }
        Ok(ScanWriter { jobs })
    }

    /// Logs a decided scan and returns its answer once committed.
    pub async fn log(&self, pending: Box<PendingScan>) -> Result<ScanResponse, AppError> {
        self.send(Scan::Decided(pending)).await
    }

    /// Decides a scan on the writer's connection and logs it; returns its answer once
    /// committed (or the first answer to its nonce, or why it cannot be taken).
    pub async fn decide_and_log(&self, scan: Box<Undecided>) -> Result<ScanResponse, AppError> {
        self.send(Scan::Undecided(scan)).await
    }

    async fn send(&self, scan: Scan) -> Result<ScanResponse, AppError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { scan, reply })
            .map_err(|_| AppError::Unavailable("scan writer stopped".into()))?;
        answer
            .await
            .map_err(|_| AppError::Unavailable("scan writer stopped".into()))?
    }
}

/// The next batch: what has queued, waiting for the first; `None` once every handle is gone.
fn take(queue: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
    let queue = queue.lock().unwrap_or_else(|p| p.into_inner());
    let mut jobs = vec![queue.recv().ok()?];
    while jobs.len() < BATCH {
        match queue.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

impl Writer {
    fn run(mut self, queue: &Mutex<mpsc::Receiver<Job>>) {
        while let Some(mut jobs) = take(queue) {
            jobs.sort_by_key(|job| match &job.scan {
                Scan::Decided(p) => p.pass_id,
                Scan::Undecided(_) => None,
            });
            self.batch(jobs);
        }
    }

    fn connection(&mut self) -> Result<&mut PooledConn, AppError> {
        if self.conn.is_none() {
            let mut conn = self.pool.get()?;
            if let DbConn::Sqlite(c) = &mut *conn {
                // The passes, guests and the log's index pages stay in this connection's
                // cache (the default 2 MB held too few of them: they were read again).
                diesel::connection::SimpleConnection::batch_execute(
                    c,
                    "PRAGMA cache_size = -32768;",
                )?;
            }
            self.conn = Some(conn);
        }
        self.conn
            .as_mut()
            .ok_or_else(|| AppError::Internal("scan writer connection".into()))
    }

    fn batch(&mut self, jobs: Vec<Job>) {
        let (keys, cache) = (self.keys.clone(), self.cache.clone());
        let conn = match self.connection() {
            Ok(conn) => conn,
            Err(e) => {
                for job in jobs {
                    let _ = job.reply.send(Err(AppError::Unavailable(e.to_string())));
                }
                return;
            }
        };
        let written = write_tx(conn, crate::time::now_utc(), |tx| {
            jobs.iter()
                .map(|job| step(tx, &keys, &cache, &job.scan))
                .collect::<Result<Vec<_>, AppError>>()
        });
        match written {
            Ok(answers) => {
                for (job, answer) in jobs.into_iter().zip(answers) {
                    let _ = job.reply.send(answer);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, scans = jobs.len(), "scan log batch failed; writing its scans one by one");
                for job in jobs {
                    let answer = alone(conn, &keys, &cache, &job.scan);
                    let _ = job.reply.send(answer);
                }
                // A connection a failure may have left broken is not kept.
                self.conn = None;
            }
        }
    }
}

/// Decides (when undecided) and logs one scan inside the batch's transaction: the scan's
/// answer, or the error that fails the batch (a failed write or read). A scan that cannot be
/// taken (not allowed here, an unknown point) is only that scan's answer.
fn step(
    conn: &mut DbConn,
    keys: &KeyRing,
    cache: &ScanCache,
    scan: &Scan,
) -> Result<Result<ScanResponse, AppError>, AppError> {
    match scan {
        Scan::Decided(pending) => Ok(Ok(service::log(conn, pending)?)),
        Scan::Undecided(u) => match decide(conn, keys, cache, u) {
            Ok(Prepared::Log(pending)) => Ok(Ok(service::log(conn, &pending)?)),
            Ok(Prepared::Replay(first)) => Ok(Ok(*first)),
            Err(
                e @ (AppError::Internal(_) | AppError::Unavailable(_) | AppError::Conflict { .. }),
            ) => Err(e),
            Err(e) => Ok(Err(e)),
        },
    }
}

fn decide(
    conn: &mut DbConn,
    keys: &KeyRing,
    cache: &ScanCache,
    u: &Undecided,
) -> Result<Prepared, AppError> {
    service::prepare(
        conn,
        keys,
        cache,
        &u.user,
        &u.request,
        u.verified.as_ref(),
        u.lang,
        u.tz,
        u.now,
    )
}

/// One scan in a transaction of its own; a nonce that raced in twice gets the first answer.
fn alone(
    conn: &mut PooledConn,
    keys: &KeyRing,
    cache: &ScanCache,
    scan: &Scan,
) -> Result<ScanResponse, AppError> {
    let pending = match scan {
        Scan::Decided(p) => p.as_ref(),
        Scan::Undecided(u) => {
            match diesel::Connection::transaction(&mut **conn, |c| decide(c, keys, cache, u))? {
                Prepared::Replay(first) => return Ok(*first),
                Prepared::Log(p) => {
                    let result = write_tx(conn, crate::time::now_utc(), |tx| service::log(tx, &p));
                    return service::settle(conn, &p, result);
                }
            }
        }
    };
    let result = write_tx(conn, crate::time::now_utc(), |tx| service::log(tx, pending));
    service::settle(conn, pending, result)
}
