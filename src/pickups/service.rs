//! Use cases of pickups outside runs and boards: hubs' meeting points and travel minutes, trip
//! updates (by API, by a greeter's phone, by a CSV feed — all through [`apply_trip_updates`],
//! the one place a live flight-data adapter would plug in), guests' pickup steps, and the
//! vehicle pool.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::schema::{guests, passes};
use crate::db::{now_utc, write_tx, DbConn};
use crate::error::AppError;
use crate::guests::model::Hub;
use crate::guests::service::{to_local, to_rfc3339, to_utc};
use crate::pickups::model::{Trip, TripRow, Vehicle, VehicleFields, VehicleResponse};
use crate::pickups::rides::RideWatch;
use crate::pickups::rules::{self, Direction};
use crate::pickups::{live, store};

fn invalid(field: &str, message: impl Into<String>) -> AppError {
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
    let hubs = crate::guests::store::list_hubs(conn)?;
    hubs.into_iter()
        .find(|h| h.id.to_string() == key.trim() || h.code.eq_ignore_ascii_case(key.trim()))
        .ok_or(AppError::NotFound("hub"))
}

/// A hub's changes.
#[derive(Deserialize, ToSchema, Debug)]
pub struct HubRequest {
    pub name: Option<String>,
    /// `airport`, `station` or `other`.
    pub kind: Option<String>,
    /// Where greeters stand.
    pub meeting_point: Option<String>,
}

/// Renames a hub, sets its kind or meeting point.
pub fn update_hub(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: i64,
    req: &HubRequest,
) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        let hub = store::find_hub(conn, id)?.ok_or(AppError::NotFound("hub"))?;
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
        let meeting = match &req.meeting_point {
            Some(m) => Some(m.trim().to_string()).filter(|m| !m.is_empty()),
            None => hub.meeting_point.clone(),
        };
        store::update_hub(conn, id, &name, &kind, meeting.as_deref())?;
        live::record(conn, Some(id), "hub", id)?;
        audit::store::record(
            conn,
            &user.actor(),
            "update",
            "hub",
            id,
            json!({"name": name, "kind": kind, "meeting_point": meeting}),
        )?;
        Ok(())
    })
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
    let hotels: BTreeMap<i64, crate::hotels::model::Hotel> =
        crate::hotels::store::list_hotels(conn)?
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
    conn: &mut DbConn,
    user: &CurrentUser,
    hub_id: i64,
    entries: &[TravelEntry],
) -> Result<Vec<TravelEntry>, AppError> {
    write_tx(conn, |conn| {
        store::find_hub(conn, hub_id)?.ok_or(AppError::NotFound("hub"))?;
        let hotels = crate::hotels::store::list_hotels(conn)?;
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
        store::replace_travel(conn, hub_id, &rows)?;
        audit::store::record(
            conn,
            &user.actor(),
            "update",
            "hub_travel",
            hub_id,
            json!(rows.len()),
        )?;
        travel(conn, hub_id)
    })
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

// --- trips -------------------------------------------------------------------------------

/// The UTC span of an event-local day.
pub fn day_span(tz: Tz, date: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    (
        to_utc(tz, start),
        to_utc(tz, start + chrono::Duration::days(1)),
    )
}

/// The key boards know a trip by.
pub fn trip_key(hub_id: i64, number: &str, date: NaiveDate, direction: &str) -> String {
    format!("{hub_id}:{number}:{date}:{direction}")
}

/// Trips with their guests: the schedule from the registry, the rest from updates.
pub struct TripBook {
    pub trips: Vec<(Trip, Vec<crate::pickups::store::Traveller>)>,
}

/// Builds the trips of a hub (or all hubs) over `[from, to)` UTC, each with its travellers and
/// the expected time of each traveller (the trip's update, else the schedule).
pub fn trip_book(
    conn: &mut DbConn,
    direction: Direction,
    hub_id: Option<i64>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    tz: Tz,
) -> Result<TripBook, AppError> {
    let travellers =
        store::list_travellers(conn, direction == Direction::Departure, hub_id, from, to)?;
    let hubs: BTreeMap<i64, Hub> = crate::guests::store::list_hubs(conn)?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let local_dates = (
        to_local(tz, from).date() - chrono::Duration::days(1),
        to_local(tz, to).date(),
    );
    let rows: BTreeMap<(i64, String, NaiveDate), TripRow> =
        store::list_trips(conn, hub_id, local_dates)?
            .into_iter()
            .filter(|t| t.direction == direction.as_str())
            .map(|t| ((t.hub_id, t.number.clone(), t.service_date), t))
            .collect();
    let mut groups: BTreeMap<(i64, String, NaiveDate), Vec<crate::pickups::store::Traveller>> =
        BTreeMap::new();
    for t in travellers {
        let (Some(hub), Some(at)) = (t.hub_id, t.at) else {
            continue;
        };
        let number = t.number.clone().unwrap_or_default();
        groups
            .entry((hub, number, to_local(tz, at).date()))
            .or_default()
            .push(t);
    }
    let mut trips: Vec<(Trip, Vec<crate::pickups::store::Traveller>)> = groups
        .into_iter()
        .map(|((hub, number, date), people)| {
            let scheduled = people.iter().filter_map(|p| p.at).min();
            let row = rows.get(&(hub, number.clone(), date));
            let trip = Trip {
                id: trip_key(hub, &number, date, direction.as_str()),
                hub_id: hub,
                hub: hubs.get(&hub).map(|h| h.code.clone()).unwrap_or_default(),
                number,
                date,
                direction: direction.as_str().into(),
                scheduled_at: scheduled.map(|t| to_rfc3339(tz, t)),
                expected_at: row
                    .and_then(|r| r.expected_at)
                    .or(scheduled)
                    .map(|t| to_rfc3339(tz, t)),
                status: row.map_or_else(|| "scheduled".to_string(), |r| r.status.clone()),
                guest_count: people.len() as i64,
                updated_at: row.map(|r| to_rfc3339(tz, r.updated_at)),
                updated_by: row.map(|r| r.updated_by.clone()),
            };
            (trip, people)
        })
        .collect();
    trips.sort_by(|a, b| (&a.0.expected_at, &a.0.number).cmp(&(&b.0.expected_at, &b.0.number)));
    Ok(TripBook { trips })
}

/// The expected time (UTC) of a trip: its update's, else the schedule.
pub fn expected_utc(trip: &Trip, scheduled: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    trip.expected_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.naive_utc())
        .or(scheduled)
}

