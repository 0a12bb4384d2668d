//! Group commit for the scan log: one thread writes the decided scans that arrive together in
//! one transaction, each in its own savepoint, and answers each request when the transaction
//! has committed. A request is answered only once its log row is committed, as with one
//! transaction per scan, but a burst of scans shares one commit (one fsync) instead of
//! queueing for SQLite's single writer, or for PostgreSQL's WAL flush, one by one.
//!
//! On PostgreSQL several instances' writers run at once. A batch takes its scans in pass
//! order (a pass's scans keep their arrival order), so two batches claiming the same passes
//! wait for each other in one order rather than deadlock; should a batch still fail (a
//! deadlock, a serialization failure), each of its scans is written again in a transaction of
//! its own, exactly as without group commit.

use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::db::{write_tx, DbPool};
use crate::error::AppError;
use crate::scan::service::{self, PendingScan};

/// The most scans one transaction takes.
const BATCH: usize = 256;

struct Job {
    pending: Box<PendingScan>,
    reply: oneshot::Sender<Result<service::ScanResponse, AppError>>,
}

/// A handle to the writer thread; the thread ends when every handle is gone.
pub struct ScanWriter {
    jobs: mpsc::Sender<Job>,
}

impl ScanWriter {
    /// Starts the writer thread on `pool`.
    pub fn start(pool: DbPool) -> Result<ScanWriter, String> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("scan-writer".into())
            .spawn(move || run(pool, queue))
            .map_err(|e| format!("cannot start the scan writer: {e}"))?;
        Ok(ScanWriter { jobs })
    }

    /// Logs a decided scan and returns its answer once committed.
    pub async fn log(&self, pending: Box<PendingScan>) -> Result<service::ScanResponse, AppError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { pending, reply })
            .map_err(|_| AppError::Unavailable("scan writer stopped".into()))?;
        answer
            .await
            .map_err(|_| AppError::Unavailable("scan writer stopped".into()))?
    }
}

fn run(pool: DbPool, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        while jobs.len() < BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        jobs.sort_by_key(|job| job.pending.pass_id);
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                for job in jobs {
                    let _ = job
                        .reply
                        .send(Err(AppError::Unavailable(format!("database pool: {e}"))));
                }
                continue;
            }
        };
        let written = write_tx(
            &mut conn,
            crate::time::now_utc(),
            |tx| -> Result<Vec<Result<service::ScanResponse, AppError>>, AppError> {
                // Each scan in a savepoint of its own: one that fails leaves the others.
                Ok(jobs
                    .iter()
                    .map(|job| {
                        diesel::Connection::transaction(&mut **tx, |c| {
                            service::log(c, &job.pending)
                        })
                    })
                    .collect())
            },
        );
        match written {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let answer = service::settle(&mut conn, &job.pending, result);
                    let _ = job.reply.send(answer);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, scans = jobs.len(), "scan log batch failed; writing its scans one by one");
                for job in jobs {
                    let result = write_tx(&mut conn, crate::time::now_utc(), |tx| {
                        service::log(tx, &job.pending)
                    });
                    let _ = job
                        .reply
                        .send(service::settle(&mut conn, &job.pending, result));
                }
            }
        }
    }
}
