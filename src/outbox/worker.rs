//! The sending worker: a thread per instance that claims due messages, renders each from
//! today's facts, hands it to the transport at the configured pace and records the answer.
//! It also queues what is due by the clock (tomorrow's kitchen sheets) once a day. Each
//! step is a short transaction of its own; nothing is held while the server has a message.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::config::Settings;
use crate::db::{write_tx, DbPool, PooledConn};
use crate::outbox::claims as outbox;
use crate::outbox::compose;
use crate::outbox::transport::Transport;
use crate::outbox::{Letters, OutboxRow, Outcome};
use crate::time::now_utc;

/// How often an idle worker looks for due messages.
const POLL_EVERY: Duration = Duration::from_millis(200);
/// How often expired claims are recovered and the schedule is checked.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(30);

/// Stops the worker when dropped (with the service's state), after the message in hand.
pub struct WorkerGuard {
    stop: Arc<AtomicBool>,
}

impl Drop for WorkerGuard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts this instance's worker on a thread of its own.
pub fn start(
    pool: DbPool,
    settings: Arc<Settings>,
    transport: Arc<Transport>,
    letters: Arc<dyn Letters>,
) -> Result<WorkerGuard, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::Builder::new()
        .name("mail-worker".into())
        .spawn(move || {
            let worker = Worker {
                pool,
                settings,
                transport,
                letters,
            };
            worker.run(&flag)
        })
        .map_err(|e| format!("cannot start the mail worker: {e}"))?;
    Ok(WorkerGuard { stop })
}

/// A name for this worker's claims: unique across instances and restarts.
fn worker_name() -> String {
    format!(
        "{}-{}-{:08x}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into()),
        std::process::id(),
        rand::random::<u32>()
    )
}

/// Everything the worker thread works with.
struct Worker {
    pool: DbPool,
    settings: Arc<Settings>,
    transport: Arc<Transport>,
    letters: Arc<dyn Letters>,
}

impl Worker {
    fn run(&self, stop: &AtomicBool) {
        let me = worker_name();
        let pace = Mutex::new(Pace::new(self.settings.mail.per_second));
        let batch = i64::from(self.settings.mail.per_second.clamp(1, 100));
        let mut housekeeping_at = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            let mut conn = match self.pool.get() {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!("mail worker: {e}");
                    std::thread::sleep(POLL_EVERY * 5);
                    continue;
                }
            };
            if Instant::now() >= housekeeping_at {
                self.housekeeping(&mut conn);
                housekeeping_at = Instant::now() + HOUSEKEEPING_EVERY;
            }
            let now = now_utc();
            // Looking first takes no write lock: an idle worker never queues behind writers.
            let claimed = match outbox::any_due(&mut conn, now) {
                Ok(true) => write_tx(&mut conn, now, |tx| outbox::claim(tx, &me, batch)),
                Ok(false) => Ok(Vec::new()),
                Err(e) => Err(e),
            };
            drop(conn);
            let rows = match claimed {
                Ok(rows) if !rows.is_empty() => rows,
                Ok(_) => {
                    std::thread::sleep(POLL_EVERY);
                    continue;
                }
                Err(e) => {
                    tracing::warn!("mail worker: {e}");
                    std::thread::sleep(POLL_EVERY);
                    continue;
                }
            };
            let unsent = self.send_all(&me, &rows, &pace, stop);
            if !unsent.is_empty() {
                let released = self
                    .pool
                    .get()
                    .map_err(|e| e.to_string())
                    .and_then(|mut conn| {
                        write_tx(&mut conn, now_utc(), |tx| outbox::release(tx, &unsent, &me))
                            .map_err(|e| e.to_string())
                    });
                if let Err(e) = released {
                    tracing::warn!("mail worker: releasing claims: {e}");
                }
                return;
            }
        }
    }

    /// Sends claimed rows over up to `YINGBIN_MAIL_CONNECTIONS` connections at once: each SMTP
    /// message waits on a few round trips (and lettre's client on a delayed ACK after the
    /// data), so one connection alone cannot reach a relay's rate. Returns the rows left when
    /// told to stop.
    fn send_all(
        &self,
        me: &str,
        rows: &[OutboxRow],
        pace: &Mutex<Pace>,
        stop: &AtomicBool,
    ) -> Vec<i64> {
        let next = AtomicUsize::new(0);
        let senders = self.settings.mail.connections.clamp(1, rows.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..senders {
                scope.spawn(|| {
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(row) = rows.get(i) else { return };
                        let wait = pace.lock().map(|mut p| p.reserve()).unwrap_or_default();
                        std::thread::sleep(wait);
                        if let Err(e) = self.deliver(me, row) {
                            tracing::warn!(message = row.id, "mail worker: {e}");
                        }
                    }
                });
            }
        });
        let taken = next.load(Ordering::Relaxed).min(rows.len());
        rows[taken..].iter().map(|r| r.id).collect()
    }

    fn housekeeping(&self, conn: &mut PooledConn) {
        match write_tx(conn, now_utc(), outbox::recover) {
            Ok((0, 0)) => {}
            Ok((requeued, failed)) => {
                tracing::warn!(
                    requeued,
                    failed,
                    "mail: recovered messages of a stopped worker"
                )
            }
            Err(e) => tracing::warn!("mail: recovering claims: {e}"),
        }
        if let Err(e) = write_tx(conn, now_utc(), |tx| {
            self.letters.queue_due(tx, &self.settings)
        }) {
            tracing::warn!("mail: scheduled lists: {e}");
        }
    }

    /// Renders, sends and records one claimed message. The database connection goes back to
    /// the pool while the server has the message, so sending never holds the API's connections.
    fn deliver(&self, me: &str, row: &OutboxRow) -> Result<(), DeliverError> {
        let settings = &self.settings;
        let mut conn = self
            .pool
            .get()
            .map_err(|e| DeliverError::Pool(e.to_string()))?;
        let Some(message) = self.prepare(&mut conn, me, row)? else {
            return Ok(());
        };
        drop(conn);
        let sent = self.transport.send(&message);
        let mut conn = self
            .pool
            .get()
            .map_err(|e| DeliverError::Pool(e.to_string()))?;
        Ok(write_tx(&mut conn, now_utc(), |tx| match sent {
            Ok(()) => outbox::mark_sent(tx, row.id),
            Err(e) if e.permanent => outbox::mark_failed(tx, row.id, &e.reason),
            Err(e) if row.attempts + 1 >= settings.mail.max_attempts => {
                let reason = format!("gave up after {} tries: {}", row.attempts + 1, e.reason);
                outbox::mark_failed(tx, row.id, &reason)
            }
            Err(e) => {
                outbox::mark_retry(tx, row.id, &e.reason, retry_at(settings, row.attempts + 1))
            }
        })?)
    }

    /// Renders the message and marks it as handed over; `None` when there is nothing to send
    /// (the row is already recorded as cancelled, failed or retried, or another worker has it).
    fn prepare(
        &self,
        conn: &mut PooledConn,
        me: &str,
        row: &OutboxRow,
    ) -> Result<Option<lettre::Message>, diesel::result::Error> {
        let settings = &self.settings;
        // Rendering only reads: no write lock while the facts are gathered.
        let rendered = self.letters.render(conn, settings, row, now_utc());
        write_tx(conn, now_utc(), |tx| {
            let rendered = match rendered {
                Ok(Outcome::Send(r)) => r,
                Ok(Outcome::Cancel(reason)) => {
                    return outbox::mark_cancelled(tx, row.id, &reason).map(|_| None)
                }
                Ok(Outcome::Fail(reason)) => {
                    return outbox::mark_failed(tx, row.id, &reason).map(|_| None)
                }
                Err(e) => {
                    // The facts could not be read (database busy or gone): try again later.
                    let reason = format!("could not read what to send: {e}");
                    let at = retry_at(settings, row.attempts + 1);
                    return outbox::mark_retry(tx, row.id, &reason, at).map(|_| None);
                }
            };
            let from = &settings.mail.from;
            let message = match compose::build(&rendered, from, &compose::message_id(row.id, from))
            {
                Ok(m) => m,
                Err(reason) => return outbox::mark_failed(tx, row.id, &reason).map(|_| None),
            };
            // False: another worker has it now.
            let ours = outbox::begin_sending(tx, row.id, me, &rendered.subject, &rendered.to)?;
            Ok(ours.then_some(message))
        })
    }
}

