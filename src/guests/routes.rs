//! HTTP handlers of the guest registry.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, ErrorBody};
use crate::guests::import::{self, ImportContext, ImportReport};
use crate::guests::model::{GuestResponse, HubResponse, NamedCount};
use crate::guests::registry::{self, NamedKind};
use crate::guests::store::GuestFilter;
use crate::guests::{photo, service};
use crate::http::parse_json;
use crate::i18n::Lang;
use crate::time;
use crate::AppState;

/// Roles that read the registry (a department only its own guests).
pub const READERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Department,
    Role::Security,
    Role::Transport,
    Role::Office,
    Role::Committee,
];
/// Roles that see guests' photos: readers, and those who check faces at gates, desks,
/// canteens and arrival halls.
pub const PHOTO_READERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Department,
    Role::Security,
    Role::Transport,
    Role::Office,
    Role::Committee,
    Role::Greeter,
    Role::HotelDesk,
    Role::Canteen,
    Role::Checkpoint,
];
/// Roles that change guests (a department only its own).
pub const WRITERS: &[Role] = &[Role::Admin, Role::Reception, Role::Department];
/// Roles that manage departments and delegations.
pub const REGISTRARS: &[Role] = &[Role::Admin, Role::Reception];

/// Filters of the guest list and export. An unknown parameter is a 400 naming it: a filter
/// misspelled must not silently return every guest.
#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
pub struct GuestQuery {
    /// Text in name, Latin name, ref, phone or organization.
    pub q: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Department id.
    pub department_id: Option<i64>,
    /// Delegation id.
    pub delegation_id: Option<i64>,
    /// Halal guests only (`true`) or non-halal only (`false`).
    pub halal: Option<bool>,
    /// Arrival hub code (or id).
    pub arrival_hub: Option<String>,
    /// Arrival date, `YYYY-MM-DD` in event time.
    pub arrival_date: Option<NaiveDate>,
    /// Departure hub code (or id): who leaves through it (returns to the airport).
    pub departure_hub: Option<String>,
    /// Departure date, `YYYY-MM-DD` in event time.
    pub departure_date: Option<NaiveDate>,
    /// `active` (taking part), `withdrawn`, or both when absent.
    pub status: Option<String>,
    /// Page size (default 50, at most 1000; 0 gives only the total).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
    /// Export header language (`zh` or `en`).
    pub lang: Option<String>,
}

impl GuestQuery {
    fn filter(&self, state: &AppState, hubs: &[HubResponse]) -> Result<GuestFilter, AppError> {
        let tz = state.settings.timezone;
        // An unknown hub matches nobody (id -1), never everyone.
        let hub_id = |key: &Option<String>| {
            key.as_deref().filter(|h| !h.is_empty()).map(|h| {
                hubs.iter()
                    .find(|x| x.code == h || x.id.to_string() == h)
                    .map_or(-1, |x| x.id)
            })
        };
        let day = |d: Option<NaiveDate>| d.map(|d| crate::time::day_bounds(tz, d));
        let withdrawn = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some("active") => Some(false),
            Some("withdrawn") => Some(true),
            Some(other) => {
                return Err(AppError::bad_request(format!(
                    "status must be active or withdrawn, not {other}"
                )))
            }
        };
        Ok(GuestFilter {
            q: self.q.clone(),
            category: self.category.clone().filter(|c| !c.is_empty()),
            department_id: self.department_id,
            scope_department_id: None,
            delegation_id: self.delegation_id,
            halal: self.halal,
            arrival_hub_id: hub_id(&self.arrival_hub),
            organization: None,
            arrival_between: day(self.arrival_date),
            departure_hub_id: hub_id(&self.departure_hub),
            departure_between: day(self.departure_date),
            withdrawn,
        })
    }
}

/// A page of guests.
#[derive(Serialize, ToSchema)]
pub struct GuestPage {
    /// Guests matching the filters.
    pub total: i64,
    /// This page.
    pub items: Vec<GuestResponse>,
}

