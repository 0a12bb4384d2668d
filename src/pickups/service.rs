//! Use cases of pickups outside runs, boards, trips and cars: hubs' meeting points and travel
//! minutes, and guests' pickup steps.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::Hub;
use crate::live;
use crate::pickups::rules::{self, Direction};
use crate::pickups::store;
use crate::time::to_rfc3339;

/// A 422 naming the field (the pickups domain's one way to say a request is wrong).
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(message, json!([{ "field": field }]))
}

/// The hub a user may work at: a greeter only at its own.
pub fn hub_for(conn: &mut DbConn, user: &CurrentUser, hub_id: i64) -> Result<Hub, AppError> {
    if user.role == Role::Greeter && user.scope.as_deref() != Some(&hub_id.to_string()) {
        return Err(AppError::Forbidden);
    }
    store::find_hub(conn, hub_id)?.ok_or(AppError::NotFound("hub"))
}

/// Finds a hub by id or code.
pub fn find_hub_by_key(conn: &mut DbConn, key: &str) -> Result<Hub, AppError> {
    let hubs = crate::guests::list_hubs(conn)?;
    hubs.into_iter()
        .find(|h| h.id.to_string() == key.trim() || h.code.eq_ignore_ascii_case(key.trim()))
        .ok_or(AppError::NotFound("hub"))
}

/// A hub's changes: an absent field stays as it is, an empty one clears it.
#[derive(Deserialize, ToSchema, Debug)]
pub struct HubRequest {
    pub name: Option<String>,
    /// `airport`, `station` or `other`.
    pub kind: Option<String>,
    /// Where greeters stand.
    pub meeting_point: Option<String>,
    /// The name English-speaking guests read (up to 100 characters).
    pub name_en: Option<String>,
    /// The meeting point English-speaking guests read (up to 200 characters).
    pub meeting_point_en: Option<String>,
}

/// What a hub is called and where greeters stand, as stored.
pub struct HubNames<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub meeting_point: Option<&'a str>,
    pub name_en: Option<&'a str>,
    pub meeting_point_en: Option<&'a str>,
}

/// Renames a hub, sets its kind or meeting point (in Chinese and English).
pub fn update_hub(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    req: &HubRequest,
) -> Result<(), AppError> {
    let hub = store::find_hub(tx, id)?.ok_or(AppError::NotFound("hub"))?;
    let name = req
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&hub.name)
        .to_string();
    let kind = req.kind.clone().unwrap_or(hub.kind.clone());
    if !["airport", "station", "other"].contains(&kind.as_str()) {
        return Err(invalid("kind", "kind must be airport, station or other"));
    }
    let meeting = changed_text(&req.meeting_point, &hub.meeting_point);
    let name_en = changed_text(&req.name_en, &hub.name_en);
    let meeting_en = changed_text(&req.meeting_point_en, &hub.meeting_point_en);
    for (field, value, max) in [
        ("name", Some(&name), 100),
        ("name_en", name_en.as_ref(), 100),
        ("meeting_point", meeting.as_ref(), 200),
        ("meeting_point_en", meeting_en.as_ref(), 200),
    ] {
        if value.is_some_and(|v| v.chars().count() > max) {
            return Err(invalid(
                field,
                format!("{field} is at most {max} characters"),
            ));
        }
    }
    let names = HubNames {
        name: &name,
        kind: &kind,
        meeting_point: meeting.as_deref(),
        name_en: name_en.as_deref(),
        meeting_point_en: meeting_en.as_deref(),
    };
    store::update_hub(tx, id, &names)?;
    live::record(tx, Some(id), "hub", id)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "hub",
        id,
        json!({"name": name, "kind": kind, "meeting_point": meeting,
               "name_en": name_en, "meeting_point_en": meeting_en}),
    )?;
    Ok(())
}

/// An optional text as changed by a request: absent keeps `current`, blank clears it.
fn changed_text(requested: &Option<String>, current: &Option<String>) -> Option<String> {
    match requested {
        Some(text) => Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        None => current.clone(),
    }
}

/// Minutes from a hub to a hotel.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct TravelEntry {
    /// Hotel code.
    pub hotel: String,
    #[serde(default)]
    pub hotel_name: String,
    pub minutes: i32,
}

pub fn travel(conn: &mut DbConn, hub_id: i64) -> Result<Vec<TravelEntry>, AppError> {
    store::find_hub(conn, hub_id)?.ok_or(AppError::NotFound("hub"))?;
    let hotels: BTreeMap<i64, crate::hotels::Hotel> = crate::hotels::list_hotels(conn)?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    Ok(store::list_travel(conn, hub_id)?
        .into_iter()
        .filter_map(|(hotel, minutes)| {
            hotels.get(&hotel).map(|h| TravelEntry {
                hotel: h.code.clone(),
                hotel_name: h.name.clone(),
                minutes,
            })
        })
        .collect())
}

