//! One guest at a time, among a plan's assignments: when a guest's category or stay changes
//! ([`place_one`]), and when reception carries out the moves an unplaced guest's reason
//! suggests ([`apply_moves`]).

use std::collections::BTreeMap;

use super::check::violations;
use super::state::State;
use super::types::{Assignment, Cause, Input, Move, Rule, Unplaced, Violation, Why};

/// Where guest `guest` (a position in `input.guests`) sleeps now, given the other guests'
/// assignments in `current` (the guest's own, if any, is read there and replaced). Keeps the
/// same hotel and room when the rules still allow it for the guest's (new) nights; else the
/// best place the engine would choose — near the guest's delegation (outlet, department),
/// joining a roommate before opening a room; else the guest is unplaced with the honest
/// cause: no room under the rules (the rule and the nights), or the moves that would free one,
/// or the nights every allowed room is taken. Nobody else is moved: moves are suggestions.
pub fn place_one(
    input: &Input,
    current: &[Assignment],
    guest: usize,
) -> Result<Assignment, Unplaced> {
    let Some(g) = input.guests.get(guest) else {
        return Err(Unplaced {
            guest: 0,
            cause: Cause::NoRoom {
                rule: Rule::UnknownGuest,
                nights: 0..0,
            },
            reason_zh: Rule::UnknownGuest.message(true).to_string(),
            reason_en: Rule::UnknownGuest.message(false).to_string(),
        });
    };
    let others: Vec<Assignment> = current
        .iter()
        .filter(|a| a.guest != g.id)
        .cloned()
        .collect();
    let plannable = g.nights.start < g.nights.end && g.nights.end <= input.nights;
    if let Some(mine) = current
        .iter()
        .find(|a| a.guest == g.id)
        .filter(|_| plannable)
    {
        let mut kept = mine.clone();
        kept.nights = g.nights.clone();
        // Every rule keeping the room could newly break is about the guest or their hotel
        // (its rooms' capacity, the roommates): checking that hotel's guests is enough, and
        // a tenth of the work on a big event.
        let neighbours: Vec<Assignment> = others
            .iter()
            .filter(|a| a.hotel == kept.hotel)
            .cloned()
            .collect();
        let mut with = neighbours.clone();
        with.push(kept.clone());
        if new_violations(&violations(input, &neighbours), &violations(input, &with)).is_empty() {
            return Ok(kept);
        }
    }
    let mut state = State::seeded(input, &others);
    if plannable {
        let near = state.cluster_hotels(guest);
        if let Some((h, spots)) = state.choose(&[guest], &near) {
            let why = if near.contains(&h) {
                Why::WithGroup
            } else {
                Why::Alone
            };
            state.commit(h, &[guest], &spots, why);
            if let Some(a) = state.assignments().into_iter().find(|a| a.guest == g.id) {
                return Ok(a);
            }
        }
    }
    let mut cause = state.cause(guest, (!plannable).then_some(Rule::Nights));
    if matches!(cause, Cause::Taken { .. } | Cause::Scattered) {
        if let Some((h, room_type, moves)) = state.find_moves(guest) {
            cause = Cause::Movable {
                hotel: input.hotels[h].id,
                room_type,
                moves,
            };
        }
    }
    let (reason_zh, reason_en) = state.texts(guest, &cause);
    Err(Unplaced {
        guest: g.id,
        cause,
        reason_zh,
        reason_en,
    })
}

/// The assignments after `moves` (in order: each moved guest leaves their room — a roommate
/// stays — and takes a new room of the move's type at the new hotel, or joins the guest the
/// move names). The result is checked by [`violations`]: any violation the moves add makes it
/// an error listing them (those already there before are not counted).
pub fn apply_moves(
    input: &Input,
    assignments: &[Assignment],
    moves: &[Move],
) -> Result<Vec<Assignment>, Vec<Violation>> {
    let mut out = assignments.to_vec();
    let mut next = out.iter().map(|a| a.room).max().unwrap_or(0);
    for mv in moves {
        let Some(i) = out
            .iter()
            .position(|a| a.guest == mv.guest && a.hotel == mv.from_hotel)
        else {
            return Err(vec![Violation {
                guest: mv.guest,
                rule: Rule::UnknownGuest,
                detail: format!("guest {} is not at hotel {}", mv.guest, mv.from_hotel),
            }]);
        };
        let joined = mv.join.and_then(|id| {
            out.iter()
                .find(|a| a.guest == id && a.hotel == mv.to_hotel && a.room_type == mv.room_type)
                .map(|a| a.room)
        });
        let room = joined.unwrap_or_else(|| {
            next = next.saturating_add(1);
            next
        });
        let a = &mut out[i];
        a.hotel = mv.to_hotel;
        a.room_type = mv.room_type;
        a.room = room;
        a.nights = mv.nights.clone();
        a.locked = false;
        a.why = Why::Moved;
    }
    let added = new_violations(&violations(input, assignments), &violations(input, &out));
    if added.is_empty() {
        Ok(out)
    } else {
        Err(added)
    }
}

