//! HTTP handlers of scanning: the scan endpoint, scan points, the log and its hourly chart.

use std::collections::BTreeMap;

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::http::parse_json;
use crate::i18n::Lang;
use crate::scan::model::ScanPoint;
use crate::scan::service::{self, PointRequest, ScanRequest, ScanResponse};
use crate::scan::store::{self, ScanFilter};
use crate::scan::writer::Undecided;
use crate::time::{to_local, to_rfc3339};
use crate::AppState;

const SCANNERS: &[Role] = &[
    Role::Admin,
    Role::Security,
    Role::Checkpoint,
    Role::HotelDesk,
    Role::Canteen,
];
const LOG_READERS: &[Role] = &[Role::Admin, Role::Reception, Role::Security];
const POINT_EDITORS: &[Role] = &[Role::Admin, Role::Security];

/// Scans a pass at a point. A malformed payload is a logged reject (200), not an error.
#[utoipa::path(tag = "scan", request_body = ScanRequest, responses((status = 200, body = ScanResponse), (status = 403), (status = 422)))]
#[post("/scans")]
pub async fn record_scan(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(SCANNERS)?;
    let scan: ScanRequest = parse_json(&body)?;
    let (lang, tz, now) = (
        Lang::of_request(&req),
        state.settings.timezone,
        chrono::Utc::now(),
    );
    let verdict = match state.settings.database {
        // SQLite: decided and logged on the scan writer's own connection (its cache is warm;
        // see `scan::writer`), the signature verified here first.
        crate::db::DbUrl::Sqlite(_) => {
            let verified = service::verify_signature(&state.keys, scan.payload.as_deref());
            let undecided = Undecided {
                user,
                request: scan,
                verified,
                lang,
                tz,
                now,
            };
            state
                .scan_writer
                .decide_and_log(Box::new(undecided))
                .await?
        }
        // PostgreSQL: the reads are round trips to the server, made on the blocking pool in
        // parallel; then the log row through the group-commit writer.
        crate::db::DbUrl::Postgres(_) => {
            let st = state.clone();
            let prepared = web::block(move || {
                let mut conn = st.pool.get()?;
                service::prepare(
                    &mut conn,
                    &st.keys,
                    &st.scan_cache,
                    &user,
                    &scan,
                    None,
                    lang,
                    tz,
                    now,
                )
            })
            .await??;
            match prepared {
                service::Prepared::Replay(answer) => *answer,
                service::Prepared::Log(pending) => state.scan_writer.log(pending).await?,
            }
        }
    };
    Ok(HttpResponse::Ok().json(verdict))
}

/// Scan points (a checkpoint, desk or canteen user sees its own).
#[utoipa::path(tag = "scan", responses((status = 200, body = Vec<ScanPoint>)))]
#[get("/scan-points")]
pub async fn list_points(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let points = state
        .db(move |conn| service::list_points(conn, &user))
        .await?;
    Ok(HttpResponse::Ok().json(points))
}

/// Creates a scan point.
#[utoipa::path(tag = "scan", request_body = PointRequest, responses((status = 201, body = ScanPoint), (status = 409), (status = 422)))]
#[post("/scan-points")]
pub async fn create_point(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(POINT_EDITORS)?;
    let req: PointRequest = parse_json(&body)?;
    let point = state
        .write(move |tx| service::create_point(tx, &user, &req))
        .await?;
    Ok(HttpResponse::Created().json(point))
}

/// Changes a scan point.
#[utoipa::path(tag = "scan", request_body = PointRequest, responses((status = 204), (status = 404)))]
#[patch("/scan-points/{id}")]
pub async fn update_point(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(POINT_EDITORS)?;
    let req: PointRequest = parse_json(&body)?;
    let id = id.into_inner();
    state
        .write(move |tx| service::update_point(tx, &user, id, &req))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Filters of the log.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// Point code.
    pub point: Option<String>,
    /// From (RFC 3339).
    pub from: Option<String>,
    /// To (RFC 3339).
    pub to: Option<String>,
    /// `accept` or `reject`.
    pub verdict: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

fn instant(s: &Option<String>) -> Result<Option<NaiveDateTime>, AppError> {
    match s.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.naive_utc()))
            .map_err(|_| AppError::bad_request(format!("not an RFC 3339 time: {s}"))),
    }
}

