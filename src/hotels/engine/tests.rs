//! The engine's rules, one case each, and the property that no plan breaks a hard rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::ops::Range;

use proptest::prelude::*;

use super::*;
use crate::guests::fields::{Category, Gender};

fn guest(
    id: i64,
    category: Category,
    gender: Gender,
    delegation: i64,
    nights: Range<Night>,
) -> GuestNeed {
    GuestNeed {
        id,
        name: format!("g{id}"),
        category: Some(category),
        gender: Some(gender),
        department: 1,
        delegation: Some(delegation),
        organization: None,
        halal: false,
        accessible: false,
        nights,
    }
}

fn hotel(
    id: i64,
    categories: &[Category],
    halal: bool,
    minutes: u32,
    rooms: &[(RoomType, u32)],
    nights: Night,
) -> HotelOffer {
    HotelOffer {
        id,
        code: format!("H{id}"),
        name: format!("hotel {id}"),
        categories: categories.to_vec(),
        halal,
        venue_minutes: minutes,
        capacity: rooms
            .iter()
            .map(|(t, r)| (*t, vec![*r; usize::from(nights)]))
            .collect(),
    }
}

fn input(guests: Vec<GuestNeed>, hotels: Vec<HotelOffer>, nights: Night) -> Input {
    Input {
        nights,
        night_labels: (0..nights).map(|n| format!("06-{:02}", 18 + n)).collect(),
        guests,
        hotels,
        policy: Policy::default_policy(),
        locked: Vec::new(),
    }
}

fn of(plan: &Plan, guest: i64) -> &Assignment {
    plan.assignments
        .iter()
        .find(|a| a.guest == guest)
        .expect("placed")
}

#[test]
fn two_women_of_a_delegation_share_a_twin_and_a_man_does_not_join_them() {
    let i = input(
        vec![
            guest(1, Category::Delegate, Gender::F, 7, 0..3),
            guest(2, Category::Delegate, Gender::F, 7, 0..3),
            guest(3, Category::Delegate, Gender::M, 7, 0..3),
        ],
        vec![hotel(
            10,
            &[Category::Delegate],
            false,
            10,
            &[(RoomType::Twin, 5)],
            3,
        )],
        3,
    );
    let plan = allocate(&i);
    assert_eq!(of(&plan, 1).room, of(&plan, 2).room);
    assert_ne!(of(&plan, 3).room, of(&plan, 1).room);
    assert!(violations(&i, &plan.assignments).is_empty());
    assert_eq!(
        plan.penalty.empty_bed_nights, 3,
        "the man's twin has an empty bed for 3 nights"
    );
}

#[test]
fn guests_of_different_delegations_never_share() {
    let i = input(
        vec![
            guest(1, Category::Delegate, Gender::F, 7, 0..3),
            guest(2, Category::Delegate, Gender::F, 8, 0..3),
        ],
        vec![hotel(
            10,
            &[Category::Delegate],
            false,
            10,
            &[(RoomType::Twin, 5)],
            3,
        )],
        3,
    );
    let plan = allocate(&i);
    assert_ne!(of(&plan, 1).room, of(&plan, 2).room);
}

#[test]
fn a_halal_guest_goes_only_where_halal_food_is_served() {
    let mut g = guest(1, Category::Delegate, Gender::M, 7, 0..2);
    g.halal = true;
    let i = input(
        vec![g.clone()],
        vec![
            hotel(
                10,
                &[Category::Delegate],
                false,
                5,
                &[(RoomType::Twin, 5)],
                2,
            ),
            hotel(
                11,
                &[Category::Delegate],
                true,
                30,
                &[(RoomType::Twin, 5)],
                2,
            ),
        ],
        2,
    );
    assert_eq!(of(&allocate(&i), 1).hotel, 11);
    let none = input(
        vec![g],
        vec![hotel(
            10,
            &[Category::Delegate],
            false,
            5,
            &[(RoomType::Twin, 5)],
            2,
        )],
        2,
    );
    let plan = allocate(&none);
    assert!(plan.assignments.is_empty());
    assert!(
        plan.unplaced[0].reason_en.contains("halal"),
        "{:?}",
        plan.unplaced
    );
}

