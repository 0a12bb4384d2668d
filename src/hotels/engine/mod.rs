//! The allocation engine: who sleeps in which designated hotel, in which room type, with whom.
//! Pure: plain values in, a plan out; no database, no clock, no randomness. The same input
//! gives the same plan (every map is ordered, the solver is deterministic).
//!
//! Hard rules, never broken (and checked independently by [`violations`]):
//! - rooms of a type occupied on a night never exceed what the hotel holds that night;
//! - a guest only in a hotel serving their category (and, when the policy names hotels, one
//!   of those), halal guests only where halal food is served;
//! - guests needing access get accessible rooms; others only the room types their policy lists;
//! - roommates are of one gender and one share key (delegation, department or media outlet, as
//!   the policy says), and both their policies allow sharing; no more sleepers than beds;
//! - one hotel and one room for a guest's whole stay.
//!
//! Soft goals, weighed in [`Penalty`]: delegations kept in one hotel (a VIP with their
//! entourage too), rooms filled before new ones open, VIPs nearest the venue, load spread.
//!
//! How it places, in four steps:
//! 1. **Relaxation** (`bound.rs`): a linear program over kinds of guests × classes of hotels ×
//!    room types × nights gives the most guests the rules could place ([`Plan::bound`]) and
//!    how many of each kind a scarce class (the only halal team hotels, the press hotels, the
//!    VIP hotel) should take, so guests who could sleep elsewhere do not fill them.
//! 2. **Clusters** (a delegation; else a media outlet for journalists; else a department):
//!    VIP clusters first, then those with halal or accessible members, then the largest. A
//!    cluster goes whole to a hotel that can take all of it within the relaxation's shares —
//!    one already hosting the cluster, else the nearest for VIPs, else the one left with the
//!    most spare rooms; else it is split by category, by gender, then guest by guest. Inside a
//!    hotel, guests who may share join an open twin of their gender and share key whose
//!    nights cover theirs before a new room opens; longer stays go first.
//! 3. **The rest one by one**, the most constrained first, anywhere the rules allow.
//! 4. **Repair** (`repair.rs`): a guest still without a room gets one that a placed guest
//!    frees by moving to another hotel or room type (an ejection chain, two moves deep).
//!
//! A guest left out gets a [`Cause`]: the rules allow no room at all (and which rule, which
//! nights), or rooms exist but are taken (the nights, or the moves that would free one).
//! [`place_one`] places one guest among a plan's assignments by the same machinery, and
//! [`apply_moves`] carries out suggested moves and checks the result.

mod bound;
mod check;
mod generator;
mod greedy;
mod place;
mod reason;
mod repair;
mod state;
mod types;

#[cfg(test)]
mod proof;
#[cfg(test)]
mod tests;

pub use check::{penalty, violations};
pub use generator::{synthetic, tight};
pub use place::{apply_moves, place_one};
pub use types::{
    Assignment, CategoryPolicy, Cause, GuestNeed, HotelOffer, Input, Locked, Move, Night, Penalty,
    Plan, Policy, RoomType, Rule, ShareBy, Unplaced, Violation, Why, CROWDED_WEIGHT,
    EMPTY_BED_WEIGHT, SPLIT_WEIGHT, VIP_MINUTE_WEIGHT,
};

use state::{plannable, State};

/// Events up to this many guests get a second construction when short of the bound.
const SECOND_RUN_GUESTS: usize = 5_000;

/// The engine: a plan for everyone who needs lodging, with the relaxation's bound.
pub fn allocate(input: &Input) -> Plan {
    let ok = plannable(input);
    let plan = construct(input, &ok, true);
    let bound = plan.bound;
    // Short of the bound: guest by guest, tightest first, packs some events better than
    // cluster by cluster; the plan that places more (then the lower penalty) is kept. Only
    // for events up to a few thousand guests, where a second run costs little.
    let second = input.guests.len() <= SECOND_RUN_GUESTS;
    let plan = if second && bound.is_some_and(|b| plan.assignments.len() < b) {
        let packed = construct(input, &ok, false);
        if (
            packed.assignments.len(),
            std::cmp::Reverse(packed.penalty.total),
        ) > (
            plan.assignments.len(),
            std::cmp::Reverse(plan.penalty.total),
        ) {
            packed
        } else {
            plan
        }
    } else {
        plan
    };
    // The plain greedy is the floor: should it ever place more (it keeps no locks, so only
    // without them), its plan, repaired, is the answer.
    if input.locked.is_empty() && bound.is_none_or(|b| plan.assignments.len() < b) {
        let mut greedy = State::new(input);
        let rest = greedy_pass(&mut greedy, &ok);
        if greedy.placed.iter().flatten().count() > plan.assignments.len() {
            let rest = greedy.repair(rest);
            return finish(&greedy, &ok, rest, bound);
        }
    }
    plan
}

