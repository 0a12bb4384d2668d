//! HTTP handlers of passes, zones, sessions and the offline kit.

use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::guests::GuestFilter;
use crate::http::parse_json;
use crate::passes::catalog::{self, SessionRequest, ZoneRequest};
use crate::passes::model::{PassResponse, SessionResponse, Zone};
use crate::passes::revocations::{self as revocation_list, RevocationList};
use crate::passes::rules::Action;
use crate::passes::service::{self, Approved, BulkRequested};
use crate::passes::store::PassFilter;
use crate::passes::tickets::{self, AdmissionRequest};
use crate::passes::vehicle_requests::{self, VehicleRequest};
use crate::passes::{follow, keys, qr};
use crate::AppState;

/// Who may see credentials (the global search follows the same list).
pub const CREDENTIAL_VIEWERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Security,
    Role::Department,
    Role::Office,
    Role::Committee,
];
const CREDENTIAL_REQUESTERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Security,
    Role::Department,
];
/// Who may see vehicle passes (the global search follows the same list).
pub const VEHICLE_VIEWERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Security,
    Role::Transport,
    Role::Office,
];
const VEHICLE_REQUESTERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Security,
    Role::Transport,
    Role::Office,
];
const ADMISSION_VIEWERS: &[Role] = &[Role::Admin, Role::Reception, Role::Security, Role::Office];
const APPROVERS: &[Role] = &[Role::Admin, Role::Security];
const DESK: &[Role] = &[Role::Admin, Role::Reception, Role::Security];
const SESSION_EDITORS: &[Role] = &[Role::Admin, Role::Reception, Role::Office];

/// Filters of pass lists.
#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
pub struct PassQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// Status code.
    pub status: Option<String>,
    /// Guest category.
    pub category: Option<String>,
    /// Guest department.
    pub department_id: Option<i64>,
    /// Guest delegation.
    pub delegation_id: Option<i64>,
    /// Guest organization (exact), e.g. one outlet's journalists.
    pub organization: Option<String>,
    /// Text in the guest's name, Latin name, ref, phone or organization.
    pub q: Option<String>,
    /// Only these pass ids, comma-separated (badge batches).
    pub ids: Option<String>,
    /// Vehicle stream.
    pub stream: Option<String>,
    /// Admission session.
    pub session_id: Option<i64>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

impl PassQuery {
    fn guest_filter(&self, user: &CurrentUser) -> Option<GuestFilter> {
        let any = self.category.is_some()
            || self.department_id.is_some()
            || self.delegation_id.is_some()
            || self.organization.is_some()
            || self.q.as_deref().is_some_and(|q| !q.is_empty())
            || user.department_scope().is_some();
        any.then(|| GuestFilter {
            q: self.q.clone(),
            category: self.category.clone().filter(|c| !c.is_empty()),
            department_id: self.department_id,
            scope_department_id: user.department_scope(),
            delegation_id: self.delegation_id,
            organization: self.organization.clone().filter(|o| !o.is_empty()),
            ..Default::default()
        })
    }

    fn filter(&self, kind: &str) -> PassFilter {
        PassFilter {
            kind: Some(kind.into()),
            status: self.status.clone().filter(|s| !s.is_empty()),
            ids: self.ids.as_deref().map(|ids| {
                ids.split(',')
                    .filter_map(|i| i.trim().parse().ok())
                    .collect()
            }),
            guest_ids: None,
            stream: self.stream.clone().filter(|s| !s.is_empty()),
            session_id: self.session_id,
            plate: None,
        }
    }
}

/// A page of passes.
#[derive(Serialize, ToSchema)]
pub struct PassPage {
    /// Matching passes.
    pub total: i64,
    /// This page.
    pub items: Vec<PassResponse>,
}

