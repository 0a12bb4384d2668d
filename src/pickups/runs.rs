//! Pickup runs: planned by [`planner`] from the day's arrivals (or returns) at a hub, then
//! adjusted by hand — move guests, split, merge, change the car, lock — and driven: planned →
//! at hub → departed → arrived. Re-planning keeps locked runs and runs already under way.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::live;
use crate::pickups::model::{NewRun, RunGuest, RunResponse, RunRow, RunVehicle};
use crate::pickups::planner::{self, Car, LockedRun, Rider};
use crate::pickups::rides::RideWatch;
use crate::pickups::rules::{self, Direction};
use crate::pickups::service::{self, hub_for, invalid, DEFAULT_TRAVEL};
use crate::pickups::store;
use crate::pickups::trips::{self, day_span, expected_utc};
use crate::time::to_rfc3339;

/// Minutes since the epoch: the planner's clock.
fn minutes(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp() / 60
}

fn from_minutes(m: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(m * 60, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// Runs as the API shows them.
pub fn responses(conn: &mut DbConn, rows: &[RunRow], tz: Tz) -> Result<Vec<RunResponse>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let riders = store::run_riders(conn, &ids)?;
    let guest_ids: Vec<i64> = riders.iter().map(|r| r.1).collect();
    let people: BTreeMap<i64, crate::hotels::LodgingGuest> =
        crate::hotels::find_lodging_guests(conn, &guest_ids)?
            .into_iter()
            .map(|g| (g.id, g))
            .collect();
    let mut statuses: BTreeMap<(i64, String), String> = BTreeMap::new();
    for dir in ["arrival", "departure"] {
        for (g, s) in store::statuses(conn, &guest_ids, dir)? {
            statuses.insert((g, dir.to_string()), s);
        }
    }
    let hubs: BTreeMap<i64, String> = crate::guests::list_hubs(conn)?
        .into_iter()
        .map(|h| (h.id, h.code))
        .collect();
    let hotels: BTreeMap<i64, (String, String)> = crate::hotels::list_hotels(conn)?
        .into_iter()
        .map(|h| (h.id, (h.code, h.name)))
        .collect();
    let cars: BTreeMap<i64, crate::pickups::model::Vehicle> = store::list_vehicles(conn)?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut by_run: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (run, guest) in riders {
        by_run.entry(run).or_default().push(guest);
    }
    Ok(rows
        .iter()
        .map(|r| {
            let guests: Vec<RunGuest> = by_run
                .get(&r.id)
                .into_iter()
                .flatten()
                .map(|g| {
                    let p = people.get(g);
                    let eta = p
                        .and_then(|p| p.arrival_at)
                        .filter(|_| r.direction == "arrival");
                    RunGuest {
                        guest_id: *g,
                        name: p.map(|p| p.name.clone()).unwrap_or_default(),
                        category: p.and_then(|p| p.category.clone()),
                        delegation: p.and_then(|p| p.delegation.clone()),
                        ref_code: p.map(|p| p.ref_code.clone()).unwrap_or_default(),
                        organization: p.and_then(|p| p.organization.clone()),
                        eta: eta.map(|t| to_rfc3339(tz, t)),
                        status: statuses
                            .get(&(*g, r.direction.clone()))
                            .cloned()
                            .unwrap_or_else(|| "expected".into()),
                    }
                })
                .collect();
            RunResponse {
                id: r.id,
                hub_id: r.hub_id,
                hub: hubs.get(&r.hub_id).cloned().unwrap_or_default(),
                date: r.service_date,
                direction: r.direction.clone(),
                hotel: r.hotel_id.and_then(|h| hotels.get(&h)).map(|h| h.0.clone()),
                hotel_name: r.hotel_id.and_then(|h| hotels.get(&h)).map(|h| h.1.clone()),
                depart_at: to_rfc3339(tz, r.depart_at),
                status: r.status.clone(),
                locked: r.locked,
                vehicle: r.vehicle_id.and_then(|v| cars.get(&v)).map(|v| RunVehicle {
                    id: v.id,
                    plate: v.plate.clone(),
                    seats: v.seats,
                    driver_name: v.driver_name.clone(),
                    driver_phone: v.driver_phone.clone(),
                }),
                greeter: r.greeter.clone(),
                seats_used: guests.len() as i64,
                guests,
            }
        })
        .collect())
}

/// The runs of a hub (a greeter: its own) on a day.
pub fn list_runs(
    conn: &mut DbConn,
    user: &CurrentUser,
    hub: Option<i64>,
    date: NaiveDate,
    direction: Option<Direction>,
    tz: Tz,
) -> Result<Vec<RunResponse>, AppError> {
    let hub = match (user.role, hub) {
        (Role::Greeter, h) => Some(
            hub_for(
                conn,
                user,
                h.or_else(|| user.scope.as_deref().and_then(|s| s.parse().ok()))
                    .unwrap_or(-1),
            )?
            .id,
        ),
        (_, h) => h,
    };
    let rows = store::list_runs(conn, hub, (date, date), direction.map(Direction::as_str))?;
    responses(conn, &rows, tz)
}

/// What to plan.
#[derive(Deserialize, ToSchema, Debug)]
pub struct PlanRequest {
    /// Hub id or code.
    pub hub: Option<String>,
    pub date: Option<NaiveDate>,
    /// `arrival` (default) or `departure`.
    pub direction: Option<String>,
    /// Longest wait after landing (arrivals) or early pick-up (returns), minutes; default 45.
    pub max_wait_minutes: Option<i64>,
}

/// What planning did.
#[derive(Serialize, ToSchema, Debug)]
pub struct PlanResult {
    pub runs: usize,
    pub guests: usize,
    /// Runs no car could take: they need one by hand.
    pub without_vehicle: usize,
    pub kept: usize,
    pub ms: u128,
}

/// Plans the runs of a hub, day and direction, keeping locked runs and runs under way.
pub fn plan(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &PlanRequest,
    tz: Tz,
    hold: chrono::Duration,
) -> Result<PlanResult, AppError> {
    let now = tx.now();
    let started = Instant::now();
    let date = req
        .date
        .ok_or_else(|| invalid("date", "date is required"))?;
    let direction = Direction::parse(req.direction.as_deref().unwrap_or(""))
        .ok_or_else(|| invalid("direction", "direction must be arrival or departure"))?;
    let max_wait = req.max_wait_minutes.unwrap_or(45);
    if !(5..=240).contains(&max_wait) {
        return Err(invalid(
            "max_wait_minutes",
            "max_wait_minutes must be 5–240",
        ));
    }
    let hub = service::find_hub_by_key(
        tx,
        req.hub
            .as_deref()
            .ok_or_else(|| invalid("hub", "hub is required"))?,
    )?;
    hub_for(tx, user, hub.id)?;
    // Everyone whose expected time falls on the day (a late trip moves its guests).
    let (from, to) = day_span(tz, date);
    let book = trips::trip_book(
        tx,
        direction,
        Some(hub.id),
        from - chrono::Duration::hours(12),
        to + chrono::Duration::hours(12),
        tz,
    )?;
    let travel = service::travel_minutes(tx, hub.id)?;
    let mut people = Vec::new();
    for (trip, travellers) in &book.trips {
        if trip.status == "cancelled" {
            continue;
        }
        for t in travellers {
            let Some(at) = expected_utc(trip, t.at) else {
                continue;
            };
            people.push((t.clone(), at));
        }
    }
    let ids: Vec<i64> = people.iter().map(|p| p.0.id).collect();
    let hotels: BTreeMap<i64, i64> = store::hotels_of(tx, &ids)?.into_iter().collect();
    let skip: BTreeSet<i64> = store::statuses(tx, &ids, direction.as_str())?
        .into_iter()
        .filter(|(_, s)| matches!(s.as_str(), "no_show" | "own_transport"))
        .map(|(g, _)| g)
        .collect();
    let existing = store::list_runs(tx, Some(hub.id), (date, date), Some(direction.as_str()))?;
    let (kept, replaced): (Vec<RunRow>, Vec<RunRow>) = existing
        .into_iter()
        .partition(|r| r.locked || r.status != "planned");
    let kept_riders = store::run_riders(tx, &kept.iter().map(|r| r.id).collect::<Vec<_>>())?;
    let locked: Vec<LockedRun> = kept
        .iter()
        .map(|r| LockedRun {
            car: r.vehicle_id,
            guests: kept_riders
                .iter()
                .filter(|(run, _)| *run == r.id)
                .map(|(_, g)| *g)
                .collect(),
            depart: minutes(r.depart_at),
            travel: r
                .hotel_id
                .and_then(|h| travel.get(&h).copied())
                .unwrap_or(DEFAULT_TRAVEL),
        })
        .collect();
    let riders: Vec<Rider> = people
        .iter()
        .filter(|(t, at)| !skip.contains(&t.id) && (from..to).contains(at))
        .map(|(t, at)| {
            let hotel = hotels.get(&t.id).copied();
            let minutes_away = hotel
                .and_then(|h| travel.get(&h).copied())
                .unwrap_or(DEFAULT_TRAVEL);
            let ready = match direction {
                Direction::Arrival => minutes(*at),
                Direction::Departure => minutes(rules::pickup_time(*at, &hub.kind, minutes_away)),
            };
            Rider {
                guest: t.id,
                ready,
                hotel,
                travel: minutes_away,
                vip: t.category.as_deref() == Some("vip"),
                delegation: t.delegation_id,
            }
        })
        .collect();
    let cars: Vec<Car> = store::list_vehicles(tx)?
        .iter()
        .map(|v| Car {
            id: v.id,
            seats: u32::try_from(v.seats).unwrap_or(0),
            available: v.available_from.map_or(i64::MIN / 2, minutes)
                ..v.available_to.map_or(i64::MAX / 2, minutes),
        })
        .collect();
    let dir = match direction {
        Direction::Arrival => planner::Direction::Arrival,
        Direction::Departure => planner::Direction::Departure,
    };
    let runs = planner::plan(dir, &riders, &cars, &locked, max_wait);
    let greeters = greeters_of(tx, hub.id)?;
    let replaced_ids: Vec<i64> = replaced.iter().map(|r| r.id).collect();
    let watch =
        RideWatch::start_with_runs(tx, direction.as_str(), &replaced_ids, ids.iter().copied())?;
    store::delete_runs(tx, &replaced_ids)?;
    let mut vip_runs = 0usize;
    for run in &runs {
        // A VIP's run gets a named greeter: the hub's greeters in turn.
        let greeter = if run.vip && !greeters.is_empty() {
            vip_runs += 1;
            Some(greeters[(vip_runs - 1) % greeters.len()].as_str())
        } else {
            None
        };
        let id = store::insert_run(
            tx,
            &NewRun {
                hub_id: hub.id,
                direction: direction.as_str(),
                service_date: date,
                hotel_id: run.hotel,
                vehicle_id: run.car,
                greeter,
                depart_at: from_minutes(run.depart),
                status: "planned",
                locked: false,
                created_at: now,
            },
        )?;
        store::add_riders(tx, id, &run.guests, direction.as_str())?;
    }
    watch.finish(tx, &user.username, hold)?;
    live::record(tx, Some(hub.id), "run", "plan")?;
    audit::record(
        tx,
        &user.actor(),
        "plan",
        "runs",
        hub.id,
        json!({"date": date, "direction": direction.as_str(), "runs": runs.len()}),
    )?;
    Ok(PlanResult {
        runs: runs.len(),
        guests: runs.iter().map(|r| r.guests.len()).sum(),
        without_vehicle: runs.iter().filter(|r| r.car.is_none()).count(),
        kept: kept.len(),
        ms: started.elapsed().as_millis(),
    })
}

/// Greeter accounts of a hub, by name.
fn greeters_of(conn: &mut DbConn, hub_id: i64) -> Result<Vec<String>, AppError> {
    use crate::db::schema::users;
    use diesel::prelude::*;
    Ok(users::table
        .filter(users::role.eq("greeter"))
        .filter(users::scope.eq(hub_id.to_string()))
        .filter(users::disabled.eq(false))
        .order(users::username)
        .select(users::username)
        .load(conn)?)
}

/// A hand edit of a run.
#[derive(Deserialize, ToSchema, Debug, Default)]
pub struct RunEdit {
    /// Guests to put in the run (taken out of their other run).
    #[serde(default)]
    pub add: Vec<i64>,
    /// Guests to take out.
    #[serde(default)]
    pub remove: Vec<i64>,
    /// Split: the guests that go to a new run.
    #[serde(default)]
    pub guest_ids: Vec<i64>,
    /// Merge: the runs.
    #[serde(default)]
    pub ids: Vec<i64>,
    /// The car (`null`: none).
    #[serde(default)]
    pub vehicle_id: Option<i64>,
    pub locked: Option<bool>,
    /// `planned`, `at_hub`, `departed`, `arrived`.
    pub status: Option<String>,
}

fn run_for(conn: &mut DbConn, user: &CurrentUser, id: i64) -> Result<RunRow, AppError> {
    let run = store::find_run(conn, id)?.ok_or(AppError::NotFound("run"))?;
    hub_for(conn, user, run.hub_id)?;
    Ok(run)
}

fn seats_check(conn: &mut DbConn, run: &RunRow, riders: usize) -> Result<(), AppError> {
    if let Some(v) = run
        .vehicle_id
        .and_then(|v| store::find_vehicle(conn, v).ok().flatten())
    {
        if riders > usize::try_from(v.seats).unwrap_or(0) {
            return Err(AppError::conflict(
                "seats",
                format!(
                    "{} seats {}; the run would carry {riders}",
                    v.plate, v.seats
                ),
            ));
        }
    }
    Ok(())
}

fn one(conn: &mut DbConn, id: i64, tz: Tz) -> Result<RunResponse, AppError> {
    let run = store::find_run(conn, id)?.ok_or(AppError::NotFound("run"))?;
    responses(conn, &[run], tz)?
        .pop()
        .ok_or(AppError::NotFound("run"))
}

/// Moves guests into or out of a run.
pub fn edit_guests(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    edit: &RunEdit,
    tz: Tz,
    hold: chrono::Duration,
) -> Result<RunResponse, AppError> {
    let run = run_for(tx, user, id)?;
    let moved = edit.add.iter().chain(&edit.remove).copied();
    let watch = RideWatch::start_with_runs(tx, &run.direction, &[id], moved)?;
    store::remove_riders(tx, id, &edit.remove)?;
    store::add_riders(tx, id, &edit.add, &run.direction)?;
    let riders = store::run_riders(tx, &[id])?.len();
    seats_check(tx, &run, riders)?;
    watch.finish(tx, &user.username, hold)?;
    live::record(tx, Some(run.hub_id), "run", id)?;
    audit::record(
        tx,
        &user.actor(),
        "edit",
        "run",
        id,
        json!({"add": edit.add, "remove": edit.remove}),
    )?;
    one(tx, id, tz)
}

/// Gives a run a car (or takes it away).
pub fn set_vehicle(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    vehicle: Option<i64>,
    tz: Tz,
    hold: chrono::Duration,
) -> Result<RunResponse, AppError> {
    let run = run_for(tx, user, id)?;
    let watch = RideWatch::start_with_runs(tx, &run.direction, &[id], [])?;
    if let Some(v) = vehicle {
        store::find_vehicle(tx, v)?.ok_or(AppError::NotFound("vehicle"))?;
    }
    store::set_run_vehicle(tx, id, vehicle)?;
    let riders = store::run_riders(tx, &[id])?.len();
    seats_check(
        tx,
        &RunRow {
            vehicle_id: vehicle,
            ..run.clone()
        },
        riders,
    )?;
    watch.finish(tx, &user.username, hold)?;
    live::record(tx, Some(run.hub_id), "run", id)?;
    audit::record(
        tx,
        &user.actor(),
        "vehicle",
        "run",
        id,
        json!({"vehicle_id": vehicle}),
    )?;
    one(tx, id, tz)
}

pub fn set_locked(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    locked: bool,
    tz: Tz,
) -> Result<RunResponse, AppError> {
    let run = run_for(tx, user, id)?;
    store::set_run_locked(tx, id, locked)?;
    live::record(tx, Some(run.hub_id), "run", id)?;
    audit::record(
        tx,
        &user.actor(),
        "lock",
        "run",
        id,
        json!({"locked": locked}),
    )?;
    one(tx, id, tz)
}

/// Splits some guests off into a new run (same hub, day, hotel and time, no car yet).
pub fn split(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    guests: &[i64],
    tz: Tz,
    hold: chrono::Duration,
) -> Result<RunResponse, AppError> {
    let now = tx.now();
    if guests.is_empty() {
        return Err(invalid("guest_ids", "name the guests of the new run"));
    }
    let run = run_for(tx, user, id)?;
    let riders: BTreeSet<i64> = store::run_riders(tx, &[id])?
        .into_iter()
        .map(|r| r.1)
        .collect();
    if guests.iter().any(|g| !riders.contains(g)) {
        return Err(invalid(
            "guest_ids",
            "every guest split off must be in the run",
        ));
    }
    let watch = RideWatch::start(tx, &run.direction, guests.iter().copied())?;
    let new_id = store::insert_run(
        tx,
        &NewRun {
            hub_id: run.hub_id,
            direction: &run.direction,
            service_date: run.service_date,
            hotel_id: run.hotel_id,
            vehicle_id: None,
            greeter: None,
            depart_at: run.depart_at,
            status: "planned",
            locked: run.locked,
            created_at: now,
        },
    )?;
    store::add_riders(tx, new_id, guests, &run.direction)?;
    watch.finish(tx, &user.username, hold)?;
    live::record(tx, Some(run.hub_id), "run", new_id)?;
    audit::record(
        tx,
        &user.actor(),
        "split",
        "run",
        id,
        json!({"new": new_id, "guests": guests}),
    )?;
    one(tx, new_id, tz)
}

/// Merges runs into the first: its car must seat everyone.
pub fn merge(
    tx: &mut Tx,
    user: &CurrentUser,
    ids: &[i64],
    tz: Tz,
    hold: chrono::Duration,
) -> Result<RunResponse, AppError> {
    let (Some(&first), true) = (ids.first(), ids.len() >= 2) else {
        return Err(invalid("ids", "name two or more runs"));
    };
    let target = run_for(tx, user, first)?;
    let watch = RideWatch::start_with_runs(tx, &target.direction, ids, [])?;
    for &other in &ids[1..] {
        let o = run_for(tx, user, other)?;
        if (o.hub_id, o.service_date, &o.direction)
            != (target.hub_id, target.service_date, &target.direction)
        {
            return Err(invalid(
                "ids",
                "runs merge only within one hub, day and direction",
            ));
        }
        let riders: Vec<i64> = store::run_riders(tx, &[other])?
            .into_iter()
            .map(|r| r.1)
            .collect();
        store::add_riders(tx, first, &riders, &target.direction)?;
        store::delete_runs(tx, &[other])?;
    }
    let riders = store::run_riders(tx, &[first])?.len();
    seats_check(tx, &target, riders)?;
    watch.finish(tx, &user.username, hold)?;
    live::record(tx, Some(target.hub_id), "run", first)?;
    audit::record(
        tx,
        &user.actor(),
        "merge",
        "run",
        first,
        json!({"ids": ids}),
    )?;
    one(tx, first, tz)
}

/// The run's next step. Departing puts its riders in the car; arriving at the hotel (or hub)
/// ends their pickup.
pub fn set_status(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    status: &str,
    tz: Tz,
) -> Result<RunResponse, AppError> {
    let now = tx.now();
    const ORDER: [&str; 4] = ["planned", "at_hub", "departed", "arrived"];
    let rank = ORDER.iter().position(|s| *s == status).ok_or_else(|| {
        invalid(
            "status",
            "status must be planned, at_hub, departed or arrived",
        )
    })?;
    let run = run_for(tx, user, id)?;
    let now_rank = ORDER.iter().position(|s| *s == run.status).unwrap_or(0);
    if rank + 1 < now_rank || rank == now_rank {
        return Err(AppError::conflict(
            "run_step",
            format!("the run is {} already", run.status),
        ));
    }
    store::set_run_status(tx, id, status)?;
    let direction = Direction::parse(&run.direction).unwrap_or(Direction::Arrival);
    let rider_step = match (status, direction) {
        ("departed", _) => Some("in_vehicle"),
        ("arrived", Direction::Arrival) => Some("at_hotel"),
        ("arrived", Direction::Departure) => Some("at_hub"),
        _ => None,
    };
    if let Some(step) = rider_step {
        let riders: Vec<i64> = store::run_riders(tx, &[id])?
            .into_iter()
            .map(|r| r.1)
            .collect();
        for g in riders {
            let current =
                store::find_status(tx, g, direction.as_str())?.unwrap_or_else(|| "expected".into());
            // Guests who did not show stay so; the others move on with the car.
            if current != step
                && rules::may_move(direction, &current, step)
                && !matches!(current.as_str(), "no_show" | "own_transport")
            {
                store::set_status(tx, g, direction.as_str(), step, &user.username, now)?;
            }
        }
    }
    if status == "departed" {
        store::set_run_depart(tx, id, now)?;
    }
    live::record(tx, Some(run.hub_id), "run", id)?;
    audit::record(tx, &user.actor(), status, "run", id, json!({}))?;
    one(tx, id, tz)
}