/// Lists guests with search and filters.
#[utoipa::path(tag = "guests", params(GuestQuery), responses((status = 200, body = GuestPage), (status = 401), (status = 403)))]
#[get("/guests")]
pub async fn list_guests(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<GuestQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let limit = query.limit.unwrap_or(50).clamp(0, 1000);
    let offset = query.offset.unwrap_or(0).max(0);
    let tz = state.settings.timezone;
    let st = state.clone();
    let (total, items) = web::block(move || -> Result<_, AppError> {
        let mut conn = st.pool.get()?;
        let hubs = registry::list_hubs(&mut conn)?;
        let filter = query.filter(&st, &hubs)?;
        service::list_guests(&mut conn, &user, filter, limit, offset, tz)
    })
    .await??;
    Ok(HttpResponse::Ok().json(GuestPage { total, items }))
}

/// One guest.
#[utoipa::path(tag = "guests", responses((status = 200, body = GuestResponse), (status = 404)))]
#[get("/guests/{id}")]
pub async fn get_guest(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let (pool, tz, id) = (state.pool.clone(), state.settings.timezone, id.into_inner());
    let guest = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        service::get_guest(&mut conn, &user, id, tz)
    })
    .await??;
    Ok(HttpResponse::Ok().json(guest))
}

fn object(body: Value) -> Result<Map<String, Value>, AppError> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(AppError::bad_request("expected a JSON object")),
    }
}

/// Creates a guest (keys as in the CSV: `ref`, `name`, `department`…).
#[utoipa::path(tag = "guests", request_body = Object, responses((status = 201, body = GuestResponse), (status = 409), (status = 422)))]
#[post("/guests")]
pub async fn create_guest(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    let (tz, lang) = (state.settings.timezone, Lang::of_request(&req));
    let body = object(parse_json(&body)?)?;
    let guest = state
        .write(move |tx| service::create_guest(tx, &user, &body, tz, lang))
        .await?;
    Ok(HttpResponse::Created().json(guest))
}

/// Uploads a guest's photo: the raw JPEG, PNG or WebP file as the body.
#[utoipa::path(tag = "guests", request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200), (status = 413), (status = 415), (status = 422)))]
#[put("/guests/{id}/photo")]
pub async fn put_photo(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    if body.is_empty() {
        return Err(AppError::UnsupportedMediaType(
            "the body is empty: send the photo file".into(),
        ));
    }
    let id = id.into_inner();
    let jpeg = web::block(move || photo::normalize(&body))
        .await?
        .map_err(photo::PhotoError::into_app_error)?;
    let (width, height, bytes) = state
        .write(move |tx| service::put_photo(tx, &user, id, jpeg))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"width": width, "height": height, "bytes": bytes})))
}

/// A guest's photo (JPEG).
#[utoipa::path(tag = "guests", responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
#[get("/guests/{id}/photo")]
pub async fn get_photo(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(PHOTO_READERS)?;
    let (pool, id) = (state.pool.clone(), id.into_inner());
    let photo = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        service::get_photo(&mut conn, &user, id)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header(CacheControl(vec![
            CacheDirective::Private,
            CacheDirective::MaxAge(60),
        ]))
        .insert_header(("ETag", format!("\"{}\"", &photo.sha256[..16])))
        .body(photo.jpeg))
}

/// `?dry_run=true` previews without writing.
#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Preview only.
    pub dry_run: Option<bool>,
}

/// Imports a guest list: the raw CSV file as the body. 422 (nothing written) if any row is bad.
#[utoipa::path(tag = "guests", params(ImportQuery), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "the file is over the upload limit", body = ErrorBody),
        (status = 422, description = "a bad file (the envelope), or bad rows: the envelope with the report's fields (`rows`, `errors`, …)", body = ErrorBody)))]
