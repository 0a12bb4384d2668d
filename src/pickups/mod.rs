//! Airport and station pickups.
//!
//! Guests' arrivals and departures come from the registry (mode, number, hub, time). Changes
//! come by trip, not by guest: one update of a flight or train (by API, a greeter's phone or a
//! CSV feed, all through `trips::apply_trip_updates`) moves everyone on it. Each guest's
//! pickup goes expected → landed → met → in vehicle → at hotel (or no-show, own transport),
//! every step recorded with who and when.
//!
//! The transport department's pool cars carry guests in runs, planned per hub and day by the
//! pure `planner` (same hub, close together, same hotel or road, within the seats of a car;
//! VIPs alone with a named greeter; delegations together; nobody waits past the limit) and
//! adjusted by hand; re-planning keeps locked runs. Returns run the other way, leaving the hotel
//! in time for check-in.
//!
//! Greeters' boards and reception's screen are live: every change writes a `live_events` row
//! in its transaction, each instance tails the table (`live`) and pushes changes over
//! Server-Sent Events.

pub mod board;
mod model;
pub mod planner;
pub mod reseat;
pub mod rides;
pub mod routes;
pub mod rules;
pub mod runs;
pub mod service;
mod store;
pub mod trips;
pub mod vehicles;

pub use model::{
    NewRun, RunGuest, RunResponse, RunRow, RunVehicle, Trip, TripRow, Vehicle, VehicleFields,
    VehicleResponse,
};
pub use store::{find_hub, find_run, find_trip, find_vehicle, runs_of};

use actix_web::web;

/// The pickup routes. Literal paths (`/runs/plan`, `/runs/merge`, `/board/events`,
/// `/trips/update`) come before `{id}` ones.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::update_hub)
        .service(routes::get_travel)
        .service(routes::set_travel)
        .service(routes::list_trips)
        .service(routes::update_trip)
        .service(routes::import_trips)
        .service(routes::summary)
        .service(routes::set_pickup_status)
        .service(routes::pickup_history)
        .service(routes::list_vehicles)
        .service(routes::create_vehicle)
        .service(routes::update_vehicle)
        .service(routes::delete_vehicle)
        .service(routes::list_runs)
        .service(routes::plan_runs)
        .service(routes::merge_runs)
        .service(routes::edit_run_guests)
        .service(routes::set_run_vehicle)
        .service(routes::lock_run)
        .service(routes::split_run)
        .service(routes::set_run_status)
        .service(routes::board_events)
        .service(routes::get_board);
}
