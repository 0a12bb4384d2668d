//! A guest's rides after a change to the guest (new flight, new hub, new hotel, withdrawal):
//! a run that still fits keeps them; one that no longer fits (another hub, a time outside its
//! wait, another hotel's road) lets them go, and the guest joins a fitting planned run with a
//! seat free, or is left needing a car. Runs reception locked, and runs already under way, are
//! never changed here — the change says so instead. Called inside the change's transaction;
//! writes no mail (the change tells the guest once).

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::live;
use crate::pickups::model::RunRow;
use crate::pickups::rules::{self, Direction, RideFit};
use crate::pickups::service::{travel_minutes, DEFAULT_TRAVEL};
use crate::pickups::store;
use crate::time::{to_local, to_rfc3339};

/// A run as a change reports it.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct RunRef {
    /// Run id.
    pub id: i64,
    /// When it leaves (the hub for arrivals, the hotel for returns), event time.
    pub depart_at: String,
    /// Its car's plate, once it has one.
    pub plate: Option<String>,
}

/// What a change did to a guest's ride in one direction.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct RideChange {
    /// `arrival` or `departure`.
    pub direction: String,
    /// `none` (no ride before or after), `kept`, `moved`, `placed`, `removed`, `needs_car`,
    /// `locked` (the run no longer fits but is locked or under way: left for a person).
    pub action: String,
    /// The run before.
    pub before: Option<RunRef>,
    /// The run after.
    pub after: Option<RunRef>,
}

/// The pickup facts of a guest that decide which run fits.
#[derive(Clone, Debug)]
pub struct Traveller {
    /// Guest id.
    pub guest: i64,
    /// Arrival hub and time (UTC), if known.
    pub arrival: Option<(i64, NaiveDateTime)>,
    /// Departure hub and time (UTC), if known.
    pub departure: Option<(i64, NaiveDateTime)>,
    /// Leaving the event: every planned ride is given up.
    pub leaving: bool,
}

fn run_ref(conn: &mut DbConn, run: &RunRow, tz: Tz) -> Result<RunRef, AppError> {
    let plate = match run.vehicle_id {
        Some(v) => store::find_vehicle(conn, v)?.map(|v| v.plate),
        None => None,
    };
    Ok(RunRef {
        id: run.id,
        depart_at: to_rfc3339(tz, run.depart_at),
        plate,
    })
}

/// The guest's rides in both directions as they stand.
pub fn rides(
    conn: &mut DbConn,
    guest: i64,
    tz: Tz,
) -> Result<Vec<(String, Option<RunRef>)>, AppError> {
    let mut out = Vec::new();
    for direction in [Direction::Arrival, Direction::Departure] {
        let run = current_run(conn, guest, direction)?;
        let r = match run {
            Some(r) => Some(run_ref(conn, &r, tz)?),
            None => None,
        };
        out.push((direction.as_str().to_string(), r));
    }
    Ok(out)
}

fn current_run(
    conn: &mut DbConn,
    guest: i64,
    direction: Direction,
) -> Result<Option<RunRow>, AppError> {
    let Some((_, run)) = store::runs_of(conn, &[guest], direction.as_str())?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    Ok(store::find_run(conn, run)?)
}

/// Re-seats a guest after a change: both directions, as the module says.
pub fn reseat(
    tx: &mut Tx,
    actor: &Actor,
    who: &Traveller,
    tz: Tz,
) -> Result<Vec<RideChange>, AppError> {
    let hotel = store::hotels_of(tx, &[who.guest])?
        .into_iter()
        .next()
        .map(|(_, h)| h);
    let mut out = Vec::new();
    for direction in [Direction::Arrival, Direction::Departure] {
        let trip = match direction {
            Direction::Arrival => who.arrival,
            Direction::Departure => who.departure,
        };
        let change = reseat_one(tx, who.guest, direction, trip, hotel, who.leaving, tz)?;
        if change.action != "none" && change.action != "kept" {
            audit::record(
                tx,
                actor,
                "reseat",
                "pickup",
                who.guest,
                json!({"direction": change.direction, "action": change.action,
                       "from": change.before.as_ref().map(|r| r.id),
                       "to": change.after.as_ref().map(|r| r.id)}),
            )?;
        }
        out.push(change);
    }
    Ok(out)
}

