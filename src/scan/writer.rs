//! Group commit for the scan log on SQLite: one thread writes the decided scans that arrive
//! together in one transaction, each in its own savepoint, and answers each request when the
//! transaction has committed. A request is answered only once its log row is committed,
//! as with one transaction per scan, but a burst of scans shares one commit instead of
//! queueing for the single SQLite writer one by one.

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
                tracing::error!(error = %e, "scan log batch failed");
                for job in jobs {
                    let _ = job.reply.send(Err(AppError::Unavailable(
                        "the scan log could not be written".into(),
                    )));
                }
            }
        }
    }
}
