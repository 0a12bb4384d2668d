//! HTTP handlers of dining points, windows, the meal policy, guests' meals, coupons, kitchen
//! numbers and the menu.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::http::parse_json;
use crate::i18n::Lang;
use crate::meals::canteen::{self, MealCount};
use crate::meals::catalog::{self, MealCatalog, MealPolicyEntry};
use crate::meals::entitlements::{
    self, CouponBatch, CouponRequest, CouponResponse, GuestMeal, MealPointRequest, OverrideRequest,
};
use crate::meals::kitchen::{self, ForecastRow, KitchenSheet};
use crate::meals::model::{MenuEntry, PointResponse, WindowEntry};
use crate::AppState;

/// Who sees dining points and the menu.
const READERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Committee,
    Role::Canteen,
    Role::Health,
    Role::Inspector,
];
/// Who keeps them.
const RECEPTION: &[Role] = &[Role::Admin, Role::Reception];
/// Who reads the kitchen numbers (a canteen: its own point).
const KITCHEN: &[Role] = &[Role::Admin, Role::Reception, Role::Committee, Role::Canteen];

fn today(state: &AppState) -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&state.settings.timezone)
        .date_naive()
}

fn local_now(state: &AppState) -> chrono::NaiveDateTime {
    chrono::Utc::now()
        .with_timezone(&state.settings.timezone)
        .naive_local()
}

/// A canteen acts only for its own point.
fn own_point(user: &CurrentUser, code: &str) -> Result<(), AppError> {
    if user.role == Role::Canteen && user.scope.as_deref() != Some(code) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Dining points with their windows.
#[utoipa::path(tag = "meals", responses((status = 200, body = Vec<PointResponse>)))]
#[get("/dining-points")]
pub async fn list_points(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let list = state
        .db(move |conn| catalog::list_points(conn, &user))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a dining point.
#[utoipa::path(tag = "meals", request_body = PointResponse, responses((status = 201), (status = 409), (status = 422)))]
#[post("/dining-points")]
pub async fn create_point(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let req: PointResponse = parse_json(&body)?;
    state
        .write(move |tx| catalog::create_point(tx, &user, &req))
        .await?;
    Ok(HttpResponse::Created().finish())
}

/// Changes a dining point.
#[utoipa::path(tag = "meals", request_body = PointResponse, responses((status = 204), (status = 404), (status = 422)))]
#[patch("/dining-points/{code}")]
pub async fn update_point(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let patch: serde_json::Value = parse_json(&body)?;
    state
        .write(move |tx| catalog::update_point(tx, &user, &code, &patch))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets a point's service windows (empty: the event's).
#[utoipa::path(tag = "meals", request_body = Vec<WindowEntry>, responses((status = 204), (status = 422)))]
#[put("/dining-points/{code}/windows")]
pub async fn set_point_windows(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let entries: Vec<WindowEntry> = parse_json(&body)?;
    state
        .write(move |tx| catalog::set_point_windows(tx, &user, &code, &entries))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The event's default windows.
#[utoipa::path(tag = "meals", responses((status = 200, body = Vec<WindowEntry>)))]
#[get("/meal-windows")]
pub async fn get_windows(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let w = state.db(catalog::default_windows).await?;
    Ok(HttpResponse::Ok().json(w))
}

/// Sets the event's default windows.
#[utoipa::path(tag = "meals", request_body = Vec<WindowEntry>, responses((status = 200, body = Vec<WindowEntry>), (status = 422)))]
#[put("/meal-windows")]
pub async fn set_windows(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let entries: Vec<WindowEntry> = parse_json(&body)?;
    let w = state
        .write(move |tx| catalog::set_default_windows(tx, &user, &entries))
        .await?;
    Ok(HttpResponse::Ok().json(w))
}

/// The meal policy per category.
#[utoipa::path(tag = "meals", responses((status = 200, body = Vec<MealPolicyEntry>)))]
#[get("/meal-policy")]
pub async fn get_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let p = state.db(catalog::policy).await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Replaces the meal policy.
#[utoipa::path(tag = "meals", request_body = Vec<MealPolicyEntry>, responses((status = 200, body = Vec<MealPolicyEntry>), (status = 422)))]
#[put("/meal-policy")]
pub async fn set_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let entries: Vec<MealPolicyEntry> = parse_json(&body)?;
    let p = state
        .write(move |tx| catalog::set_policy(tx, &user, &entries))
        .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Sets a guest's designated point (null: their hotel's).
#[utoipa::path(tag = "meals", request_body = MealPointRequest, responses((status = 204), (status = 404), (status = 422)))]
#[put("/guests/{id}/meal-point")]
pub async fn set_meal_point(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let req: MealPointRequest = parse_json(&body)?;
    state
        .write(move |tx| entitlements::set_meal_point(tx, &user, *id, &req))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Extra meals, another point, or no meals for some days.
#[utoipa::path(tag = "meals", request_body = OverrideRequest, responses((status = 200), (status = 404), (status = 422)))]
#[post("/guests/{id}/meal-overrides")]
pub async fn set_overrides(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let req: OverrideRequest = parse_json(&body)?;
    let n = state
        .write(move |tx| entitlements::set_overrides(tx, &user, *id, &req))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"meals": n})))
}

