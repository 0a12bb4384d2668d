//! The letters: what each guest is told, read from every domain as it stands when the
//! message goes out — their pass, itinerary (pickup, hotel, meals, ceremonies), and what
//! changed — and reception's mail desk (previews, sends to a filtered set with progress,
//! history, resends). The top layer: it reads the domains' public functions and queues into
//! the outbox below them; no domain calls it. Lists for hotels, kitchens and inspectors are
//! their domains' own (`hotels::letters`, `meals::letters`, `hygiene::letters`); `render`
//! routes each queued row to whichever letter it is.

pub mod bulk;
pub mod change_letter;
pub mod facts;
pub mod guest_letters;
pub mod history;
pub mod render;
pub mod routes;

use actix_web::web;

pub use render::AllLetters;

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
