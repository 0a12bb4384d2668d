//! HTTP handlers of the field kit: devices, their offline kit, offline uploads, conflicts.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::http::parse_json;
use crate::i18n::Lang;
use crate::scan::batch::{self, BatchAnswer, BatchRequest};
use crate::scan::conflicts::{self, ConflictList};
use crate::scan::devices::{self, Device, DeviceList, RegisterDevice};
use crate::scan::kit::{self, SignedKit};
use crate::scan::service;
use crate::AppState;

const SCANNERS: &[Role] = &[
    Role::Admin,
    Role::Security,
    Role::Checkpoint,
    Role::HotelDesk,
    Role::Canteen,
];
const DEVICE_READERS: &[Role] = &[Role::Admin, Role::Security, Role::Reception];
const DEVICE_KEEPERS: &[Role] = &[Role::Admin, Role::Security];
const CONFLICT_READERS: &[Role] = &[Role::Admin, Role::Security, Role::Canteen];

/// Registers this device at a scan point (one the user may scan at).
#[utoipa::path(tag = "field", request_body = RegisterDevice, responses((status = 201, body = Device), (status = 403), (status = 422)))]
#[post("/devices")]
pub async fn register_device(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(SCANNERS)?;
    let req: RegisterDevice = parse_json(&body)?;
    let (tz, minutes) = (
        state.settings.timezone,
        state.settings.offline_max_age_minutes,
    );
    let device = state
        .write(move |tx| {
            let id = devices::register(tx, &user, &req)?;
            let now = tx.now();
            let list = devices::list(tx, tz, now, minutes)?;
            list.devices
                .into_iter()
                .find(|d| d.id == id)
                .ok_or(AppError::NotFound("device"))
        })
        .await?;
    Ok(HttpResponse::Created().json(device))
}

/// Every device, with when it last synced and how old its lists are.
#[utoipa::path(tag = "field", responses((status = 200, body = DeviceList)))]
#[get("/devices")]
pub async fn list_devices(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(DEVICE_READERS)?;
    let (tz, minutes) = (
        state.settings.timezone,
        state.settings.offline_max_age_minutes,
    );
    let list = state
        .db(move |conn| devices::list(conn, tz, crate::time::now_utc(), minutes))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Retires a device: its kit and uploads are refused from now on.
#[utoipa::path(tag = "field", responses((status = 204), (status = 404)))]
#[post("/devices/{id}/retire")]
pub async fn retire_device(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(DEVICE_KEEPERS)?;
    let id = id.into_inner();
    state
        .write(move |tx| devices::retire(tx, &user, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The kit's query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct KitQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// The `cursor` of the last kit applied: only revocations after it (0 or none: all).
    pub since: Option<i64>,
}

/// The device's offline kit, signed.
#[utoipa::path(tag = "field", params(KitQuery), responses((status = 200, body = SignedKit), (status = 404), (status = 409)))]
#[get("/devices/{id}/kit")]
pub async fn device_kit(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<KitQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(SCANNERS)?;
    let (id, since) = (id.into_inner(), query.since.map(|s| s.max(0)));
    let (tz, minutes) = (
        state.settings.timezone,
        state.settings.offline_max_age_minutes,
    );
    let signed = state
        .db(move |conn| {
            let device = devices::usable(conn, &user, id)?;
            let point = crate::scan::store::find_point_by_id(conn, device.point_id)?
                .ok_or(AppError::NotFound("scan point"))?;
            let now = crate::time::now_utc();
            let (signed, generated) = kit::build(conn, &device, &point, since, tz, now, minutes)?;
            devices::touch(conn, device.id, now, Some(generated))?;
            Ok(signed)
        })
        .await?;
    Ok(HttpResponse::Ok().json(signed))
}

/// Uploads scans a device decided offline (at most 500; idempotent by nonce).
#[utoipa::path(tag = "field", request_body = BatchRequest, responses((status = 200, body = BatchAnswer), (status = 409), (status = 422)))]
#[post("/scans/batch")]
pub async fn upload_batch(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(SCANNERS)?;
    let batch: BatchRequest = parse_json(&body)?;
    let lang = Lang::of_request(&req);
    let st = state.clone();
    let answer = web::block(move || {
        let mut conn = st.pool.get()?;
        batch::upload(
            &mut conn,
            &st.keys,
            &st.scan_cache,
            &user,
            &batch,
            lang,
            st.settings.timezone,
            chrono::Utc::now(),
        )
    })
    .await??;
    Ok(HttpResponse::Ok().json(answer))
}

/// Finds a guest who forgot the pass, by name, at a point: photo and what their pass would
/// get here; nothing is claimed or logged as a scan (the lookup is in the audit log).
#[utoipa::path(tag = "field", request_body = crate::scan::lookup::LookupRequest, responses((status = 200, body = crate::scan::lookup::LookupAnswer), (status = 403), (status = 422)))]
#[post("/scans/lookup")]
pub async fn lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(SCANNERS)?;
    let ask: crate::scan::lookup::LookupRequest = parse_json(&body)?;
    let lang = Lang::of_request(&req);
    let st = state.clone();
    let answer = web::block(move || {
        let mut conn = st.pool.get()?;
        crate::scan::lookup::lookup(
            &mut conn,
            &st.keys,
            &st.scan_cache,
            &user,
            &ask,
            lang,
            st.settings.timezone,
            chrono::Utc::now(),
        )
    })
    .await??;
    Ok(HttpResponse::Ok().json(answer))
}

/// The conflicts's query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConflictQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// At most this many, newest first (default 200, at most 1000).
    pub limit: Option<i64>,
}

/// Conflicts found in offline uploads, newest first (a canteen sees its own point's).
#[utoipa::path(tag = "field", params(ConflictQuery), responses((status = 200, body = ConflictList)))]
#[get("/scans/conflicts")]
pub async fn list_conflicts(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ConflictQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(CONFLICT_READERS)?;
    let limit = query.limit.unwrap_or(200).clamp(1, 1000);
    let tz = state.settings.timezone;
    let list = state
        .db(move |conn| {
            let mut list = conflicts::list(conn, tz, limit)?;
            if user.role == Role::Canteen {
                let mine: Vec<String> = service::list_points(conn, &user)?
                    .into_iter()
                    .map(|p| p.code)
                    .collect();
                list.conflicts.retain(|c| mine.contains(&c.lost.point));
            }
            Ok::<ConflictList, AppError>(list)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