/// Some days.
#[derive(Deserialize, IntoParams)]
pub struct DaysQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Dining point code.
    pub point: Option<String>,
}

/// A guest's meals: where they may eat, what they ate.
#[utoipa::path(tag = "meals", params(DaysQuery), responses((status = 200, body = Vec<GuestMeal>)))]
#[get("/guests/{id}/meals")]
pub async fn guest_meals(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let from = query.from.unwrap_or_else(|| today(&state));
    let to = query.to.unwrap_or(from + chrono::Duration::days(6));
    let tz = state.settings.timezone;
    let list = state
        .db(move |conn| entitlements::guest_meals(conn, *id, (from, to), tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Issues a batch of single-use meal coupons.
#[utoipa::path(tag = "meals", request_body = CouponRequest, responses((status = 201, body = CouponBatch), (status = 422)))]
#[post("/meal-coupons")]
pub async fn issue_coupons(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let req: CouponRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let batch = state
        .write(move |tx| entitlements::issue_coupons(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(batch))
}

/// A point's coupons of a day.
#[derive(Deserialize, IntoParams)]
pub struct CouponQuery {
    pub point: String,
    pub day: Option<NaiveDate>,
}

/// Coupons of a point and day, with when each was used.
#[utoipa::path(tag = "meals", params(CouponQuery), responses((status = 200, body = Vec<CouponResponse>)))]
#[get("/meal-coupons")]
pub async fn list_coupons(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<CouponQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let (day, tz) = (
        query.day.unwrap_or_else(|| today(&state)),
        state.settings.timezone,
    );
    let list = state
        .db(move |conn| entitlements::list_coupons(conn, &query.point, day, tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A point.
#[derive(Deserialize, IntoParams)]
pub struct PointQuery {
    pub point: String,
}

/// Served and expected of the service running now at a point.
#[utoipa::path(tag = "meals", params(PointQuery), responses((status = 200, body = MealCount)))]
#[get("/meals/count")]
pub async fn meal_count(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PointQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(KITCHEN)?;
    own_point(&user, &query.point)?;
    let (now, tz) = (local_now(&state), state.settings.timezone);
    let c = state
        .db(move |conn| canteen::count(conn, &query.point, now, tz))
        .await?;
    Ok(HttpResponse::Ok().json(c))
}

/// The forecast's answer.
#[derive(Serialize, ToSchema)]
pub struct ForecastAnswer {
    /// One row per point, day and service.
    pub rows: Vec<ForecastRow>,
}

/// Forecast and actual per point, day and service.
#[utoipa::path(tag = "meals", params(DaysQuery), responses((status = 200, body = ForecastAnswer)))]
#[get("/meals/forecast")]
pub async fn forecast(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(KITCHEN)?;
    if user.role == Role::Canteen {
        own_point(&user, query.point.as_deref().unwrap_or(""))?;
    }
    let from = query.from.unwrap_or_else(|| today(&state));
    let to = query.to.unwrap_or(from + chrono::Duration::days(1));
    if to < from || (to - from).num_days() > 60 {
        return Err(AppError::bad_request(
            "to must be on or after from, within 60 days",
        ));
    }
    let tz = state.settings.timezone;
    let rows = state
        .db(move |conn| {
            let catalog = MealCatalog::load(conn)?;
            let only = match query.point.as_deref().filter(|p| !p.is_empty()) {
                Some(code) => Some(
                    catalog
                        .point(code)
                        .ok_or(AppError::NotFound("dining point"))?
                        .id,
                ),
                None => None,
            };
            kitchen::forecast(conn, &catalog, (from, to), only, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ForecastAnswer { rows }))
}

/// A day.
#[derive(Deserialize, IntoParams)]
pub struct DayQuery {
    /// Default: tomorrow.
    pub day: Option<NaiveDate>,
}

/// A point's kitchen sheet (default: tomorrow).
#[utoipa::path(tag = "meals", params(DayQuery), responses((status = 200, body = KitchenSheet)))]
#[get("/dining-points/{code}/kitchen-sheet")]
pub async fn kitchen_sheet(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(KITCHEN)?;
    own_point(&user, &code)?;
    let (day, tz) = (
        query
            .day
            .unwrap_or_else(|| today(&state) + chrono::Duration::days(1)),
        state.settings.timezone,
    );
    let sheet = state
        .db(move |conn| kitchen::kitchen_sheet(conn, &code, day, tz))
        .await?;
    Ok(HttpResponse::Ok().json(sheet))
}

/// A point's kitchen sheet as CSV (UTF-8 with BOM).
#[utoipa::path(tag = "meals", params(DayQuery), responses((status = 200, content_type = "text/csv")))]
#[get("/dining-points/{code}/kitchen-sheet.csv")]
pub async fn kitchen_sheet_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    query: web::Query<DayQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require(KITCHEN)?;
    own_point(&user, &code)?;
    let (day, tz, lang) = (
        query
            .day
            .unwrap_or_else(|| today(&state) + chrono::Duration::days(1)),
        state.settings.timezone,
        Lang::of_request(&req),
    );
    let (name, bytes) = state
        .db(move |conn| {
            let sheet = kitchen::kitchen_sheet(conn, &code, day, tz)?;
            Ok((
                format!("kitchen-{}-{day}.csv", sheet.point),
                kitchen::kitchen_sheet_csv(&sheet, lang)?,
            ))
        })
        .await?;
    Ok(crate::http::csv_download(bytes, name))
}

/// The menu's filter.
#[derive(Deserialize, IntoParams)]
pub struct MenuQuery {
    pub day: Option<NaiveDate>,
    pub service: Option<String>,
    /// A point: its exceptions replace the unified dishes of a service.
    pub point: Option<String>,
}

/// The unified menu of a day.
#[utoipa::path(tag = "meals", params(MenuQuery), responses((status = 200, body = Vec<MenuEntry>)))]
#[get("/menu")]
pub async fn get_menu(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<MenuQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let day = query.day.unwrap_or_else(|| today(&state));
    let list = state
        .db(move |conn| kitchen::menu(conn, day, query.service.as_deref(), query.point.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a dish.
#[utoipa::path(tag = "meals", request_body = MenuEntry, responses((status = 201, body = MenuEntry), (status = 422)))]
#[post("/menu")]
pub async fn add_dish(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let entry: MenuEntry = parse_json(&body)?;
    let dish = state
        .write(move |tx| kitchen::add_dish(tx, &user, &entry))
        .await?;
    Ok(HttpResponse::Created().json(dish))
}

/// Removes a dish.
#[utoipa::path(tag = "meals", responses((status = 204), (status = 404)))]
#[delete("/menu/{id}")]
pub async fn delete_dish(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    state
        .write(move |tx| kitchen::delete_dish(tx, &user, *id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