/// One trip update, however it came.
#[derive(Clone, Debug)]
pub struct TripUpdate {
    pub hub_id: i64,
    pub number: String,
    pub date: NaiveDate,
    pub direction: Direction,
    /// New expected time, UTC.
    pub expected_at: Option<NaiveDateTime>,
    pub status: Option<&'static str>,
}

/// Applies trip updates: each moves every guest on the trip; a landing marks the guests still
/// expected as landed. Call inside a write transaction.
pub fn apply_trip_updates(
    conn: &mut DbConn,
    updates: &[TripUpdate],
    by: &str,
) -> Result<Vec<i64>, AppError> {
    let now = now_utc();
    let mut ids = Vec::new();
    for u in updates {
        let dir = u.direction.as_str();
        let old = store::find_trip(conn, u.hub_id, &u.number, u.date, dir)?;
        let expected = u.expected_at.or(old.as_ref().and_then(|o| o.expected_at));
        let status = u
            .status
            .map(str::to_string)
            .or_else(|| u.expected_at.map(|_| "delayed".to_string()))
            .or(old.as_ref().map(|o| o.status.clone()))
            .unwrap_or_else(|| "scheduled".into());
        let id = store::upsert_trip(
            conn, u.hub_id, &u.number, u.date, dir, expected, &status, by, now,
        )?;
        if status == "landed" && u.direction == Direction::Arrival {
            mark_landed(conn, u, by, now)?;
        }
        let moved = u
            .expected_at
            .is_some_and(|t| Some(t) != old.as_ref().and_then(|o| o.expected_at));
        let cancelled =
            status == "cancelled" && old.as_ref().is_none_or(|o| o.status != "cancelled");
        if moved || cancelled {
            tell_travellers(
                conn,
                u,
                old.as_ref().and_then(|o| o.expected_at),
                expected,
                &status,
                by,
            )?;
        }
        live::record(
            conn,
            Some(u.hub_id),
            "trip",
            trip_key(u.hub_id, &u.number, u.date, dir),
        )?;
        ids.push(id);
    }
    Ok(ids)
}