/// The violations in `after` beyond those in `before`, counted by guest and rule.
fn new_violations(before: &[Violation], after: &[Violation]) -> Vec<Violation> {
    let mut known: BTreeMap<(i64, Rule), usize> = BTreeMap::new();
    for v in before {
        *known.entry((v.guest, v.rule)).or_default() += 1;
    }
    after
        .iter()
        .filter(|v| match known.get_mut(&(v.guest, v.rule)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::super::{allocate, bound, first_fit, synthetic};
    use super::*;
    use crate::guests::fields::{Category, Gender};
    use crate::hotels::engine::{GuestNeed, HotelOffer, Policy, RoomType};

    fn delegate(id: i64, halal: bool) -> GuestNeed {
        GuestNeed {
            id,
            name: format!("来宾{id}"),
            category: Some(Category::Delegate),
            gender: Some(Gender::M),
            department: 1,
            delegation: Some(id),
            organization: None,
            halal,
            accessible: false,
            nights: 0..2,
        }
    }

    fn hotel(id: i64, halal: bool, singles: u32) -> HotelOffer {
        HotelOffer {
            id,
            code: format!("H{id}"),
            name: format!("hotel {id}"),
            categories: vec![Category::Delegate],
            halal,
            venue_minutes: 10,
            capacity: vec![(RoomType::Single, vec![singles; 2])],
        }
    }

    /// A halal hotel and a plain one, one single room each; a plain guest listed first.
    fn two_hotels() -> Input {
        Input {
            nights: 2,
            night_labels: vec!["07-01".into(), "07-02".into()],
            guests: vec![delegate(1, false), delegate(2, true)],
            hotels: vec![hotel(10, true, 1), hotel(11, false, 1)],
            policy: Policy::default_policy(),
            locked: Vec::new(),
        }
    }

    fn at(guest: i64, hotel: i64, room: u32) -> Assignment {
        Assignment {
            guest,
            hotel,
            room_type: RoomType::Single,
            room,
            nights: 0..2,
            locked: false,
            why: Why::Alone,
        }
    }

    #[test]
    fn the_engine_keeps_the_halal_room_for_the_halal_guest_where_first_fit_does_not() {
        let input = two_hotels();
        let plan = allocate(&input);
        assert_eq!(plan.assignments.len(), 2, "{:?}", plan.unplaced);
        assert_eq!(first_fit(&input).assignments.len(), 1);
        assert_eq!(plan.bound, Some(2));
        assert_eq!(bound(&input), Some(2));
    }

    #[test]
    fn when_rooms_are_taken_place_one_suggests_the_move_that_frees_one_and_it_applies_cleanly() {
        let input = two_hotels();
        let current = vec![at(1, 10, 1)];
        let Err(unplaced) = place_one(&input, &current, 1) else {
            panic!("the halal room is taken");
        };
        let Cause::Movable {
            hotel,
            room_type,
            moves,
        } = &unplaced.cause
        else {
            panic!("{:?}", unplaced.cause);
        };
        assert_eq!((*hotel, *room_type), (10, RoomType::Single));
        assert_eq!(moves.len(), 1);
        assert_eq!(
            (moves[0].guest, moves[0].from_hotel, moves[0].to_hotel),
            (1, 10, 11)
        );
        assert!(
            unplaced.reason_en.contains("move 来宾1 from H10 to H11"),
            "{}",
            unplaced.reason_en
        );
        let moved = apply_moves(&input, &current, moves).expect("the moves break no rule");
        let placed = place_one(&input, &moved, 1).expect("the freed room");
        assert_eq!(placed.hotel, 10);
        let mut all = moved;
        all.push(placed);
        assert!(violations(&input, &all).is_empty());
    }

    #[test]
    fn a_guest_whose_stay_changes_keeps_their_room_while_it_is_free() {
        let mut input = two_hotels();
        input.guests[1].nights = 1..2;
        let current = vec![at(2, 10, 7)];
        let kept = place_one(&input, &current, 1).expect("still allowed");
        assert_eq!((kept.hotel, kept.room, kept.nights), (10, 7, 1..2));
    }

    #[test]
    fn a_guest_whose_category_changes_moves_to_a_hotel_serving_it_and_one_no_rule_allows_says_which_rule(
    ) {
        let mut input = two_hotels();
        input.hotels[1].categories.push(Category::Staff);
        input.guests[0].category = Some(Category::Staff);
        let current = vec![at(1, 10, 1)];
        let moved = place_one(&input, &current, 0).expect("the staff hotel");
        assert_eq!(moved.hotel, 11);
        input.hotels[0].halal = false;
        let Err(unplaced) = place_one(&input, &[], 1) else {
            panic!("no halal hotel is left");
        };
        assert_eq!(
            unplaced.cause,
            Cause::NoRoom {
                rule: Rule::Halal,
                nights: 0..2
            }
        );
    }

    #[test]
    fn a_move_from_a_hotel_the_guest_is_not_in_is_refused() {
        let input = two_hotels();
        let mv = Move {
            guest_index: 0,
            guest: 1,
            from_hotel: 11,
            to_hotel: 10,
            room_type: RoomType::Single,
            nights: 0..2,
            join: None,
        };
        assert!(apply_moves(&input, &[at(1, 10, 1)], &[mv]).is_err());
    }

    #[test]
    fn the_plans_bound_is_the_bound_and_never_below_what_is_placed() {
        let input = synthetic(400, 8, 6, 5);
        let plan = allocate(&input);
        assert_eq!(plan.bound, bound(&input));
        assert!(plan.bound.unwrap() >= plan.assignments.len());
    }
}