#[test]
fn a_guest_needing_access_gets_an_accessible_room_and_others_do_not() {
    let mut g = guest(1, Category::Delegate, Gender::M, 7, 0..2);
    g.accessible = true;
    let i = input(
        vec![g, guest(2, Category::Delegate, Gender::M, 8, 0..2)],
        vec![hotel(
            10,
            &[Category::Delegate],
            false,
            5,
            &[(RoomType::Twin, 5), (RoomType::Accessible, 1)],
            2,
        )],
        2,
    );
    let plan = allocate(&i);
    assert_eq!(of(&plan, 1).room_type, RoomType::Accessible);
    assert_eq!(of(&plan, 2).room_type, RoomType::Twin);
}

#[test]
fn rooms_per_night_never_exceed_the_block_and_the_reason_names_type_gender_and_night() {
    let i = input(
        vec![
            guest(1, Category::Journalist, Gender::F, 1, 0..2),
            guest(2, Category::Journalist, Gender::F, 2, 1..3),
        ]
        .into_iter()
        .map(|mut g| {
            g.organization = Some(format!("outlet {}", g.id));
            g.delegation = None;
            g
        })
        .collect(),
        vec![hotel(
            10,
            &[Category::Journalist],
            false,
            5,
            &[(RoomType::Twin, 1)],
            3,
        )],
        3,
    );
    let plan = allocate(&i);
    assert_eq!(plan.assignments.len(), 1);
    assert_eq!(
        plan.unplaced[0].reason_en,
        "no twin or single rooms for women at press hotels on 06-19"
    );
    assert!(
        plan.unplaced[0].reason_zh.contains("06-19") && plan.unplaced[0].reason_zh.contains("女性")
    );
    assert!(violations(&i, &plan.assignments).is_empty());
}

#[test]
fn vips_go_to_the_nearest_hotel_and_locks_are_kept() {
    let mut i = input(
        vec![
            guest(1, Category::Vip, Gender::M, 1, 0..2),
            guest(2, Category::Vip, Gender::M, 2, 0..2),
        ],
        vec![
            hotel(10, &[Category::Vip], false, 30, &[(RoomType::Suite, 5)], 2),
            hotel(11, &[Category::Vip], false, 5, &[(RoomType::Suite, 5)], 2),
        ],
        2,
    );
    let plan = allocate(&i);
    assert_eq!(
        (of(&plan, 1).hotel, of(&plan, 1).why),
        (11, Why::NearestVenue)
    );
    i.locked = vec![Locked {
        guest: 2,
        hotel: 10,
        room_type: RoomType::Suite,
        room: 9,
    }];
    let plan = allocate(&i);
    assert_eq!(
        (of(&plan, 2).hotel, of(&plan, 2).locked, of(&plan, 2).why),
        (10, true, Why::Locked)
    );
    assert_eq!(of(&plan, 1).hotel, 11);
}

#[test]
fn a_lock_that_breaks_a_rule_is_dropped_and_the_guest_placed_again() {
    let mut i = input(
        vec![guest(1, Category::Delegate, Gender::M, 1, 0..2)],
        vec![
            hotel(10, &[Category::Vip], false, 5, &[(RoomType::Suite, 5)], 2),
            hotel(
                11,
                &[Category::Delegate],
                false,
                5,
                &[(RoomType::Twin, 5)],
                2,
            ),
        ],
        2,
    );
    i.locked = vec![Locked {
        guest: 1,
        hotel: 10,
        room_type: RoomType::Suite,
        room: 1,
    }];
    let plan = allocate(&i);
    assert_eq!(of(&plan, 1).hotel, 11);
    assert_eq!(of(&plan, 1).why, Why::LockDropped(Rule::Category));
    assert!(!of(&plan, 1).locked);
}