impl LogQuery {
    fn filter(&self, points: &[ScanPoint]) -> Result<ScanFilter, AppError> {
        Ok(ScanFilter {
            point_id: self
                .point
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(|code| points.iter().find(|p| p.code == code).map_or(-1, |p| p.id)),
            from: instant(&self.from)?,
            to: instant(&self.to)?,
            verdict: self.verdict.clone().filter(|v| !v.is_empty()),
        })
    }
}

/// One logged scan.
#[derive(Serialize, ToSchema)]
pub struct ScanLogEntry {
    pub id: i64,
    pub at: String,
    pub point: String,
    pub device: Option<String>,
    pub pass_id: Option<i64>,
    pub serial: Option<i32>,
    pub verdict: String,
    pub reason: Option<String>,
    /// Holder's name or plate, from the verdict.
    pub who: Option<String>,
}

/// A page of the log.
#[derive(Serialize, ToSchema)]
pub struct ScanLogPage {
    pub total: i64,
    pub items: Vec<ScanLogEntry>,
}

/// The scan log, newest first.
#[utoipa::path(tag = "scan", params(LogQuery), responses((status = 200, body = ScanLogPage)))]
#[get("/scans")]
pub async fn list_scans(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(LOG_READERS)?;
    let tz = state.settings.timezone;
    let limit = query.limit.unwrap_or(100).clamp(0, 1000);
    let offset = query.offset.unwrap_or(0).max(0);
    let page = state
        .db(move |conn| {
            let points = store::list_points(conn)?;
            let (total, rows) = store::list_scans(conn, &query.filter(&points)?, limit, offset)?;
            let items = rows
                .into_iter()
                .map(|r| {
                    let response: Option<ScanResponse> = serde_json::from_str(&r.response).ok();
                    ScanLogEntry {
                        id: r.id,
                        at: to_rfc3339(tz, r.at),
                        point: points
                            .iter()
                            .find(|p| p.id == r.point_id)
                            .map(|p| p.code.clone())
                            .unwrap_or_default(),
                        device: r.device,
                        pass_id: r.pass_id,
                        serial: r.serial,
                        verdict: r.verdict,
                        reason: r.reason,
                        who: response
                            .and_then(|v| v.holder.map(|h| h.name).or(v.vehicle.map(|v| v.plate))),
                    }
                })
                .collect();
            Ok(ScanLogPage { total, items })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Scans of one point in one hour.
#[derive(Serialize, ToSchema)]
pub struct HourlyCount {
    /// Point code.
    pub point: String,
    /// The hour's start, RFC 3339 in event time.
    pub hour: String,
    pub accepted: i64,
    pub rejected: i64,
}

/// Scans per point per hour (event time), for the chart.
#[utoipa::path(tag = "scan", params(LogQuery), responses((status = 200, body = Vec<HourlyCount>)))]
#[get("/scans/hourly")]
pub async fn hourly(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(LOG_READERS)?;
    let tz = state.settings.timezone;
    let counts = state
        .db(move |conn| {
            let points = store::list_points(conn)?;
            let rows = store::scan_times(conn, &query.filter(&points)?)?;
            let mut buckets: BTreeMap<(String, NaiveDateTime), (i64, i64)> = BTreeMap::new();
            for (point_id, at, verdict) in rows {
                let local = to_local(tz, at);
                let hour = local
                    .with_minute(0)
                    .and_then(|t| t.with_second(0))
                    .and_then(|t| t.with_nanosecond(0))
                    .unwrap_or(local);
                let code = points
                    .iter()
                    .find(|p| p.id == point_id)
                    .map(|p| p.code.clone())
                    .unwrap_or_default();
                let slot = buckets.entry((code, hour)).or_default();
                if verdict == "accept" {
                    slot.0 += 1
                } else {
                    slot.1 += 1
                }
            }
            Ok(buckets
                .into_iter()
                .map(|((point, hour), (accepted, rejected))| HourlyCount {
                    point,
                    hour: to_rfc3339(tz, crate::time::to_utc(tz, hour)),
                    accepted,
                    rejected,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(counts))
}