async fn list_kind(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: PassQuery,
    kind: &'static str,
) -> Result<HttpResponse, AppError> {
    let tz = state.settings.timezone;
    let limit = query.limit.unwrap_or(50).clamp(0, 1000);
    let offset = query.offset.unwrap_or(0).max(0);
    let guest_filter = query.guest_filter(&user);
    let filter = query.filter(kind);
    let (total, items) = state
        .db(move |conn| service::list(conn, &filter, guest_filter.as_ref(), limit, offset, tz))
        .await?;
    Ok(HttpResponse::Ok().json(PassPage { total, items }))
}

/// Credentials, filtered by status and by their guests.
#[utoipa::path(tag = "passes", params(PassQuery), responses((status = 200, body = PassPage)))]
#[get("/credentials")]
pub async fn list_credentials(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PassQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(CREDENTIAL_VIEWERS)?;
    list_kind(state, user, query.into_inner(), "credential").await
}

/// A credential request.
#[derive(Deserialize, ToSchema)]
pub struct CredentialRequest {
    /// The guest.
    pub guest_id: i64,
    /// Zone codes.
    #[serde(default)]
    pub zones: Vec<String>,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day.
    pub valid_to: NaiveDate,
}

/// Requests a credential for a guest.
#[utoipa::path(tag = "passes", request_body = CredentialRequest, responses((status = 201, body = PassResponse), (status = 409), (status = 422)))]
#[post("/credentials")]
pub async fn request_credential(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(CREDENTIAL_REQUESTERS)?;
    let req: CredentialRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let pass = state
        .write(move |tx| {
            service::request_credential(
                tx,
                &user,
                req.guest_id,
                &req.zones,
                req.valid_from,
                req.valid_to,
                tz,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(pass))
}

/// Guests to request credentials for, by the guest list's filters.
#[derive(Deserialize, ToSchema, Default)]
pub struct GuestSelector {
    /// Text search.
    pub q: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Department.
    pub department_id: Option<i64>,
    /// Delegation.
    pub delegation_id: Option<i64>,
    /// Organization (exact).
    pub organization: Option<String>,
}

/// A bulk credential request.
#[derive(Deserialize, ToSchema)]
pub struct BulkCredentialRequest {
    /// Which guests.
    #[serde(default)]
    pub filter: GuestSelector,
    /// Zone codes.
    #[serde(default)]
    pub zones: Vec<String>,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day.
    pub valid_to: NaiveDate,
}

/// Requests credentials for every matching guest who has none.
#[utoipa::path(tag = "passes", request_body = BulkCredentialRequest, responses((status = 200, body = BulkRequested)))]
#[post("/credentials/bulk")]
pub async fn request_credentials_bulk(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(CREDENTIAL_REQUESTERS)?;
    let req: BulkCredentialRequest = parse_json(&body)?;
    let f = req.filter;
    let filter = GuestFilter {
        q: f.q,
        category: f.category,
        department_id: f.department_id,
        delegation_id: f.delegation_id,
        organization: f.organization,
        ..Default::default()
    };
    let out = state
        .write(move |tx| {
            service::request_credentials_bulk(
                tx,
                &user,
                filter,
                &req.zones,
                req.valid_from,
                req.valid_to,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Which passes to approve: ids, or the credentials list's filters (requested ones).
#[derive(Deserialize, ToSchema)]
pub struct ApproveRequest {
    /// Pass ids.
    pub ids: Option<Vec<i64>>,
    /// Or every requested credential of these guests.
    pub filter: Option<GuestSelector>,
}

/// Approves and signs passes (security); says which could not be approved and why.
#[utoipa::path(tag = "passes", request_body = ApproveRequest, responses((status = 200, body = Approved)))]
#[post("/credentials/approve")]
pub async fn approve_credentials(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let req: ApproveRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let out = state
        .write(move |tx| {
            let ids = match (req.ids, req.filter) {
                (Some(ids), _) => ids,
                (None, Some(f)) => {
                    let filter = PassFilter {
                        kind: Some("credential".into()),
                        status: Some("requested".into()),
                        ..Default::default()
                    };
                    let guests = GuestFilter {
                        q: f.q,
                        category: f.category,
                        department_id: f.department_id,
                        delegation_id: f.delegation_id,
                        organization: f.organization,
                        ..Default::default()
                    };
                    let (_, passes) =
                        crate::passes::store::list_passes(tx, &filter, Some(&guests), i64::MAX, 0)?;
                    passes.iter().map(|p| p.id).collect()
                }
                (None, None) => return Err(AppError::invalid("give ids or a filter", json!([]))),
            };
            service::approve(tx, &user, &ids, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Vehicle passes.
#[utoipa::path(tag = "passes", params(PassQuery), responses((status = 200, body = PassPage)))]
#[get("/vehicle-passes")]
pub async fn list_vehicle_passes(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PassQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(VEHICLE_VIEWERS)?;
    list_kind(state, user, query.into_inner(), "vehicle").await
}

/// Requests a vehicle pass in a stream the caller's department handles.
#[utoipa::path(tag = "passes", request_body = VehicleRequest, responses((status = 201, body = PassResponse), (status = 422)))]
#[post("/vehicle-passes")]
pub async fn request_vehicle_pass(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(VEHICLE_REQUESTERS)?;
    let req: VehicleRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let pass = state
        .write(move |tx| vehicle_requests::request_vehicle(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(pass))
}

/// Admissions (ceremony and banquet tickets).
#[utoipa::path(tag = "passes", params(PassQuery), responses((status = 200, body = PassPage)))]
#[get("/admissions")]
pub async fn list_admissions(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PassQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(ADMISSION_VIEWERS)?;
    list_kind(state, user, query.into_inner(), "admission").await
}

/// Issues a ticket to a guest (reception) or a host-city invitee (office).
#[utoipa::path(tag = "passes", request_body = AdmissionRequest, responses((status = 201, body = PassResponse)))]
#[post("/admissions")]
pub async fn create_admission(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin, Role::Reception, Role::Office])?;
    let req: AdmissionRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let pass = state
        .write(move |tx| tickets::create_admission(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(pass))
}

/// One pass.
#[utoipa::path(tag = "passes", responses((status = 200, body = PassResponse), (status = 404)))]
#[get("/passes/{id}")]
pub async fn get_pass(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(&[
        Role::Admin,
        Role::Reception,
        Role::Security,
        Role::Department,
        Role::Office,
        Role::Committee,
        Role::Transport,
    ])?;
    let (tz, id) = (state.settings.timezone, id.into_inner());
    let pass = state
        .db(move |conn| service::get_pass(conn, &user, id, tz))
        .await?;
    Ok(HttpResponse::Ok().json(pass))
}

/// Approves and signs one pass; 422 `incomplete` says what is missing.
#[utoipa::path(tag = "passes", responses((status = 200, body = PassResponse), (status = 422)))]
#[post("/passes/{id}/approve")]
pub async fn approve_pass(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let (tz, id) = (state.settings.timezone, id.into_inner());
    let pass = state
        .write(move |tx| {
            let out = service::approve(tx, &user, &[id], tz)?;
            if let Some(inc) = out.incomplete.first() {
                return Err(AppError::Unprocessable {
                    code: "incomplete",
                    message: format!("cannot approve: {}", inc.missing.join(", ")),
                    details: json!(inc.missing),
                });
            }
            if out.approved == 0 {
                return Err(AppError::NotFound("pass"));
            }
            service::get_pass(tx, &user, id, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pass))
}

async fn mark(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    action: Action,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    state
        .write(move |tx| service::mark(tx, &user, id, action))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks a pass printed.
#[utoipa::path(tag = "passes", responses((status = 204), (status = 409)))]
#[post("/passes/{id}/printed")]
pub async fn mark_printed(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    mark(state, user, id.into_inner(), Action::Print).await
}

/// Marks a pass collected by its holder.
#[utoipa::path(tag = "passes", responses((status = 204), (status = 409)))]
#[post("/passes/{id}/collected")]
pub async fn mark_collected(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    mark(state, user, id.into_inner(), Action::Collect).await
}

/// Why a pass is revoked.
#[derive(Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// `lost`, `stolen` or `withdrawn`.
    pub reason: String,
    /// Free text.
    pub note: Option<String>,
}

/// Revokes a pass.
#[utoipa::path(tag = "passes", request_body = RevokeRequest, responses((status = 204), (status = 409), (status = 422)))]
#[post("/passes/{id}/revoke")]
pub async fn revoke_pass(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let req: RevokeRequest = parse_json(&body)?;
    let id = id.into_inner();
    state
        .write(move |tx| service::revoke(tx, &user, id, &req.reason, req.note.as_deref()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reissues a pass with a new serial; the old card is superseded.
#[utoipa::path(tag = "passes", responses((status = 200, body = PassResponse), (status = 409)))]
#[post("/passes/{id}/reissue")]
pub async fn reissue_pass(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let (tz, id) = (state.settings.timezone, id.into_inner());
    let pass = state
        .write(move |tx| service::reissue(tx, &user, id, tz))
        .await?;
    Ok(HttpResponse::Ok().json(pass))
}

/// `?size=` of a QR PNG.
#[derive(Deserialize, IntoParams)]
pub struct QrQuery {
    /// Edge in pixels (64–2048, default 400).
    pub size: Option<u32>,
}

/// The pass's QR code as PNG.
#[utoipa::path(tag = "passes", params(QrQuery), responses((status = 200, content_type = "image/png"), (status = 409)))]
#[get("/passes/{id}/qr.png")]
pub async fn qr_png(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<QrQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(&[
        Role::Admin,
        Role::Reception,
        Role::Security,
        Role::Department,
        Role::Office,
        Role::Committee,
        Role::Transport,
    ])?;
    let size = query.size.unwrap_or(400);
    if !qr::PNG_SIZES.contains(&size) {
        return Err(AppError::bad_request("size must be between 64 and 2048"));
    }
    let id = id.into_inner();
    let png = state
        .db(move |conn| qr::png(&service::pass_token(conn, &user, id)?, size))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "private, no-cache"))
        .body(png))
}

/// The pass's QR code as SVG.
#[utoipa::path(tag = "passes", responses((status = 200, content_type = "image/svg+xml"), (status = 409)))]
#[get("/passes/{id}/qr.svg")]
pub async fn qr_svg(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(&[
        Role::Admin,
        Role::Reception,
        Role::Security,
        Role::Department,
        Role::Office,
        Role::Committee,
        Role::Transport,
    ])?;
    let id = id.into_inner();
    let svg = state
        .db(move |conn| qr::svg(&service::pass_token(conn, &user, id)?))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "private, no-cache"))
        .body(svg))
}

/// A public key.
#[derive(Serialize, ToSchema)]
pub struct PublicKey {
    /// Key id in tokens.
    pub key_id: i32,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// Created.
    pub created_at: String,
    /// Retired (no longer verifies), if so.
    pub retired_at: Option<String>,
}

/// The public keys.
#[derive(Serialize, ToSchema)]
pub struct PublicKeys {
    /// Oldest first.
    pub keys: Vec<PublicKey>,
}

/// Every public key, so a scanner can verify offline.
#[utoipa::path(tag = "passes", responses((status = 200, body = PublicKeys)))]
#[get("/passes/keys")]
pub async fn public_keys(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let keys = state.db(|conn| Ok(keys::list_keys(conn)?)).await?;
    Ok(HttpResponse::Ok().json(PublicKeys {
        keys: keys
            .into_iter()
            .map(|k| PublicKey {
                key_id: k.key_id,
                public_key: k.public_key,
                created_at: k.created_at.and_utc().to_rfc3339(),
                retired_at: k.retired_at.map(|t| t.and_utc().to_rfc3339()),
            })
            .collect(),
    }))
}

/// `?since=` cursor.
#[derive(Deserialize, IntoParams)]
pub struct SinceQuery {
    /// The cursor of the last list (0 for everything).
    pub since: Option<i64>,
}

/// What was revoked or superseded since the cursor, signed and dated.
#[utoipa::path(tag = "passes", params(SinceQuery), responses((status = 200, body = RevocationList)))]
#[get("/passes/revocations")]
pub async fn revocations(
    state: web::Data<AppState>,
    query: web::Query<SinceQuery>,
) -> Result<HttpResponse, AppError> {
    let since = query.since.unwrap_or(0).max(0);
    let list = state
        .db(move |conn| revocation_list::revocations(conn, since))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The event's zones.
#[utoipa::path(tag = "passes", responses((status = 200, body = Vec<Zone>)))]
#[get("/zones")]
pub async fn list_zones(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let zones = state
        .db(|conn| Ok(crate::passes::store::list_zones(conn)?))
        .await?;
    Ok(HttpResponse::Ok().json(zones))
}

/// Defines a zone.
#[utoipa::path(tag = "passes", request_body = ZoneRequest, responses((status = 201, body = Zone), (status = 409)))]
#[post("/zones")]
pub async fn create_zone(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let req: ZoneRequest = parse_json(&body)?;
    let zone = state
        .write(move |tx| catalog::create_zone(tx, &user, &req))
        .await?;
    Ok(HttpResponse::Created().json(zone))
}

/// Renames or recolours a zone.
#[utoipa::path(tag = "passes", request_body = ZoneRequest, responses((status = 204), (status = 404)))]
#[patch("/zones/{id}")]
pub async fn update_zone(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let req: ZoneRequest = parse_json(&body)?;
    let id = id.into_inner();
    state
        .write(move |tx| catalog::update_zone(tx, &user, id, &req))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes a zone no live pass grants.
#[utoipa::path(tag = "passes", responses((status = 204), (status = 404), (status = 409)))]
#[delete("/zones/{id}")]
pub async fn delete_zone(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let id = id.into_inner();
    state
        .write(move |tx| catalog::delete_zone(tx, &user, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ceremonies, banquets and other sessions.
#[utoipa::path(tag = "passes", responses((status = 200, body = Vec<SessionResponse>)))]
#[get("/event-sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let tz = state.settings.timezone;
    let sessions = state
        .db(move |conn| {
            Ok(crate::passes::store::list_sessions(conn)?
                .iter()
                .map(|s| catalog::session_response(s, tz))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(sessions))
}

/// Creates a session.
#[utoipa::path(tag = "passes", request_body = SessionRequest, responses((status = 201, body = SessionResponse), (status = 422)))]
#[post("/event-sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(SESSION_EDITORS)?;
    let req: SessionRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let s = state
        .write(move |tx| catalog::create_session(tx, &user, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(s))
}

/// The zones each category's credential opens.
#[utoipa::path(tag = "passes", responses((status = 200, body = Vec<follow::ZonePolicyEntry>)))]
#[get("/zone-policy")]
pub async fn get_zone_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(CREDENTIAL_VIEWERS)?;
    let policy = state.db(follow::zone_policy).await?;
    Ok(HttpResponse::Ok().json(policy))
}

/// Replaces the zone policy (security). A guest whose category changes later gets a card with
/// the new category's zones.
#[utoipa::path(tag = "passes", request_body = Vec<follow::ZonePolicyEntry>,
    responses((status = 200, body = Vec<follow::ZonePolicyEntry>), (status = 422)))]
#[put("/zone-policy")]
pub async fn put_zone_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(APPROVERS)?;
    let entries: Vec<follow::ZonePolicyEntry> = parse_json(&body)?;
    let policy = state
        .write(move |tx| follow::set_zone_policy(tx, &user, &entries))
        .await?;
    Ok(HttpResponse::Ok().json(policy))
}
