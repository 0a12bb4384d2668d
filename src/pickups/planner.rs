//! Pickup runs, planned: which guests ride together in which car. Pure — times are minutes on
//! one clock, no database, no "now".
//!
//! Rules:
//! - a run starts and ends at one hub and goes to one hotel (or, with seats to spare, hotels
//!   on the same road: no more than [`SAME_ROUTE_MINUTES`] apart from the hub);
//! - no guest waits more than `max_wait` minutes: every rider of an arrival run is ready within
//!   `max_wait` of the first, and the car leaves when the last has landed; a return run leaves
//!   at the earliest pick-up time and nobody is picked up more than `max_wait` early;
//! - a run never carries more guests than the largest car has seats;
//! - a VIP rides alone (with a named greeter); a delegation rides together where it can;
//! - runs reception locked are kept as they are;
//! - cars go to runs in departure order: the smallest free car that seats everyone, free again
//!   when it is back from the round trip. A run no car can take is planned without one and
//!   shows up as an exception.

use std::collections::BTreeMap;

/// Hotels at most this many minutes apart (from the hub) are on one road.
pub const SAME_ROUTE_MINUTES: i64 = 10;

/// A guest to carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Rider {
    pub guest: i64,
    /// Arrivals: landing time. Returns: the latest time to leave the hotel.
    pub ready: i64,
    /// Where to (arrivals) or from (returns); `None` when the guest has no booking yet.
    pub hotel: Option<i64>,
    /// Minutes between the hub and the hotel.
    pub travel: i64,
    pub vip: bool,
    pub delegation: Option<i64>,
}

/// A pool car.
#[derive(Clone, Debug, PartialEq)]
pub struct Car {
    pub id: i64,
    pub seats: u32,
    /// When the car can be used, minutes on the same clock.
    pub available: std::ops::Range<i64>,
}

/// A run reception locked: kept, its car and guests taken out of the pool.
#[derive(Clone, Debug, PartialEq)]
pub struct LockedRun {
    pub car: Option<i64>,
    pub guests: Vec<i64>,
    pub depart: i64,
    pub travel: i64,
}

/// Arrivals (hub → hotel) or returns (hotel → hub).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Arrival,
    Departure,
}

/// A planned run.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub guests: Vec<i64>,
    /// The hotel of the first rider (the run's destination or origin).
    pub hotel: Option<i64>,
    pub depart: i64,
    pub car: Option<i64>,
    pub vip: bool,
}

/// Runs for some riders.
pub fn plan(
    direction: Direction,
    riders: &[Rider],
    cars: &[Car],
    locked: &[LockedRun],
    max_wait: i64,
) -> Vec<Run> {
    let taken: std::collections::BTreeSet<i64> = locked
        .iter()
        .flat_map(|l| l.guests.iter().copied())
        .collect();
    let mut open: Vec<&Rider> = riders
        .iter()
        .filter(|r| !taken.contains(&r.guest))
        .collect();
    // By time, then hotel, delegation and guest: deterministic.
    open.sort_by_key(|r| (r.ready, r.hotel, r.delegation, r.guest));
    let max_seats = cars.iter().map(|c| c.seats).max().unwrap_or(4).max(1) as usize;
    let mut used = vec![false; open.len()];
    let mut runs = Vec::new();
    for i in 0..open.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let first = open[i];
        let mut group = vec![first];
        if !first.vip {
            // Candidates: later riders (not VIPs) ready within the wait, to the same hotel or
            // on its road; the first's delegation first, then by time.
            let mut candidates: Vec<usize> = (i + 1..open.len())
                .take_while(|&j| open[j].ready - first.ready <= max_wait)
                .filter(|&j| !used[j] && !open[j].vip)
                .filter(|&j| {
                    let r = open[j];
                    r.hotel == first.hotel
                        || (first.hotel.is_some()
                            && r.hotel.is_some()
                            && (r.travel - first.travel).abs() <= SAME_ROUTE_MINUTES)
                })
                .collect();
            candidates.sort_by_key(|&j| {
                let r = open[j];
                (
                    r.hotel != first.hotel,
                    first.delegation.is_none() || r.delegation != first.delegation,
                    r.ready,
                    r.guest,
                )
            });
            for j in candidates.into_iter().take(max_seats - 1) {
                used[j] = true;
                group.push(open[j]);
            }
        }
        let depart = match direction {
            Direction::Arrival => group.iter().map(|r| r.ready).max().unwrap_or(first.ready),
            Direction::Departure => group.iter().map(|r| r.ready).min().unwrap_or(first.ready),
        };
        let mut guests: Vec<i64> = group.iter().map(|r| r.guest).collect();
        guests.sort_unstable();
        runs.push((
            Run {
                guests,
                hotel: first.hotel,
                depart,
                car: None,
                vip: first.vip,
            },
            group.iter().map(|r| r.travel).max().unwrap_or(0),
        ));
    }
    assign_cars(&mut runs, cars, locked);
    runs.into_iter().map(|(r, _)| r).collect()
}

