//! Passes: personal credentials (个人证件), vehicle passes (车辆通行证) and admissions
//! (入场证), each carried as a signed QR token (`token`, spec in docs/pass-format.md).
//!
//! A credential is requested by the guest's department or reception and approved by
//! security, who can only approve once the guest has a photo and an ID number; approval
//! signs the token. Vehicle passes are requested per stream by the department that handles
//! it. Admissions are issued at once by reception (guests) or the office (invitees).
//! Revoking or reissuing appends to the revocation feed that offline scanners poll; a
//! reissued pass has a higher serial, so the old card is rejected as superseded.

pub mod catalog;
pub mod follow;
pub mod keys;
mod model;
pub mod plate;
pub mod qr;
pub mod revocations;
pub mod routes;
pub mod rules;
pub mod service;
pub(crate) mod store;
pub mod tickets;
pub mod token;
pub mod vehicle_requests;
pub mod verify;

pub use model::{
    EventSession, NewPass, Pass, PassAdmission, PassGuest, PassResponse, PassStatus, PassVehicle,
    SessionResponse, SigningKeyRow, Stream, Zone,
};
pub use store::{find_pass, find_session, list_passes, list_zones, PassFilter};

use actix_web::web;

/// The pass routes (fixed paths before `{id}` ones).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::public_keys)
        .service(routes::revocations)
        .service(routes::list_credentials)
        .service(routes::request_credentials_bulk)
        .service(routes::approve_credentials)
        .service(routes::request_credential)
        .service(routes::list_vehicle_passes)
        .service(routes::request_vehicle_pass)
        .service(routes::list_admissions)
        .service(routes::create_admission)
        .service(routes::get_pass)
        .service(routes::approve_pass)
        .service(routes::mark_printed)
        .service(routes::mark_collected)
        .service(routes::revoke_pass)
        .service(routes::reissue_pass)
        .service(routes::qr_png)
        .service(routes::qr_svg)
        .service(routes::list_zones)
        .service(routes::create_zone)
        .service(routes::update_zone)
        .service(routes::delete_zone)
        .service(routes::list_sessions)
        .service(routes::create_session)
        .service(routes::get_zone_policy)
        .service(routes::put_zone_policy);
}
