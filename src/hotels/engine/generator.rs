//! Synthetic events for tests and benchmarks: [`synthetic`], a roomy event like the ones
//! reception plans months ahead, and [`tight`], one whose busiest night needs about all the
//! rooms held, with the scarce hotels (halal team hotels, the press hotels, the VIP hotel)
//! as bottlenecks. Deterministic: the same seed gives the same event.

use std::collections::BTreeMap;
use std::ops::Range;

use super::types::{GuestNeed, HotelOffer, Input, Night, Policy, RoomType};
use crate::guests::fields::{Category, Gender};

/// A small deterministic generator (xorshift64*), so tests and benchmarks need no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A realistic event: ~5% VIPs, 10% entourage, 15% journalists of 60 outlets, 10% staff, the
/// rest delegates in 300 delegations; ~4% halal (most in a few delegations), ~1% needing
/// access; stays of 3–14 nights. Hotels: two VIP hotels near the venue, four press hotels
/// (two halal), the rest team hotels (every third halal), each holding about 110% of what its
/// guests need at the busiest night.
pub fn synthetic(guests: usize, hotels: usize, nights: Night, seed: u64) -> Input {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let nights = nights.max(3);
    let mut list = Vec::with_capacity(guests);
    for i in 0..guests {
        let roll = rng.below(100);
        let category = match roll {
            0..=4 => Category::Vip,
            5..=14 => Category::Entourage,
            15..=29 => Category::Journalist,
            30..=39 => Category::Staff,
            _ => Category::Delegate,
        };
        let delegation = matches!(
            category,
            Category::Vip | Category::Entourage | Category::Delegate
        )
        .then(|| 1 + rng.below(300) as i64);
        let organization =
            (category == Category::Journalist).then(|| format!("媒体{}", rng.below(60)));
        let department = match category {
            Category::Journalist => 2,
            Category::Staff => 3 + rng.below(5) as i64,
            _ => 1,
        };
        let halal = match delegation {
            Some(d) if d % 25 == 0 => rng.chance(70),
            _ => rng.chance(2),
        };
        let len = 3 + rng.below(12) as Night;
        let len = len.min(nights);
        let start = rng.below(u64::from(nights - len) + 1) as Night;
        list.push(GuestNeed {
            id: i as i64 + 1,
            name: format!("来宾{}", i + 1),
            category: Some(category),
            gender: Some(if rng.chance(50) { Gender::M } else { Gender::F }),
            department,
            delegation,
            organization,
            halal,
            accessible: rng.chance(1),
            nights: start..start + len,
        });
    }
    // Peak guests per night, by the group of hotels that takes them.
    let peak = |f: &dyn Fn(&GuestNeed) -> bool| -> u32 {
        (0..nights)
            .map(|n| {
                list.iter()
                    .filter(|g| f(g) && g.nights.contains(&n))
                    .count() as u32
            })
            .max()
            .unwrap_or(0)
    };
    let vip = peak(&|g| g.category == Some(Category::Vip));
    let entourage = peak(&|g| g.category == Some(Category::Entourage));
    let press = peak(&|g| g.category == Some(Category::Journalist));
    let team = peak(&|g| matches!(g.category, Some(Category::Delegate | Category::Staff)));
    let access = |f: &dyn Fn(&GuestNeed) -> bool| peak(&|g| g.accessible && f(g));
    let hotels = hotels.max(7);
    let team_hotels = (hotels - 6) as u32;
    let mut offers = Vec::with_capacity(hotels);
    let block = |rooms: u32| vec![rooms; usize::from(nights)];
    let share = |total: u32, parts: u32| (total * 11 / 10).div_ceil(parts.max(1)) + 1;
    for h in 0..hotels {
        let (categories, halal, minutes, capacity) = match h {
            0 | 1 => (
                vec![Category::Vip, Category::Entourage],
                true,
                5 + h as u32 * 5,
                vec![
                    (RoomType::Suite, block(share(vip, 2))),
                    (RoomType::Single, block(share(vip / 4, 2))),
                    (RoomType::Twin, block(share(entourage * 6 / 10, 2))),
                    (
                        RoomType::Accessible,
                        block(share(
                            access(&|g| {
                                matches!(g.category, Some(Category::Vip | Category::Entourage))
                            }),
                            2,
                        )),
                    ),
                ],
            ),
            2..=5 => (
                vec![Category::Journalist],
                h < 4,
                12 + h as u32 * 2,
                vec![
                    (RoomType::Twin, block(share(press * 6 / 10, 4))),
                    (RoomType::Single, block(share(press / 10, 4))),
                    (
                        RoomType::Accessible,
                        block(share(
                            access(&|g| g.category == Some(Category::Journalist)),
                            4,
                        )),
                    ),
                ],
            ),
            _ => (
                vec![Category::Delegate, Category::Staff, Category::Entourage],
                h % 3 == 0,
                10 + (h as u32 * 7) % 30,
                vec![
                    (RoomType::Twin, block(share(team * 6 / 10, team_hotels))),
                    (RoomType::Single, block(share(team / 20, team_hotels))),
                    (
                        RoomType::Accessible,
                        block(
                            share(
                                access(&|g| {
                                    matches!(g.category, Some(Category::Delegate | Category::Staff))
                                }),
                                team_hotels,
                            ) + 1,
                        ),
                    ),
                ],
            ),
        };
        offers.push(HotelOffer {
            id: 100 + h as i64,
            code: format!("H{:02}", h + 1),
            name: format!("宾馆{}", h + 1),
            categories,
            halal,
            venue_minutes: minutes,
            capacity,
        });
    }
    Input {
        nights,
        night_labels: (0..nights).map(|n| format!("06-{:02}", 10 + n)).collect(),
        guests: list,
        hotels: offers,
        policy: Policy::default_policy(),
        locked: Vec::new(),
    }
}

