//! HTTP handlers of inspectors, the roster, inspections and incidents.

use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::http::parse_json;
use crate::hygiene::reports::{
    self, FollowUpRequest, IncidentRequest, IncidentResponse, InspectionRequest, InspectionResponse,
};
use crate::hygiene::service::{
    self, CoverageCell, GenerateResult, HygieneSettings, Inspector, ShiftRequest, ShiftResponse,
};
use crate::AppState;

/// The health bureau (and admin) keep inspectors and rosters.
const HEALTH: &[Role] = &[Role::Admin, Role::Health];
/// Who reads rosters (an inspector: their own; a canteen: its point's).
const ROSTER_READERS: &[Role] = &[
    Role::Admin,
    Role::Health,
    Role::Reception,
    Role::Inspector,
    Role::Canteen,
];
/// Who sees coverage, inspections and incidents.
const OVERSIGHT: &[Role] = &[Role::Admin, Role::Health, Role::Reception];
/// Who may raise an incident.
const RAISERS: &[Role] = &[
    Role::Admin,
    Role::Health,
    Role::Reception,
    Role::Inspector,
    Role::Canteen,
];

fn today(state: &AppState) -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&state.settings.timezone)
        .date_naive()
}

/// Some days.
#[derive(Deserialize, IntoParams)]
pub struct DaysQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Dining point code.
    pub point: Option<String>,
}

impl DaysQuery {
    fn days(&self, state: &AppState, default_len: i64) -> (NaiveDate, NaiveDate) {
        let from = self.from.unwrap_or_else(|| today(state));
        (
            from,
            self.to
                .unwrap_or(from + chrono::Duration::days(default_len)),
        )
    }
}

