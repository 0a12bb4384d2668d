//! Repair by ejection chains: a guest left out gets a room that a placed guest frees by
//! moving to another hotel (or room type) the rules allow them, and that guest in turn may
//! free one further on. Every try is journalled and taken back when the chain does not close,
//! so a failed search changes nothing.

use std::collections::BTreeSet;

use super::state::{Op, State};
use super::types::{Move, Night, RoomType, Why};

/// Tries per left-out guest: each one frees a room and re-houses its sleepers.
const TRIES_PER_GUEST: usize = 200;
/// Tries over the whole repair, so a large event short of hundreds of rooms stays fast.
const TRIES_TOTAL: usize = 3_000;
/// Rooms looked at per hotel and room type, best candidates first.
const ROOMS_PER_SLOT: usize = 12;
/// Guests moved in one chain at most: a room freed for the guest, and one further.
const DEPTH: u8 = 2;

/// What a successful search did: where the guest went and who moved.
pub(super) struct Freed {
    pub(super) hotel: usize,
    pub(super) room_type: RoomType,
    /// Guests moved, in the order they moved (deepest first), with the hotel they left.
    pub(super) moved: Vec<(usize, usize)>,
}

impl State<'_> {
    /// A mark to take changes back to.
    pub(super) fn mark(&mut self) -> usize {
        self.journal.get_or_insert_with(Vec::new).len()
    }

    /// Takes back every change since `mark`.
    pub(super) fn undo(&mut self, mark: usize) {
        let Some(mut journal) = self.journal.take() else {
            return;
        };
        while journal.len() > mark {
            match journal.pop() {
                Some(Op::Seat(m)) => self.unseat(m),
                Some(Op::Unseat(m, room, why)) => self.seat(m, room, why),
                None => break,
            }
        }
        self.journal = Some(journal);
    }

    /// Places each left-out guest directly if a room is free, else by an ejection chain; the
    /// most constrained first. Returns the guests still without a room.
    pub(super) fn repair(&mut self, mut left_out: Vec<usize>) -> Vec<usize> {
        left_out.sort_by_key(|&m| {
            let n = &self.needs[m];
            (
                n.hotels.len(),
                std::cmp::Reverse(n.guest.nights.end - n.guest.nights.start),
                m,
            )
        });
        let mut still = Vec::new();
        let mut total = TRIES_TOTAL;
        for u in left_out {
            let near = self.cluster_hotels(u);
            if let Some((h, spots)) = self.choose(&[u], &near) {
                self.commit(h, &[u], &spots, Why::Alone);
                continue;
            }
            if total == 0 {
                still.push(u);
                continue;
            }
            let mark = self.mark();
            let mut budget = TRIES_PER_GUEST.min(total);
            let mut pinned = BTreeSet::from([u]);
            let freed = self.make_room(u, DEPTH, &mut pinned, &mut budget);
            total -= TRIES_PER_GUEST.min(total) - budget;
            if freed.is_none() {
                self.undo(mark);
                still.push(u);
            }
        }
        self.journal = None;
        still
    }

    /// The moves that would free a room for `u`, found by the same search, with nothing
    /// changed afterwards.
    pub(super) fn find_moves(&mut self, u: usize) -> Option<(usize, RoomType, Vec<Move>)> {
        let mark = self.mark();
        let mut budget = TRIES_PER_GUEST;
        let mut pinned = BTreeSet::from([u]);
        let freed = self.make_room(u, DEPTH, &mut pinned, &mut budget);
        let found = freed.map(|f| {
            let moves = f
                .moved
                .iter()
                .filter_map(|&(m, from)| {
                    let (room, _) = self.placed[m]?;
                    let r = &self.rooms[room];
                    let join = r
                        .sleepers
                        .iter()
                        .find(|s| **s != m)
                        .map(|s| self.needs[*s].guest.id);
                    Some(Move {
                        guest_index: m,
                        guest: self.needs[m].guest.id,
                        from_hotel: self.input.hotels[from].id,
                        to_hotel: self.input.hotels[r.hotel].id,
                        room_type: r.room_type,
                        nights: self.needs[m].guest.nights.clone(),
                        join,
                    })
                })
                .collect();
            (f.hotel, f.room_type, moves)
        });
        self.undo(mark);
        if mark == 0 {
            self.journal = None;
        }
        found
    }

    /// Frees a room for `u` and places them there: a room of a type `u` may have, held on the
    /// nights where that type is full, is emptied and its sleepers placed elsewhere (directly,
    /// or by freeing a room for them in turn while `depth` lasts). Guests in `pinned` stay.
    /// On failure the caller undoes.
    fn make_room(
        &mut self,
        u: usize,
        depth: u8,
        pinned: &mut BTreeSet<usize>,
        budget: &mut usize,
    ) -> Option<Freed> {
        if depth == 0 {
            return None;
        }
        let near = self.cluster_hotels(u);
        let mut hotels = self.needs[u].hotels.clone();
        // The cluster's own hotels first: the guest would rather join them.
        hotels.sort_by_key(|h| !near.contains(h));
        let types = self.needs[u].types.clone();
        let nights = self.needs[u].guest.nights.clone();
        for h in hotels {
            for &t in &types {
                let full: Vec<Night> = nights
                    .clone()
                    .filter(|&n| {
                        let i = self.cap.at(h, t, usize::from(n));
                        self.used.cells[i] >= self.cap.cells[i]
                    })
                    .collect();
                let (Some(&first), Some(&last)) = (full.first(), full.last()) else {
                    continue;
                };
                if full
                    .iter()
                    .any(|&n| self.cap.cells[self.cap.at(h, t, usize::from(n))] == 0)
                {
                    continue;
                }
                let mut rooms: Vec<usize> = self.by_slot[h * RoomType::ALL.len() + t.index()]
                    .iter()
                    .copied()
                    .filter(|&r| {
                        let room = &self.rooms[r];
                        !room.sleepers.is_empty()
                            && !room.locked
                            && room.nights.start <= first
                            && last < room.nights.end
                            && full.iter().all(|&n| room.present[usize::from(n)] > 0)
                            && room.sleepers.iter().all(|s| {
                                !pinned.contains(s)
                                    && (self.needs[*s].hotels.len() > 1
                                        || self.needs[*s].types.len() > 1)
                            })
                    })
                    .collect();
                // Fewest sleepers, then the most flexible ones, then the shortest hold.
                rooms.sort_by_key(|&r| {
                    let room = &self.rooms[r];
                    let flex = room
                        .sleepers
                        .iter()
                        .map(|s| self.needs[*s].hotels.len() * self.needs[*s].types.len())
                        .min()
                        .unwrap_or(0);
                    (
                        room.sleepers.len(),
                        std::cmp::Reverse(flex),
                        room.nights.end - room.nights.start,
                        r,
                    )
                });
                rooms.truncate(ROOMS_PER_SLOT);
                for r in rooms {
                    if *budget == 0 {
                        return None;
                    }
                    *budget -= 1;
                    let mark = self.mark();
                    let evicted = self.rooms[r].sleepers.clone();
                    for s in &evicted {
                        self.unseat(*s);
                    }
                    let Some(spots) = self.try_hotel(h, &[u]) else {
                        self.undo(mark);
                        continue;
                    };
                    self.commit(h, &[u], &spots, Why::Alone);
                    pinned.extend(evicted.iter().copied());
                    if let Some(moved) = self.rehouse(&evicted, h, depth, pinned, budget) {
                        return Some(Freed {
                            hotel: h,
                            room_type: t,
                            moved,
                        });
                    }
                    for s in &evicted {
                        pinned.remove(s);
                    }
                    self.undo(mark);
                }
            }
        }
        None
    }

    /// Places guests taken out of a room at hotel `from`: together when they shared, else
    /// one by one, freeing a room further on if need be. Returns who moved, deepest first.
    fn rehouse(
        &mut self,
        evicted: &[usize],
        from: usize,
        depth: u8,
        pinned: &mut BTreeSet<usize>,
        budget: &mut usize,
    ) -> Option<Vec<(usize, usize)>> {
        let mut moved = Vec::new();
        if evicted.len() > 1 {
            let near = self.cluster_hotels(evicted[0]);
            if let Some((h, spots)) = self.choose(evicted, &near) {
                self.commit(h, evicted, &spots, Why::Moved);
                return Some(evicted.iter().map(|s| (*s, from)).collect());
            }
        }
        for &s in evicted {
            let near = self.cluster_hotels(s);
            if let Some((h, spots)) = self.choose(&[s], &near) {
                self.commit(h, &[s], &spots, Why::Moved);
            } else {
                let deeper = self.make_room(s, depth - 1, pinned, budget)?;
                moved.extend(deeper.moved);
                if let Some((room, _)) = self.placed[s] {
                    self.placed[s] = Some((room, Why::Moved));
                }
            }
            moved.push((s, from));
        }
        Some(moved)
    }
}
