//! The event's catalogue that passes refer to: access zones (each with its bit in a token)
//! and sessions (ceremonies, banquets) that admissions open.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::AppError;
use crate::passes::model::{EventSession, SessionResponse, Zone};
use crate::passes::{rules, store};
use crate::time::to_rfc3339;

/// A session as the API shows it.
pub fn session_response(s: &EventSession, tz: Tz) -> SessionResponse {
    SessionResponse {
        id: s.id,
        code: s.code.clone(),
        name: s.name.clone(),
        name_en: s.name_en.clone(),
        starts_at: to_rfc3339(tz, s.starts_at),
        ends_at: to_rfc3339(tz, s.ends_at),
        gates: s.gates.clone(),
        allow_reentry: s.allow_reentry,
    }
}

/// A zone to create or change.
#[derive(serde::Deserialize, ToSchema, Debug)]
pub struct ZoneRequest {
    /// Short code (A, P, VIP…): letters and digits, up to 8.
    pub code: Option<String>,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// CSS colour, `#rrggbb`.
    pub color: Option<String>,
}

fn check_color(c: &str) -> Result<(), AppError> {
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "color must be #rrggbb",
            json!([{"field": "color"}]),
        ))
    }
}

/// Creates a zone with the next free bit.
pub fn create_zone(tx: &mut Tx, user: &CurrentUser, req: &ZoneRequest) -> Result<Zone, AppError> {
    let now = tx.now();
    let code = req
        .code
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_uppercase();
    if code.is_empty() || code.len() > 8 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid(
            "code must be 1–8 letters or digits",
            json!([{"field": "code"}]),
        ));
    }
    let color = req.color.clone().unwrap_or_else(|| "#2f6fb5".into());
    check_color(&color)?;
    let all = store::list_zones(tx)?;
    if all.iter().any(|z| z.code == code) {
        return Err(AppError::conflict(
            "zone_exists",
            format!("zone {code} exists"),
        ));
    }
    let bit =
        rules::next_zone_bit(&all.iter().map(|z| z.bit).collect::<Vec<_>>()).ok_or_else(|| {
            AppError::conflict("too_many_zones", "an event can define at most 64 zones")
        })?;
    let id = store::insert_zone(
        tx,
        &code,
        req.name.trim(),
        req.name_en.as_deref().unwrap_or(req.name.trim()),
        &color,
        bit,
        now,
    )?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "zone",
        id,
        json!({"code": code}),
    )?;
    store::list_zones(tx)?
        .into_iter()
        .find(|z| z.id == id)
        .ok_or(AppError::NotFound("zone"))
}

/// Renames or recolours a zone.
pub fn update_zone(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    req: &ZoneRequest,
) -> Result<(), AppError> {
    let color = req.color.clone().unwrap_or_else(|| "#2f6fb5".into());
    check_color(&color)?;
    if store::update_zone(
        tx,
        id,
        req.name.trim(),
        req.name_en.as_deref().unwrap_or(req.name.trim()),
        &color,
    )? == 0
    {
        return Err(AppError::NotFound("zone"));
    }
    audit::record(tx, &user.actor(), "update", "zone", id, json!({}))?;
    Ok(())
}

/// Deletes a zone no pass names.
pub fn delete_zone(tx: &mut Tx, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let zone = store::list_zones(tx)?
        .into_iter()
        .find(|z| z.id == id)
        .ok_or(AppError::NotFound("zone"))?;
    if store::zone_in_use(tx, &zone.code)? {
        return Err(AppError::conflict(
            "in_use",
            format!("passes still grant zone {}", zone.code),
        ));
    }
    store::delete_zone(tx, id)?;
    audit::record(
        tx,
        &user.actor(),
        "delete",
        "zone",
        id,
        json!({"code": zone.code}),
    )?;
    Ok(())
}

/// A session to create.
#[derive(serde::Deserialize, ToSchema, Debug)]
pub struct SessionRequest {
    /// Short code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// Start (RFC 3339 or `YYYY-MM-DD HH:MM` event time).
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Gates, free text.
    #[serde(default)]
    pub gates: String,
    /// Whether a ticket may enter again.
    #[serde(default)]
    pub allow_reentry: bool,
}

fn parse_instant(s: &str, tz: Tz) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.naive_utc())
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
                .ok()
                .map(|t| crate::time::to_utc(tz, t))
        })
}

/// Creates a session.
pub fn create_session(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &SessionRequest,
    tz: Tz,
) -> Result<SessionResponse, AppError> {
    let now = tx.now();
    let starts = parse_instant(&req.starts_at, tz).ok_or_else(|| {
        AppError::invalid("starts_at is not a time", json!([{"field": "starts_at"}]))
    })?;
    let ends = parse_instant(&req.ends_at, tz)
        .ok_or_else(|| AppError::invalid("ends_at is not a time", json!([{"field": "ends_at"}])))?;
    if ends <= starts || req.code.trim().is_empty() || req.name.trim().is_empty() {
        return Err(AppError::invalid(
            "a session needs a code, a name, and an end after its start",
            json!([]),
        ));
    }
    let id = store::insert_session(
        tx,
        req.code.trim(),
        req.name.trim(),
        req.name_en.as_deref().unwrap_or(req.name.trim()),
        starts,
        ends,
        &req.gates,
        req.allow_reentry,
        now,
    )?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "event_session",
        id,
        json!({"code": req.code}),
    )?;
    let s = store::find_session(tx, id)?.ok_or(AppError::NotFound("session"))?;
    Ok(session_response(&s, tz))
}
