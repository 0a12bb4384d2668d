//! What greeters and reception look at: a hub's board (trips in time order with their guests,
//! each guest's step and car) and reception's day (arrivals per hour, exceptions).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::db::DbConn;
use crate::error::AppError;
use crate::pickups::model::{RunRow, Trip};
use crate::pickups::rules::{self, Direction};
use crate::pickups::service::hub_for;
use crate::pickups::store;
use crate::pickups::trips::{self, day_span, expected_utc};
use crate::time::now_utc;
use crate::time::{to_local, to_rfc3339};

/// The hub as the board heads it.
#[derive(Serialize, ToSchema, Debug)]
pub struct BoardHub {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub meeting_point: Option<String>,
    /// The meeting point as English-speaking guests read it in their itinerary.
    pub meeting_point_en: Option<String>,
}

/// A guest on the board.
#[derive(Serialize, ToSchema, Debug)]
pub struct BoardGuest {
    pub guest_id: i64,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub delegation: Option<String>,
    /// Ref and organization, to tell two guests of one name apart.
    #[serde(rename = "ref")]
    pub ref_code: String,
    pub organization: Option<String>,
    pub phone: Option<String>,
    pub photo_url: Option<String>,
    pub vip: bool,
    pub halal: bool,
    pub diet: Option<String>,
    pub accessible: bool,
    /// The pickup step.
    pub status: String,
    pub run: Option<BoardRun>,
    /// Booked hotel code.
    pub hotel: Option<String>,
}

/// A guest's car.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct BoardRun {
    pub id: i64,
    pub plate: Option<String>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    pub status: String,
    pub depart_at: String,
}

/// A trip with its guests.
#[derive(Serialize, ToSchema, Debug)]
pub struct BoardTrip {
    #[serde(flatten)]
    pub trip: Trip,
    pub guests: Vec<BoardGuest>,
}

/// A hub's board.
#[derive(Serialize, ToSchema, Debug)]
pub struct Board {
    pub hub: BoardHub,
    pub now: String,
    pub trips: Vec<BoardTrip>,
}

/// The board of a hub: trips expected from `from` for `hours`, in time order, with their guests.
pub fn board(
    conn: &mut DbConn,
    user: &CurrentUser,
    hub_id: i64,
    from: NaiveDateTime,
    hours: i64,
    tz: Tz,
) -> Result<Board, AppError> {
    let hub = hub_for(conn, user, hub_id)?;
    let to = from + chrono::Duration::hours(hours);
    // A delay can bring in a trip scheduled long before: look wide, then keep the window.
    let book = trips::trip_book(
        conn,
        Direction::Arrival,
        Some(hub.id),
        from - chrono::Duration::hours(12),
        to + chrono::Duration::hours(2),
        tz,
    )?;
    let trips: Vec<_> = book
        .trips
        .into_iter()
        .filter(|(trip, people)| {
            let scheduled = people.iter().filter_map(|p| p.at).min();
            expected_utc(trip, scheduled).is_some_and(|t| t >= from && t < to)
        })
        .collect();
    let ids: Vec<i64> = trips
        .iter()
        .flat_map(|(_, p)| p.iter().map(|t| t.id))
        .collect();
    let photos: BTreeSet<i64> = store::with_photos(conn, &ids)?.into_iter().collect();
    let statuses: BTreeMap<i64, String> = store::statuses(conn, &ids, "arrival")?
        .into_iter()
        .collect();
    let runs_of: BTreeMap<i64, i64> = store::runs_of(conn, &ids, "arrival")?.into_iter().collect();
    let hotel_codes: BTreeMap<i64, String> = crate::hotels::list_hotels(conn)?
        .into_iter()
        .map(|h| (h.id, h.code))
        .collect();
    let hotels: BTreeMap<i64, String> = store::hotels_of(conn, &ids)?
        .into_iter()
        .filter_map(|(g, h)| hotel_codes.get(&h).map(|c| (g, c.clone())))
        .collect();
    let run_ids: BTreeSet<i64> = runs_of.values().copied().collect();
    let run_rows: BTreeMap<i64, RunRow> = run_ids
        .iter()
        .filter_map(|id| store::find_run(conn, *id).transpose())
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let cars: BTreeMap<i64, crate::pickups::model::Vehicle> = store::list_vehicles(conn)?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let runs: BTreeMap<i64, BoardRun> = run_rows
        .values()
        .map(|r| {
            let car = r.vehicle_id.and_then(|v| cars.get(&v));
            (
                r.id,
                BoardRun {
                    id: r.id,
                    plate: car.map(|c| c.plate.clone()),
                    driver_name: car.and_then(|c| c.driver_name.clone()),
                    driver_phone: car.and_then(|c| c.driver_phone.clone()),
                    status: r.status.clone(),
                    depart_at: to_rfc3339(tz, r.depart_at),
                },
            )
        })
        .collect();
    Ok(Board {
        hub: BoardHub {
            id: hub.id,
            code: hub.code,
            name: hub.name,
            meeting_point: hub.meeting_point,
            meeting_point_en: hub.meeting_point_en,
        },
        now: to_rfc3339(tz, now_utc()),
        trips: trips
            .into_iter()
            .map(|(trip, people)| BoardTrip {
                guests: people
                    .into_iter()
                    .map(|t| BoardGuest {
                        photo_url: photos
                            .contains(&t.id)
                            .then(|| format!("/api/v1/guests/{}/photo", t.id)),
                        vip: t.category.as_deref() == Some("vip"),
                        status: statuses
                            .get(&t.id)
                            .cloned()
                            .unwrap_or_else(|| "expected".into()),
                        run: runs_of.get(&t.id).and_then(|r| runs.get(r)).cloned(),
                        hotel: hotels.get(&t.id).cloned(),
                        guest_id: t.id,
                        name: t.name,
                        name_latin: t.name_latin,
                        category: t.category,
                        delegation: t.delegation,
                        ref_code: t.ref_code,
                        organization: t.organization,
                        phone: t.phone,
                        halal: t.halal,
                        diet: t.diet,
                        accessible: t.accessible,
                    })
                    .collect(),
                trip,
            })
            .collect(),
    })
}