#[test]
fn the_same_input_gives_the_same_plan() {
    let i = synthetic(600, 8, 8, 3);
    assert_eq!(allocate(&i), allocate(&i));
}

#[test]
fn the_engine_places_most_guests_and_beats_first_fit() {
    let i = synthetic(2000, 8, 10, 1);
    let plan = allocate(&i);
    let greedy = first_fit(&i);
    assert!(violations(&i, &plan.assignments).is_empty());
    assert!(violations(&i, &greedy.assignments).is_empty());
    assert!(
        plan.assignments.len() * 100 >= 95 * i.guests.len(),
        "placed {} of {}",
        plan.assignments.len(),
        i.guests.len()
    );
    assert!(
        plan.penalty.total < greedy.penalty.total,
        "{:?} vs {:?}",
        plan.penalty,
        greedy.penalty
    );
}

#[test]
fn the_checker_catches_every_kind_of_broken_plan() {
    let mut g3 = guest(3, Category::Delegate, Gender::M, 7, 0..2);
    g3.halal = true;
    let i = input(
        vec![
            guest(1, Category::Delegate, Gender::F, 7, 0..2),
            guest(2, Category::Delegate, Gender::F, 8, 0..2),
            g3,
            guest(4, Category::Vip, Gender::M, 1, 0..2),
        ],
        vec![hotel(
            10,
            &[Category::Delegate],
            false,
            5,
            &[(RoomType::Twin, 1)],
            2,
        )],
        2,
    );
    let a = |guest: i64, room: u32, t: RoomType, nights: Range<Night>| Assignment {
        guest,
        hotel: 10,
        room_type: t,
        room,
        nights,
        locked: false,
        why: Why::Alone,
    };
    let rules = |list: Vec<Assignment>| -> BTreeSet<Rule> {
        violations(&i, &list).into_iter().map(|v| v.rule).collect()
    };
    assert!(rules(vec![
        a(1, 1, RoomType::Twin, 0..2),
        a(2, 1, RoomType::Twin, 0..2)
    ])
    .contains(&Rule::ShareKey));
    assert!(rules(vec![
        a(1, 1, RoomType::Twin, 0..2),
        a(3, 1, RoomType::Twin, 0..2)
    ])
    .contains(&Rule::Gender));
    assert!(rules(vec![a(3, 1, RoomType::Twin, 0..2)]).contains(&Rule::Halal));
    assert!(rules(vec![a(4, 1, RoomType::Suite, 0..2)]).contains(&Rule::Category));
    assert!(rules(vec![a(1, 1, RoomType::Suite, 0..2)]).contains(&Rule::RoomType));
    assert!(rules(vec![a(1, 1, RoomType::Twin, 0..1)]).contains(&Rule::Nights));
    assert!(rules(vec![
        a(1, 1, RoomType::Twin, 0..2),
        a(2, 2, RoomType::Twin, 0..2)
    ])
    .contains(&Rule::Capacity));
    assert!(rules(vec![
        a(1, 1, RoomType::Twin, 0..2),
        a(1, 1, RoomType::Twin, 0..2)
    ])
    .contains(&Rule::Duplicate));
    assert!(rules(vec![a(99, 1, RoomType::Twin, 0..2)]).contains(&Rule::UnknownGuest));
}