/// Gives each run, in departure order, the smallest car that seats everyone and is free for
/// the round trip.
fn assign_cars(runs: &mut [(Run, i64)], cars: &[Car], locked: &[LockedRun]) {
    // When each car is free again.
    let mut free_at: BTreeMap<i64, i64> = cars.iter().map(|c| (c.id, c.available.start)).collect();
    for l in locked {
        if let Some(car) = l.car {
            let back = l.depart + 2 * l.travel;
            free_at.entry(car).and_modify(|t| *t = (*t).max(back));
        }
    }
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by_key(|&i| (runs[i].0.depart, i));
    let mut by_size: Vec<&Car> = cars.iter().collect();
    by_size.sort_by_key(|c| (c.seats, c.id));
    for i in order {
        let (run, travel) = &mut runs[i];
        let back = run.depart + 2 * *travel;
        let car = by_size.iter().find(|c| {
            c.seats as usize >= run.guests.len()
                && free_at.get(&c.id).is_some_and(|t| *t <= run.depart)
                && back <= c.available.end
        });
        if let Some(c) = car {
            run.car = Some(c.id);
            free_at.insert(c.id, back);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rider(guest: i64, ready: i64, hotel: i64) -> Rider {
        Rider {
            guest,
            ready,
            hotel: Some(hotel),
            travel: 40,
            vip: false,
            delegation: Some(1),
        }
    }

    fn car(id: i64, seats: u32) -> Car {
        Car {
            id,
            seats,
            available: 0..10_000,
        }
    }

    #[test]
    fn guests_landing_close_together_for_one_hotel_share_a_car() {
        let runs = plan(
            Direction::Arrival,
            &[rider(1, 600, 7), rider(2, 620, 7), rider(3, 700, 7)],
            &[car(1, 7), car(2, 7)],
            &[],
            45,
        );
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].guests, vec![1, 2]);
        assert_eq!(
            runs[0].depart, 620,
            "the car leaves when the last has landed"
        );
        assert_eq!(runs[1].guests, vec![3]);
    }

    #[test]
    fn nobody_waits_longer_than_the_limit() {
        let riders: Vec<Rider> = (0..20).map(|i| rider(i, 600 + i * 10, 7)).collect();
        let runs = plan(Direction::Arrival, &riders, &[car(1, 50)], &[], 45);
        for run in &runs {
            for g in &run.guests {
                let ready = 600 + g * 10;
                assert!(
                    run.depart - ready <= 45,
                    "guest {g} waits {} min",
                    run.depart - ready
                );
            }
        }
    }

    #[test]
    fn a_vip_rides_alone_and_runs_fit_the_largest_car() {
        let mut vip = rider(9, 600, 7);
        vip.vip = true;
        let mut riders: Vec<Rider> = (1..=8).map(|i| rider(i, 600, 7)).collect();
        riders.push(vip);
        let runs = plan(
            Direction::Arrival,
            &riders,
            &[car(1, 4), car(2, 4), car(3, 4), car(4, 1)],
            &[],
            45,
        );
        assert!(runs.iter().any(|r| r.guests == vec![9] && r.vip));
        assert!(runs.iter().all(|r| r.guests.len() <= 4));
        assert_eq!(runs.iter().map(|r| r.guests.len()).sum::<usize>(), 9);
    }

    #[test]
    fn a_delegation_rides_together_before_strangers() {
        let mut riders = vec![rider(1, 600, 7), rider(2, 605, 7), rider(3, 610, 7)];
        riders[1].delegation = Some(2);
        let runs = plan(
            Direction::Arrival,
            &riders,
            &[car(1, 2), car(2, 2)],
            &[],
            45,
        );
        assert_eq!(
            runs[0].guests,
            vec![1, 3],
            "guest 1's delegation-mate comes first"
        );
    }

    #[test]
    fn guests_for_far_apart_hotels_do_not_share() {
        let mut b = rider(2, 600, 8);
        b.travel = 80;
        let runs = plan(
            Direction::Arrival,
            &[rider(1, 600, 7), b],
            &[car(1, 7), car(2, 7)],
            &[],
            45,
        );
        assert_eq!(runs.len(), 2);
    }

    #[test]
    fn a_car_is_not_given_twice_before_it_is_back() {
        let mut far = rider(2, 650, 9);
        far.travel = 80;
        let runs = plan(
            Direction::Arrival,
            &[rider(1, 600, 7), far.clone()],
            &[car(1, 7)],
            &[],
            45,
        );
        assert_eq!(runs[0].car, Some(1));
        assert_eq!(
            runs[1].car, None,
            "car 1 is back only at 680 (40 minutes each way)"
        );
        far.ready = 700;
        let runs = plan(
            Direction::Arrival,
            &[rider(1, 600, 7), far],
            &[car(1, 7)],
            &[],
            45,
        );
        assert_eq!(runs[1].car, Some(1), "back in time for the 700 landing");
    }

    #[test]
    fn locked_runs_keep_their_guests_and_car() {
        let locked = [LockedRun {
            car: Some(1),
            guests: vec![1],
            depart: 600,
            travel: 40,
        }];
        let runs = plan(
            Direction::Arrival,
            &[rider(1, 600, 7), rider(2, 610, 7)],
            &[car(1, 7), car(2, 7)],
            &locked,
            45,
        );
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].guests, vec![2]);
        assert_eq!(runs[0].car, Some(2), "car 1 is out with the locked run");
    }

    #[test]
    fn a_return_run_leaves_at_the_earliest_pickup() {
        let runs = plan(
            Direction::Departure,
            &[rider(1, 600, 7), rider(2, 630, 7)],
            &[car(1, 7)],
            &[],
            45,
        );
        assert_eq!((runs[0].guests.clone(), runs[0].depart), (vec![1, 2], 600));
    }
}