/// Arrivals in an hour at a hub.
#[derive(Serialize, ToSchema, Debug)]
pub struct HourCount {
    pub hub: String,
    pub date: NaiveDate,
    /// `HH`.
    pub hour: String,
    pub arrivals: i64,
}

/// Something reception must look at.
#[derive(Serialize, ToSchema, Debug)]
pub struct Exception {
    /// `delayed`, `cancelled`, `not_met`, `no_show`, `no_run`, `no_vehicle`.
    pub kind: String,
    pub hub: String,
    pub trip: Option<String>,
    pub guest_id: Option<i64>,
    pub name: Option<String>,
    pub run_id: Option<i64>,
    /// When it began (the update, the landing, the run's departure).
    pub since: Option<String>,
}

/// Reception's day.
#[derive(Serialize, ToSchema, Debug)]
pub struct Summary {
    pub hours: Vec<HourCount>,
    pub exceptions: Vec<Exception>,
    /// Exceptions of each kind (the list shows the first 100 of each).
    pub counts: BTreeMap<String, usize>,
}

/// Arrivals per hour per hub for `date` and the day after, and today's exceptions.
pub fn summary(conn: &mut DbConn, date: NaiveDate, tz: Tz) -> Result<Summary, AppError> {
    let (from, _) = day_span(tz, date);
    let (_, to) = day_span(tz, date + chrono::Duration::days(1));
    let book = trips::trip_book(
        conn,
        Direction::Arrival,
        None,
        from - chrono::Duration::hours(12),
        to,
        tz,
    )?;
    let mut hours: BTreeMap<(String, NaiveDate, String), i64> = BTreeMap::new();
    let now = now_utc();
    let (today_from, today_to) = day_span(tz, date);
    let mut exceptions = Vec::new();
    let mut people = Vec::new();
    for (trip, travellers) in &book.trips {
        let scheduled = travellers.iter().filter_map(|p| p.at).min();
        let Some(at) = expected_utc(trip, scheduled) else {
            continue;
        };
        if !(from..to).contains(&at) {
            continue;
        }
        let local = to_local(tz, at);
        *hours
            .entry((
                trip.hub.clone(),
                local.date(),
                local.format("%H").to_string(),
            ))
            .or_default() += travellers.len() as i64;
        if !(today_from..today_to).contains(&at) {
            continue;
        }
        if matches!(trip.status.as_str(), "delayed" | "cancelled") {
            exceptions.push(Exception {
                kind: trip.status.clone(),
                hub: trip.hub.clone(),
                trip: Some(trip.number.clone()),
                guest_id: None,
                name: None,
                run_id: None,
                since: trip.updated_at.clone(),
            });
        }
        if trip.status != "cancelled" {
            for t in travellers {
                people.push((
                    trip.hub.clone(),
                    trip.number.clone(),
                    at,
                    t.id,
                    t.name.clone(),
                ));
            }
        }
    }
    let ids: Vec<i64> = people.iter().map(|p| p.3).collect();
    let statuses: BTreeMap<i64, String> = store::statuses(conn, &ids, "arrival")?
        .into_iter()
        .collect();
    let with_run: BTreeSet<i64> = store::runs_of(conn, &ids, "arrival")?
        .into_iter()
        .map(|r| r.0)
        .collect();
    for (hub, number, at, id, name) in people {
        let status = statuses.get(&id).map_or("expected", String::as_str);
        let exception = |kind: &str| Exception {
            kind: kind.into(),
            hub: hub.clone(),
            trip: Some(number.clone()),
            guest_id: Some(id),
            name: Some(name.clone()),
            run_id: None,
            since: Some(to_rfc3339(tz, at)),
        };
        if status == "no_show" {
            exceptions.push(exception("no_show"));
        } else if rules::not_met(status, at, now) {
            exceptions.push(exception("not_met"));
        } else if !with_run.contains(&id) && matches!(status, "expected" | "landed" | "met") {
            exceptions.push(exception("no_run"));
        }
    }
    let hub_codes: BTreeMap<i64, String> = crate::guests::list_hubs(conn)?
        .into_iter()
        .map(|h| (h.id, h.code))
        .collect();
    for r in store::list_runs(conn, None, (date, date), None)? {
        if r.vehicle_id.is_none() && r.status == "planned" {
            exceptions.push(Exception {
                kind: "no_vehicle".into(),
                hub: hub_codes.get(&r.hub_id).cloned().unwrap_or_default(),
                trip: None,
                guest_id: None,
                name: None,
                run_id: Some(r.id),
                since: Some(to_rfc3339(tz, r.depart_at)),
            });
        }
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in &exceptions {
        *counts.entry(e.kind.clone()).or_default() += 1;
    }
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    exceptions.retain(|e| {
        let n = shown.entry(e.kind.clone()).or_default();
        *n += 1;
        *n <= 100
    });
    Ok(Summary {
        hours: hours
            .into_iter()
            .map(|((hub, date, hour), arrivals)| HourCount {
                hub,
                date,
                hour,
                arrivals,
            })
            .collect(),
        exceptions,
        counts,
    })
}
