//! The messages a guest gets: their pass, their itinerary, and what changed. Pure: facts in,
//! a `Letter` (both parts) and its files out.

use chrono::{NaiveDate, NaiveDateTime};

use crate::hotels::{room_type_label as room_type, Booking};
use crate::letters::facts::{GuestFacts, RunFacts, StayFacts, Transfer};
use crate::meals::rules::Mode;
use crate::outbox::ics;
use crate::outbox::letter::{day, when, Lang, Letter, Section};

pub(super) fn greeting(lang: Lang, f: &GuestFacts) -> String {
    match lang {
        Lang::Zh => format!("尊敬的{}：", f.guest.name),
        Lang::En => format!(
            "Dear {},",
            salutation(
                f.guest.name_latin.as_deref(),
                &f.guest.name,
                f.guest.gender.as_deref()
            )
        ),
    }
}

/// How an English letter addresses a guest. Latin names are registered as in the passport,
/// surname first in capitals ("SMITH John", "ZHANG Wei"): with a known gender that gives
/// "Mr Smith" / "Ms Zhang", else the name in the reading order "John Smith". A Latin name
/// written otherwise is used as written; no Latin name, the Chinese one.
pub fn salutation(latin: Option<&str>, name: &str, gender: Option<&str>) -> String {
    let Some(latin) = latin.map(str::trim).filter(|l| !l.is_empty()) else {
        return name.to_string();
    };
    let words: Vec<&str> = latin.split_whitespace().collect();
    let is_surname =
        |w: &&&str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
    let split = words.iter().take_while(is_surname).count();
    if split == 0 || split == words.len() {
        return latin.to_string();
    }
    let title = |w: &str| -> String {
        w.split('-')
            .map(|part| {
                let mut c = part.chars();
                c.next().map_or(String::new(), |first| {
                    first
                        .to_uppercase()
                        .chain(c.flat_map(char::to_lowercase))
                        .collect()
                })
            })
            .collect::<Vec<_>>()
            .join("-")
    };
    let surname = words[..split]
        .iter()
        .map(|w| title(w))
        .collect::<Vec<_>>()
        .join(" ");
    match gender.map(|g| g.trim().to_ascii_uppercase()) {
        Some(g) if g == "M" => format!("Mr {surname}"),
        Some(g) if g == "F" => format!("Ms {surname}"),
        _ => format!("{} {surname}", words[split..].join(" ")),
    }
}

/// The pass message: what it opens and what to do if it is lost. The QR goes inline (cid
/// `qr`) and as an attachment; the caller adds both.
pub fn pass(
    lang: Lang,
    f: &GuestFacts,
    number: (i64, i32),
    zones: &[String],
    valid: (NaiveDate, NaiveDate),
) -> Letter {
    let mut l = Letter::new(lang, lang.pick("您的证件", "Your pass"));
    l.greeting = greeting(lang, f);
    l.intro = lang
        .pick(
            "您的个人证件已签发。请在入口、酒店前台和餐厅出示下方二维码（打印或手机显示均可）。",
            "Your personal pass has been issued. Show the QR code below at gates, the hotel desk and dining points (printed or on your phone).",
        )
        .into();
    l.image_cid = Some("qr".into());
    let mut opens = Section::new(lang.pick("证件可进入", "What it opens"))
        // As printed on the badge: the holder quotes it at the desk.
        .row(lang.pick("证件号", "Pass no."), printed_number(number))
        .row(
            lang.pick("有效期", "Valid"),
            format!("{} – {}", day(lang, valid.0), day(lang, valid.1)),
        )
        .row(
            lang.pick("区域", "Zones"),
            if zones.is_empty() {
                "—".to_string()
            } else {
                zones.join(", ")
            },
        );
    if let Some(s) = &f.stay {
        opens = opens.row(lang.pick("酒店", "Hotel"), s.hotel.clone());
    }
    opens = opens.row(lang.pick("用餐", "Dining"), dining_line(lang, f));
    l.sections.push(opens);
    l.sections.push(Section::new(lang.pick("证件遗失", "If it is lost")).note(lang.pick(
        "请立即联系接待办公室：原证件将被作废并补发新证。请勿将二维码转发他人——每次扫描都会记录。",
        "Tell the reception office at once: the pass will be revoked and a new one issued. Do not share the QR code — every scan is recorded.",
    )));
    l
}

