//! The hard rules as small checks the engine and the independent checker share, the
//! checker itself ([`violations`]) and the soft-goal score ([`penalty`]).

use std::collections::{BTreeMap, BTreeSet};

use super::types::{
    Assignment, CategoryPolicy, GuestNeed, HotelOffer, Input, Night, Penalty, RoomType, Rule,
    ShareBy, Violation, CROWDED_WEIGHT, EMPTY_BED_WEIGHT, SPLIT_WEIGHT, VIP_MINUTE_WEIGHT,
};
use crate::guests::fields::{Category, Gender};

// --- shared checks -----------------------------------------------------------------------

/// Who a guest may share with: same gender and same key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ShareKey {
    Delegation(i64),
    Department(i64),
    Organization(String),
}

/// The guest's sharing key, `None` when they must sleep alone.
pub(super) fn share_key(g: &GuestNeed, p: &CategoryPolicy) -> Option<(Gender, ShareKey)> {
    if !p.shared {
        return None;
    }
    let gender = g.gender?;
    let key = match p.share_by {
        ShareBy::Delegation => ShareKey::Delegation(g.delegation?),
        ShareBy::Department => ShareKey::Department(g.department),
        ShareBy::Organization => ShareKey::Organization(g.organization.clone()?),
    };
    Some((gender, key))
}

/// Whether the guest may stay at the hotel at all.
pub(super) fn hotel_allows(g: &GuestNeed, p: &CategoryPolicy, h: &HotelOffer) -> Result<(), Rule> {
    if !h.categories.contains(&g.category()) {
        return Err(Rule::Category);
    }
    if !p.hotels.is_empty() && !p.hotels.contains(&h.id) {
        return Err(Rule::PolicyHotel);
    }
    if g.halal && !h.halal {
        return Err(Rule::Halal);
    }
    Ok(())
}

/// The room types a guest may have, best first. A guest needing access gets accessible rooms;
/// one who cannot share takes a one-bed room before a twin (no bed left empty for nothing).
pub(super) fn room_types(g: &GuestNeed, p: &CategoryPolicy) -> Vec<RoomType> {
    if g.accessible {
        return vec![RoomType::Accessible];
    }
    if share_key(g, p).is_some() {
        return p.room_types.clone();
    }
    let mut types: Vec<RoomType> = p
        .room_types
        .iter()
        .copied()
        .filter(|t| t.beds() == 1)
        .collect();
    types.extend(p.room_types.iter().copied().filter(|t| t.beds() > 1));
    types
}

pub(super) fn type_allowed(g: &GuestNeed, p: &CategoryPolicy, t: RoomType) -> Result<(), Rule> {
    match (g.accessible, t) {
        (true, RoomType::Accessible) => Ok(()),
        (true, _) => Err(Rule::Access),
        (false, t) if p.room_types.contains(&t) => Ok(()),
        _ => Err(Rule::RoomType),
    }
}

pub(super) fn label(input: &Input, n: Night) -> String {
    input
        .night_labels
        .get(usize::from(n))
        .cloned()
        .unwrap_or_else(|| format!("#{n}"))
}

/// Rooms held, as a flat table: hotel × type × night.
pub(super) struct Grid {
    pub(super) nights: usize,
    pub(super) cells: Vec<u32>,
}

impl Grid {
    pub(super) fn zero(hotels: usize, nights: Night) -> Grid {
        let nights = usize::from(nights);
        Grid {
            nights,
            cells: vec![0; hotels * RoomType::ALL.len() * nights],
        }
    }

    pub(super) fn capacity(input: &Input) -> Grid {
        let mut g = Grid::zero(input.hotels.len(), input.nights);
        for (h, hotel) in input.hotels.iter().enumerate() {
            for (t, per_night) in &hotel.capacity {
                for (n, rooms) in per_night.iter().enumerate().take(g.nights) {
                    let i = g.at(h, *t, n);
                    g.cells[i] += rooms;
                }
            }
        }
        g
    }

    pub(super) fn at(&self, h: usize, t: RoomType, n: usize) -> usize {
        (h * RoomType::ALL.len() + t.index()) * self.nights + n
    }

    pub(super) fn row(&self, h: usize, t: RoomType) -> &[u32] {
        let start = self.at(h, t, 0);
        &self.cells[start..start + self.nights]
    }
}

