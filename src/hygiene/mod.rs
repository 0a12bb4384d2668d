//! Food hygiene.
//!
//! The health bureau stations two food hygiene inspectors at every dining point whenever food is
//! handled there: from the raw food's arrival (a lead time before each service) to the end of the
//! service. The `roster` (pure) generates shifts that meet that coverage with the fewest shifts
//! and fairly spread hours, never putting an inspector in two places at once, and keeping the
//! rest between shifts, the travel time between points and the daily maximum; when coverage
//! cannot be met it names the gaps. Health edits by hand under the same rules.
//!
//! Inspectors log inspections from their phones against the checklist (48-hour sample
//! retention of every dish, halal separation where halal is served…) and raise incidents,
//! which reach the health and reception screens at once through the live feed of `pickups`.

pub mod letters;
pub mod reports;
pub mod roster;
pub mod routes;
pub mod service;
mod store;

pub use store::{find_inspector, IncidentRow, InspectionRow, InspectorRow, ShiftRow};

use actix_web::web;

/// The hygiene routes. `inspections.csv` before `inspections`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::list_inspectors)
        .service(routes::create_inspector)
        .service(routes::update_inspector)
        .service(routes::get_settings)
        .service(routes::set_settings)
        .service(routes::generate_roster)
        .service(routes::get_roster)
        .service(routes::get_coverage)
        .service(routes::add_shift)
        .service(routes::edit_shift)
        .service(routes::delete_shift)
        .service(routes::inspections_csv)
        .service(routes::record_inspection)
        .service(routes::list_inspections)
        .service(routes::inspection_photo)
        .service(routes::raise_incident)
        .service(routes::list_incidents)
        .service(routes::follow_up);
}
