//! Reception's view of one guest: the guest's whole story on one page — the record, passes
//! and their scans, room and roommates, rides, meals, emails and a timeline of who changed
//! what — answered by one request (`GET /guests/{id}/summary`). Admitted exactly as the
//! guest record is: the registry's readers, a department only for its own guests. And the
//! day at a glance (`GET /reception/today`, `today`), the first screen of reception and the
//! committee: arrivals, unmet guests, check-ins, rooms, passes, incidents and failed mail. This
//! module is above the domains: it reads their public functions, and none of them calls it.

pub mod report;
pub mod routes;
pub mod search;
pub mod summary;
pub mod today;

use actix_web::web;

/// The reception routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::search)
        .service(routes::daily_report_csv)
        .service(routes::daily_report)
        .service(routes::guest_summary)
        .service(routes::reception_today);
}
