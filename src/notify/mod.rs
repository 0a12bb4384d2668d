//! Outgoing email, through a transactional outbox.
//!
//! A change that a guest, hotel, kitchen or inspector must hear of writes an `outbox` row in
//! its own transaction (`queue`): a credential signed, a pass revoked, a flight moved, a
//! plan revision published, a roster generated. Reception also queues whole sets (`bulk`).
//! Each instance runs a `worker` that claims due rows (safely across instances), renders
//! them from current facts (`render`, `facts`, the letters) in the guest's language as HTML
//! with a plain-text part, and sends them through the `transport` — SMTP by URL, or `.eml`
//! files under the data directory when no server is set — at a configured pace, retrying
//! temporary failures with backoff and failing permanent ones with the server's reason.

pub mod address;
pub mod bulk;
pub mod compose;
pub mod facts;
pub mod guest_letters;
pub mod history;
pub mod ics;
pub mod letter;
pub mod list_letters;
pub mod model;
pub mod outbox;
pub mod publication;
pub mod queue;
pub mod render;
pub mod routes;
pub mod schedule;
pub mod transport;
pub mod worker;

use std::sync::Arc;

use actix_web::web;

use crate::config::Settings;
use crate::db::DbPool;

/// This instance's mail: where it goes, and the worker (stopped when this is dropped).
pub struct Mailer {
    /// (`smtp` or `files`, where to), for the status line.
    pub transport: (&'static str, String),
    _worker: Option<worker::WorkerGuard>,
}

impl Mailer {
    /// Opens the transport and, unless this instance is set not to send, starts the worker.
    pub fn start(pool: DbPool, settings: Arc<Settings>) -> Result<Mailer, String> {
        let transport = transport::Transport::open(
            settings.mail.smtp_url.as_deref(),
            settings.mail.connections,
            &settings.data_dir,
        )?;
        let described = transport.describe();
        let worker = if settings.mail.worker {
            Some(worker::start(pool, settings, Arc::new(transport))?)
        } else {
            None
        };
        Ok(Mailer {
            transport: described,
            _worker: worker,
        })
    }
}

/// The mail routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::mail_status)
        .service(routes::preview)
        .service(routes::send)
        .service(routes::list_batches)
        .service(routes::get_batch)
        .service(routes::list_messages)
        .service(routes::retry)
        .service(routes::kitchen_sheets)
        .service(routes::rosters);
}