#[post("/guests/import")]
pub async fn import_guests(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    let lang = Lang::of_request(&req);
    let tz = state.settings.timezone;
    let dry_run = query.dry_run.unwrap_or(false);
    let file = import::read_file(&body, time::local_date(tz, time::now_utc()), lang)?;
    let report = state
        .write(move |tx| {
            let actor = user.actor();
            let ctx = ImportContext {
                actor: &actor,
                scope_department: user.department_scope(),
                tz,
                lang,
                today: time::local_date(tz, tx.now()),
            };
            import::import_guests(tx, &ctx, file, dry_run, &|_, _| {})
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Exports guests (same filters as the list) as CSV, UTF-8 with BOM.
#[utoipa::path(tag = "guests", params(GuestQuery), responses((status = 200, content_type = "text/csv")))]
#[get("/guests/export.csv")]
pub async fn export_guests(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<GuestQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let lang = query
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(Lang::En);
    let tz = state.settings.timezone;
    let st = state.clone();
    let bytes = web::block(move || -> Result<_, AppError> {
        let mut conn = st.pool.get()?;
        let hubs = registry::list_hubs(&mut conn)?;
        let mut filter = query.filter(&st, &hubs)?;
        filter.scope_department_id = user.department_scope();
        import::export_guests(
            &mut conn,
            &filter,
            user.role.sees_full_id_numbers(),
            tz,
            lang,
        )
    })
    .await??;
    Ok(crate::http::csv_download(bytes, "guests.csv"))
}

/// A name for a department or delegation.
#[derive(Deserialize, ToSchema)]
pub struct NameRequest {
    /// The name.
    pub name: String,
}

/// Departments with guest counts (a department user sees only its own).
#[utoipa::path(tag = "registry", responses((status = 200, body = Vec<NamedCount>)))]
#[get("/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let pool = state.pool.clone();
    let items = web::block(move || -> Result<_, AppError> {
        registry::list_departments(&mut *pool.get()?, &user)
    })
    .await??;
    Ok(HttpResponse::Ok().json(items))
}

/// Delegations with guest counts.
#[utoipa::path(tag = "registry", responses((status = 200, body = Vec<NamedCount>)))]
#[get("/delegations")]
pub async fn list_delegations(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let pool = state.pool.clone();
    let items = web::block(move || -> Result<_, AppError> {
        registry::list_delegations(&mut *pool.get()?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(items))
}

/// Airports and stations.
#[utoipa::path(tag = "registry", responses((status = 200, body = Vec<HubResponse>)))]
#[get("/hubs")]
pub async fn list_hubs(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let pool = state.pool.clone();
    let items =
        web::block(move || -> Result<_, AppError> { registry::list_hubs(&mut *pool.get()?) })
            .await??;
    Ok(HttpResponse::Ok().json(items))
}

async fn create_named(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: NamedKind,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(REGISTRARS)?;
    let NameRequest { name } = parse_json(&body)?;
    let created = state
        .write(move |tx| registry::create_named(tx, &user.actor(), kind, &name))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

async fn rename_named(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: NamedKind,
    id: i64,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(REGISTRARS)?;
    let NameRequest { name } = parse_json(&body)?;
    state
        .write(move |tx| registry::rename_named(tx, &user.actor(), kind, id, &name))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn delete_named(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: NamedKind,
    id: i64,
) -> Result<HttpResponse, AppError> {
    user.require(REGISTRARS)?;
    state
        .write(move |tx| registry::delete_named(tx, &user.actor(), kind, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Creates a department.
#[utoipa::path(tag = "registry", request_body = NameRequest, responses((status = 201, body = NamedCount), (status = 409)))]
#[post("/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    create_named(state, user, NamedKind::Department, body).await
}

/// Renames a department.
#[utoipa::path(tag = "registry", request_body = NameRequest, responses((status = 204), (status = 404)))]
#[patch("/departments/{id}")]
pub async fn rename_department(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    rename_named(state, user, NamedKind::Department, id.into_inner(), body).await
}

/// Deletes a department without guests.
#[utoipa::path(tag = "registry", responses((status = 204), (status = 404), (status = 409)))]
#[delete("/departments/{id}")]
pub async fn delete_department(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    delete_named(state, user, NamedKind::Department, id.into_inner()).await
}

/// Creates a delegation.
#[utoipa::path(tag = "registry", request_body = NameRequest, responses((status = 201, body = NamedCount), (status = 409)))]
#[post("/delegations")]
pub async fn create_delegation(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    create_named(state, user, NamedKind::Delegation, body).await
}

/// Renames a delegation.
#[utoipa::path(tag = "registry", request_body = NameRequest, responses((status = 204), (status = 404)))]
#[patch("/delegations/{id}")]
pub async fn rename_delegation(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    rename_named(state, user, NamedKind::Delegation, id.into_inner(), body).await
}

/// Deletes a delegation without guests.
#[utoipa::path(tag = "registry", responses((status = 204), (status = 404), (status = 409)))]
#[delete("/delegations/{id}")]
pub async fn delete_delegation(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    delete_named(state, user, NamedKind::Delegation, id.into_inner()).await
}