/// Mails everyone on a trip whose time moved or which was cancelled, in this transaction.
fn tell_travellers(
    conn: &mut DbConn,
    u: &TripUpdate,
    old: Option<NaiveDateTime>,
    new: Option<NaiveDateTime>,
    status: &str,
    by: &str,
) -> Result<(), AppError> {
    use diesel::prelude::*;
    let on_board: Vec<(i64, Option<NaiveDateTime>)> = match u.direction {
        Direction::Arrival => guests::table
            .filter(guests::arrival_hub_id.eq(u.hub_id))
            .filter(guests::arrival_no.eq(&u.number))
            .select((guests::id, guests::arrival_at))
            .load(conn)?,
        Direction::Departure => guests::table
            .filter(guests::departure_hub_id.eq(u.hub_id))
            .filter(guests::departure_no.eq(&u.number))
            .select((guests::id, guests::departure_at))
            .load(conn)?,
    };
    let mut scheduled = None;
    let refs: Vec<(i64, String)> = on_board
        .into_iter()
        // Same trip number on another day is another trip.
        .filter(|(_, at)| at.is_some_and(|a| (a.date() - u.date).num_days().abs() <= 1))
        .map(|(id, at)| {
            scheduled = scheduled.or(at);
            (
                id,
                trip_key(u.hub_id, &u.number, u.date, u.direction.as_str()),
            )
        })
        .collect();
    let params = serde_json::json!({
        "number": u.number,
        "direction": u.direction.as_str(),
        "old": old.or(scheduled),
        "new": new,
        "status": status,
    });
    crate::notify::queue::to_guests(
        conn,
        crate::notify::model::Kind::FlightChange,
        &refs,
        params,
        by,
    )?;
    Ok(())
}

/// Marks every guest of a landed trip who is still expected as landed.
fn mark_landed(
    conn: &mut DbConn,
    u: &TripUpdate,
    by: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    use diesel::prelude::*;
    let on_board: Vec<(i64, Option<NaiveDateTime>)> = guests::table
        .filter(guests::arrival_hub_id.eq(u.hub_id))
        .filter(guests::arrival_no.eq(&u.number))
        .select((guests::id, guests::arrival_at))
        .load(conn)?;
    let ids: Vec<i64> = on_board.iter().map(|g| g.0).collect();
    let known: BTreeMap<i64, String> = store::statuses(conn, &ids, "arrival")?
        .into_iter()
        .collect();
    for (id, at) in on_board {
        // Same trip number on another day is another trip.
        let same_day = at.is_some_and(|a| (a.date() - u.date).num_days().abs() <= 1);
        if same_day && known.get(&id).is_none_or(|s| s == "expected") {
            store::set_status(conn, id, "arrival", "landed", by, now)?;
        }
    }
    Ok(())
}

/// An update from the API or a phone.
#[derive(Deserialize, ToSchema, Debug)]
pub struct TripUpdateRequest {
    /// Flight or train number.
    pub number: Option<String>,
    /// Scheduled day (event-local).
    pub date: Option<NaiveDate>,
    /// Hub id or code.
    pub hub: Option<String>,
    /// `arrival` (default) or `departure`.
    pub direction: Option<String>,
    /// New expected time: `HH:MM`, `YYYY-MM-DD HH:MM` (event time) or RFC 3339.
    pub expected_time: Option<String>,
    /// `scheduled`, `delayed`, `landed`, `cancelled`, `departed`.
    pub status: Option<String>,
}