fn reseat_one(
    tx: &mut Tx,
    guest: i64,
    direction: Direction,
    trip: Option<(i64, NaiveDateTime)>,
    hotel: Option<i64>,
    leaving: bool,
    tz: Tz,
) -> Result<RideChange, AppError> {
    let current = current_run(tx, guest, direction)?;
    let before = match &current {
        Some(r) => Some(run_ref(tx, r, tz)?),
        None => None,
    };
    let change = |action: &str, after: Option<RunRef>| RideChange {
        direction: direction.as_str().into(),
        action: action.into(),
        before: before.clone(),
        after,
    };
    // What the guest needs now: nothing when leaving or without a trip this way.
    let need = match trip {
        Some((hub, at)) if !leaving => Some(ride_need(tx, hub, at, hotel, direction)?),
        _ => None,
    };
    if let (Some(run), Some(need)) = (&current, &need) {
        if rules::ride_fits(&fit_of(run), need).is_ok() {
            return Ok(change("kept", before.clone()));
        }
    }
    if let Some(run) = &current {
        if run.locked || run.status != "planned" {
            return Ok(change("locked", before.clone()));
        }
        store::remove_riders(tx, run.id, &[guest])?;
        live::record(tx, Some(run.hub_id), "run", run.id)?;
    }
    let Some(need) = need else {
        return Ok(change(
            if current.is_some() { "removed" } else { "none" },
            None,
        ));
    };
    let date = to_local(tz, need.ready_at).date();
    let candidates = store::list_runs(tx, Some(need.hub), (date, date), Some(direction.as_str()))?;
    let mut best: Option<(i64, RunRow)> = None;
    for run in candidates {
        if run.locked || run.status != "planned" || rules::ride_fits(&fit_of(&run), &need).is_err()
        {
            continue;
        }
        let riders = store::run_riders(tx, &[run.id])?.len();
        let seats = match run.vehicle_id {
            Some(v) => store::find_vehicle(tx, v)?.map_or(0, |v| v.seats as usize),
            None => usize::MAX,
        };
        if riders >= seats {
            continue;
        }
        let gap = (run.depart_at - need.ready_at).num_minutes().abs();
        if best.as_ref().is_none_or(|(g, _)| gap < *g) {
            best = Some((gap, run));
        }
    }
    match best {
        Some((_, run)) => {
            store::add_riders(tx, run.id, &[guest], direction.as_str())?;
            live::record(tx, Some(run.hub_id), "run", run.id)?;
            let after = run_ref(tx, &run, tz)?;
            Ok(change(
                if current.is_some() { "moved" } else { "placed" },
                Some(after),
            ))
        }
        None => Ok(change("needs_car", None)),
    }
}

fn fit_of(run: &RunRow) -> RideFit {
    RideFit {
        hub: run.hub_id,
        hotel: run.hotel_id,
        depart_at: run.depart_at,
    }
}

/// When and where the guest must be picked up now.
fn ride_need(
    conn: &mut DbConn,
    hub: i64,
    at: NaiveDateTime,
    hotel: Option<i64>,
    direction: Direction,
) -> Result<rules::RideNeed, AppError> {
    let ready_at = match direction {
        Direction::Arrival => at,
        Direction::Departure => {
            let kind = store::find_hub(conn, hub)?.map_or_else(String::new, |h| h.kind);
            let travel = hotel
                .and_then(|h| travel_minutes(conn, hub).ok()?.get(&h).copied())
                .unwrap_or(DEFAULT_TRAVEL);
            rules::pickup_time(at, &kind, travel)
        }
    };
    Ok(rules::RideNeed {
        hub,
        hotel,
        ready_at,
        direction,
    })
}
