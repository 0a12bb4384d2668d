//! The engine's working state: rooms opened so far, what each hotel has left, and the greedy
//! that places a group whole or splits it. Every change goes through [`State::seat`] and
//! [`State::unseat`], so the repair can take a try back (see `repair.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::check::{hotel_allows, room_types, share_key, Grid, ShareKey};
use super::types::{Assignment, CategoryPolicy, GuestNeed, Input, Night, RoomType, Why};
use crate::guests::fields::{Category, Gender};

/// Who a guest may share a twin with; `None`: nobody.
pub(super) type Key = Option<(Gender, ShareKey)>;

/// A guest as the engine works with them.
pub(super) struct Need<'a> {
    pub(super) guest: &'a GuestNeed,
    pub(super) policy: CategoryPolicy,
    pub(super) key: Key,
    /// Room types the guest may have, best first.
    pub(super) types: Vec<RoomType>,
    /// Hotels (indices) the guest may stay at.
    pub(super) hotels: Vec<usize>,
    /// The guest's cluster (delegation, outlet or department), an index into `State::clusters`.
    pub(super) cluster: usize,
}

/// Half-empty twins looked at per guest, newest first.
const JOIN_SCAN: usize = 48;

/// A room a try opens: type, share key, sleepers per night.
type Opened = (RoomType, Key, Vec<u8>);

/// A room in the making.
pub(super) struct Room {
    pub(super) hotel: usize,
    pub(super) room_type: RoomType,
    /// From the first sleeper's arrival to the last departure (a room is held on the nights
    /// someone sleeps there: `present`).
    pub(super) nights: Range<Night>,
    /// Sleepers per night of the event; never more than the beds.
    pub(super) present: Vec<u8>,
    pub(super) key: Key,
    pub(super) sleepers: Vec<usize>,
    pub(super) locked: bool,
    /// The room's number in a plan the state was seeded from ([`State::seeded`]).
    pub(super) number: Option<u32>,
}

/// Where a guest goes in a hotel.
#[derive(Clone, Copy)]
pub(super) enum Spot {
    /// Into an existing room with a free bed.
    Join(usize),
    /// Into a room opened by an earlier guest of the same try.
    JoinNew(usize),
    /// A new room of this type.
    Open(RoomType),
}

/// A change the repair may take back.
pub(super) enum Op {
    /// The guest was seated: undone by unseating.
    Seat(usize),
    /// The guest left this room, placed for this reason: undone by seating them back.
    Unseat(usize, usize, Why),
}

/// How many guests of a kind may still go to a class of hotels whose rooms the relaxation
/// found scarce; pairs not listed are free.
pub(super) struct Limits {
    pub(super) kind_of: Vec<Option<usize>>,
    pub(super) class_of: Vec<usize>,
    pub(super) left: BTreeMap<(usize, usize), u32>,
}

pub(super) struct State<'a> {
    pub(super) input: &'a Input,
    pub(super) needs: Vec<Need<'a>>,
    /// Members of each cluster, in input order.
    pub(super) clusters: Vec<Vec<usize>>,
    pub(super) cap: Grid,
    pub(super) used: Grid,
    /// Room-nights held and used per hotel (for spreading load).
    held_total: Vec<u64>,
    used_total: Vec<u64>,
    pub(super) rooms: Vec<Room>,
    /// Rooms by hotel and type (`h * 4 + type`), in the order they opened.
    pub(super) by_slot: Vec<Vec<usize>>,
    /// Twins with a sleeper who may share, by hotel, type and share key: a guest of that key
    /// may join on the nights a bed is free.
    open: BTreeMap<(usize, RoomType, u8, ShareKey), Vec<usize>>,
    pub(super) placed: Vec<Option<(usize, Why)>>,
    pub(super) limits: Option<Limits>,
    /// Changes since the repair started a try; `None` outside the repair.
    pub(super) journal: Option<Vec<Op>>,
}

/// The cluster a guest is placed with: a delegation; else a journalist's outlet; else a
/// department.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Cluster<'s> {
    Delegation(i64),
    Outlet(&'s str),
    Department(i64),
}

