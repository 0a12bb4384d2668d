//! Scanning: every pass is checked at a scan point — a person gate, a vehicle gate, a
//! session gate, a hotel desk or a canteen — through one endpoint. The verdict is decided
//! by `rules::decide` (pure), after the token's signature is verified; every scan is logged,
//! append-only, with its answer, so a retried nonce gets the same answer and eats nothing twice.
//! A checkpoint user scans only at the points its scope names.

pub mod batch;
pub mod conflicts;
pub mod devices;
pub mod field_routes;
pub mod kit;
pub mod lookup;
mod model;
pub mod offline;
pub mod points;
pub mod reconcile;
pub mod routes;
pub mod rules;
pub mod service;
pub(crate) mod store;
pub mod writer;

pub use model::{NewScan, ScanPoint, ScanRow};
pub use store::{list_points, list_scans, scans_of_passes};

use actix_web::web;

/// The scan routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(field_routes::upload_batch)
        .service(field_routes::list_conflicts)
        .service(field_routes::register_device)
        .service(field_routes::list_devices)
        .service(field_routes::retire_device)
        .service(field_routes::device_kit)
        .service(field_routes::lookup)
        .service(routes::record_scan)
        .service(routes::hourly)
        .service(routes::list_scans)
        .service(routes::list_points)
        .service(routes::create_point)
        .service(routes::update_point);
}
