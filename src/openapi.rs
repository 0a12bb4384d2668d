//! The OpenAPI document, assembled from the handlers' `#[utoipa::path]` annotations.

use utoipa::OpenApi;

use crate::{audit, auth, guests, hotels, passes, pickups, scan, web};

/// Every documented route and schema.
#[derive(OpenApi)]
#[openapi(
    info(title = "Yingbin 迎宾", description = "Guest hospitality for large events. Conventions: docs/api.md."),
    paths(
        web::healthz,
        auth::routes::login,
        auth::routes::logout,
        auth::routes::me,
        auth::routes::list_users,
        auth::routes::create_user,
        auth::routes::update_user,
        auth::routes::reset_password,
        audit::routes::list_audit,
        guests::routes::list_guests,
        guests::routes::get_guest,
        guests::routes::create_guest,
        guests::routes::update_guest,
        guests::routes::delete_guest,
        guests::routes::put_photo,
        guests::routes::get_photo,
        guests::routes::import_guests,
        guests::routes::export_guests,
        guests::routes::list_departments,
        guests::routes::create_department,
        guests::routes::rename_department,
        guests::routes::delete_department,
        guests::routes::list_delegations,
        guests::routes::create_delegation,
        guests::routes::rename_delegation,
        guests::routes::delete_delegation,
        guests::routes::list_hubs,
        passes::routes::list_credentials,
        passes::routes::request_credential,
        passes::routes::request_credentials_bulk,
        passes::routes::approve_credentials,
        passes::routes::list_vehicle_passes,
        passes::routes::request_vehicle_pass,
        passes::routes::list_admissions,
        passes::routes::create_admission,
        passes::routes::get_pass,
        passes::routes::approve_pass,
        passes::routes::mark_printed,
        passes::routes::mark_collected,
        passes::routes::revoke_pass,
        passes::routes::reissue_pass,
        passes::routes::qr_png,
        passes::routes::qr_svg,
        passes::routes::public_keys,
        passes::routes::revocations,
        passes::routes::list_zones,
        passes::routes::create_zone,
        passes::routes::update_zone,
        passes::routes::delete_zone,
        passes::routes::list_sessions,
        passes::routes::create_session,
        scan::routes::record_scan,
        scan::routes::list_points,
        scan::routes::create_point,
        scan::routes::update_point,
        scan::routes::list_scans,
        scan::routes::hourly,
        hotels::routes::list_hotels,
        hotels::routes::create_hotel,
        hotels::routes::update_hotel,
        hotels::routes::delete_hotel,
        hotels::routes::list_blocks,
        hotels::routes::create_block,
        hotels::routes::delete_block,
        hotels::routes::request_release,
        hotels::routes::list_releases,
        hotels::routes::grant_release,
        hotels::routes::refuse_release,
        hotels::routes::occupancy,
        hotels::routes::get_policy,
        hotels::routes::set_policy,
        hotels::routes::list_plans,
        hotels::routes::propose_plan,
        hotels::routes::get_plan,
        hotels::routes::list_assignments,
        hotels::routes::move_guest,
        hotels::routes::swap_guests,
        hotels::routes::lock_guest,
        hotels::routes::submit_plan,
        hotels::routes::approve_plan,
        hotels::routes::return_plan,
        hotels::routes::revise_plan,
        hotels::routes::hotel_changes,
        hotels::routes::acknowledge,
        hotels::routes::rooming_list_csv,
        hotels::routes::rooming_list,
        hotels::routes::desk_day,
        hotels::routes::settlement_csv,
        hotels::routes::get_stay,
        hotels::routes::check_in,
        hotels::routes::check_out,
        hotels::routes::change_dates,
        hotels::routes::get_folio,
        pickups::routes::update_hub,
        pickups::routes::get_travel,
        pickups::routes::set_travel,
        pickups::routes::list_trips,
        pickups::routes::update_trip,
        pickups::routes::import_trips,
        pickups::routes::summary,
        pickups::routes::set_pickup_status,
        pickups::routes::pickup_history,
        pickups::routes::list_vehicles,
        pickups::routes::create_vehicle,
        pickups::routes::update_vehicle,
        pickups::routes::delete_vehicle,
        pickups::routes::list_runs,
        pickups::routes::plan_runs,
        pickups::routes::merge_runs,
        pickups::routes::edit_run_guests,
        pickups::routes::set_run_vehicle,
        pickups::routes::lock_run,
        pickups::routes::split_run,
        pickups::routes::set_run_status,
        pickups::routes::board_events,
        pickups::routes::get_board,
    ),
    modifiers(&ApiPrefix),
)]
pub struct ApiDoc;

/// Handlers are mounted under `/api/v1`; their annotations carry only the local path.
struct ApiPrefix;

impl utoipa::Modify for ApiPrefix {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let paths = std::mem::take(&mut doc.paths.paths);
        for (path, item) in paths {
            let full = if path == "/healthz" {
                path
            } else {
                format!("/api/v1{path}")
            };
            doc.paths.paths.insert(full, item);
        }
    }
}