impl<'a> State<'a> {
    pub(super) fn new(input: &'a Input) -> State<'a> {
        let mut cluster_ids: BTreeMap<Cluster, usize> = BTreeMap::new();
        let mut clusters: Vec<Vec<usize>> = Vec::new();
        let mut needs = Vec::with_capacity(input.guests.len());
        for (m, g) in input.guests.iter().enumerate() {
            let policy = input.policy.for_category(g.category());
            let c = match (g.delegation, g.category(), g.organization.as_deref()) {
                (Some(d), _, _) => Cluster::Delegation(d),
                (None, Category::Journalist, Some(o)) => Cluster::Outlet(o),
                _ => Cluster::Department(g.department),
            };
            let next = clusters.len();
            let cluster = *cluster_ids.entry(c).or_insert(next);
            if cluster == next {
                clusters.push(Vec::new());
            }
            clusters[cluster].push(m);
            needs.push(Need {
                guest: g,
                key: share_key(g, &policy),
                types: room_types(g, &policy),
                hotels: input
                    .hotels
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| hotel_allows(g, &policy, h).is_ok())
                    .map(|(i, _)| i)
                    .collect(),
                policy,
                cluster,
            });
        }
        let cap = Grid::capacity(input);
        let per_hotel = RoomType::ALL.len() * cap.nights;
        let held_total = (0..input.hotels.len())
            .map(|h| {
                cap.cells[h * per_hotel..(h + 1) * per_hotel]
                    .iter()
                    .map(|c| u64::from(*c))
                    .sum()
            })
            .collect();
        State {
            input,
            placed: vec![None; needs.len()],
            needs,
            clusters,
            used: Grid::zero(input.hotels.len(), input.nights),
            cap,
            held_total,
            used_total: vec![0; input.hotels.len()],
            rooms: Vec::new(),
            by_slot: vec![Vec::new(); input.hotels.len() * RoomType::ALL.len()],
            open: BTreeMap::new(),
            limits: None,
            journal: None,
        }
    }

