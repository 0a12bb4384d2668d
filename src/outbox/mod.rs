//! Outgoing email through a transactional outbox — infrastructure that knows no domain.
//!
//! A change that someone must hear of queues an `outbox` row in the change's own transaction
//! (`queue`): the message exists exactly when the change committed. What a row says is read
//! when it is sent, from that day's facts, by the [`Letters`] the service starts with (the
//! `letters` layer above the domains, and the domains' own lists). Each instance runs a
//! `worker` that claims due rows (safely across instances), renders them, and sends them
//! through the `transport` — SMTP by URL, or `.eml` files under the data directory when no
//! server is set — at a configured pace, retrying temporary failures with backoff and
//! failing permanent ones with the server's reason.

pub mod address;
pub mod claims;
pub mod compose;
pub mod ics;
pub mod letter;
mod model;
mod queue;
pub mod transport;
mod worker;

use std::sync::Arc;

use crate::config::Settings;
use crate::db::{DbConn, DbPool, Tx};
use crate::error::AppError;

pub use letter::Outcome;
pub use model::{recipient, status, Kind, OutboxRow};
pub use queue::{of_guests, queue, queue_all, refold, waiting_for_guest, NewMessage};

/// What turns a queued row into a message, and what queues messages on a schedule: given by
/// the layer above, so the outbox needs to know none of the domains.
pub trait Letters: Send + Sync {
    /// The message a row stands for, from today's facts.
    fn render(
        &self,
        conn: &mut DbConn,
        settings: &Settings,
        row: &OutboxRow,
        now: chrono::NaiveDateTime,
    ) -> Result<Outcome, AppError>;

    /// Queues what is due by the clock (tomorrow's kitchen sheets); returns how many.
    fn queue_due(&self, tx: &mut Tx, settings: &Settings) -> Result<usize, AppError>;
}

/// This instance's mail: where it goes, and the worker (stopped when this is dropped).
pub struct Mailer {
    /// (`smtp` or `files`, where to), for the status line.
    pub transport: (&'static str, String),
    _worker: Option<worker::WorkerGuard>,
}

impl Mailer {
    /// Opens the transport and, unless this instance is set not to send, starts the worker.
    pub fn start(
        pool: DbPool,
        settings: Arc<Settings>,
        letters: Arc<dyn Letters>,
    ) -> Result<Mailer, String> {
        let transport = transport::Transport::open(
            settings.mail.smtp_url.as_deref(),
            settings.mail.connections,
            &settings.data_dir,
        )?;
        let described = transport.describe();
        let worker = if settings.mail.worker {
            Some(worker::start(pool, settings, Arc::new(transport), letters)?)
        } else {
            None
        };
        Ok(Mailer {
            transport: described,
            _worker: worker,
        })
    }
}
