//! "Your arrangements changed": one message for a change to the guest, before → now for each
//! part that changed (pass, room, meals, rides, travel), or that their attendance is
//! cancelled or restored. Pure: the change's facts (as queued, folded) in, a `Letter` out.

use chrono::DateTime;
use serde_json::Value;

use crate::hotels::Booking;
use crate::letters::facts::GuestFacts;
use crate::letters::guest_letters::{booking_line, greeting};
use crate::outbox::letter::{when, Lang, Letter, Section};

fn before_after(lang: Lang, s: Section, before: String, after: String) -> Section {
    s.row(lang.pick("原安排", "Before"), before)
        .row(lang.pick("现安排", "Now"), after)
}

fn none(lang: Lang) -> String {
    lang.pick("无", "none").to_string()
}

fn zones(lang: Lang, v: &Value) -> String {
    let list: Vec<&str> = v["zones"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if list.is_empty() {
        none(lang)
    } else {
        list.join(" · ")
    }
}

fn booking(lang: Lang, v: &Value) -> String {
    serde_json::from_value::<Booking>(v.clone())
        .map(|b| booking_line(lang, &b))
        .unwrap_or_else(|_| none(lang))
}

fn meals(lang: Lang, v: &Value) -> String {
    match v["mode"].as_str() {
        None => none(lang),
        Some("any") => lang
            .pick("可在任一就餐点用餐", "at any dining point")
            .to_string(),
        Some("none") => lang.pick("不含用餐", "no meals").to_string(),
        Some(_) => {
            let points: Vec<&str> = v["points"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let at = if points.is_empty() {
                lang.pick("酒店就餐点", "your hotel's dining point")
                    .to_string()
            } else {
                points.join(", ")
            };
            let halal = if v["halal"].as_bool() == Some(true) {
                lang.pick("（清真）", " (halal)")
            } else {
                ""
            };
            match lang {
                Lang::Zh => format!("在{at}用餐{halal}"),
                Lang::En => format!("at {at}{halal}"),
            }
        }
    }
}

fn time_of(lang: Lang, v: &Value) -> Option<String> {
    v.as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| when(lang, t.naive_local()))
}

fn ride(lang: Lang, v: &Value) -> String {
    if v.is_null() {
        return lang
            .pick(
                "车辆安排中，确定后通知您",
                "a car is being arranged; we will tell you",
            )
            .to_string();
    }
    let at = time_of(lang, &v["depart_at"]).unwrap_or_default();
    match v["plate"].as_str() {
        Some(plate) => format!("{at} · {plate}"),
        None => format!("{at} · {}", lang.pick("车辆待定", "car to be confirmed")),
    }
}

fn leg(lang: Lang, v: &Value) -> String {
    if v.is_null() {
        return none(lang);
    }
    [
        v["number"].as_str().map(str::to_string),
        v["hub"].as_str().map(str::to_string),
        time_of(lang, &v["time"]),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The message for a change (`params` as `arrangements::tell` queued and folded them).
pub fn arrangements_changed(lang: Lang, f: &GuestFacts, params: &Value) -> Letter {
    let change = params["change"].as_str().unwrap_or("edit");
    let (subject, intro) = match change {
        "withdraw" => (
            lang.pick("参会安排已取消", "Your attendance is cancelled"),
            lang.pick(
                "您的参会安排已取消：证件和入场券已作废，住宿、接送和用餐安排已撤销。如有疑问请联系接待办公室。",
                "Your attendance has been cancelled: your passes no longer open any gate, and your room, rides and meals are released. Contact the reception office with any question.",
            ),
        ),
        "restore" => (
            lang.pick("参会安排已恢复", "Your attendance is restored"),
            lang.pick(
                "您的参会安排已恢复，以下为最新安排。新证件签发后将另行通知。",
                "Your attendance is restored; your arrangements are below. We will write again when your new pass is issued.",
            ),
        ),
        _ => (
            lang.pick("行程安排变动", "Your arrangements have changed"),
            lang.pick(
                "您的行程安排有以下变动：",
                "The following arrangements have changed for you:",
            ),
        ),
    };
    let mut l = Letter::new(lang, subject);
    l.greeting = greeting(lang, f);
    l.intro = intro.into();
    let pass = &params["pass"];
    if !pass.is_null() && change == "edit" {
        let mut s = before_after(
            lang,
            Section::new(lang.pick("证件通行区域", "Your pass")),
            zones(lang, &pass["before"]),
            zones(lang, &pass["after"]),
        );
        if let (Some(id), Some(serial)) =
            (pass["pass_id"].as_i64(), pass["after"]["serial"].as_i64())
        {
            s = s.note(match lang {
                Lang::Zh => format!("新证件编号 No. {id}-{serial}，请到证件发放处领取；原证件已作废。"),
                Lang::En => format!("Your new card is No. {id}-{serial}: collect it at the accreditation desk. The old card no longer opens any gate."),
            });
        }
        l.sections.push(s);
    }
    let room = &params["room"];
    if !room.is_null() && change != "withdraw" {
        let mut s = before_after(
            lang,
            Section::new(lang.pick("住宿", "Your room")),
            booking(lang, &room["before"]),
            booking(lang, &room["after"]),
        );
        s = s.note(if room["after"].is_null() {
            lang.pick(
                "我们正在为您安排住宿，确定后通知您。",
                "We are arranging your room and will tell you once it is settled.",
            )
        } else {
            lang.pick(
                "住宿安排经组委会确认后生效，届时将另行通知。",
                "The room takes effect once the organizing committee confirms it; we will tell you then.",
            )
        });
        l.sections.push(s);
    }
    let meal = &params["meals"];
    if !meal.is_null() && change != "withdraw" {
        l.sections.push(before_after(
            lang,
            Section::new(lang.pick("用餐", "Meals")),
            meals(lang, &meal["before"]),
            meals(lang, &meal["after"]),
        ));
    }
    for t in params["travel"].as_array().into_iter().flatten() {
        let heading = match t["direction"].as_str() {
            Some("arrival") => lang.pick("抵达", "Arrival"),
            _ => lang.pick("离开", "Departure"),
        };
        l.sections.push(before_after(
            lang,
            Section::new(heading),
            leg(lang, &t["before"]),
            leg(lang, &t["after"]),
        ));
    }
    if change != "withdraw" {
        for r in params["rides"].as_array().into_iter().flatten() {
            let heading = match r["direction"].as_str() {
                Some("arrival") => lang.pick("接站车辆", "Your pickup"),
                _ => lang.pick("送站车辆", "Your ride back"),
            };
            l.sections.push(before_after(
                lang,
                Section::new(heading),
                ride(lang, &r["before"]),
                ride(lang, &r["after"]),
            ));
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_journalist_hears_of_the_new_zones_the_new_card_and_where_to_eat() {
        let params = json!({
            "change": "edit",
            "pass": {"before": {"zones": ["A", "C"], "serial": 1},
                     "after": {"zones": ["A", "B"], "serial": 2}, "pass_id": 1337},
            "room": null,
            "meals": {"before": {"mode": "hotel", "points": ["C1"], "halal": false},
                      "after": {"mode": "any", "points": [], "halal": false}},
            "rides": [], "travel": []
        });
        let f = GuestFacts::for_tests("李记者", Some("LI Jizhe"));
        let zh = arrangements_changed(Lang::Zh, &f, &params).text();
        assert!(zh.contains("A · C") && zh.contains("A · B"), "{zh}");
        assert!(zh.contains("No. 1337-2"), "{zh}");
        assert!(zh.contains("任一就餐点"), "{zh}");
        let en = arrangements_changed(Lang::En, &f, &params).text();
        assert!(
            en.contains("The following arrangements have changed"),
            "{en}"
        );
        assert!(en.contains("at any dining point"), "{en}");
    }

    #[test]
    fn a_withdrawal_says_so_and_lists_no_room_or_rides() {
        let params = json!({"change": "withdraw", "pass": {"before": {}, "after": {}},
            "room": {"before": null, "after": null},
            "rides": [{"direction": "arrival", "before": null, "after": null}], "travel": []});
        let f = GuestFacts::for_tests("王伟", None);
        let en = arrangements_changed(Lang::En, &f, &params).text();
        assert!(en.contains("cancelled"), "{en}");
        assert!(!en.contains("Your pickup"), "{en}");
    }
}
