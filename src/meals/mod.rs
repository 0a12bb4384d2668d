//! Meals.
//!
//! Everyone eats with their credential at their designated dining point — their hotel's, or
//! one reception assigns; journalists at any point. Each point serves breakfast, lunch, dinner
//! and (where journalists stay) a night snack in windows of local time: the event's defaults,
//! breakfast until 10:00 and a 22:00–24:00 night snack at hotels hosting journalists, or the
//! point's own. A window ending at or after midnight belongs to the day it starts.
//!
//! At a `canteen` scan point the verdict comes from these rules (`canteen`), and the meal is
//! claimed with the scan log row under a unique key on (eater, day, service): a guest eats each
//! service once, across all points, even when two canteens scan one card at the same instant.
//! Halal guests are served apart and counted apart. Coupons are single-use signed passes for a
//! point, day and service. Kitchens get tomorrow's numbers (`kitchen`) and the unified menu.

pub mod canteen;
pub mod catalog;
pub mod entitlements;
pub mod kit;
pub mod kitchen;
pub mod letters;
mod model;
pub mod routes;
pub mod rules;
mod store;

pub use model::{DiningPoint, MenuEntry, MenuItem, PointResponse, WindowEntry};
pub use store::{
    claim_use, find_meal_guest, find_use, insert_use, list_meal_guests, move_use, point_name,
    set_guest_point,
};

use actix_web::web;

/// The meal routes. `kitchen-sheet.csv` before `kitchen-sheet`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::list_points)
        .service(routes::create_point)
        .service(routes::update_point)
        .service(routes::set_point_windows)
        .service(routes::get_windows)
        .service(routes::set_windows)
        .service(routes::get_policy)
        .service(routes::set_policy)
        .service(routes::set_meal_point)
        .service(routes::set_overrides)
        .service(routes::guest_meals)
        .service(routes::issue_coupons)
        .service(routes::list_coupons)
        .service(routes::meal_count)
        .service(routes::forecast)
        .service(routes::kitchen_sheet_csv)
        .service(routes::kitchen_sheet)
        .service(routes::get_menu)
        .service(routes::add_dish)
        .service(routes::delete_dish);
}