// --- the independent checker -------------------------------------------------------------

/// Every hard rule the assignments break. Used by the property tests, the benchmark and the
/// service (to check reception's edits), so it knows nothing of how the engine works.
pub fn violations(input: &Input, assignments: &[Assignment]) -> Vec<Violation> {
    // Only the guests assigned are looked up: a check of one hotel's guests stays cheap.
    let assigned: std::collections::HashSet<i64> = assignments.iter().map(|a| a.guest).collect();
    let guests: BTreeMap<i64, &GuestNeed> = input
        .guests
        .iter()
        .filter(|g| assigned.contains(&g.id))
        .map(|g| (g.id, g))
        .collect();
    let hotels: BTreeMap<i64, usize> = input
        .hotels
        .iter()
        .enumerate()
        .map(|(i, h)| (h.id, i))
        .collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut rooms: BTreeMap<(i64, u32), Vec<(&Assignment, &GuestNeed)>> = BTreeMap::new();
    let v = |guest: i64, rule: Rule, detail: String| Violation {
        guest,
        rule,
        detail,
    };
    for a in assignments {
        if !seen.insert(a.guest) {
            out.push(v(
                a.guest,
                Rule::Duplicate,
                format!("guest {} twice", a.guest),
            ));
            continue;
        }
        let Some(g) = guests.get(&a.guest) else {
            out.push(v(a.guest, Rule::UnknownGuest, format!("guest {}", a.guest)));
            continue;
        };
        let Some(&h) = hotels.get(&a.hotel) else {
            out.push(v(a.guest, Rule::UnknownHotel, format!("hotel {}", a.hotel)));
            continue;
        };
        let hotel = &input.hotels[h];
        let p = input.policy.for_category(g.category());
        if let Err(rule) = hotel_allows(g, &p, hotel) {
            out.push(v(a.guest, rule, format!("{} at {}", g.name, hotel.code)));
        }
        if let Err(rule) = type_allowed(g, &p, a.room_type) {
            out.push(v(
                a.guest,
                rule,
                format!("{} in a {} room", g.name, a.room_type.as_str()),
            ));
        }
        if a.nights != g.nights {
            out.push(v(
                a.guest,
                Rule::Nights,
                format!("{} booked {:?}, stays {:?}", g.name, a.nights, g.nights),
            ));
        }
        rooms.entry((a.hotel, a.room)).or_default().push((a, g));
    }
    // Rooms: one type, beds, who shares with whom; then rooms per type per night.
    let mut used = Grid::zero(input.hotels.len(), input.nights);
    for ((hotel, room), members) in &rooms {
        let Some(&h) = hotels.get(hotel) else {
            continue;
        };
        let t = members[0].0.room_type;
        if let Some((a, _)) = members.iter().find(|(a, _)| a.room_type != t) {
            out.push(v(
                a.guest,
                Rule::Beds,
                format!("room {room} mixes room types"),
            ));
        }
        let mut nights = BTreeSet::new();
        for (a, _) in members {
            nights.extend(a.nights.clone().filter(|n| usize::from(*n) < used.nights));
        }
        for n in &nights {
            let present: Vec<&(&Assignment, &GuestNeed)> = members
                .iter()
                .filter(|(a, _)| a.nights.contains(n))
                .collect();
            if present.len() > t.beds() {
                out.push(v(
                    present[t.beds()].0.guest,
                    Rule::Beds,
                    format!(
                        "room {room} ({}): {} sleepers on {}",
                        t.as_str(),
                        present.len(),
                        label(input, *n)
                    ),
                ));
                break;
            }
        }
        for (i, (a, ga)) in members.iter().enumerate() {
            for (b, gb) in members.iter().skip(i + 1) {
                if a.nights.start >= b.nights.end || b.nights.start >= a.nights.end {
                    continue;
                }
                let ka = share_key(ga, &input.policy.for_category(ga.category()));
                let kb = share_key(gb, &input.policy.for_category(gb.category()));
                let rule = match (&ka, &kb) {
                    (Some((sa, _)), Some((sb, _))) if sa != sb => Some(Rule::Gender),
                    (Some(x), Some(y)) if x == y => None,
                    (Some(_), Some(_)) => Some(Rule::ShareKey),
                    _ if ga.gender != gb.gender || ga.gender.is_none() => Some(Rule::Gender),
                    _ => Some(Rule::ShareKey),
                };
                if let Some(rule) = rule {
                    out.push(v(
                        b.guest,
                        rule,
                        format!("{} with {} in room {room}", gb.name, ga.name),
                    ));
                }
            }
        }
        for n in nights {
            let i = used.at(h, t, usize::from(n));
            used.cells[i] += 1;
        }
    }
    let cap = Grid::capacity(input);
    for (h, hotel) in input.hotels.iter().enumerate() {
        for t in RoomType::ALL {
            let over = used
                .row(h, t)
                .iter()
                .zip(cap.row(h, t))
                .position(|(u, c)| u > c);
            if let Some(n) = over {
                let (u, c) = (used.row(h, t)[n], cap.row(h, t)[n]);
                let n = Night::try_from(n).unwrap_or(0);
                // Blame the newest room of that type there that night: usually the edit.
                let guest = rooms
                    .iter()
                    .rev()
                    .find(|((hid, _), m)| {
                        *hid == hotel.id
                            && m[0].0.room_type == t
                            && m.iter().any(|(a, _)| a.nights.contains(&n))
                    })
                    .map_or(0, |(_, m)| m[0].0.guest);
                out.push(v(
                    guest,
                    Rule::Capacity,
                    format!(
                        "{} rooms at {} on {}: {c} held, {u} used",
                        t.as_str(),
                        hotel.code,
                        label(input, n)
                    ),
                ));
            }
        }
    }
    out
}