fn arb_input() -> impl Strategy<Value = Input> {
    (1usize..=6, 1u16..=8, 0usize..=120, any::<u64>())
        .prop_flat_map(|(hotels, nights, guests, seed)| {
            let hotel = (
                proptest::collection::vec(0usize..5, 1..4),
                any::<bool>(),
                0u32..60,
                proptest::collection::vec(
                    (
                        0usize..4,
                        proptest::collection::vec(0u32..6, nights as usize),
                    ),
                    0..5,
                ),
            );
            let guest = (
                0usize..6,
                0usize..3,
                0i64..4,
                0i64..3,
                0usize..3,
                0u8..10,
                0u8..20,
                0u16..nights,
                1u16..=nights,
            );
            let policy = proptest::collection::vec(
                (
                    proptest::collection::vec(0usize..4, 1..3),
                    any::<bool>(),
                    0usize..3,
                    proptest::collection::vec(0usize..6, 0..2),
                ),
                5,
            );
            let locks =
                proptest::collection::vec((0usize..120, 0usize..6, 0usize..4, 0u32..5), 0..10);
            (
                Just((hotels, nights, seed)),
                proptest::collection::vec(hotel, hotels),
                proptest::collection::vec(guest, guests),
                policy,
                locks,
            )
        })
        .prop_map(|((_, nights, _), hotels, guests, policy, locks)| {
            let hotel_ids: Vec<i64> = (0..hotels.len() as i64).map(|h| 100 + h).collect();
            let offers = hotels
                .into_iter()
                .enumerate()
                .map(|(h, (cats, halal, minutes, blocks))| HotelOffer {
                    id: hotel_ids[h],
                    code: format!("H{h}"),
                    name: format!("h{h}"),
                    categories: cats.into_iter().map(|c| Category::ALL[c]).collect(),
                    halal,
                    venue_minutes: minutes,
                    capacity: blocks
                        .into_iter()
                        .map(|(t, rooms)| (RoomType::ALL[t], rooms))
                        .collect(),
                })
                .collect();
            let list = guests
                .into_iter()
                .enumerate()
                .map(
                    |(i, (cat, gender, delegation, dept, org, halal, access, start, len))| {
                        let start = start.min(nights - 1);
                        GuestNeed {
                            id: i as i64 + 1,
                            name: format!("g{i}"),
                            category: Category::ALL.get(cat).copied(),
                            gender: [Some(Gender::M), Some(Gender::F), None][gender],
                            department: dept,
                            delegation: (delegation > 0).then_some(delegation),
                            organization: (org > 0).then(|| format!("o{org}")),
                            halal: halal < 2,
                            accessible: access < 2,
                            nights: start..(start + len).min(nights).max(start + 1),
                        }
                    },
                )
                .collect();
            let policy = Policy {
                categories: Category::ALL
                    .into_iter()
                    .zip(policy)
                    .map(|(category, (types, shared, by, hotels))| CategoryPolicy {
                        category,
                        hotels: hotels
                            .into_iter()
                            .filter_map(|h| hotel_ids.get(h).copied())
                            .collect(),
                        room_types: types.into_iter().map(|t| RoomType::ALL[t]).collect(),
                        shared,
                        share_by: [
                            ShareBy::Delegation,
                            ShareBy::Department,
                            ShareBy::Organization,
                        ][by],
                    })
                    .collect(),
            };
            let locked = locks
                .into_iter()
                .map(|(g, h, t, room)| Locked {
                    guest: g as i64 + 1,
                    hotel: 100 + h as i64,
                    room_type: RoomType::ALL[t],
                    room,
                })
                .collect();
            Input {
                nights,
                night_labels: (0..nights).map(|n| format!("06-{:02}", 10 + n)).collect(),
                guests: list,
                hotels: offers,
                policy,
                locked,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn no_plan_ever_breaks_a_hard_rule(input in arb_input()) {
        for plan in [allocate(&input), first_fit(&input)] {
            let broken = violations(&input, &plan.assignments);
            prop_assert!(broken.is_empty(), "{:?}", broken);
            let mut ids: Vec<i64> = plan.assignments.iter().map(|a| a.guest).chain(plan.unplaced.iter().map(|u| u.guest)).collect();
            ids.sort_unstable();
            let mut all: Vec<i64> = input.guests.iter().map(|g| g.id).collect();
            all.sort_unstable();
            prop_assert_eq!(ids, all, "every guest placed once or unplaced once");
        }
    }
}
