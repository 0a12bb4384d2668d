//! Why a guest has no room, as data ([`Cause`]), and the sentence the plan stores today in
//! both languages. The data tells apart "the rules allow no room" (reception changes the
//! rules or the guest) from "rooms exist but are taken" (ask the hotels, or move guests).

use std::ops::Range;

use super::check::label;
use super::state::State;
use super::types::{Cause, HotelOffer, Input, Move, Night, RoomType, Rule};
use crate::guests::fields::{Category, Gender};

impl State<'_> {
    /// Why guest `m` cannot be placed as things stand. `unplannable` is the rule a guest
    /// breaks before any hotel is looked at (nights outside the event, listed twice).
    pub(super) fn cause(&self, m: usize, unplannable: Option<Rule>) -> Cause {
        let need = &self.needs[m];
        let g = need.guest;
        if let Some(rule) = unplannable {
            return Cause::NoRoom {
                rule,
                nights: g.nights.clone(),
            };
        }
        if need.hotels.is_empty() {
            let cat = g.category();
            let serving: Vec<&HotelOffer> = self
                .input
                .hotels
                .iter()
                .filter(|h| h.categories.contains(&cat))
                .collect();
            let rule = if serving.is_empty() {
                Rule::Category
            } else if g.halal && !serving.iter().any(|h| h.halal) {
                Rule::Halal
            } else {
                Rule::PolicyHotel
            };
            return Cause::NoRoom {
                rule,
                nights: g.nights.clone(),
            };
        }
        let allowed = |n: Night, test: &dyn Fn(usize) -> bool| {
            need.hotels.iter().all(|&h| {
                need.types
                    .iter()
                    .all(|&t| test(self.cap.at(h, t, usize::from(n))))
            })
        };
        // Nights no hotel the guest may have holds a room of an allowed type at all.
        let none_held: Vec<Night> = g
            .nights
            .clone()
            .filter(|&n| allowed(n, &|i| self.cap.cells[i] == 0))
            .collect();
        if let Some(&first) = none_held.first() {
            let mut end = first + 1;
            while none_held.contains(&end) {
                end += 1;
            }
            let rule = if g.accessible {
                Rule::Access
            } else {
                Rule::RoomType
            };
            return Cause::NoRoom {
                rule,
                nights: first..end,
            };
        }
        let taken: Vec<Night> = g
            .nights
            .clone()
            .filter(|&n| allowed(n, &|i| self.used.cells[i] >= self.cap.cells[i]))
            .collect();
        if taken.is_empty() {
            Cause::Scattered
        } else {
            Cause::Taken { nights: taken }
        }
    }

    /// The cause in words, Chinese and English.
    pub(super) fn texts(&self, m: usize, cause: &Cause) -> (String, String) {
        let need = &self.needs[m];
        let g = need.guest;
        let cat = g.category();
        let (group_zh, group_en) = match cat {
            Category::Vip => ("贵宾宾馆", "VIP hotels"),
            Category::Entourage => ("随行人员宾馆", "entourage hotels"),
            Category::Journalist => ("记者宾馆", "press hotels"),
            Category::Staff => ("工作人员宾馆", "staff hotels"),
            Category::Delegate => ("代表团宾馆", "team hotels"),
        };
        let (who_zh, who_en) = match (g.gender, need.key.is_some()) {
            (Some(Gender::F), true) => ("女性", "women"),
            (Some(Gender::M), true) => ("男性", "men"),
            _ => ("", "guests"),
        };
        let who = if who_zh.is_empty() {
            String::new()
        } else {
            format!("{who_zh}可用的")
        };
        let types_zh: Vec<&str> = need.types.iter().map(|t| t.label_zh()).collect();
        let types_en: Vec<&str> = need.types.iter().map(|t| t.as_str()).collect();
        let input = self.input;
        match cause {
            Cause::NoRoom { rule, nights } => no_room(input, cat, *rule, nights),
            Cause::Taken { nights } => {
                let n = nights.first().copied().unwrap_or(g.nights.start);
                (
                    format!(
                        "{}，{group_zh}没有{who}{}",
                        label(input, n),
                        types_zh.join("或")
                    ),
                    format!(
                        "no {} rooms for {who_en} at {group_en} on {}",
                        types_en.join(" or "),
                        label(input, n)
                    ),
                )
            }
            Cause::Scattered => {
                let (from, to) = (
                    label(input, g.nights.start),
                    label(input, g.nights.end.saturating_sub(1)),
                );
                (
                    format!(
                        "{group_zh}中没有一家在{from}至{to}每晚都有{who}{}",
                        types_zh.join("或")
                    ),
                    format!(
                        "none of the {group_en} has a {} room for {who_en} free every night {from} to {to}",
                        types_en.join(" or ")
                    ),
                )
            }
            Cause::Movable {
                hotel,
                room_type,
                moves,
            } => movable(input, *hotel, *room_type, moves),
        }
    }
}

fn no_room(input: &Input, cat: Category, rule: Rule, nights: &Range<Night>) -> (String, String) {
    let (from, to) = (
        label(input, nights.start),
        label(input, nights.end.saturating_sub(1)),
    );
    match rule {
        Rule::Category => (
            format!("没有接待{}的宾馆", cat.label_zh()),
            format!("no hotel serves {}s", cat.as_str()),
        ),
        Rule::Halal => (
            format!("没有提供清真餐的{}宾馆", cat.label_zh()),
            format!("no hotel with a halal kitchen serves {}s", cat.as_str()),
        ),
        Rule::PolicyHotel => (
            "住宿政策指定的宾馆都不能接待".into(),
            "none of the hotels the policy names can take this guest".into(),
        ),
        Rule::Access => (
            format!("{from}至{to}可住的宾馆没有预留无障碍间"),
            format!("no hotel the guest may stay at holds accessible rooms {from} to {to}"),
        ),
        Rule::RoomType => (
            format!("{from}至{to}可住的宾馆没有预留政策允许的房型"),
            format!(
                "no hotel the guest may stay at holds a room type the policy allows {from} to {to}"
            ),
        ),
        Rule::Duplicate => ("来宾重复列出".into(), "the guest is listed twice".into()),
        other => (
            format!("住宿日期不在活动期间（{}）", other.message(true)),
            format!("the stay is outside the event ({})", other.message(false)),
        ),
    }
}

fn movable(input: &Input, hotel: i64, room_type: RoomType, moves: &[Move]) -> (String, String) {
    let code = |id: i64| {
        input
            .hotels
            .iter()
            .find(|h| h.id == id)
            .map_or_else(|| id.to_string(), |h| h.code.clone())
    };
    let name = |mv: &Move| {
        input
            .guests
            .get(mv.guest_index)
            .map_or_else(|| mv.guest.to_string(), |g| g.name.clone())
    };
    let zh: Vec<String> = moves
        .iter()
        .map(|mv| {
            format!(
                "将{}从{}调至{}",
                name(mv),
                code(mv.from_hotel),
                code(mv.to_hotel)
            )
        })
        .collect();
    let en: Vec<String> = moves
        .iter()
        .map(|mv| {
            format!(
                "move {} from {} to {}",
                name(mv),
                code(mv.from_hotel),
                code(mv.to_hotel)
            )
        })
        .collect();
    (
        format!(
            "{}，可在{}腾出一间{}",
            zh.join("，"),
            code(hotel),
            room_type.label_zh()
        ),
        format!(
            "{} to free a {} room at {}",
            en.join(", "),
            room_type.as_str(),
            code(hotel)
        ),
    )
}
