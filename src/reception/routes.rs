//! HTTP handlers of reception's guest page.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::guests::routes::READERS;
use crate::reception::summary::{self, GuestSummary};
use crate::reception::today::{self, Today};
use crate::AppState;

/// Who sees the day at a glance: reception and the committee (and the admin).
const DAY_READERS: &[Role] = &[Role::Admin, Role::Reception, Role::Committee];

/// The search's query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// A name (Chinese or Latin), ref, phone, pass number ("1337-1") or plate.
    pub q: String,
}

/// Guests, passes and cars matching one text, each list for the roles that may see it.
#[utoipa::path(tag = "reception", params(SearchQuery), responses((status = 200, body = crate::reception::search::SearchResults)))]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let tz = state.settings.timezone;
    let q = query.into_inner().q;
    if q.chars().count() > 100 {
        return Err(AppError::invalid(
            "q is at most 100 characters",
            serde_json::json!([{"field": "q"}]),
        ));
    }
    let found = state
        .db(move |conn| crate::reception::search::search(conn, &user, &q, tz))
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// A guest's whole story in one answer: the record, passes (as printed, with their last
/// scans), room and roommates, rides, meals, emails, scans and the timeline of changes.
/// Admitted as `GET /guests/{id}`: 404 for an unknown guest, 403 for a department user's
/// guest of another department.
#[utoipa::path(tag = "guests", responses((status = 200, body = GuestSummary), (status = 403), (status = 404)))]
#[get("/guests/{id}/summary")]
pub async fn guest_summary(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let (tz, id) = (state.settings.timezone, id.into_inner());
    let answer = state
        .db(move |conn| summary::guest_summary(conn, &user, id, tz))
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Which moment the day is seen from.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TodayQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// An instant (RFC 3339) to see the figures as at, for a rehearsal; default now.
    pub at: Option<DateTime<FixedOffset>>,
}

/// Today at a glance: today's and tomorrow's arrivals and departures by hub and hour, the
/// guests not met 30 minutes after landing (by flight or train), check-ins still to come per
/// hotel, guests without a room in the next plan, credentials waiting for a photo or for
/// approval, open hygiene incidents and failed emails — each with the page that lists them.
/// Admin, reception and committee.
#[utoipa::path(tag = "reception", params(TodayQuery), responses((status = 200, body = Today), (status = 403)))]
#[get("/reception/today")]
pub async fn reception_today(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<TodayQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(DAY_READERS)?;
    let now = query
        .at
        .map_or_else(crate::time::now_utc, |t| t.naive_utc());
    let tz = state.settings.timezone;
    let answer = state.db(move |conn| today::today(conn, now, tz)).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// The daily report's query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// The event-local day (default: today).
    pub day: Option<chrono::NaiveDate>,
}

fn report_of(
    state: &web::Data<AppState>,
    day: Option<chrono::NaiveDate>,
) -> (chrono::NaiveDate, chrono_tz::Tz, chrono::NaiveDateTime) {
    let tz = state.settings.timezone;
    let now = crate::time::now_utc();
    let today = crate::time::to_local(tz, now).date();
    (day.unwrap_or(today), tz, now)
}

/// The committee's daily report: guests by category and status, credentials, rooms per
/// night, meals served against the forecast, incidents. Admin, reception and committee.
#[utoipa::path(tag = "reception", params(ReportQuery), responses((status = 200, body = crate::reception::report::DailyReport), (status = 403)))]
#[get("/reception/report")]
pub async fn daily_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(DAY_READERS)?;
    let (day, tz, now) = report_of(&state, query.day);
    let report = state
        .db(move |conn| crate::reception::report::daily_report(conn, day, tz, now))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The daily report as CSV (`section,item,figure,value`).
#[utoipa::path(tag = "reception", params(ReportQuery), responses((status = 200, content_type = "text/csv"), (status = 403)))]
#[get("/reception/report.csv")]
pub async fn daily_report_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(DAY_READERS)?;
    let (day, tz, now) = report_of(&state, query.day);
    let report = state
        .db(move |conn| crate::reception::report::daily_report(conn, day, tz, now))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"daily-report-{day}.csv\""),
        ))
        .body(crate::reception::report::csv(&report)))
}