    /// A state holding the assignments of a plan (unknown guests and hotels left out), so one
    /// more guest can be placed among them with their room numbers kept.
    pub(super) fn seeded(input: &'a Input, current: &[Assignment]) -> State<'a> {
        let mut s = State::new(input);
        let index: BTreeMap<i64, usize> = input
            .guests
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id, i))
            .collect();
        let hotels: BTreeMap<i64, usize> = input
            .hotels
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id, i))
            .collect();
        let mut rooms: BTreeMap<(usize, u32), Vec<(usize, &Assignment)>> = BTreeMap::new();
        for a in current {
            if let (Some(&m), Some(&h)) = (index.get(&a.guest), hotels.get(&a.hotel)) {
                if s.placed[m].is_none() {
                    // A guest listed twice counts once; the placeholder is replaced below.
                    s.placed[m] = Some((usize::MAX, a.why));
                    rooms.entry((h, a.room)).or_default().push((m, a));
                }
            }
        }
        for ((h, number), members) in rooms {
            let t = members[0].1.room_type;
            let locked = members.iter().any(|(_, a)| a.locked);
            let room = s.new_room(h, t, s.needs[members[0].0].key.clone(), locked);
            s.rooms[room].number = Some(number);
            for (m, a) in members {
                s.placed[m] = None;
                s.seat(m, room, a.why);
            }
        }
        s
    }

    pub(super) fn fits(&self, h: usize, t: RoomType, nights: &Range<Night>, extra: &[u32]) -> bool {
        nights.clone().all(|n| {
            let n = usize::from(n);
            n < self.cap.nights && {
                let i = self.cap.at(h, t, n);
                self.used.cells[i] + extra[t.index() * self.cap.nights + n] < self.cap.cells[i]
            }
        })
    }

    /// Where each of `members` would go in hotel `h`, or `None` when one of them does not fit.
    /// A guest who may share joins the twin of their gender and key where a bed is free every
    /// night of their stay and that adds the fewest nights the room is held (none when the
    /// stay lies inside the roommate's), before opening a room of their own. Nothing changes:
    /// the caller commits.
    pub(super) fn try_hotel(&self, h: usize, members: &[usize]) -> Option<Vec<Spot>> {
        self.try_hotel_held(h, members).map(|(spots, _)| spots)
    }

    /// [`State::try_hotel`], and the room-nights the hotel would newly hold.
    fn try_hotel_held(&self, h: usize, members: &[usize]) -> Option<(Vec<Spot>, u64)> {
        let nights = self.cap.nights;
        let mut extra = vec![0u32; RoomType::ALL.len() * nights];
        // Sleepers per night in rooms this try joins, as they would be after it.
        let mut touched: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
        let mut opened: Vec<Opened> = Vec::new();
        // Rooms of this try with a night where one bed is free.
        let mut half: Vec<usize> = Vec::new();
        let mut spots = Vec::with_capacity(members.len());
        for &m in members {
            let need = &self.needs[m];
            if !need.hotels.contains(&h) {
                return None;
            }
            let g = need.guest.nights.clone();
            let mut spot = None;
            if let Some((gender, key)) = &need.key {
                let mut best: Option<(usize, Spot, RoomType)> = None;
                for &t in need.types.iter().filter(|t| t.beds() > 1) {
                    // The nights the room would newly be held, if the guest can join at all.
                    let added = |present: &[u8]| -> Option<usize> {
                        let mut added = 0;
                        for n in g.clone().map(usize::from) {
                            if usize::from(present[n]) >= t.beds() {
                                return None;
                            }
                            if present[n] == 0 {
                                let i = self.cap.at(h, t, n);
                                if self.used.cells[i] + extra[t.index() * nights + n]
                                    >= self.cap.cells[i]
                                {
                                    return None;
                                }
                                added += 1;
                            }
                        }
                        Some(added)
                    };
                    let mut offer = |a: Option<usize>, s: Spot| {
                        if let Some(a) = a {
                            if best.as_ref().is_none_or(|(b, _, _)| a < *b) {
                                best = Some((a, s, t));
                            }
                        }
                    };
                    // The newest rooms first, and only so many: a long list of half-empty
                    // twins is rare, and scanning it whole would make large groups quadratic.
                    for &r in self
                        .open
                        .get(&(h, t, *gender as u8, key.clone()))
                        .into_iter()
                        .flatten()
                        .rev()
                        .take(JOIN_SCAN)
                    {
                        let present = touched.get(&r).unwrap_or(&self.rooms[r].present);
                        offer(added(present), Spot::Join(r));
                    }
                    for &i in half.iter().rev().take(JOIN_SCAN) {
                        let (ot, ok, present) = &opened[i];
                        if *ot == t && ok.as_ref() == need.key.as_ref() {
                            offer(added(present), Spot::JoinNew(i));
                        }
                    }
                }
                // Joining holds fewer room-nights than a room of one's own, unless the stays
                // do not meet at all.
                if let Some((_, s, t)) = best.filter(|(a, _, _)| *a < g.len()) {
                    let present = match s {
                        Spot::Join(r) => touched
                            .entry(r)
                            .or_insert_with(|| self.rooms[r].present.clone()),
                        Spot::JoinNew(i) => &mut opened[i].2,
                        Spot::Open(_) => return None,
                    };
                    for n in g.clone().map(usize::from) {
                        if present[n] == 0 {
                            extra[t.index() * nights + n] += 1;
                        }
                        present[n] += 1;
                    }
                    if let Spot::JoinNew(i) = s {
                        if !opened[i].2.contains(&1) {
                            half.retain(|x| *x != i);
                        }
                    }
                    spot = Some(s);
                }
            }
            if spot.is_none() {
                for &t in &need.types {
                    if self.fits(h, t, &g, &extra) {
                        let mut present = vec![0u8; nights];
                        for n in g.clone().map(usize::from) {
                            extra[t.index() * nights + n] += 1;
                            present[n] = 1;
                        }
                        if t.beds() > 1 && need.key.is_some() {
                            half.push(opened.len());
                        }
                        opened.push((t, need.key.clone(), present));
                        spot = Some(Spot::Open(t));
                        break;
                    }
                }
            }
            spots.push(spot?);
        }
        Some((spots, extra.iter().map(|x| u64::from(*x)).sum()))
    }

    /// Places `members` in hotel `h` as `spots` says.
    pub(super) fn commit(&mut self, h: usize, members: &[usize], spots: &[Spot], why: Why) {
        self.take_limits(h, members);
        let mut opened: Vec<usize> = Vec::new();
        for (&m, spot) in members.iter().zip(spots) {
            let room = match *spot {
                Spot::Join(r) => r,
                Spot::JoinNew(i) => opened[i],
                Spot::Open(t) => {
                    let room = self.new_room(h, t, self.needs[m].key.clone(), false);
                    opened.push(room);
                    room
                }
            };
            self.seat(m, room, why);
        }
    }

    pub(super) fn new_room(&mut self, h: usize, t: RoomType, key: Key, locked: bool) -> usize {
        self.rooms.push(Room {
            hotel: h,
            room_type: t,
            nights: 0..0,
            present: vec![0; self.cap.nights],
            key,
            sleepers: Vec::new(),
            locked,
            number: None,
        });
        let room = self.rooms.len() - 1;
        self.by_slot[h * RoomType::ALL.len() + t.index()].push(room);
        room
    }

    /// The nights a room is held with these sleepers: from the first arrival to the last
    /// departure; `0..0` when empty.
    fn hull(&self, sleepers: &[usize]) -> Range<Night> {
        sleepers
            .iter()
            .map(|m| self.needs[*m].guest.nights.clone())
            .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
            .unwrap_or(0..0)
    }

    /// Keeps the list of twins open to joiners current for `room`.
    fn refresh_open(&mut self, room: usize) {
        let r = &self.rooms[room];
        let Some((gender, key)) = r.key.clone() else {
            return;
        };
        if r.room_type.beds() < 2 {
            return;
        }
        // Only a room with a night where one bed is free can take a joiner with gain.
        let open = r
            .present
            .iter()
            .any(|p| usize::from(*p) + 1 == r.room_type.beds());
        let list = self
            .open
            .entry((r.hotel, r.room_type, gender as u8, key))
            .or_default();
        match (open, list.iter().position(|x| *x == room)) {
            (true, None) => list.push(room),
            (false, Some(i)) => {
                list.remove(i);
            }
            _ => {}
        }
    }

    /// Puts guest `m` in `room`; the room is held on every night someone sleeps there.
    pub(super) fn seat(&mut self, m: usize, room: usize, why: Why) {
        let (h, t) = (self.rooms[room].hotel, self.rooms[room].room_type);
        for n in self.needs[m].guest.nights.clone().map(usize::from) {
            let r = &mut self.rooms[room];
            if n >= r.present.len() {
                continue;
            }
            r.present[n] += 1;
            if r.present[n] == 1 {
                let i = self.used.at(h, t, n);
                self.used.cells[i] += 1;
                self.used_total[h] += 1;
            }
        }
        self.rooms[room].sleepers.push(m);
        self.rooms[room].nights = self.hull(&self.rooms[room].sleepers);
        self.refresh_open(room);
        self.placed[m] = Some((room, why));
        if let Some(j) = &mut self.journal {
            j.push(Op::Seat(m));
        }
    }

    /// Takes guest `m` out of their room; the nights nobody sleeps there any more are free.
    pub(super) fn unseat(&mut self, m: usize) {
        let Some((room, why)) = self.placed[m] else {
            return;
        };
        let (h, t) = (self.rooms[room].hotel, self.rooms[room].room_type);
        for n in self.needs[m].guest.nights.clone().map(usize::from) {
            let r = &mut self.rooms[room];
            if n >= r.present.len() {
                continue;
            }
            r.present[n] -= 1;
            if r.present[n] == 0 {
                let i = self.used.at(h, t, n);
                self.used.cells[i] -= 1;
                self.used_total[h] -= 1;
            }
        }
        self.rooms[room].sleepers.retain(|s| *s != m);
        self.rooms[room].nights = self.hull(&self.rooms[room].sleepers);
        self.refresh_open(room);
        self.placed[m] = None;
        if let Some(j) = &mut self.journal {
            j.push(Op::Unseat(m, room, why));
        }
    }

    /// Hotels where members of `m`'s cluster sleep.
    pub(super) fn cluster_hotels(&self, m: usize) -> BTreeSet<usize> {
        self.clusters[self.needs[m].cluster]
            .iter()
            .filter_map(|x| self.placed[*x].map(|(r, _)| self.rooms[r].hotel))
            .collect()
    }

    fn within_limits(&self, h: usize, members: &[usize]) -> bool {
        let Some(l) = &self.limits else {
            return true;
        };
        let class = l.class_of[h];
        let mut wanted: BTreeMap<usize, u32> = BTreeMap::new();
        for m in members {
            if let Some(k) = l.kind_of[*m] {
                *wanted.entry(k).or_default() += 1;
            }
        }
        wanted
            .into_iter()
            .all(|(k, n)| l.left.get(&(k, class)).is_none_or(|left| n <= *left))
    }

    fn take_limits(&mut self, h: usize, members: &[usize]) {
        let Some(l) = &mut self.limits else {
            return;
        };
        let class = l.class_of[h];
        for m in members {
            if let Some(k) = l.kind_of[*m] {
                if let Some(left) = l.left.get_mut(&(k, class)) {
                    *left = left.saturating_sub(1);
                }
            }
        }
    }

    /// The best hotel for a group and where each member goes there.
    pub(super) fn choose(
        &self,
        members: &[usize],
        cluster_hotels: &BTreeSet<usize>,
    ) -> Option<(usize, Vec<Spot>)> {
        let vip = members
            .iter()
            .any(|m| self.needs[*m].guest.category == Some(Category::Vip));
        let candidates = &self.needs[members[0]].hotels;
        let added: u64 = members
            .iter()
            .map(|m| {
                let n = &self.needs[*m].guest.nights;
                u64::from(n.end - n.start)
            })
            .sum();
        // A guest alone would rather take a free bed than hold a room more: on a full night
        // that is the difference between one more guest placed and not.
        let alone = members.len() == 1 && !vip;
        let mut best: Option<((bool, u64, i64), usize, Vec<Spot>)> = None;
        for &h in candidates {
            // Lower is better: a hotel the cluster is in already, then (for a guest alone) the
            // room-nights newly held, then distance for VIPs, else the share of the hotel's
            // room-nights in use after placing.
            let with_cluster = !cluster_hotels.contains(&h);
            let score = if vip {
                i64::from(self.input.hotels[h].venue_minutes)
            } else {
                let held = self.held_total[h].max(1);
                i64::try_from((self.used_total[h] + added) * 1_000_000 / held).unwrap_or(i64::MAX)
            };
            if let Some((s, _, _)) = &best {
                if with_cluster > s.0 || (!alone && (with_cluster, 0, score) >= *s) {
                    continue;
                }
            }
            if !self.within_limits(h, members) {
                continue;
            }
            if let Some((spots, held)) = self.try_hotel_held(h, members) {
                let key = (with_cluster, if alone { held } else { 0 }, score);
                if best.as_ref().is_none_or(|(s, _, _)| key < *s) {
                    best = Some((key, h, spots));
                }
            }
        }
        best.map(|(_, h, spots)| (h, spots))
    }

    /// The assignments, by guest id. Rooms keep the number they were seeded with, else are
    /// numbered in the order they opened (after every seeded number).
    pub(super) fn assignments(&self) -> Vec<Assignment> {
        let base = self
            .rooms
            .iter()
            .filter_map(|r| r.number)
            .max()
            .unwrap_or(0);
        let mut out: Vec<Assignment> = self
            .placed
            .iter()
            .enumerate()
            .filter_map(|(m, p)| {
                let (room, why) = (*p)?;
                let r = &self.rooms[room];
                let number = r.number.unwrap_or_else(|| {
                    base.saturating_add(u32::try_from(room + 1).unwrap_or(u32::MAX))
                });
                Some(Assignment {
                    guest: self.needs[m].guest.id,
                    hotel: self.input.hotels[r.hotel].id,
                    room_type: r.room_type,
                    room: number,
                    nights: self.needs[m].guest.nights.clone(),
                    locked: r.locked && why == Why::Locked,
                    why,
                })
            })
            .collect();
        out.sort_by_key(|a| a.guest);
        out
    }
}

/// Guests that cannot be planned at all: no nights inside the event, or listed twice.
pub(super) fn plannable(input: &Input) -> Vec<bool> {
    let mut seen = BTreeSet::new();
    input
        .guests
        .iter()
        .map(|g| g.nights.start < g.nights.end && g.nights.end <= input.nights && seen.insert(g.id))
        .collect()
}