fn dining_line(lang: Lang, f: &GuestFacts) -> String {
    match f.dining.mode {
        Mode::Any => lang.pick("任一就餐点", "Any dining point").into(),
        Mode::None => lang.pick("不含用餐", "No meals arranged").into(),
        Mode::Hotel if f.dining.points.is_empty() => lang.pick("待安排", "To be assigned").into(),
        Mode::Hotel => f
            .dining
            .points
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The itinerary: pickup, hotel, meals, ceremonies and the way home; with a calendar.
pub fn itinerary(lang: Lang, f: &GuestFacts) -> (Letter, Vec<ics::Event>) {
    let mut l = Letter::new(lang, lang.pick("您的行程安排", "Your itinerary"));
    l.greeting = greeting(lang, f);
    l.intro = lang
        .pick(
            "以下是我们为您安排的接站、住宿、用餐和活动。日程已附在日历文件中。",
            "Here is what is arranged for you: pickup, hotel, meals and ceremonies. The times are also in the attached calendar file.",
        )
        .into();
    let mut events = Vec::new();
    match &f.arrival {
        Some(t) => {
            l.sections.push(pickup_section(lang, t));
            events.push(pickup_event(lang, f, t));
        }
        None => l.sections.push(
            Section::new(lang.pick("接站", "Pickup")).note(lang.pick(
                "我们尚未收到您的航班或车次。请将行程告知接待办公室，以便安排接站。",
                "We do not have your flight or train yet. Send it to the reception office so a pickup can be arranged.",
            )),
        ),
    }
    l.sections.push(hotel_section(lang, f.stay.as_ref()));
    l.sections.push(meals_section(lang, f));
    if !f.ceremonies.is_empty() {
        let mut s = Section::new(lang.pick("仪式与活动", "Ceremonies"));
        for c in &f.ceremonies {
            let name = lang.pick(&c.name, &c.name_en).to_string();
            let mut place = c.gates.clone();
            if let Some(sec) = &c.section {
                place.push_str(&format!(" · {}{sec}", lang.pick("区 ", "section ")));
            }
            if let Some(seat) = &c.seat {
                place.push_str(&format!(" · {}{seat}", lang.pick("座 ", "seat ")));
            }
            s = s.row(
                name.clone(),
                format!("{} · {}", when(lang, c.starts_local), place.trim()),
            );
            events.push(ics::Event {
                uid: format!("ceremony-{}@yingbin", c.pass_id),
                starts_utc: c.starts_utc,
                ends_utc: c.ends_utc,
                summary: name,
                location: c.gates.clone(),
                description: place,
            });
        }
        l.sections.push(s);
    }
    if let Some(t) = &f.departure {
        l.sections.push(departure_section(lang, t));
        events.extend(departure_event(lang, f, t));
    }
    (l, events)
}

/// The ride to the departure as it stands: trip, when the car leaves the hotel, which car.
fn departure_section(lang: Lang, t: &Transfer) -> Section {
    let s = Section::new(lang.pick("送站", "Departure"))
        .row(lang.pick("航班/车次", "Flight/train"), t.number.clone())
        .row(lang.pick("出发站", "From"), t.hub.clone())
        .row(lang.pick("起飞/发车", "Departs"), when(lang, t.expected));
    match &t.run {
        Some(run) => s
            .row(
                lang.pick("酒店发车", "Car leaves the hotel"),
                when(lang, run.depart_local),
            )
            .row_if(lang.pick("车牌", "Car"), run.plate.clone()),
        None => s,
    }
}

/// The car to the departure, for the calendar (none before a car is planned).
fn departure_event(lang: Lang, f: &GuestFacts, t: &Transfer) -> Option<ics::Event> {
    let run = t.run.as_ref()?;
    Some(ics::Event {
        uid: format!("departure-{}@yingbin", f.guest.id),
        starts_utc: run.depart_utc,
        ends_utc: run.depart_utc + chrono::Duration::minutes(60),
        summary: format!("{} {}", lang.pick("送站车辆", "Car to"), t.hub),
        location: f.stay.as_ref().map(|s| s.hotel.clone()).unwrap_or_default(),
        description: run.plate.clone().unwrap_or_default(),
    })
}

/// `10:40 · 川A12345 · 张师傅 13900000000`; "car to be confirmed" for a run without a car yet;
/// "no car yet" outside any run.
fn ride_line(lang: Lang, run: Option<&RunFacts>) -> String {
    let Some(run) = run else {
        return lang.pick("尚未安排车辆", "no car yet").into();
    };
    let car = run
        .plate
        .clone()
        .unwrap_or_else(|| lang.pick("车辆待定", "car to be confirmed").into());
    let driver = [run.driver.clone(), run.driver_phone.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    [when(lang, run.depart_local), car, driver]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The car or its time changed (runs re-planned or edited). `before`: the ride the guest had
/// (`None`: no car yet). The section after is the whole pickup (or departure) as it now stands.
pub fn pickup_change(
    lang: Lang,
    f: &GuestFacts,
    direction: &str,
    before: Option<&RunFacts>,
) -> (Letter, Vec<ics::Event>) {
    let arrival = direction == "arrival";
    let (subject, intro) = match arrival {
        true => (
            lang.pick("接站车辆变动", "Change to your pickup"),
            lang.pick(
                "您的接站车辆或发车时间有变动，以下是现在的安排。",
                "The car that picks you up, or its time, has changed. Here is your pickup as it now stands.",
            ),
        ),
        false => (
            lang.pick("送站车辆变动", "Change to your ride to the departure"),
            lang.pick(
                "您送站车辆或发车时间有变动，以下是现在的安排。",
                "The car that takes you to your departure, or its time, has changed. Here it is as it now stands.",
            ),
        ),
    };
    let mut l = Letter::new(lang, subject);
    l.greeting = greeting(lang, f);
    l.intro = intro.into();
    let transfer = if arrival { &f.arrival } else { &f.departure };
    l.sections.push(
        Section::new(lang.pick("变动", "What changed"))
            .row(lang.pick("原安排", "Before"), ride_line(lang, before))
            .row(
                lang.pick("现安排", "Now"),
                ride_line(lang, transfer.as_ref().and_then(|t| t.run.as_ref())),
            ),
    );
    let mut events = Vec::new();
    if let Some(t) = transfer {
        if arrival {
            l.sections.push(pickup_section(lang, t));
            events.push(pickup_event(lang, f, t));
        } else {
            l.sections.push(departure_section(lang, t));
            events.extend(departure_event(lang, f, t));
        }
    }
    (l, events)
}

/// The pickup as it stands: trip, meeting point, greeter, car.
pub fn pickup_section(lang: Lang, t: &Transfer) -> Section {
    let mut s = Section::new(lang.pick("接站", "Pickup"))
        .row(lang.pick("航班/车次", "Flight/train"), t.number.clone())
        .row(lang.pick("到达站", "Arriving at"), t.hub.clone());
    let arrives = if t.status == "cancelled" {
        lang.pick("已取消", "cancelled").to_string()
    } else if t.expected != t.scheduled {
        format!(
            "{} ({} {})",
            when(lang, t.expected),
            lang.pick("原定", "scheduled"),
            when(lang, t.scheduled)
        )
    } else {
        when(lang, t.expected)
    };
    s = s
        .row(lang.pick("到达时间", "Arrives"), arrives)
        .row_if(
            lang.pick("集合地点", "Meeting point"),
            t.meeting_point.clone(),
        )
        .row_if(lang.pick("接站员", "Greeter"), t.greeter.clone());
    match &t.run {
        Some(run) => {
            s = s.row_if(lang.pick("车牌", "Car"), run.plate.clone());
            let driver = match (&run.driver, &run.driver_phone) {
                (Some(n), Some(p)) => Some(format!("{n} {p}")),
                (Some(n), None) => Some(n.clone()),
                (None, Some(p)) => Some(p.clone()),
                (None, None) => None,
            };
            s.row_if(lang.pick("司机", "Driver"), driver)
                .row(lang.pick("发车时间", "Car leaves"), when(lang, run.depart_local))
        }
        None => s.note(lang.pick(
            "车辆安排好后我们会再通知您；接站员会在集合地点等候。",
            "We will tell you the car once it is assigned; a greeter will wait at the meeting point.",
        )),
    }
}

fn pickup_event(lang: Lang, f: &GuestFacts, t: &Transfer) -> ics::Event {
    let (start_utc, desc) = match &t.run {
        Some(run) => (
            run.depart_utc,
            [
                run.plate.clone(),
                run.driver.clone(),
                run.driver_phone.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        ),
        // No car yet: the arrival itself, in UTC.
        None => (f.guest.arrival_at.unwrap_or(t.scheduled), String::new()),
    };
    ics::Event {
        uid: format!("pickup-{}@yingbin", f.guest.id),
        starts_utc: start_utc,
        ends_utc: start_utc + chrono::Duration::minutes(60),
        summary: format!("{} {} · {}", lang.pick("接站", "Pickup"), t.number, t.hub),
        location: t.meeting_point.clone().unwrap_or_else(|| t.hub.clone()),
        description: desc,
    }
}

/// The hotel, the nights, and which nights are the guest's own.
pub fn hotel_section(lang: Lang, stay: Option<&StayFacts>) -> Section {
    let Some(s) = stay else {
        return Section::new(lang.pick("住宿", "Hotel")).note(lang.pick(
            "您的住宿尚在安排中，确定后我们会通知您。",
            "Your room is still being arranged; we will tell you once it is.",
        ));
    };
    let nights = (s.nights_to - s.nights_from).num_days();
    let mut sec = Section::new(lang.pick("住宿", "Hotel"))
        .row(lang.pick("酒店", "Hotel"), s.hotel.clone())
        .row(lang.pick("地址", "Address"), s.address.clone())
        .row(lang.pick("房型", "Room"), room_type(lang, &s.room_type))
        .row(
            lang.pick("入住", "Nights"),
            match lang {
                Lang::Zh => format!(
                    "{} 入住，{} 退房（{nights} 晚）",
                    day(lang, s.nights_from),
                    day(lang, s.nights_to)
                ),
                Lang::En => format!(
                    "check in {}, check out {} ({nights} nights)",
                    day(lang, s.nights_from),
                    day(lang, s.nights_to)
                ),
            },
        );
    if s.self_paid.is_empty() {
        sec = sec.note(lang.pick(
            "以上房费均由组委会承担。",
            "The event pays for all these nights.",
        ));
    } else {
        let own: Vec<String> = s.self_paid.iter().map(|d| day(lang, *d)).collect();
        sec = sec
            .row(lang.pick("自费房晚", "Your own nights"), own.join(", "))
            .note(lang.pick(
                "其余房晚由组委会承担；自费房晚请在退房时向酒店结算。",
                "The event pays the other nights; settle your own nights with the hotel at check-out.",
            ));
    }
    sec
}

fn meals_section(lang: Lang, f: &GuestFacts) -> Section {
    let mut s = Section::new(lang.pick("用餐", "Meals"));
    match f.dining.mode {
        Mode::Any => {
            s = s.note(lang.pick(
                "您可在任一就餐点用餐。记者所住酒店的早餐供应至 10:00，并于 22:00–24:00 提供夜宵。",
                "You may eat at any dining point. At hotels hosting journalists breakfast runs until 10:00 and a night snack is served 22:00–24:00.",
            ))
        }
        Mode::None => s = s.note(lang.pick("组委会未为您安排用餐。", "No meals are arranged for you by the event.")),
        Mode::Hotel if f.dining.points.is_empty() => {
            s = s.note(lang.pick("就餐点确定后我们会通知您。", "We will tell you your dining point once it is set."))
        }
        Mode::Hotel => {
            for (name, windows) in &f.dining.points {
                let hours: Vec<String> = windows
                    .iter()
                    .map(|(service, span)| format!("{} {span}", service.label(lang == Lang::Zh)))
                    .collect();
                s = s.row(name.clone(), hours.join(" · "));
            }
        }
    }
    if f.dining.halal {
        s = s.row(
            lang.pick("清真", "Halal"),
            lang.pick(
                "请到清真餐区用餐。",
                "Please use the halal room or counter.",
            ),
        );
    }
    s
}

/// A flight or train change that moves the pickup.
pub fn flight_change(
    lang: Lang,
    f: &GuestFacts,
    number: &str,
    old: Option<NaiveDateTime>,
    new: Option<NaiveDateTime>,
    cancelled: bool,
) -> (Letter, Vec<ics::Event>) {
    let mut l = Letter::new(
        lang,
        match lang {
            Lang::Zh => format!("航班/车次变动：{number}"),
            Lang::En => format!("Change to {number}"),
        },
    );
    l.greeting = greeting(lang, f);
    l.intro = match (cancelled, old, new) {
        (true, _, _) => match lang {
            Lang::Zh => format!("您的航班/车次 {number} 已取消。请将新的行程告知接待办公室，我们会重新安排接站。"),
            Lang::En => format!("Your flight/train {number} is cancelled. Send your new travel to the reception office and we will arrange the pickup again."),
        },
        (false, Some(old), Some(new)) => match lang {
            Lang::Zh => format!("您的航班/车次 {number} 时间有变：现预计 {}（原 {}）。接站已随之调整。", when(lang, new), when(lang, old)),
            Lang::En => format!("Your flight/train {number} has moved: now expected {} (was {}). Your pickup moves with it.", when(lang, new), when(lang, old)),
        },
        _ => match lang {
            Lang::Zh => format!("您的航班/车次 {number} 有变动，接站安排如下。"),
            Lang::En => format!("Your flight/train {number} has changed; your pickup is below."),
        },
    };
    let mut events = Vec::new();
    let transfer = [&f.arrival, &f.departure]
        .into_iter()
        .flatten()
        .find(|t| t.number == number);
    if let (Some(t), false) = (transfer, cancelled) {
        l.sections.push(pickup_section(lang, t));
        if f.arrival.as_ref().is_some_and(|a| a.number == number) {
            events.push(pickup_event(lang, f, t));
        }
    }
    (l, events)
}

pub(super) fn booking_line(lang: Lang, b: &Booking) -> String {
    format!(
        "{} · {} · {} – {}",
        b.hotel,
        room_type(lang, &b.room_type),
        day(lang, b.nights_from),
        day(lang, b.nights_to)
    )
}

/// The hotel, room type or nights changed in a new revision of the plan.
pub fn room_change(
    lang: Lang,
    f: &GuestFacts,
    before: Option<&Booking>,
    after: Option<&Booking>,
) -> Letter {
    let mut l = Letter::new(lang, lang.pick("住宿变动", "Change to your room"));
    l.greeting = greeting(lang, f);
    l.intro = lang
        .pick("您的住宿安排有变动。", "Your accommodation has changed.")
        .into();
    let mut s = Section::new(lang.pick("变动", "What changed"))
        .row(
            lang.pick("原安排", "Before"),
            before.map_or_else(|| "—".into(), |b| booking_line(lang, b)),
        )
        .row(
            lang.pick("新安排", "Now"),
            after.map_or_else(
                || lang.pick("无", "none").to_string(),
                |b| booking_line(lang, b),
            ),
        );
    if after.is_none() {
        s = s.note(lang.pick(
            "组委会已不再为您安排住宿。如有疑问请联系接待办公室。",
            "The event no longer books a room for you. Contact the reception office with any question.",
        ));
    }
    l.sections.push(s);
    if after.is_some() {
        l.sections.push(hotel_section(lang, f.stay.as_ref()));
    }
    l
}

/// A pass's number as the badge prints it: `No. 1337-2` (pass 1337, second card).
pub fn printed_number((id, serial): (i64, i32)) -> String {
    format!("No. {id}-{serial}")
}

/// A revoked pass.
pub fn pass_revoked(lang: Lang, f: &GuestFacts, number: (i64, i32), reason: &str) -> Letter {
    let no = printed_number(number);
    let mut l = Letter::new(lang, lang.pick("证件已作废", "Your pass was revoked"));
    l.greeting = greeting(lang, f);
    let why = match (lang, reason) {
        (Lang::Zh, "lost") => "报失",
        (Lang::Zh, "stolen") => "被盗",
        (Lang::Zh, _) => "收回",
        (Lang::En, "lost") => "reported lost",
        (Lang::En, "stolen") => "reported stolen",
        (Lang::En, _) => "withdrawn",
    };
    l.intro = match lang {
        Lang::Zh => format!("您的证件（{no}）已因{why}作废，扫描将不再通过。如需新证件，请联系接待办公室。"),
        Lang::En => format!("Your pass {no} was revoked ({why}) and no longer opens any gate. Contact the reception office if you need a new one."),
    };
    l
}

#[cfg(test)]
mod salutation_tests {
    use super::salutation;

    #[test]
    fn a_passport_style_latin_name_is_addressed_as_people_write_letters() {
        assert_eq!(
            salutation(Some("SMITH John"), "史密斯", Some("M")),
            "Mr Smith"
        );
        assert_eq!(salutation(Some("ZHANG Wei"), "张伟", Some("F")), "Ms Zhang");
        assert_eq!(salutation(Some("SMITH John"), "史密斯", None), "John Smith");
        assert_eq!(
            salutation(Some("VAN DER BERG Anna"), "安娜", None),
            "Anna Van Der Berg"
        );
        assert_eq!(
            salutation(Some("LI-MEI Chen"), "陈", Some("F")),
            "Ms Li-Mei"
        );
        // Written otherwise: as written; no Latin name: the Chinese name.
        assert_eq!(
            salutation(Some("John Smith"), "史密斯", Some("M")),
            "John Smith"
        );
        assert_eq!(salutation(Some("SMITH"), "史密斯", Some("M")), "SMITH");
        assert_eq!(salutation(None, "张伟", Some("M")), "张伟");
    }
}
