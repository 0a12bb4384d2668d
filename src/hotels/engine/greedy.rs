//! The construction: reception's locks kept, then clusters placed whole or split, then the
//! rest guest by guest, the tightest first.

use std::collections::{BTreeMap, BTreeSet};

use super::check::{hotel_allows, type_allowed};
use super::state::State;
use super::types::{RoomType, Rule, Why};
use crate::guests::fields::{Category, Gender};

impl State<'_> {
    /// Places a group whole, or splits it: by category, then by gender, then guest by guest.
    /// Guests no hotel takes go to `out`.
    pub(super) fn place_group(
        &mut self,
        members: Vec<usize>,
        level: u8,
        cluster_hotels: &mut BTreeSet<usize>,
        out: &mut Vec<usize>,
    ) {
        if members.is_empty() {
            return;
        }
        if let Some((h, spots)) = self.choose(&members, cluster_hotels) {
            let vip = members
                .iter()
                .any(|m| self.needs[*m].guest.category == Some(Category::Vip));
            let why = match level {
                0 if vip => Why::NearestVenue,
                0 => Why::WithGroup,
                3 => Why::Alone,
                _ => Why::GroupSplit,
            };
            self.commit(h, &members, &spots, why);
            cluster_hotels.insert(h);
            return;
        }
        if level >= 3 {
            out.extend(members);
            return;
        }
        if level == 2 {
            for m in members {
                self.place_group(vec![m], 3, cluster_hotels, out);
            }
            return;
        }
        let mut parts: BTreeMap<(u8, u8), Vec<usize>> = BTreeMap::new();
        for m in members {
            let g = self.needs[m].guest;
            let cat = Category::ALL
                .iter()
                .position(|c| *c == g.category())
                .unwrap_or(0) as u8;
            let gender = match g.gender {
                Some(Gender::M) => 0,
                Some(Gender::F) => 1,
                None => 2,
            };
            let part = if level == 0 { (cat, 0) } else { (cat, gender) };
            parts.entry(part).or_default().push(m);
        }
        for (_, part) in parts {
            self.place_group(part, level + 1, cluster_hotels, out);
        }
    }

    /// Keeps reception's locks that still obey the rules; returns the guests whose lock broke one.
    pub(super) fn place_locked(&mut self) -> BTreeMap<usize, Rule> {
        let index: BTreeMap<i64, usize> = self
            .needs
            .iter()
            .enumerate()
            .map(|(i, n)| (n.guest.id, i))
            .collect();
        let hotels: BTreeMap<i64, usize> = self
            .input
            .hotels
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id, i))
            .collect();
        let mut dropped = BTreeMap::new();
        let mut groups: BTreeMap<(i64, u32), Vec<(usize, RoomType)>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for l in &self.input.locked {
            let Some(&m) = index.get(&l.guest) else {
                continue;
            };
            if !seen.insert(m) {
                continue;
            }
            groups
                .entry((l.hotel, l.room))
                .or_default()
                .push((m, l.room_type));
        }
        for ((hotel, _), mut members) in groups {
            let Some(&h) = hotels.get(&hotel) else {
                for (m, _) in members {
                    dropped.insert(m, Rule::UnknownHotel);
                }
                continue;
            };
            // Members with their own problem first; then the room as a whole.
            members.retain(|(m, t)| {
                let need = &self.needs[*m];
                let own = hotel_allows(need.guest, &need.policy, &self.input.hotels[h])
                    .and_then(|_| type_allowed(need.guest, &need.policy, *t));
                if let Err(rule) = own {
                    dropped.insert(*m, rule);
                }
                own.is_ok()
            });
            // The longest stay opens the room; the others must fit inside it.
            members.sort_by_key(|(m, _)| {
                std::cmp::Reverse(
                    self.needs[*m].guest.nights.end - self.needs[*m].guest.nights.start,
                )
            });
            let Some(&(first, t)) = members.first() else {
                continue;
            };
            let mut room_ok: Vec<(usize, RoomType)> = vec![(first, t)];
            for &(m, mt) in members.iter().skip(1) {
                let (a, b) = (&self.needs[first], &self.needs[m]);
                let inside = a.guest.nights.start <= b.guest.nights.start
                    && b.guest.nights.end <= a.guest.nights.end;
                let rule = if mt != t || room_ok.len() >= t.beds() {
                    Some(Rule::Beds)
                } else if a.key.is_none()
                    || b.key.is_none()
                    || a.key.as_ref().map(|k| k.0) != b.key.as_ref().map(|k| k.0)
                {
                    Some(Rule::Gender)
                } else if a.key != b.key {
                    Some(Rule::ShareKey)
                } else if !inside {
                    Some(Rule::Nights)
                } else {
                    None
                };
                match rule {
                    Some(rule) => {
                        dropped.insert(m, rule);
                    }
                    None => room_ok.push((m, mt)),
                }
            }
            let nights = self.needs[first].guest.nights.clone();
            let none = vec![0u32; RoomType::ALL.len() * self.cap.nights];
            if !self.fits(h, t, &nights, &none) {
                for (m, _) in room_ok {
                    dropped.insert(m, Rule::Capacity);
                }
                continue;
            }
            let room = self.new_room(h, t, self.needs[first].key.clone(), true);
            for (m, _) in room_ok {
                self.seat(m, room, Why::Locked);
            }
        }
        dropped
    }

    /// Places the pending guests by cluster: VIP clusters first (nearest hotels), then those
    /// with halal or accessible members (their rooms are the scarcest), then the largest.
    /// Returns the guests no hotel took.
    pub(super) fn place_clusters(&mut self, pending: &[usize]) -> Vec<usize> {
        let mut by_cluster: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &m in pending {
            by_cluster.entry(self.needs[m].cluster).or_default().push(m);
        }
        let mut order: Vec<((bool, bool, usize), Vec<usize>)> = by_cluster
            .into_values()
            .map(|members| {
                let g = |m: &usize| self.needs[*m].guest;
                let vip = members.iter().any(|m| g(m).category == Some(Category::Vip));
                let scarce = members.iter().any(|m| g(m).halal || g(m).accessible);
                ((vip, scarce, members.len()), members)
            })
            .collect();
        // Stable: the clusters' first-seen order breaks ties.
        order.sort_by(|a, b| b.0.cmp(&a.0));
        let mut out = Vec::new();
        for (_, mut members) in order {
            // Longer stays first inside each sharing group, so shorter ones can join their rooms.
            members.sort_by(|&a, &b| {
                let (na, nb) = (&self.needs[a], &self.needs[b]);
                let (ga, gb) = (na.guest, nb.guest);
                (
                    na.key.as_ref().map(|k| (k.0 as u8, &k.1)),
                    std::cmp::Reverse(ga.nights.end - ga.nights.start),
                    ga.nights.start,
                    ga.id,
                )
                    .cmp(&(
                        nb.key.as_ref().map(|k| (k.0 as u8, &k.1)),
                        std::cmp::Reverse(gb.nights.end - gb.nights.start),
                        gb.nights.start,
                        gb.id,
                    ))
            });
            let mut hotels_used = self.cluster_hotels(members[0]);
            self.place_group(members, 0, &mut hotels_used, &mut out);
        }
        out
    }

    /// Places guests one by one, the most constrained first (fewest hotels, then longest
    /// stay), each near their cluster when it can. Returns those no hotel took.
    pub(super) fn place_each(&mut self, mut list: Vec<usize>) -> Vec<usize> {
        list.sort_by_key(|&m| {
            let n = &self.needs[m];
            (
                n.hotels.len(),
                std::cmp::Reverse(n.guest.nights.end - n.guest.nights.start),
                m,
            )
        });
        let mut out = Vec::new();
        for m in list {
            let near = self.cluster_hotels(m);
            match self.choose(&[m], &near) {
                Some((h, spots)) => self.commit(h, &[m], &spots, Why::Alone),
                None => out.push(m),
            }
        }
        out
    }
}
