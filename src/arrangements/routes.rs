//! HTTP handlers of arrangement changes. Each opens one transaction; with `?dry_run=true` the
//! same change runs and is rolled back, and the report is the preview.

use actix_web::{delete, patch, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::arrangements::change::{self, Ctx};
use crate::arrangements::report::ArrangementReport;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::guests::routes::WRITERS;
use crate::guests::GuestResponse;
use crate::http::parse_json;
use crate::i18n::Lang;
use crate::AppState;

/// `?dry_run=true`: show what the change would do, write nothing.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DryRun {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// Preview only.
    pub dry_run: Option<bool>,
}

/// A change and what it did.
#[derive(Serialize, ToSchema)]
pub struct ChangeResult {
    /// The guest after the change.
    pub guest: GuestResponse,
    /// What followed in pass, room, meals, rides and mail.
    pub arrangements: ArrangementReport,
}

/// Why a guest withdraws.
#[derive(Deserialize, ToSchema)]
pub struct WithdrawRequest {
    /// As reception writes it ("cancelled by the delegation", "ill").
    pub reason: String,
}

fn object(body: Value) -> Result<Map<String, Value>, AppError> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(AppError::bad_request("expected a JSON object")),
    }
}

fn ctx_parts(req: &HttpRequest, state: &AppState) -> (chrono_tz::Tz, Lang, chrono::Duration) {
    (
        state.settings.timezone,
        Lang::of_request(req),
        state.settings.mail.change_hold(),
    )
}

/// Changes a guest — category, delegation, department, organization, travel, stay or any
/// other field (keys as in the CSV) — and carries the change through the guest's pass, room,
/// meals, rides and mail, in one transaction.
#[utoipa::path(tag = "arrangements", params(DryRun), request_body = Object,
    responses((status = 200, body = ChangeResult), (status = 404), (status = 409), (status = 422)))]
#[post("/guests/{id}/changes")]
pub async fn change_guest(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<DryRun>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    let body = object(parse_json(&body)?)?;
    let (tz, lang, hold) = ctx_parts(&req, &state);
    let (id, dry_run) = (id.into_inner(), query.dry_run.unwrap_or(false));
    let (guest, mut arrangements) = state
        .write_or_rehearse(dry_run, move |tx| {
            let ctx = Ctx {
                user: &user,
                tz,
                lang,
                hold,
            };
            change::edit(tx, &ctx, id, &body)
        })
        .await?;
    arrangements.dry_run = dry_run;
    Ok(HttpResponse::Ok().json(ChangeResult {
        guest,
        arrangements,
    }))
}

/// Changes some fields of a guest; the change is carried through their arrangements exactly
/// as `POST /guests/{id}/changes` does (this answers the guest only).
#[utoipa::path(tag = "guests", request_body = Object, responses((status = 200, body = GuestResponse), (status = 404), (status = 422)))]
#[patch("/guests/{id}")]
pub async fn update_guest(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    let body = object(parse_json(&body)?)?;
    let (tz, lang, hold) = ctx_parts(&req, &state);
    let id = id.into_inner();
    let (guest, _) = state
        .write(move |tx| {
            let ctx = Ctx {
                user: &user,
                tz,
                lang,
                hold,
            };
            change::edit(tx, &ctx, id, &body)
        })
        .await?;
    Ok(HttpResponse::Ok().json(guest))
}

/// Withdraws a guest: kept on record, marked withdrawn, restorable; passes revoked (each in
/// the signed revocation list), room released, rides given up, meals stopped, guest told.
#[utoipa::path(tag = "arrangements", params(DryRun), request_body = WithdrawRequest,
    responses((status = 200, body = ArrangementReport), (status = 404), (status = 409), (status = 422)))]
#[post("/guests/{id}/withdraw")]
pub async fn withdraw_guest(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<DryRun>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    let WithdrawRequest { reason } = parse_json(&body)?;
    let (tz, lang, hold) = ctx_parts(&req, &state);
    let (id, dry_run) = (id.into_inner(), query.dry_run.unwrap_or(false));
    let mut report = state
        .write_or_rehearse(dry_run, move |tx| {
            let ctx = Ctx {
                user: &user,
                tz,
                lang,
                hold,
            };
            change::withdraw(tx, &ctx, id, &reason)
        })
        .await?;
    report.dry_run = dry_run;
    Ok(HttpResponse::Ok().json(report))
}

/// Restores a withdrawn guest: credential and tickets asked for again, a room sought in the
/// next plan revision, rides found, meals back, guest told.
#[utoipa::path(tag = "arrangements", params(DryRun),
    responses((status = 200, body = ArrangementReport), (status = 404), (status = 409)))]
#[post("/guests/{id}/restore")]
pub async fn restore_guest(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<DryRun>,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    let (tz, lang, hold) = ctx_parts(&req, &state);
    let (id, dry_run) = (id.into_inner(), query.dry_run.unwrap_or(false));
    let mut report = state
        .write_or_rehearse(dry_run, move |tx| {
            let ctx = Ctx {
                user: &user,
                tz,
                lang,
                hold,
            };
            change::restore(tx, &ctx, id)
        })
        .await?;
    report.dry_run = dry_run;
    Ok(HttpResponse::Ok().json(report))
}

/// Deletes a guest entered by mistake; 409 for a guest who ever held a pass (withdraw them).
#[utoipa::path(tag = "guests", responses((status = 204), (status = 404), (status = 409)))]
#[delete("/guests/{id}")]
pub async fn delete_guest(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(WRITERS)?;
    let id = id.into_inner();
    state.write(move |tx| change::delete(tx, &user, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