/// Which group of hotels a guest of a tight event is counted in when the rooms are sized.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Sized {
    Vip,
    PressHalal,
    Press,
    TeamHalal,
    Team,
}

/// A tight event of `guests` guests over `hotels` hotels (at least 4) and `nights` nights.
/// The seed varies everything else: the share of mostly-halal delegations (5–20 %) and of
/// halal guests elsewhere (1–3 %), guests needing access (0–3 %), delegation sizes (means of
/// 4–30), stays (2 nights to the whole event; a delegation travels together, a few members
/// a night apart), and the rooms held: 95–105 % of what the busiest night needs, room type by
/// room type, in each group of hotels — the VIP hotel (VIPs and entourage), the press hotels
/// (one halal), the team hotels (every third halal). The halal team and press hotels are sized
/// for their halal guests and some others, so guests who could sleep elsewhere can crowd the
/// halal guests out.
pub fn tight(guests: usize, hotels: usize, nights: Night, seed: u64) -> Input {
    let mut rng = Rng((seed ^ 0x5851_F42D_4C95_7F2D).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let nights = nights.max(3);
    let halal_teams = 5 + rng.below(16);
    let halal_loose = 1 + rng.below(3);
    let access_permille = rng.below(31);
    let team_size = 4 + rng.below(27);
    let factor = 95 + rng.below(11);
    let press = guests * (10 + rng.below(10) as usize) / 100;
    let staff = guests * (6 + rng.below(8) as usize) / 100;
    let teams = guests.saturating_sub(press + staff);
    let stay = |rng: &mut Rng| -> Range<Night> {
        let len = 2 + rng.below(u64::from(nights - 1)) as Night;
        let len = len.min(nights);
        let start = rng.below(u64::from(nights - len) + 1) as Night;
        start..start + len
    };
    // A night earlier or later at either end, now and then.
    let jitter = |rng: &mut Rng, s: &Range<Night>| -> Range<Night> {
        let start = match rng.below(3) {
            0 => s.start.saturating_sub(1),
            1 => (s.start + 1).min(s.end - 1),
            _ => s.start,
        };
        let end = match rng.below(3) {
            0 => (s.end + 1).min(nights),
            1 => (s.end - 1).max(start + 1),
            _ => s.end,
        };
        start..end.max(start + 1)
    };
    let mut list: Vec<(GuestNeed, Sized)> = Vec::with_capacity(guests);
    let push = |rng: &mut Rng, list: &mut Vec<(GuestNeed, Sized)>, mut g: GuestNeed, sized| {
        g.id = list.len() as i64 + 1;
        g.name = format!("来宾{}", g.id);
        g.gender = Some(if rng.chance(50) { Gender::M } else { Gender::F });
        g.accessible = rng.below(1000) < access_permille;
        list.push((g, sized));
    };
    let base = GuestNeed {
        id: 0,
        name: String::new(),
        category: None,
        gender: None,
        department: 1,
        delegation: None,
        organization: None,
        halal: false,
        accessible: false,
        nights: 0..1,
    };
    let mut d = 0i64;
    while list.len() < teams {
        d += 1;
        let size = (1 + rng.below(2 * team_size) as usize).min(teams - list.len());
        let halal_team = rng.chance(halal_teams);
        // Some delegations other than the halal ones are sized into the halal hotels too.
        let in_halal = halal_team || rng.chance(25);
        let vip = size >= 3 && rng.chance(50);
        let nights_of = stay(&mut rng);
        for i in 0..size {
            let category = match i {
                0 if vip => Category::Vip,
                1 | 2 if vip => Category::Entourage,
                _ => Category::Delegate,
            };
            let halal = if halal_team {
                rng.chance(80)
            } else {
                rng.chance(halal_loose)
            };
            let sized = match (category, in_halal) {
                (Category::Vip | Category::Entourage, _) => Sized::Vip,
                (_, true) => Sized::TeamHalal,
                _ if halal => Sized::TeamHalal,
                _ => Sized::Team,
            };
            let own = if rng.chance(85) {
                nights_of.clone()
            } else {
                jitter(&mut rng, &nights_of)
            };
            let g = GuestNeed {
                category: Some(category),
                delegation: Some(d),
                halal,
                nights: own,
                ..base.clone()
            };
            push(&mut rng, &mut list, g, sized);
        }
    }
    let mut outlet = 0;
    while list.len() < teams + press {
        outlet += 1;
        let size = (1 + rng.below(6) as usize).min(teams + press - list.len());
        let halal_outlet = rng.chance(halal_teams);
        let in_halal = halal_outlet || rng.chance(30);
        let nights_of = stay(&mut rng);
        for _ in 0..size {
            let halal = if halal_outlet {
                rng.chance(80)
            } else {
                rng.chance(halal_loose)
            };
            let own = if rng.chance(50) {
                nights_of.clone()
            } else {
                jitter(&mut rng, &nights_of)
            };
            let g = GuestNeed {
                category: Some(Category::Journalist),
                department: 2,
                organization: Some(format!("媒体{outlet}")),
                halal,
                nights: own,
                ..base.clone()
            };
            let sized = if in_halal || halal {
                Sized::PressHalal
            } else {
                Sized::Press
            };
            push(&mut rng, &mut list, g, sized);
        }
    }
    while list.len() < guests {
        let start = rng.below(3).min(u64::from(nights - 1)) as Night;
        let end = nights - (rng.below(3) as Night).min(nights - start - 1);
        let halal = rng.chance(halal_loose);
        let g = GuestNeed {
            category: Some(Category::Staff),
            department: 3 + rng.below(6) as i64,
            halal,
            nights: start..end,
            ..base.clone()
        };
        let sized = if halal || rng.chance(20) {
            Sized::TeamHalal
        } else {
            Sized::Team
        };
        push(&mut rng, &mut list, g, sized);
    }
    let offers = tight_hotels(&list, hotels.max(4), nights, factor);
    Input {
        nights,
        night_labels: (0..nights).map(|n| format!("07-{:02}", 1 + n)).collect(),
        guests: list.into_iter().map(|(g, _)| g).collect(),
        hotels: offers,
        policy: Policy::default_policy(),
        locked: Vec::new(),
    }
}

/// Hotels for a tight event: the VIP hotel, the press hotels (the first halal), the team
/// hotels (every third halal), each group holding `factor` % of the rooms its guests need on
/// the busiest night, per room type: twins for pairs of one gender and share key (an odd one
/// out takes a twin alone), one-bed rooms for those who sleep alone, accessible rooms.
fn tight_hotels(
    list: &[(GuestNeed, Sized)],
    hotels: usize,
    nights: Night,
    factor: u64,
) -> Vec<HotelOffer> {
    let press_hotels = (hotels / 6).max(1);
    let mut groups: BTreeMap<Sized, Vec<usize>> = BTreeMap::new();
    for h in 0..hotels {
        let g = match h {
            0 => Sized::Vip,
            h if h <= press_hotels => {
                if h == 1 {
                    Sized::PressHalal
                } else {
                    Sized::Press
                }
            }
            h if (h - press_hotels - 1) % 3 == 0 => Sized::TeamHalal,
            _ => Sized::Team,
        };
        groups.entry(g).or_default().push(h);
    }
    // Guests sized into a group with no hotel of its own go to its neighbour.
    let fallback = |s: Sized| match s {
        Sized::Press if !groups.contains_key(&Sized::Press) => Sized::PressHalal,
        Sized::Team if !groups.contains_key(&Sized::Team) => Sized::TeamHalal,
        s => s,
    };
    // Rooms needed per group, type and night.
    let mut need: BTreeMap<(Sized, RoomType), Vec<u32>> = BTreeMap::new();
    let mut sharers: BTreeMap<(Sized, Night, u8, i64, String), u32> = BTreeMap::new();
    for (g, s) in list {
        let s = fallback(*s);
        let cat = g.category.unwrap_or(Category::Delegate);
        for n in g.nights.clone() {
            let t = if g.accessible {
                RoomType::Accessible
            } else if cat == Category::Vip {
                RoomType::Suite
            } else {
                let key = (
                    s,
                    n,
                    g.gender.map_or(2, |x| x as u8),
                    if cat == Category::Staff {
                        g.department
                    } else {
                        g.delegation.unwrap_or(0)
                    },
                    g.organization.clone().unwrap_or_default(),
                );
                let c = sharers.entry(key).or_default();
                *c += 1;
                if *c % 2 == 0 {
                    continue;
                }
                RoomType::Twin
            };
            need.entry((s, t))
                .or_insert_with(|| vec![0; usize::from(nights)])[usize::from(n)] += 1;
        }
    }
    let mut offers: Vec<HotelOffer> = (0..hotels)
        .map(|h| {
            let (categories, halal, minutes) = match groups
                .iter()
                .find(|(_, hs)| hs.contains(&h))
                .map(|(g, _)| *g)
            {
                Some(Sized::Vip) => (vec![Category::Vip, Category::Entourage], true, 5),
                Some(Sized::PressHalal) => (vec![Category::Journalist], true, 15),
                Some(Sized::Press) => (vec![Category::Journalist], false, 18),
                Some(Sized::TeamHalal) => (
                    vec![Category::Delegate, Category::Staff, Category::Entourage],
                    true,
                    20 + h as u32 % 7,
                ),
                _ => (
                    vec![Category::Delegate, Category::Staff, Category::Entourage],
                    false,
                    22 + h as u32 % 9,
                ),
            };
            HotelOffer {
                id: 200 + h as i64,
                code: format!("H{:02}", h + 1),
                name: format!("宾馆{}", h + 1),
                categories,
                halal,
                venue_minutes: minutes,
                capacity: Vec::new(),
            }
        })
        .collect();
    for ((s, t), per_night) in need {
        let Some(hs) = groups.get(&s) else {
            continue;
        };
        let peak = u64::from(per_night.iter().copied().max().unwrap_or(0));
        let total = (peak * factor).div_ceil(100);
        let parts = hs.len() as u64;
        for (i, &h) in hs.iter().enumerate() {
            let rooms = total / parts + u64::from((i as u64) < total % parts);
            let rooms = u32::try_from(rooms).unwrap_or(u32::MAX);
            offers[h]
                .capacity
                .push((t, vec![rooms; usize::from(nights)]));
        }
    }
    offers
}
