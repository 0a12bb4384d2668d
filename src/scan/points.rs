//! Scan points: created and changed by security, each what it guards (a zone, a session, a
//! hotel or dining point) and how old its devices' offline lists may grow.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::scan::model::ScanPoint;
use crate::scan::rules::PointKind;
use crate::scan::service::may_scan_at;
use crate::scan::store;

/// A scan point to create or change.
#[derive(Deserialize, ToSchema, Debug)]
pub struct PointRequest {
    /// Code (unique).
    pub code: Option<String>,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: Option<String>,
    /// The zone a gate guards.
    pub zone: Option<String>,
    /// The session a session gate admits to.
    pub session_id: Option<i64>,
    /// Hotel or dining point code for desks and canteens.
    pub target: Option<String>,
    /// A supervisor's longer limit for this point's offline lists (minutes, at least the
    /// event's limit, at most 24 hours); none: the event's limit.
    #[serde(default)]
    pub offline_max_age_minutes: Option<i32>,
}

/// The point's own offline limit, checked: longer than the event's, at most a day.
fn offline_limit(req: &PointRequest) -> Result<Option<i32>, AppError> {
    match req.offline_max_age_minutes {
        Some(m) if !(1..=1440).contains(&m) => Err(AppError::invalid(
            "offline_max_age_minutes must be 1–1440",
            json!([{"field": "offline_max_age_minutes"}]),
        )),
        other => Ok(other),
    }
}

/// Creates a scan point.
pub fn create_point(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &PointRequest,
) -> Result<ScanPoint, AppError> {
    let now = tx.now();
    let code = req
        .code
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if code.is_empty() || code.len() > 32 || code.contains(',') {
        return Err(AppError::invalid(
            "code must be 1–32 characters without commas",
            json!([{"field": "code"}]),
        ));
    }
    let kind = req
        .kind
        .as_deref()
        .and_then(PointKind::parse)
        .ok_or_else(|| {
            AppError::invalid(
                "kind must be person_gate, vehicle_gate, session_gate, hotel_desk or canteen",
                json!([{"field": "kind"}]),
            )
        })?;
    if kind == PointKind::SessionGate && req.session_id.is_none() {
        return Err(AppError::invalid(
            "a session gate needs session_id",
            json!([{"field": "session_id"}]),
        ));
    }
    if let Some(z) = req.zone.as_deref() {
        if !crate::passes::list_zones(tx)?.iter().any(|x| x.code == z) {
            return Err(AppError::invalid(
                format!("unknown zone {z}"),
                json!([{"field": "zone"}]),
            ));
        }
    }
    if let Some(s) = req.session_id {
        crate::passes::find_session(tx, s)?.ok_or_else(|| {
            AppError::invalid("unknown session", json!([{"field": "session_id"}]))
        })?;
    }
    let id = store::insert_point(
        tx,
        &code,
        req.name.trim(),
        kind.as_str(),
        req.zone.as_deref(),
        req.session_id,
        req.target.as_deref(),
        offline_limit(req)?,
        now,
    )?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "scan_point",
        id,
        json!({"code": code, "kind": kind.as_str()}),
    )?;
    store::find_point(tx, &code)?.ok_or(AppError::NotFound("scan point"))
}

/// Changes a point's name or what it guards.
pub fn update_point(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    req: &PointRequest,
) -> Result<(), AppError> {
    if store::update_point(
        tx,
        id,
        req.name.trim(),
        req.zone.as_deref(),
        req.session_id,
        req.target.as_deref(),
        offline_limit(req)?,
    )? == 0
    {
        return Err(AppError::NotFound("scan point"));
    }
    audit::record(tx, &user.actor(), "update", "scan_point", id, json!({}))?;
    Ok(())
}

/// The points `user` may see: a checkpoint user only its own.
pub fn list_points(conn: &mut DbConn, user: &CurrentUser) -> Result<Vec<ScanPoint>, AppError> {
    let all = store::list_points(conn)?;
    Ok(match user.role {
        Role::Checkpoint | Role::HotelDesk | Role::Canteen => {
            all.into_iter().filter(|p| may_scan_at(user, p)).collect()
        }
        _ => all,
    })
}