/// The inspectors.
#[utoipa::path(tag = "hygiene", responses((status = 200, body = Vec<Inspector>)))]
#[get("/inspectors")]
pub async fn list_inspectors(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(OVERSIGHT)?;
    let list = state.db(service::list_inspectors).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds an inspector.
#[utoipa::path(tag = "hygiene", request_body = Inspector, responses((status = 201, body = Inspector), (status = 422)))]
#[post("/inspectors")]
pub async fn create_inspector(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let req: Inspector = parse_json(&body)?;
    let i = state
        .write(move |tx| service::save_inspector(tx, &user, None, &req))
        .await?;
    Ok(HttpResponse::Created().json(i))
}

/// Changes an inspector.
#[utoipa::path(tag = "hygiene", request_body = Inspector, responses((status = 200, body = Inspector), (status = 404), (status = 422)))]
#[patch("/inspectors/{id}")]
pub async fn update_inspector(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let req: Inspector = parse_json(&body)?;
    let i = state
        .write(move |tx| service::save_inspector(tx, &user, Some(*id), &req))
        .await?;
    Ok(HttpResponse::Ok().json(i))
}

/// The roster's rules.
#[utoipa::path(tag = "hygiene", responses((status = 200, body = HygieneSettings)))]
#[get("/hygiene/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let s = state.db(service::settings).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Sets the roster's rules.
#[utoipa::path(tag = "hygiene", request_body = HygieneSettings, responses((status = 200, body = HygieneSettings), (status = 422)))]
#[put("/hygiene/settings")]
pub async fn set_settings(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let req: HygieneSettings = parse_json(&body)?;
    let s = state
        .write(move |tx| service::set_settings(tx, &user, &req))
        .await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Generates the roster for some days (default: the next two weeks).
#[utoipa::path(tag = "hygiene", params(DaysQuery), responses((status = 200, body = GenerateResult), (status = 422)))]
#[post("/hygiene/roster/generate")]
pub async fn generate_roster(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let (days, tz) = (query.days(&state, 13), state.settings.timezone);
    let r = state
        .write(move |tx| service::generate(tx, &user, days, tz))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// The roster (an inspector sees their own shifts).
#[utoipa::path(tag = "hygiene", params(DaysQuery), responses((status = 200, body = Vec<ShiftResponse>)))]
#[get("/hygiene/roster")]
pub async fn get_roster(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(ROSTER_READERS)?;
    let (days, tz) = (query.days(&state, 1), state.settings.timezone);
    let list = state
        .db(move |conn| service::list_roster(conn, &user, days, tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Coverage: each point × day × service with the inspectors on duty (fewer than two: a gap).
#[utoipa::path(tag = "hygiene", params(DaysQuery), responses((status = 200, body = Vec<CoverageCell>)))]
#[get("/hygiene/coverage")]
pub async fn get_coverage(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(OVERSIGHT)?;
    let (days, tz) = (query.days(&state, 1), state.settings.timezone);
    if days.1 < days.0 || (days.1 - days.0).num_days() > 60 {
        return Err(AppError::bad_request(
            "to must be on or after from, within 60 days",
        ));
    }
    let list = state
        .db(move |conn| service::coverage(conn, days, tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a shift by hand (checked against the rules).
#[utoipa::path(tag = "hygiene", request_body = ShiftRequest, responses((status = 200, body = Vec<ShiftResponse>), (status = 422)))]
#[post("/hygiene/shifts")]
pub async fn add_shift(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let req: ShiftRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| service::edit_shift(tx, &user, None, &req, tz))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Moves a shift (another inspector, point or time), or swaps it with `with_shift`.
#[utoipa::path(tag = "hygiene", request_body = ShiftRequest, responses((status = 200, body = Vec<ShiftResponse>), (status = 404), (status = 422)))]
#[patch("/hygiene/shifts/{id}")]
pub async fn edit_shift(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let req: ShiftRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| service::edit_shift(tx, &user, Some(*id), &req, tz))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Removes a shift.
#[utoipa::path(tag = "hygiene", responses((status = 204), (status = 404)))]
#[delete("/hygiene/shifts/{id}")]
pub async fn delete_shift(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    state
        .write(move |tx| service::delete_shift(tx, &user, *id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Records an inspection (inspectors).
#[utoipa::path(tag = "hygiene", request_body = InspectionRequest, responses((status = 201, body = InspectionResponse), (status = 422)))]
#[post("/inspections")]
pub async fn record_inspection(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Inspector])?;
    let req: InspectionRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| reports::record_inspection(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(r))
}

/// Inspections per point and day.
#[utoipa::path(tag = "hygiene", params(DaysQuery), responses((status = 200, body = Vec<InspectionResponse>)))]
#[get("/inspections")]
pub async fn list_inspections(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(OVERSIGHT)?;
    let (days, tz) = (query.days(&state, 0), state.settings.timezone);
    let list = state
        .db(move |conn| reports::list_inspections(conn, days, query.point.as_deref(), tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Inspections as CSV, one line per checked item.
#[utoipa::path(tag = "hygiene", params(DaysQuery), responses((status = 200, content_type = "text/csv")))]
#[get("/inspections.csv")]
pub async fn inspections_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(OVERSIGHT)?;
    let (days, tz) = (query.days(&state, 0), state.settings.timezone);
    let bytes = state
        .db(move |conn| {
            reports::inspections_csv(&reports::list_inspections(
                conn,
                days,
                query.point.as_deref(),
                tz,
            )?)
        })
        .await?;
    Ok(crate::http::csv_download(
        bytes,
        format!("inspections-{}.csv", days.0),
    ))
}

/// A checked item's photo (JPEG).
#[utoipa::path(tag = "hygiene", responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
#[get("/inspections/{id}/photos/{item}")]
pub async fn inspection_photo(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin, Role::Health, Role::Reception, Role::Inspector])?;
    let (id, item) = path.into_inner();
    let jpeg = state
        .db(move |conn| reports::inspection_photo(conn, id, &item))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header(("Cache-Control", "private, max-age=3600"))
        .body(jpeg))
}

/// Raises an incident; health and reception hear of it at once.
#[utoipa::path(tag = "hygiene", request_body = IncidentRequest, responses((status = 201, body = IncidentResponse), (status = 422)))]
#[post("/incidents")]
pub async fn raise_incident(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RAISERS)?;
    let req: IncidentRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| reports::raise_incident(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(r))
}

/// A status filter.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
}

/// Incidents, newest first.
#[utoipa::path(tag = "hygiene", params(StatusQuery), responses((status = 200, body = Vec<IncidentResponse>)))]
#[get("/incidents")]
pub async fn list_incidents(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<StatusQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin, Role::Health, Role::Reception, Role::Inspector])?;
    let tz = state.settings.timezone;
    let list = state
        .db(move |conn| reports::list_incidents(conn, query.status.as_deref(), tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Records a follow-up, possibly closing the incident.
#[utoipa::path(tag = "hygiene", request_body = FollowUpRequest, responses((status = 200, body = IncidentResponse), (status = 409), (status = 422)))]
#[post("/incidents/{id}/follow-up")]
pub async fn follow_up(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(HEALTH)?;
    let req: FollowUpRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| reports::follow_up(tx, &user, *id, &req, tz))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}