/// One update through the API or a greeter's phone.
pub fn update_trip(
    conn: &mut DbConn,
    user: &CurrentUser,
    req: &TripUpdateRequest,
    tz: Tz,
) -> Result<Trip, AppError> {
    let number = req
        .number
        .as_deref()
        .map(|n| n.trim().to_uppercase().replace(' ', ""))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid("number", "number is required"))?;
    let date = req
        .date
        .ok_or_else(|| invalid("date", "date is required (YYYY-MM-DD)"))?;
    let direction = Direction::parse(req.direction.as_deref().unwrap_or(""))
        .ok_or_else(|| invalid("direction", "direction must be arrival or departure"))?;
    let expected_at = match req
        .expected_time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(t) => Some(
            chrono::DateTime::parse_from_rfc3339(t)
                .map(|d| d.naive_utc())
                .ok()
                .or_else(|| rules::parse_local_time(date, t).map(|l| to_utc(tz, l)))
                .ok_or_else(|| {
                    invalid(
                        "expected_time",
                        "expected_time must be HH:MM, YYYY-MM-DD HH:MM or RFC 3339",
                    )
                })?,
        ),
    };
    let status = match req
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(rules::parse_trip_status(s).ok_or_else(|| {
            invalid(
                "status",
                "status must be scheduled, delayed, landed, cancelled or departed",
            )
        })?),
    };
    if expected_at.is_none() && status.is_none() {
        return Err(invalid("status", "give a new time, a status or both"));
    }
    let hub_key = req
        .hub
        .as_deref()
        .ok_or_else(|| invalid("hub", "hub is required"))?;
    write_tx(conn, |conn| {
        let hub = find_hub_by_key(conn, hub_key)?;
        hub_for(conn, user, hub.id)?;
        let update = TripUpdate {
            hub_id: hub.id,
            number: number.clone(),
            date,
            direction,
            expected_at,
            status,
        };
        apply_trip_updates(conn, std::slice::from_ref(&update), &user.username)?;
        audit::store::record(
            conn,
            &user.actor(),
            "update",
            "trip",
            hub.id,
            json!({"number": number, "date": date, "status": status, "expected_at": expected_at}),
        )?;
        let (from, to) = day_span(tz, date);
        let book = trip_book(
            conn,
            direction,
            Some(hub.id),
            from - chrono::Duration::hours(12),
            to + chrono::Duration::hours(12),
            tz,
        )?;
        let key = trip_key(hub.id, &number, date, direction.as_str());
        Ok(book
            .trips
            .into_iter()
            .map(|(t, _)| t)
            .find(|t| t.id == key)
            .unwrap_or(Trip {
                id: key,
                hub_id: hub.id,
                hub: hub.code.clone(),
                number: number.clone(),
                date,
                direction: direction.as_str().into(),
                scheduled_at: None,
                expected_at: expected_at.map(|t| to_rfc3339(tz, t)),
                status: status.unwrap_or("scheduled").into(),
                guest_count: 0,
                updated_at: Some(to_rfc3339(tz, now_utc())),
                updated_by: Some(user.username.clone()),
            }))
    })
}

/// What an import of trip updates did.
#[derive(Serialize, ToSchema, Debug)]
pub struct TripImport {
    pub updated: usize,
    pub errors: Vec<ImportLineError>,
}

/// A bad line of the feed.
#[derive(Serialize, ToSchema, Debug)]
pub struct ImportLineError {
    pub line: usize,
    pub message: String,
}

/// A CSV feed of trip updates: every line checked first; one bad line and nothing is written.
pub fn import_trips(
    conn: &mut DbConn,
    user: &CurrentUser,
    text: &str,
    tz: Tz,
) -> Result<TripImport, AppError> {
    let lines = rules::parse_trip_feed(text)
        .map_err(|errors| line_errors(errors.into_iter().map(|e| (e.line, e.message)).collect()))?;
    write_tx(conn, |conn| {
        let hubs = crate::guests::store::list_hubs(conn)?;
        let mut updates = Vec::new();
        let mut errors = Vec::new();
        for l in &lines {
            match hubs
                .iter()
                .find(|h| h.code.eq_ignore_ascii_case(&l.hub) || h.name == l.hub)
            {
                Some(h)
                    if user.role != Role::Greeter
                        || user.scope.as_deref() == Some(&h.id.to_string()) =>
                {
                    updates.push(TripUpdate {
                        hub_id: h.id,
                        number: l.number.clone(),
                        date: l.date,
                        direction: Direction::Arrival,
                        expected_at: l.new_time.map(|t| to_utc(tz, t)),
                        status: l.status,
                    })
                }
                Some(_) => errors.push((l.line, format!("hub {} is not yours", l.hub))),
                None => errors.push((l.line, format!("unknown hub {}", l.hub))),
            }
        }
        if !errors.is_empty() {
            return Err(line_errors(errors));
        }
        apply_trip_updates(conn, &updates, &user.username)?;
        audit::store::record(
            conn,
            &user.actor(),
            "import",
            "trip",
            0,
            json!({"updated": updates.len()}),
        )?;
        Ok(TripImport {
            updated: updates.len(),
            errors: Vec::new(),
        })
    })
}