/// Why one message could not be dealt with (the row stays claimed; its lease runs out).
#[derive(Debug)]
enum DeliverError {
    Db(diesel::result::Error),
    Pool(String),
}

impl std::fmt::Display for DeliverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeliverError::Db(e) => write!(f, "{e}"),
            DeliverError::Pool(e) => write!(f, "{e}"),
        }
    }
}

impl From<diesel::result::Error> for DeliverError {
    fn from(e: diesel::result::Error) -> Self {
        DeliverError::Db(e)
    }
}

/// Exponential backoff from the configured first wait, capped at an hour.
fn retry_at(settings: &Settings, attempt: i32) -> NaiveDateTime {
    now_utc() + chrono::Duration::seconds(backoff_secs(settings.mail.retry_secs, attempt) as i64)
}

fn backoff_secs(first: u64, attempt: i32) -> u64 {
    let doublings = attempt.saturating_sub(1).clamp(0, 20) as u32;
    first.saturating_mul(1 << doublings).min(3600)
}

/// Spaces sends evenly at `per_second`; an idle spell does not save up a burst.
struct Pace {
    every: Duration,
    next: Instant,
}

impl Pace {
    fn new(per_second: u32) -> Pace {
        Pace {
            every: Duration::from_secs(1) / per_second.max(1),
            next: Instant::now(),
        }
    }

    /// Takes the next slot; returns how long to wait for it.
    fn reserve(&mut self) -> Duration {
        let now = Instant::now();
        let slot = self.next.max(now);
        self.next = slot + self.every;
        slot - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_first_wait_up_to_an_hour() {
        assert_eq!(backoff_secs(60, 1), 60);
        assert_eq!(backoff_secs(60, 2), 120);
        assert_eq!(backoff_secs(60, 4), 480);
        assert_eq!(backoff_secs(60, 12), 3600);
        assert_eq!(backoff_secs(0, 5), 0);
    }

    #[test]
    fn pace_spreads_sends_over_the_second() {
        let mut pace = Pace::new(50);
        let start = Instant::now();
        for _ in 0..11 {
            std::thread::sleep(pace.reserve());
        }
        // Ten gaps of 20 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(195),
            "{:?}",
            start.elapsed()
        );
    }
}
