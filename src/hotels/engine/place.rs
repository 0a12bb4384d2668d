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
        let mut with = others.clone();
        with.push(kept.clone());
        if new_violations(&violations(input, &others), &violations(input, &with)).is_empty() {
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