fn line_errors(errors: Vec<(usize, String)>) -> AppError {
    AppError::Unprocessable {
        code: "invalid_rows",
        message: format!("{} bad line(s); nothing was changed", errors.len()),
        details: json!(errors
            .iter()
            .map(|(line, message)| json!({"line": line, "message": message}))
            .collect::<Vec<_>>()),
    }
}

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
    conn: &mut DbConn,
    user: &CurrentUser,
    guest_id: i64,
    req: &StatusRequest,
) -> Result<PickupResponse, AppError> {
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
    write_tx(conn, |conn| {
        use diesel::prelude::*;
        let hub: Option<Option<i64>> = match direction {
            Direction::Arrival => guests::table
                .find(guest_id)
                .select(guests::arrival_hub_id)
                .first(conn)
                .optional()?,
            Direction::Departure => guests::table
                .find(guest_id)
                .select(guests::departure_hub_id)
                .first(conn)
                .optional()?,
        };
        let hub = hub.ok_or(AppError::NotFound("guest"))?;
        if user.role == Role::Greeter && hub.map(|h| h.to_string()) != user.scope {
            return Err(AppError::Forbidden);
        }
        let from = store::find_status(conn, guest_id, direction.as_str())?
            .unwrap_or_else(|| "expected".into());
        if !rules::may_move(direction, &from, &status) {
            return Err(AppError::conflict(
                "pickup_step",
                format!("cannot go from {from} to {status}"),
            ));
        }
        store::set_status(
            conn,
            guest_id,
            direction.as_str(),
            &status,
            &user.username,
            now_utc(),
        )?;
        live::record(conn, hub, "pickup", guest_id)?;
        Ok(PickupResponse {
            guest_id,
            direction: direction.as_str().into(),
            status: status.clone(),
        })
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

// --- vehicles ----------------------------------------------------------------------------

fn parse_time(field: &str, text: Option<&str>, tz: Tz) -> Result<Option<NaiveDateTime>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| d.naive_utc())
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")
                    .ok()
                    .map(|l| to_utc(tz, l))
            })
            .map(Some)
            .ok_or_else(|| {
                invalid(
                    field,
                    format!("{field} must be YYYY-MM-DD HH:MM or RFC 3339"),
                )
            }),
    }
}

fn vehicle_fields(req: &VehicleResponse, tz: Tz) -> Result<VehicleFields, AppError> {
    let plate = crate::passes::plate::validate_plate(&req.plate)
        .map_err(|e| invalid("plate", e.message_en()))?;
    if !(1..=60).contains(&req.seats) {
        return Err(invalid("seats", "seats must be 1–60"));
    }
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let fields = VehicleFields {
        plate,
        seats: req.seats,
        vehicle_type: if req.vehicle_type.trim().is_empty() {
            "car".into()
        } else {
            req.vehicle_type.trim().to_string()
        },
        driver_name: text(&req.driver_name),
        driver_phone: text(&req.driver_phone),
        available_from: parse_time("available_from", req.available_from.as_deref(), tz)?,
        available_to: parse_time("available_to", req.available_to.as_deref(), tz)?,
    };
    if let (Some(a), Some(b)) = (fields.available_from, fields.available_to) {
        if b <= a {
            return Err(invalid(
                "available_to",
                "available_to must be after available_from",
            ));
        }
    }
    Ok(fields)
}