pub fn set_travel(
    tx: &mut Tx,
    user: &CurrentUser,
    hub_id: i64,
    entries: &[TravelEntry],
) -> Result<Vec<TravelEntry>, AppError> {
    store::find_hub(tx, hub_id)?.ok_or(AppError::NotFound("hub"))?;
    let hotels = crate::hotels::list_hotels(tx)?;
    let mut rows = Vec::new();
    for e in entries {
        let h = hotels
            .iter()
            .find(|h| h.code == e.hotel)
            .ok_or_else(|| invalid("hotel", format!("unknown hotel {}", e.hotel)))?;
        if !(0..=600).contains(&e.minutes) {
            return Err(invalid("minutes", "minutes must be 0–600"));
        }
        rows.push((h.id, e.minutes));
    }
    store::replace_travel(tx, hub_id, &rows)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "hub_travel",
        hub_id,
        json!(rows.len()),
    )?;
    travel(tx, hub_id)
}

/// Minutes from a hub to each hotel; 45 when nobody said.
pub fn travel_minutes(conn: &mut DbConn, hub_id: i64) -> Result<BTreeMap<i64, i64>, AppError> {
    Ok(store::list_travel(conn, hub_id)?
        .into_iter()
        .map(|(h, m)| (h, i64::from(m)))
        .collect())
}

/// Minutes assumed when a hub has no figure for a hotel.
pub const DEFAULT_TRAVEL: i64 = 45;

// --- pickup steps ------------------------------------------------------------------------

/// A step of a guest's pickup.
#[derive(Deserialize, ToSchema, Debug)]
pub struct StatusRequest {
    /// `expected`, `landed`, `met`, `in_vehicle`, `at_hotel` (arrivals) or `at_hub` (returns),
    /// `no_show`, `own_transport`.
    pub status: Option<String>,
    /// `arrival` (default) or `departure`.
    pub direction: Option<String>,
}

/// A guest's pickup as it now stands.
#[derive(Serialize, ToSchema, Debug)]
pub struct PickupResponse {
    pub guest_id: i64,
    pub direction: String,
    pub status: String,
}

/// Records a step: who and when, checked against the order of steps.
pub fn set_status(
    tx: &mut Tx,
    user: &CurrentUser,
    guest_id: i64,
    req: &StatusRequest,
) -> Result<PickupResponse, AppError> {
    let now = tx.now();
    let direction = Direction::parse(req.direction.as_deref().unwrap_or(""))
        .ok_or_else(|| invalid("direction", "direction must be arrival or departure"))?;
    let status = req
        .status
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if !rules::is_status(direction, &status) {
        return Err(invalid(
            "status",
            format!("{status:?} is not a step of a {}", direction.as_str()),
        ));
    }
    let guest = crate::guests::find_guest(tx, guest_id)?.ok_or(AppError::NotFound("guest"))?;
    let hub = match direction {
        Direction::Arrival => guest.arrival_hub_id,
        Direction::Departure => guest.departure_hub_id,
    };

    if user.role == Role::Greeter && hub.map(|h| h.to_string()) != user.scope {
        return Err(AppError::Forbidden);
    }
    let from =
        store::find_status(tx, guest_id, direction.as_str())?.unwrap_or_else(|| "expected".into());
    if !rules::may_move(direction, &from, &status) {
        return Err(AppError::conflict(
            "pickup_step",
            format!("cannot go from {from} to {status}"),
        ));
    }
    store::set_status(
        tx,
        guest_id,
        direction.as_str(),
        &status,
        &user.username,
        now,
    )?;
    live::record(tx, hub, "pickup", guest_id)?;
    Ok(PickupResponse {
        guest_id,
        direction: direction.as_str().into(),
        status: status.clone(),
    })
}

/// One recorded step.
#[derive(Serialize, ToSchema, Debug)]
pub struct StepRecord {
    pub direction: String,
    pub status: String,
    pub at: String,
    pub by: String,
}

pub fn history(conn: &mut DbConn, guest_id: i64, tz: Tz) -> Result<Vec<StepRecord>, AppError> {
    Ok(store::history(conn, guest_id)?
        .into_iter()
        .map(|(direction, status, at, by)| StepRecord {
            direction,
            status,
            at: to_rfc3339(tz, at),
            by,
        })
        .collect())
}
