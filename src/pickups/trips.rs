//! Trips and their updates: the trip book (each flight or train with its travellers and
//! expected time), and the updates that move everyone on a trip — by API, by a greeter's phone,
//! by a CSV feed, all through [`apply_trip_updates`], the one place a live flight-data adapter
//! would plug in.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::schema::guests;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::Hub;
use crate::live;
use crate::pickups::model::{Trip, TripRow};
use crate::pickups::rules::{self, Direction};
use crate::pickups::service::{find_hub_by_key, hub_for, invalid};
use crate::pickups::store;
use crate::time::{to_local, to_rfc3339, to_utc};

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
    let hubs: BTreeMap<i64, Hub> = crate::guests::list_hubs(conn)?
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
    tx: &mut Tx,
    updates: &[TripUpdate],
    by: &str,
) -> Result<Vec<i64>, AppError> {
    let now = tx.now();
    let mut ids = Vec::new();
    for u in updates {
        let dir = u.direction.as_str();
        let old = store::find_trip(tx, u.hub_id, &u.number, u.date, dir)?;
        let expected = u.expected_at.or(old.as_ref().and_then(|o| o.expected_at));
        let status = u
            .status
            .map(str::to_string)
            .or_else(|| u.expected_at.map(|_| "delayed".to_string()))
            .or(old.as_ref().map(|o| o.status.clone()))
            .unwrap_or_else(|| "scheduled".into());
        let id = store::upsert_trip(
            tx, u.hub_id, &u.number, u.date, dir, expected, &status, by, now,
        )?;
        if status == "landed" && u.direction == Direction::Arrival {
            mark_landed(tx, u, by, now)?;
        }
        let moved = u
            .expected_at
            .is_some_and(|t| Some(t) != old.as_ref().and_then(|o| o.expected_at));
        let cancelled =
            status == "cancelled" && old.as_ref().is_none_or(|o| o.status != "cancelled");
        if moved || cancelled {
            tell_travellers(
                tx,
                u,
                old.as_ref().and_then(|o| o.expected_at),
                expected,
                &status,
                by,
            )?;
        }
        live::record(
            tx,
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
    tx: &mut Tx,
    u: &TripUpdate,
    old: Option<NaiveDateTime>,
    new: Option<NaiveDateTime>,
    status: &str,
    by: &str,
) -> Result<(), AppError> {
    use diesel::prelude::*;
    let conn: &mut DbConn = tx;
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
    crate::guests::mail::to_guests(tx, crate::outbox::Kind::FlightChange, &refs, params, by)?;
    Ok(())
}

/// Marks every guest of a landed trip who is still expected as landed.
fn mark_landed(tx: &mut Tx, u: &TripUpdate, by: &str, now: NaiveDateTime) -> Result<(), AppError> {
    use diesel::prelude::*;
    let on_board: Vec<(i64, Option<NaiveDateTime>)> = guests::table
        .filter(guests::arrival_hub_id.eq(u.hub_id))
        .filter(guests::arrival_no.eq(&u.number))
        .select((guests::id, guests::arrival_at))
        .load(&mut **tx)?;
    let ids: Vec<i64> = on_board.iter().map(|g| g.0).collect();
    let known: BTreeMap<i64, String> = store::statuses(tx, &ids, "arrival")?.into_iter().collect();
    for (id, at) in on_board {
        // Same trip number on another day is another trip.
        let same_day = at.is_some_and(|a| (a.date() - u.date).num_days().abs() <= 1);
        if same_day && known.get(&id).is_none_or(|s| s == "expected") {
            store::set_status(tx, id, "arrival", "landed", by, now)?;
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
    tx: &mut Tx,
    user: &CurrentUser,
    req: &TripUpdateRequest,
    tz: Tz,
) -> Result<Trip, AppError> {
    let now = tx.now();
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
    let hub = find_hub_by_key(tx, hub_key)?;
    hub_for(tx, user, hub.id)?;
    let update = TripUpdate {
        hub_id: hub.id,
        number: number.clone(),
        date,
        direction,
        expected_at,
        status,
    };
    apply_trip_updates(tx, std::slice::from_ref(&update), &user.username)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "trip",
        hub.id,
        json!({"number": number, "date": date, "status": status, "expected_at": expected_at}),
    )?;
    let (from, to) = day_span(tz, date);
    let book = trip_book(
        tx,
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
            updated_at: Some(to_rfc3339(tz, now)),
            updated_by: Some(user.username.clone()),
        }))
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
    tx: &mut Tx,
    user: &CurrentUser,
    text: &str,
    tz: Tz,
) -> Result<TripImport, AppError> {
    let lines = rules::parse_trip_feed(text)
        .map_err(|errors| line_errors(errors.into_iter().map(|e| (e.line, e.message)).collect()))?;
    let hubs = crate::guests::list_hubs(tx)?;
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
    apply_trip_updates(tx, &updates, &user.username)?;
    audit::record(
        tx,
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