/// The pool, each car with its vehicle pass (by plate) if one exists.
pub fn list_vehicles(conn: &mut DbConn, tz: Tz) -> Result<Vec<VehicleResponse>, AppError> {
    use diesel::prelude::*;
    let cars = store::list_vehicles(conn)?;
    let plates: Vec<String> = cars.iter().map(|c| c.plate.clone()).collect();
    let passes: BTreeMap<String, String> = passes::table
        .filter(passes::plate.eq_any(&plates))
        .select((passes::plate.assume_not_null(), passes::status))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(cars
        .iter()
        .map(|v| vehicle_response(v, passes.get(&v.plate).cloned(), tz))
        .collect())
}

pub fn vehicle_response(v: &Vehicle, pass_status: Option<String>, tz: Tz) -> VehicleResponse {
    VehicleResponse {
        id: v.id,
        plate: v.plate.clone(),
        seats: v.seats,
        vehicle_type: v.vehicle_type.clone(),
        driver_name: v.driver_name.clone(),
        driver_phone: v.driver_phone.clone(),
        available_from: v.available_from.map(|t| to_rfc3339(tz, t)),
        available_to: v.available_to.map(|t| to_rfc3339(tz, t)),
        pass_status,
    }
}

pub fn create_vehicle(
    conn: &mut DbConn,
    user: &CurrentUser,
    req: &VehicleResponse,
    tz: Tz,
) -> Result<VehicleResponse, AppError> {
    let fields = vehicle_fields(req, tz)?;
    write_tx(conn, |conn| {
        if store::list_vehicles(conn)?
            .iter()
            .any(|v| v.plate == fields.plate)
        {
            return Err(AppError::conflict(
                "vehicle_exists",
                format!("{} is in the pool", fields.plate),
            ));
        }
        let id = store::insert_vehicle(conn, &fields, now_utc())?;
        live::record(conn, None, "vehicle", id)?;
        audit::store::record(
            conn,
            &user.actor(),
            "create",
            "vehicle",
            id,
            json!({"plate": fields.plate}),
        )?;
        let v = store::find_vehicle(conn, id)?.ok_or(AppError::NotFound("vehicle"))?;
        Ok(vehicle_response(&v, None, tz))
    })
}

pub fn update_vehicle(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: i64,
    patch: &serde_json::Value,
    tz: Tz,
    hold: chrono::Duration,
) -> Result<VehicleResponse, AppError> {
    write_tx(conn, |conn| {
        let v = store::find_vehicle(conn, id)?.ok_or(AppError::NotFound("vehicle"))?;
        // A new plate or driver changes the ride of everyone the car still has to carry.
        let watch = RideWatch::start_for_car(conn, id)?;
        let mut merged = serde_json::to_value(vehicle_response(&v, None, tz))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if let (Some(m), Some(p)) = (merged.as_object_mut(), patch.as_object()) {
            for (k, val) in p {
                m.insert(k.clone(), val.clone());
            }
        }
        let req: VehicleResponse = serde_json::from_value(merged)
            .map_err(|e| AppError::invalid(format!("bad vehicle: {e}"), json!([])))?;
        let fields = vehicle_fields(&req, tz)?;
        store::update_vehicle(conn, id, &fields)?;
        watch.finish(conn, &user.username, hold)?;
        live::record(conn, None, "vehicle", id)?;
        audit::store::record(conn, &user.actor(), "update", "vehicle", id, patch.clone())?;
        let v = store::find_vehicle(conn, id)?.ok_or(AppError::NotFound("vehicle"))?;
        Ok(vehicle_response(&v, None, tz))
    })
}

pub fn delete_vehicle(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: i64,
    hold: chrono::Duration,
) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        // Its runs are left without a car: their riders are told.
        let watch = RideWatch::start_for_car(conn, id)?;
        if store::delete_vehicle(conn, id)? == 0 {
            return Err(AppError::NotFound("vehicle"));
        }
        watch.finish(conn, &user.username, hold)?;
        live::record(conn, None, "vehicle", id)?;
        audit::store::record(conn, &user.actor(), "delete", "vehicle", id, json!({}))?;
        Ok(())
    })
}
