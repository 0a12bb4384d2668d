//! HTTP handlers of hubs' pickup settings, trips, pickup steps, vehicles, runs and boards.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::live;
use crate::pickups::board::{self, Board, Summary};
use crate::pickups::model::{RunResponse, Trip, VehicleResponse};
use crate::pickups::rules::Direction;
use crate::pickups::runs::{self, PlanRequest, PlanResult, RunEdit};
use crate::pickups::service::{
    self, HubRequest, PickupResponse, StatusRequest, StepRecord, TravelEntry,
};
use crate::pickups::trips::{self, TripImport, TripUpdateRequest};
use crate::pickups::vehicles;

use crate::http::parse_json;
use crate::AppState;

/// Who sees trips, runs and boards (a greeter only its hub).
const READERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Transport,
    Role::Office,
    Role::Greeter,
];
/// Who plans and changes runs and cars.
const DISPATCH: &[Role] = &[Role::Admin, Role::Reception, Role::Transport];
/// Who records what happens at a hub.
const FIELD: &[Role] = &[Role::Admin, Role::Reception, Role::Transport, Role::Greeter];
/// Who sees the vehicle pool and reception's day.
const OFFICE: &[Role] = &[Role::Admin, Role::Reception, Role::Transport, Role::Office];

fn today(state: &AppState) -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&state.settings.timezone)
        .date_naive()
}

/// The hub asked for, or a greeter's own.
fn hub_of(user: &CurrentUser, asked: Option<i64>) -> Option<i64> {
    match user.role {
        Role::Greeter => asked.or_else(|| user.scope.as_deref().and_then(|s| s.parse().ok())),
        _ => asked,
    }
}

/// Sets a hub's name, kind or meeting point.
#[utoipa::path(tag = "pickups", request_body = HubRequest, responses((status = 204), (status = 404)))]
#[patch("/hubs/{id}")]
pub async fn update_hub(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin, Role::Reception])?;
    let req: HubRequest = parse_json(&body)?;
    state
        .write(move |tx| service::update_hub(tx, &user, *id, &req))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Minutes from a hub to each hotel.
