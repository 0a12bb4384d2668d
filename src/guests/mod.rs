//! The guest registry: departments, delegations, hubs and guests.
//!
//! Each guest belongs to the department that invited them and is known there by a `ref`
//! that is unique within the department. A `department` user sees and changes only its own
//! department's guests. ID numbers are whole only for admin and security; everyone else
//! sees them masked, in JSON and in exports. Guests arrive by CSV (see `import`) or one at a
//! time by API; both pass the same field rules in `csv_format`.

pub mod csv_format;
pub mod fields;
pub mod id_number;
pub mod import;
pub mod mail;
mod model;
pub mod photo;
pub mod registry;
pub mod routes;
pub mod service;
mod store;

pub use model::{
    Delegation, Department, Guest, GuestFields, GuestPhoto, GuestResponse, Hub, HubResponse,
    NamedCount, NewGuest,
};
pub use store::{
    find_guest, list_all_guests, list_guests, list_hubs, matching_guest_ids, upsert_photo,
    GuestFilter,
};

use actix_web::web;

/// The registry's routes. `export.csv` comes before `{id}` so it is not taken for an id.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::export_guests)
        .service(routes::import_guests)
        .service(routes::list_guests)
        .service(routes::create_guest)
        .service(routes::get_guest)
        .service(routes::put_photo)
        .service(routes::get_photo)
        .service(routes::list_departments)
        .service(routes::create_department)
        .service(routes::rename_department)
        .service(routes::delete_department)
        .service(routes::list_delegations)
        .service(routes::create_delegation)
        .service(routes::rename_delegation)
        .service(routes::delete_delegation)
        .service(routes::list_hubs);
}