/// One construction: locks, the relaxation, then clusters (or, `by_cluster` false, guest by
/// guest with the tightest first), the rest one by one, the repair.
fn construct(input: &Input, ok: &[bool], by_cluster: bool) -> Plan {
    let mut state = State::new(input);
    let dropped = state.place_locked();
    let locked = state.placed.iter().filter(|p| p.is_some()).count();
    let pending: Vec<usize> = (0..input.guests.len())
        .filter(|&m| ok[m] && state.placed[m].is_none())
        .collect();
    let relaxation = state.relax(&pending);
    let bound = relaxation.as_ref().map(|r| locked + r.bound);
    state.limits = relaxation.map(|r| r.limits);
    let left_out = if by_cluster {
        state.place_clusters(&pending)
    } else {
        state.place_each(pending)
    };
    state.limits = None;
    let left_out = state.place_each(left_out);
    let left_out = state.repair(left_out);
    // A dropped lock says so in the guest's why.
    for (m, rule) in dropped {
        if let Some((room, _)) = state.placed[m] {
            state.placed[m] = Some((room, Why::LockDropped(rule)));
        }
    }
    finish(&state, ok, left_out, bound)
}

/// The most guests the hard rules could place (the relaxation's bound, locks kept as the
/// engine keeps them); `None` when the solver gives no answer. The same figure as
/// [`Plan::bound`], without placing anyone.
pub fn bound(input: &Input) -> Option<usize> {
    let mut state = State::new(input);
    let ok = plannable(input);
    state.place_locked();
    let locked = state.placed.iter().filter(|p| p.is_some()).count();
    let pending: Vec<usize> = (0..input.guests.len())
        .filter(|&m| ok[m] && state.placed[m].is_none())
        .collect();
    state.relax(&pending).map(|r| locked + r.bound)
}

/// A plain first-fit greedy, to compare with: guests in input order, hotels in input order,
/// the first room type that fits, the first open twin that takes the guest. Locks are not
/// kept.
pub fn first_fit(input: &Input) -> Plan {
    let mut state = State::new(input);
    let ok = plannable(input);
    let rest = greedy_pass(&mut state, &ok);
    finish(&state, &ok, rest, None)
}

fn greedy_pass(state: &mut State, ok: &[bool]) -> Vec<usize> {
    let mut unplaced = Vec::new();
    for (m, plannable) in ok.iter().enumerate() {
        if !plannable {
            continue;
        }
        let hotels = state.needs[m].hotels.clone();
        let spot = hotels
            .iter()
            .find_map(|&h| state.try_hotel(h, &[m]).map(|s| (h, s)));
        match spot {
            Some((h, spots)) => state.commit(h, &[m], &spots, Why::Alone),
            None => unplaced.push(m),
        }
    }
    unplaced
}

/// The plan: assignments, every guest left out with the cause, penalties.
fn finish(state: &State, ok: &[bool], left_out: Vec<usize>, bound: Option<usize>) -> Plan {
    let assignments = state.assignments();
    let mut seen = std::collections::BTreeSet::new();
    let mut unplaced: Vec<Unplaced> = (0..ok.len())
        .filter(|&m| !ok[m])
        .map(|m| {
            let g = &state.input.guests[m];
            let rule = if g.nights.start < g.nights.end && g.nights.end <= state.input.nights {
                Rule::Duplicate
            } else {
                Rule::Nights
            };
            (m, Some(rule))
        })
        .chain(left_out.into_iter().map(|m| (m, None)))
        .filter(|(m, _)| seen.insert(*m))
        .map(|(m, rule)| {
            let cause = state.cause(m, rule);
            let (reason_zh, reason_en) = state.texts(m, &cause);
            Unplaced {
                guest: state.input.guests[m].id,
                cause,
                reason_zh,
                reason_en,
            }
        })
        .collect();
    unplaced.sort_by_key(|u| u.guest);
    let penalty = penalty(state.input, &assignments);
    Plan {
        assignments,
        unplaced,
        penalty,
        bound,
    }
}