#[utoipa::path(tag = "pickups", responses((status = 200, body = Vec<TravelEntry>)))]
#[get("/hubs/{id}/travel")]
pub async fn get_travel(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let list = state.db(move |conn| service::travel(conn, *id)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Replaces a hub's travel minutes.
#[utoipa::path(tag = "pickups", request_body = Vec<TravelEntry>, responses((status = 200, body = Vec<TravelEntry>), (status = 422)))]
#[put("/hubs/{id}/travel")]
pub async fn set_travel(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let entries: Vec<TravelEntry> = parse_json(&body)?;
    let list = state
        .write(move |tx| service::set_travel(tx, &user, *id, &entries))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A hub, a day and a direction.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// Hub id (a greeter: its own by default).
    pub hub: Option<i64>,
    /// Event-local day (default today).
    pub date: Option<NaiveDate>,
    /// `arrival` (default) or `departure`.
    pub direction: Option<String>,
}

/// Flights and trains of a day with their guest counts, schedule and latest update.
#[utoipa::path(tag = "pickups", params(DayQuery), responses((status = 200, body = Vec<Trip>)))]
#[get("/trips")]
pub async fn list_trips(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let (date, tz) = (
        query.date.unwrap_or_else(|| today(&state)),
        state.settings.timezone,
    );
    let direction = Direction::parse(query.direction.as_deref().unwrap_or(""))
        .ok_or_else(|| AppError::bad_request("direction must be arrival or departure"))?;
    let hub = hub_of(&user, query.hub);
    let trips = state
        .db(move |conn| {
            if let Some(h) = hub {
                service::hub_for(conn, &user, h)?;
            } else if user.role == Role::Greeter {
                return Err(AppError::Forbidden);
            }
            let (from, to) = trips::day_span(tz, date);
            Ok(trips::trip_book(conn, direction, hub, from, to, tz)?
                .trips
                .into_iter()
                .map(|(t, _)| t)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(trips))
}

/// Updates a flight or train: one update moves every guest on it.
#[utoipa::path(tag = "pickups", request_body = TripUpdateRequest, responses((status = 200, body = Trip), (status = 422)))]
#[post("/trips/update")]
pub async fn update_trip(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(FIELD)?;
    let req: TripUpdateRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let trip = state
        .write(move |tx| trips::update_trip(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Ok().json(trip))
}

/// A CSV feed of trip updates (`number,date,hub,new_time,status`); one bad line and nothing
/// is written.
#[utoipa::path(tag = "pickups", request_body(content = String, content_type = "text/csv"), responses((status = 200, body = TripImport), (status = 422)))]
#[post("/trips/import")]
pub async fn import_trips(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| AppError::bad_request("the feed must be UTF-8 text"))?;
    let tz = state.settings.timezone;
    let report = state
        .write(move |tx| trips::import_trips(tx, &user, &text, tz))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Records a step of a guest's pickup.
#[utoipa::path(tag = "pickups", request_body = StatusRequest, responses((status = 200, body = PickupResponse), (status = 409), (status = 422)))]
#[post("/pickups/{id}/status")]
pub async fn set_pickup_status(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(FIELD)?;
    let req: StatusRequest = parse_json(&body)?;
    let r = state
        .write(move |tx| service::set_status(tx, &user, *id, &req))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Every step of a guest's pickups: who and when.
#[utoipa::path(tag = "pickups", responses((status = 200, body = Vec<StepRecord>)))]
#[get("/pickups/{id}/history")]
pub async fn pickup_history(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(OFFICE)?;
    let tz = state.settings.timezone;
    let list = state
        .db(move |conn| service::history(conn, *id, tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A day for reception's view.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// Event-local day (default today).
    pub date: Option<NaiveDate>,
}

/// Arrivals per hour per hub for the day and the next; the day's exceptions.
#[utoipa::path(tag = "pickups", params(SummaryQuery), responses((status = 200, body = Summary)))]
#[get("/pickups/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(OFFICE)?;
    let (date, tz) = (
        query.date.unwrap_or_else(|| today(&state)),
        state.settings.timezone,
    );
    let s = state.db(move |conn| board::summary(conn, date, tz)).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// The vehicle pool.
#[utoipa::path(tag = "pickups", responses((status = 200, body = Vec<VehicleResponse>)))]
#[get("/vehicles")]
pub async fn list_vehicles(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(OFFICE)?;
    let tz = state.settings.timezone;
    let list = state
        .db(move |conn| vehicles::list_vehicles(conn, tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a car to the pool.
#[utoipa::path(tag = "pickups", request_body = VehicleResponse, responses((status = 201, body = VehicleResponse), (status = 409), (status = 422)))]
#[post("/vehicles")]
pub async fn create_vehicle(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let req: VehicleResponse = parse_json(&body)?;
    let tz = state.settings.timezone;
    let v = state
        .write(move |tx| vehicles::create_vehicle(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Changes a car.
#[utoipa::path(tag = "pickups", request_body = VehicleResponse, responses((status = 200, body = VehicleResponse), (status = 404), (status = 422)))]
#[patch("/vehicles/{id}")]
pub async fn update_vehicle(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let patch: serde_json::Value = parse_json(&body)?;
    let tz = state.settings.timezone;
    let hold = state.settings.mail.change_hold();
    let v = state
        .write(move |tx| vehicles::update_vehicle(tx, &user, *id, &patch, tz, hold))
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Takes a car out of the pool (its runs lose it).
#[utoipa::path(tag = "pickups", responses((status = 204), (status = 404)))]
#[delete("/vehicles/{id}")]
pub async fn delete_vehicle(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let hold = state.settings.mail.change_hold();
    state
        .write(move |tx| vehicles::delete_vehicle(tx, &user, *id, hold))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The runs of a hub and day.
#[utoipa::path(tag = "pickups", params(DayQuery), responses((status = 200, body = Vec<RunResponse>)))]
#[get("/runs")]
pub async fn list_runs(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let (date, tz) = (
        query.date.unwrap_or_else(|| today(&state)),
        state.settings.timezone,
    );
    let direction = match query.direction.as_deref() {
        None => None,
        Some(d) => Some(
            Direction::parse(d)
                .ok_or_else(|| AppError::bad_request("direction must be arrival or departure"))?,
        ),
    };
    let hub = query.hub;
    let list = state
        .db(move |conn| runs::list_runs(conn, &user, hub, date, direction, tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Plans the runs of a hub, day and direction (locked runs and runs under way are kept).
#[utoipa::path(tag = "pickups", request_body = PlanRequest, responses((status = 200, body = PlanResult), (status = 422)))]
#[post("/runs/plan")]
pub async fn plan_runs(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let req: PlanRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let hold = state.settings.mail.change_hold();
    let r = state
        .write(move |tx| runs::plan(tx, &user, &req, tz, hold))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Moves guests into or out of a run.
#[utoipa::path(tag = "pickups", request_body = RunEdit, responses((status = 200, body = RunResponse), (status = 409)))]
#[post("/runs/{id}/guests")]
pub async fn edit_run_guests(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let edit: RunEdit = parse_json(&body)?;
    let tz = state.settings.timezone;
    let hold = state.settings.mail.change_hold();
    let r = state
        .write(move |tx| runs::edit_guests(tx, &user, *id, &edit, tz, hold))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Gives a run a car, or takes it away (`{"vehicle_id": null}`).
#[utoipa::path(tag = "pickups", request_body = RunEdit, responses((status = 200, body = RunResponse), (status = 409)))]
#[post("/runs/{id}/vehicle")]
pub async fn set_run_vehicle(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let edit: RunEdit = parse_json(&body)?;
    let tz = state.settings.timezone;
    let hold = state.settings.mail.change_hold();
    let r = state
        .write(move |tx| runs::set_vehicle(tx, &user, *id, edit.vehicle_id, tz, hold))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Locks a run (re-planning keeps it) or frees it.
#[utoipa::path(tag = "pickups", request_body = RunEdit, responses((status = 200, body = RunResponse)))]
#[post("/runs/{id}/lock")]
pub async fn lock_run(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let edit: RunEdit = parse_json(&body)?;
    let locked = edit.locked.ok_or_else(|| {
        AppError::invalid(
            "locked is required",
            serde_json::json!([{"field": "locked"}]),
        )
    })?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| runs::set_locked(tx, &user, *id, locked, tz))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Splits guests off into a new run.
#[utoipa::path(tag = "pickups", request_body = RunEdit, responses((status = 200, body = RunResponse), (status = 422)))]
#[post("/runs/{id}/split")]
pub async fn split_run(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let edit: RunEdit = parse_json(&body)?;
    let tz = state.settings.timezone;
    let hold = state.settings.mail.change_hold();
    let r = state
        .write(move |tx| runs::split(tx, &user, *id, &edit.guest_ids, tz, hold))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Merges runs into the first.
#[utoipa::path(tag = "pickups", request_body = RunEdit, responses((status = 200, body = RunResponse), (status = 409), (status = 422)))]
#[post("/runs/merge")]
pub async fn merge_runs(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DISPATCH)?;
    let edit: RunEdit = parse_json(&body)?;
    let tz = state.settings.timezone;
    let hold = state.settings.mail.change_hold();
    let r = state
        .write(move |tx| runs::merge(tx, &user, &edit.ids, tz, hold))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// A run's next step: at the hub, departed (riders in the car), arrived.
#[utoipa::path(tag = "pickups", request_body = RunEdit, responses((status = 200, body = RunResponse), (status = 409), (status = 422)))]
#[post("/runs/{id}/status")]
pub async fn set_run_status(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(FIELD)?;
    let edit: RunEdit = parse_json(&body)?;
    let status = edit.status.unwrap_or_default();
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| runs::set_status(tx, &user, *id, &status, tz))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// A board's window.
#[derive(Deserialize, IntoParams)]
pub struct BoardQuery {
    /// Hub id (a greeter: its own by default).
    pub hub: Option<i64>,
    /// Start of the window, RFC 3339 (default: two hours ago).
    pub from: Option<String>,
    /// Hours shown (default 6, at most 48).
    pub hours: Option<i64>,
}

/// A hub's board: trips in time order with their guests, steps and cars.
#[utoipa::path(tag = "pickups", params(BoardQuery), responses((status = 200, body = Board)))]
#[get("/board")]
pub async fn get_board(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<BoardQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let hub = hub_of(&user, query.hub).ok_or_else(|| {
        AppError::invalid("hub is required", serde_json::json!([{"field": "hub"}]))
    })?;
    let from = match query.from.as_deref() {
        Some(f) => DateTime::parse_from_rfc3339(f)
            .map_err(|_| AppError::bad_request("from must be RFC 3339"))?
            .naive_utc(),
        None => crate::time::now_utc() - chrono::Duration::hours(2),
    };
    let hours = query.hours.unwrap_or(6).clamp(1, 48);
    let tz = state.settings.timezone;
    let b = state
        .db(move |conn| board::board(conn, &user, hub, from, hours, tz))
        .await?;
    Ok(HttpResponse::Ok().json(b))
}

/// Which board's changes to push.
#[derive(Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Hub id (a greeter: its own); none: every hub.
    pub hub: Option<i64>,
}

/// Server-Sent Events: `change` for every change of the hub's board (trips, steps, runs, cars),
/// `: ping` every 15 s. `Last-Event-ID` resumes after a reconnect.
#[utoipa::path(tag = "pickups", params(EventsQuery), responses((status = 200, content_type = "text/event-stream")))]
#[get("/board/events")]
pub async fn board_events(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<EventsQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    // Health hears of incidents on the same feed; the committee's day at a glance listens too,
    // and security and the canteens hear of offline conflicts (events carry kinds and ids only).
    user.require(&[
        Role::Admin,
        Role::Reception,
        Role::Transport,
        Role::Office,
        Role::Greeter,
        Role::Health,
        Role::Committee,
        Role::Security,
        Role::Canteen,
    ])?;
    let hub = hub_of(&user, query.hub);
    let last: Option<i64> = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    // Subscribe before reading what was missed, so nothing falls between the two.
    let receiver = state.live.subscribe();
    let missed = state
        .db(move |conn| {
            match hub {
                Some(h) => {
                    service::hub_for(conn, &user, h)?;
                }
                None if user.role == Role::Greeter => return Err(AppError::Forbidden),
                None => {}
            }
            Ok(match last {
                Some(id) => live::events_after(conn, id, 1000)?
                    .into_iter()
                    .filter(|e| live::wanted(e, hub))
                    .collect(),
                None => Vec::new(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(live::stream(missed, receiver, hub)))
}
