//! Lodging at the designated hotels.
//!
//! Reception keeps the hotels (which guest categories each serves, halal kitchen, minutes to
//! the venue) and the rooms each holds for the event (blocks by room type and nights, with the
//! nightly rate). A designated hotel is exclusive: it asks to release rooms for some nights and
//! the block shrinks only when reception grants it.
//!
//! The allocation engine (`engine`, pure) places every guest with lodging dates under hard
//! rules it never breaks — rooms per night within the blocks, only hotels serving the guest's
//! category, roommates of one gender and one delegation (department, or outlet for
//! journalists), halal guests where halal food is served, accessible rooms for those who need
//! them, one hotel for the whole stay — and weighs soft goals (delegations together, rooms
//! filled before new ones open, VIPs near the venue, load spread). Reception proposes a plan,
//! edits it (every edit checked against the hard rules), submits it; the committee approves
//! (the plan is published and becomes the hotels' bookings) or returns it with comments. Each
//! publication is a revision; each hotel sees what changed for it and acknowledges.
//!
//! At the desk a booking is checked in with a room number, checked out, extended or
//! shortened. The entitlement is the registry's stay dates: nights outside it are billed to
//! the guest at the block's rate, split between the guests sleeping in the room that night.

pub mod catalog;
pub mod desk;
pub mod edits;
pub mod engine;
pub mod follow;
pub mod guest_room;
pub mod letters;
mod model;
pub mod plans;
pub mod publication;
pub mod releases;
pub mod rooming;
pub mod routes;
pub mod rules;
mod store;

pub use model::{
    AssignmentResponse, AssignmentRow, BlockResponse, Hotel, HotelFields, HotelResponse, NewPlan,
    NewRoomBlock, NewRoomRelease, PenaltyResponse, PlanRow, PlanSummary, PolicyEntry, PolicyRow,
    ReleaseResponse, RoomBlock, RoomRelease, Roommate, StayRow, UnplacedGuest,
};
pub use store::{
    find_hotel, find_hotel_by_id, find_lodging_guests, find_stay, list_hotels, LodgingGuest,
};

use actix_web::web;

pub use letters::room_type_label;
pub use publication::Booking;

/// The lodging routes. Literal paths (`rooming-list.csv`, `propose`) come before `{id}`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::list_hotels)
        .service(routes::create_hotel)
        .service(routes::update_hotel)
        .service(routes::delete_hotel)
        .service(routes::list_blocks)
        .service(routes::create_block)
        .service(routes::delete_block)
        .service(routes::request_release)
        .service(routes::list_releases)
        .service(routes::grant_release)
        .service(routes::refuse_release)
        .service(routes::occupancy)
        .service(routes::get_policy)
        .service(routes::set_policy)
        .service(routes::list_plans)
        .service(routes::propose_plan)
        .service(routes::get_plan)
        .service(routes::list_assignments)
        .service(routes::move_guest)
        .service(routes::place_unplaced)
        .service(routes::swap_guests)
        .service(routes::lock_guest)
        .service(routes::submit_plan)
        .service(routes::approve_plan)
        .service(routes::return_plan)
        .service(routes::revise_plan)
        .service(routes::hotel_changes)
        .service(routes::acknowledge)
        .service(routes::rooming_list_csv)
        .service(routes::rooming_list)
        .service(routes::desk_day)
        .service(routes::settlement_csv)
        .service(routes::get_stay)
        .service(routes::check_in)
        .service(routes::check_out)
        .service(routes::change_dates)
        .service(routes::get_folio);
}
