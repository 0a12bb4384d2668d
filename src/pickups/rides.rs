//! A guest's ride as the guest is told it: when the car leaves, which car, who drives. Every
//! hand edit of runs (plan, move guests, split, merge, change the car, change a car's driver)
//! reads the rides of the guests it touches before and after, in its transaction, and the
//! guests whose ride changed are written to (`tell_ride_changes` decides who).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde::{Deserialize, Serialize};

use crate::db::{DbConn, Tx};
use crate::outbox::{self, recipient, status, Kind, NewMessage};
use crate::pickups::store;

/// What a guest needs to find their car.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Ride {
    /// When the car leaves (the hub for arrivals, the hotel for departures), UTC.
    pub depart_at: NaiveDateTime,
    pub plate: Option<String>,
    pub driver: Option<String>,
    pub driver_phone: Option<String>,
}

/// The ride of each of `guests` that has one, in one direction.
pub fn rides_of(
    conn: &mut DbConn,
    guests: &[i64],
    direction: &str,
) -> QueryResult<BTreeMap<i64, Ride>> {
    let seats = store::runs_of(conn, guests, direction)?;
    let run_ids: BTreeSet<i64> = seats.iter().map(|&(_, run)| run).collect();
    let runs = store::find_runs(conn, &run_ids.into_iter().collect::<Vec<_>>())?;
    let car_ids: BTreeSet<i64> = runs.iter().filter_map(|r| r.vehicle_id).collect();
    let cars: BTreeMap<i64, _> =
        store::find_vehicles(conn, &car_ids.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
    let runs: BTreeMap<i64, _> = runs.into_iter().map(|r| (r.id, r)).collect();
    Ok(seats
        .into_iter()
        .filter_map(|(guest, run)| {
            let run = runs.get(&run)?;
            let car = run.vehicle_id.and_then(|v| cars.get(&v));
            Some((
                guest,
                Ride {
                    depart_at: run.depart_at,
                    plate: car.map(|c| c.plate.clone()),
                    driver: car.and_then(|c| c.driver_name.clone()),
                    driver_phone: car.and_then(|c| c.driver_phone.clone()),
                },
            ))
        })
        .collect())
}

/// Each of `guests` whose ride is not what it was, with the ride before (`None`: no car then).
pub fn changed(
    guests: &BTreeSet<i64>,
    before: &BTreeMap<i64, Ride>,
    after: &BTreeMap<i64, Ride>,
) -> Vec<(i64, Option<Ride>)> {
    guests
        .iter()
        .filter(|g| before.get(g) != after.get(g))
        .map(|g| (*g, before.get(g).cloned()))
        .collect()
}

/// The rides of some guests before an edit, to compare with after it.
pub struct RideWatch {
    /// Per direction (`arrival`, `departure`): the guests and their rides before.
    watched: Vec<(String, BTreeSet<i64>, BTreeMap<i64, Ride>)>,
}

impl RideWatch {
    pub fn start(
        conn: &mut DbConn,
        direction: &str,
        guests: impl IntoIterator<Item = i64>,
    ) -> QueryResult<RideWatch> {
        let guests: BTreeSet<i64> = guests.into_iter().collect();
        let ids: Vec<i64> = guests.iter().copied().collect();
        let before = rides_of(conn, &ids, direction)?;
        Ok(RideWatch {
            watched: vec![(direction.to_string(), guests, before)],
        })
    }

    /// Also watches the riders of these runs (read now, before the edit).
    pub fn start_with_runs(
        conn: &mut DbConn,
        direction: &str,
        runs: &[i64],
        guests: impl IntoIterator<Item = i64>,
    ) -> QueryResult<RideWatch> {
        let riders = store::run_riders(conn, runs)?.into_iter().map(|(_, g)| g);
        RideWatch::start(conn, direction, riders.chain(guests))
    }

    /// Everyone a car still has to carry (its runs not yet arrived), both ways: for a new
    /// plate or driver, or the car taken away.
    pub fn start_for_car(conn: &mut DbConn, vehicle_id: i64) -> QueryResult<RideWatch> {
        let runs = store::runs_with_vehicle(conn, vehicle_id)?;
        let mut watched = Vec::new();
        for direction in ["arrival", "departure"] {
            let ids: Vec<i64> = runs
                .iter()
                .filter(|r| r.direction == direction && r.status != "arrived")
                .map(|r| r.id)
                .collect();
            watched.extend(RideWatch::start_with_runs(conn, direction, &ids, [])?.watched);
        }
        Ok(RideWatch { watched })
    }

    /// Tells each watched guest whose ride changed; returns how many messages were queued.
    /// `hold`: how long the message waits, so that a desk's burst of edits goes out as one.
    pub fn finish(self, tx: &mut Tx, by: &str, hold: chrono::Duration) -> QueryResult<usize> {
        let mut queued = 0;
        for (direction, guests, before) in self.watched {
            let ids: Vec<i64> = guests.iter().copied().collect();
            let after = rides_of(tx, &ids, &direction)?;
            let changes = changed(&guests, &before, &after);
            queued += tell_ride_changes(tx, &direction, &changes, by, hold)?;
        }
        Ok(queued)
    }
}

/// Queues "your pickup changed" for each guest whose ride changed (`changes`: the guest and the
/// ride before) — but only to guests already told of it, by a sent itinerary, flight change or
/// pickup change: one not yet written to learns the ride from their itinerary. A message still
/// waiting for the guest carries the news (it reads the ride when sent), so none is added then.
/// The new one waits `hold`: a desk's burst of edits goes out as one message, with the ride as
/// it stands at the end. Returns how many were queued.
fn tell_ride_changes(
    tx: &mut Tx,
    direction: &str,
    changes: &[(i64, Option<Ride>)],
    by: &str,
    hold: chrono::Duration,
) -> QueryResult<usize> {
    let ids: Vec<i64> = changes.iter().map(|(g, _)| *g).collect();
    let mut told = HashSet::new();
    let mut waiting = HashSet::new();
    let tells = [Kind::Itinerary, Kind::FlightChange, Kind::PickupChange];
    for (guest, kind, ref_id, state) in outbox::of_guests(tx, &ids, &tells)? {
        match state.as_str() {
            status::SENT | status::SENDING => {
                told.insert(guest);
            }
            // A pickup change waiting for the other direction says nothing of this one.
            status::QUEUED | status::CLAIMED
                if kind != Kind::PickupChange.as_str() || ref_id == direction =>
            {
                waiting.insert(guest);
            }
            _ => {}
        }
    }
    let due = tx.now() + hold;
    let to_tell: Vec<_> = changes
        .iter()
        .filter(|(g, _)| told.contains(g) && !waiting.contains(g))
        .collect();
    let mut messages = Vec::new();
    for chunk in to_tell.chunks(1000) {
        let ids: Vec<i64> = chunk.iter().map(|(g, _)| *g).collect();
        let emails = crate::guests::mail::emails_of(tx, &ids)?;
        for (guest, before) in chunk.iter().copied() {
            let Some(email) = emails.get(guest) else {
                continue;
            };
            let m = NewMessage::new(
                Kind::PickupChange,
                (recipient::GUEST, *guest),
                email,
                direction,
                by,
            )
            .with_params(serde_json::json!({ "direction": direction, "before": before }))
            .due_at(due);
            messages.push(m);
        }
    }
    outbox::queue_all(tx, &messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ride(hour: u32, plate: &str) -> Ride {
        Ride {
            depart_at: chrono::NaiveDate::from_ymd_opt(2026, 6, 18)
                .and_then(|d| d.and_hms_opt(hour, 0, 0))
                .unwrap_or_default(),
            plate: Some(plate.into()),
            driver: None,
            driver_phone: None,
        }
    }

    #[test]
    fn only_guests_whose_ride_differs_are_changed_with_what_they_had() {
        let guests: BTreeSet<i64> = [1, 2, 3, 4, 5].into();
        let before = BTreeMap::from([(1, ride(10, "A")), (2, ride(10, "A")), (3, ride(11, "B"))]);
        // 1 keeps its car; 2 gets another; 3 loses its car; 4 gets one; 5 never had one.
        let after = BTreeMap::from([(1, ride(10, "A")), (2, ride(10, "C")), (4, ride(12, "D"))]);
        assert_eq!(
            changed(&guests, &before, &after),
            vec![
                (2, Some(ride(10, "A"))),
                (3, Some(ride(11, "B"))),
                (4, None)
            ]
        );
    }

    #[test]
    fn a_later_car_is_a_change_even_with_the_same_plate() {
        let guests: BTreeSet<i64> = [1].into();
        let before = BTreeMap::from([(1, ride(10, "A"))]);
        let after = BTreeMap::from([(1, ride(11, "A"))]);
        assert_eq!(changed(&guests, &before, &after).len(), 1);
    }
}
