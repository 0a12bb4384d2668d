//! The sending worker: a thread per instance that claims due messages, renders each from
//! today's facts, hands it to the transport at the configured pace and records the answer.
//! It also queues the scheduled lists (tomorrow's kitchen sheets) once a day.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::config::Settings;
use crate::db::{now_utc, DbConn, DbPool};
use crate::notify::compose;
use crate::notify::model::OutboxRow;
use crate::notify::outbox;
use crate::notify::render::{self, Outcome};
use crate::notify::schedule;
use crate::notify::transport::Transport;

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
) -> Result<WorkerGuard, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::Builder::new()
        .name("mail-worker".into())
        .spawn(move || run(&pool, &settings, &transport, &flag))
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

fn run(pool: &DbPool, settings: &Settings, transport: &Transport, stop: &AtomicBool) {
    let me = worker_name();
    let mut pace = Pace::new(settings.mail.per_second);
    let batch = i64::from(settings.mail.per_second.clamp(1, 100));
    let mut housekeeping_at = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let mut conn = match pool.get() {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("mail worker: {e}");
                std::thread::sleep(POLL_EVERY * 5);
                continue;
            }
        };
        if Instant::now() >= housekeeping_at {
            housekeeping(&mut conn, settings);
            housekeeping_at = Instant::now() + HOUSEKEEPING_EVERY;
        }
        let now = now_utc();
        let claimed = match outbox::any_due(&mut conn, now) {
            Ok(true) => outbox::claim(&mut conn, &me, now, batch),
            Ok(false) => Ok(Vec::new()),
            Err(e) => Err(e),
        };
        let rows = match claimed {
            Ok(rows) if !rows.is_empty() => rows,
            Ok(_) => {
                drop(conn);
                std::thread::sleep(POLL_EVERY);
                continue;
            }
            Err(e) => {
                tracing::warn!("mail worker: {e}");
                drop(conn);
                std::thread::sleep(POLL_EVERY);
                continue;
            }
        };
        for (i, row) in rows.iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                let rest: Vec<i64> = rows[i..].iter().map(|r| r.id).collect();
                if let Err(e) = outbox::release(&mut conn, &rest, &me) {
                    tracing::warn!("mail worker: releasing claims: {e}");
                }
                return;
            }
            pace.wait();
            if let Err(e) = deliver(&mut conn, settings, transport, &me, row) {
                tracing::warn!(message = row.id, "mail worker: {e}");
            }
        }
    }
}

fn housekeeping(conn: &mut DbConn, settings: &Settings) {
    match outbox::recover(conn, now_utc()) {
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
    if let Err(e) = schedule::queue_due_lists(conn, settings) {
        tracing::warn!("mail: scheduled lists: {e}");
    }
}

/// Renders, sends and records one claimed message.
fn deliver(
    conn: &mut DbConn,
    settings: &Settings,
    transport: &Transport,
    me: &str,
    row: &OutboxRow,
) -> Result<(), diesel::result::Error> {
    let rendered = match render::render(conn, settings, row) {
        Ok(Outcome::Send(r)) => r,
        Ok(Outcome::Cancel(reason)) => return outbox::mark_cancelled(conn, row.id, &reason),
        Ok(Outcome::Fail(reason)) => return outbox::mark_failed(conn, row.id, &reason),
        Err(e) => {
            // The facts could not be read (database busy or gone): try again later.
            let reason = format!("could not read what to send: {e}");
            return outbox::mark_retry(conn, row.id, &reason, retry_at(settings, row.attempts + 1));
        }
    };
    let from = &settings.mail.from;
    let message = match compose::build(&rendered, from, &compose::message_id(row.id, from)) {
        Ok(m) => m,
        Err(reason) => return outbox::mark_failed(conn, row.id, &reason),
    };
    if !outbox::begin_sending(conn, row.id, me, &rendered.subject, &rendered.to, now_utc())? {
        return Ok(()); // another worker has it now
    }
    match transport.send(&message) {
        Ok(()) => outbox::mark_sent(conn, row.id, now_utc()),
        Err(e) if e.permanent => outbox::mark_failed(conn, row.id, &e.reason),
        Err(e) if row.attempts + 1 >= settings.mail.max_attempts => {
            let reason = format!("gave up after {} tries: {}", row.attempts + 1, e.reason);
            outbox::mark_failed(conn, row.id, &reason)
        }
        Err(e) => outbox::mark_retry(
            conn,
            row.id,
            &e.reason,
            retry_at(settings, row.attempts + 1),
        ),
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

    fn wait(&mut self) {
        let now = Instant::now();
        if self.next > now {
            std::thread::sleep(self.next - now);
        }
        self.next = self.next.max(now) + self.every;
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
            pace.wait();
        }
        // Ten gaps of 20 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(195),
            "{:?}",
            start.elapsed()
        );
    }
}