// --- penalties ---------------------------------------------------------------------------

/// The soft-goal penalties of some assignments.
pub fn penalty(input: &Input, assignments: &[Assignment]) -> Penalty {
    let guests: BTreeMap<i64, &GuestNeed> = input.guests.iter().map(|g| (g.id, g)).collect();
    let hotels: BTreeMap<i64, usize> = input
        .hotels
        .iter()
        .enumerate()
        .map(|(i, h)| (h.id, i))
        .collect();
    let mut by_delegation: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut rooms: BTreeMap<(i64, u32), Vec<&Assignment>> = BTreeMap::new();
    let mut p = Penalty::default();
    for a in assignments {
        let Some(g) = guests.get(&a.guest) else {
            continue;
        };
        if let Some(d) = g.delegation {
            by_delegation.entry(d).or_default().insert(a.hotel);
        }
        if g.category == Some(Category::Vip) {
            if let Some(&h) = hotels.get(&a.hotel) {
                p.vip_minutes += input.hotels[h].venue_minutes;
            }
        }
        rooms.entry((a.hotel, a.room)).or_default().push(a);
    }
    p.split_delegations = by_delegation.values().map(|hs| hs.len() as u32 - 1).sum();
    let mut used = Grid::zero(input.hotels.len(), input.nights);
    for ((hotel, _), members) in &rooms {
        let Some(&h) = hotels.get(hotel) else {
            continue;
        };
        let t = members[0].room_type;
        let sharing = t.beds() > 1
            && members.iter().any(|a| {
                guests.get(&a.guest).is_some_and(|g| {
                    share_key(g, &input.policy.for_category(g.category())).is_some()
                })
            });
        for n in 0..used.nights {
            let present = members
                .iter()
                .filter(|a| a.nights.contains(&(n as Night)))
                .count();
            if present > 0 {
                let i = used.at(h, t, n);
                used.cells[i] += 1;
                if sharing {
                    p.empty_bed_nights += t.beds().saturating_sub(present) as u32;
                }
            }
        }
    }
    let cap = Grid::capacity(input);
    for (u, c) in used.cells.iter().zip(&cap.cells) {
        let threshold = c * 9 / 10;
        if *c > 0 && u > &threshold {
            p.crowded_room_nights += u - threshold;
        }
    }
    p.total = SPLIT_WEIGHT * u64::from(p.split_delegations)
        + EMPTY_BED_WEIGHT * u64::from(p.empty_bed_nights)
        + VIP_MINUTE_WEIGHT * u64::from(p.vip_minutes)
        + CROWDED_WEIGHT * u64::from(p.crowded_room_nights);
    p
}
