//! One guest, one truth: a change to a guest flows through every part of their arrangements in
//! the same transaction, and the guest is told once.
//!
//! - An **edit** (category, delegation, department, organization, travel, stay, or any field):
//!   the credential is reissued when the category's zones (the zone policy) differ — new
//!   serial, the old card superseded in the signed list; the room is placed again by the
//!   engine under the hard rules, into the next plan revision (the committee approves it, the
//!   hotel then sees it in its diff); the rides follow the new hub, time or hotel, leaving a
//!   run that no longer fits for a fitting one or listing the guest as needing a car — locked
//!   runs and runs under way are left, and the report says so; meals follow the category
//!   policy and the dates by themselves, meals already eaten stay.
//! - A **withdrawal**: the record stays, marked withdrawn; every live pass is revoked and in
//!   the signed revocation list; room released; rides given up; meals stop.
//! - A **restore**: credential and tickets asked for again, room, rides and meals back.
//! - **Delete** only for a guest who never held a pass.
//!
//! Each answers a report of what changed, part by part, and what a person must still do; run
//! with `dry_run`, the same code rolls back and the report is the preview. This module is
//! above the domains: it calls their public functions, and none of them calls it.

pub mod change;
pub mod report;
pub mod routes;
mod tell;

use actix_web::web;

/// The routes of arrangement changes (and the guest edit and delete, which are ones).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::change_guest)
        .service(routes::withdraw_guest)
        .service(routes::restore_guest)
        .service(routes::update_guest)
        .service(routes::delete_guest);
}
