//! Lists for the people who serve guests: hotels, kitchens and inspectors. Written in
//! Chinese with English alongside (these desks work in both). Pure: loaded lists in, letters out.

use chrono::NaiveDateTime;

use crate::hotels::plans::{ChangeRow, HotelChanges};
use crate::hotels::rooming::RoomingList;
use crate::meals::kitchen::KitchenSheet;
use crate::notify::guest_letters::{day, room_type, when};
use crate::notify::ics;
use crate::notify::letter::{Lang, Letter, Section};

/// `中文 English`.
fn bi(zh: &str, en: &str) -> String {
    format!("{zh} {en}")
}

fn change_line(c: &ChangeRow) -> String {
    format!(
        "{} · {} · {}–{}",
        room_type(Lang::Zh, &c.room_type),
        c.nights_from.format("%m-%d"),
        c.nights_to.format("%m-%d"),
        c.name
    )
}

/// A hotel's new rooming list revision; the CSV is attached by the caller.
pub fn rooming(list: &RoomingList, changes: &HotelChanges) -> Letter {
    let revision = list.revision.map_or_else(|| "—".into(), |r| r.to_string());
    let mut l = Letter::new(
        Lang::Zh,
        format!(
            "住宿名单 第{revision}版 Rooming list rev. {revision} — {}",
            list.hotel_name
        ),
    );
    l.intro = format!(
        "{}：{} / {}",
        list.hotel_name,
        "附件为最新住宿名单，请核对后在系统中确认。",
        "the current rooming list is attached; please check it and acknowledge in Yingbin."
    );
    let mut summary = Section::new(bi("变动", "Changes"))
        .row(bi("宾客", "Guests"), list.rows.len().to_string())
        .row(bi("新增", "Added"), changes.added.len().to_string())
        .row(bi("取消", "Removed"), changes.removed.len().to_string())
        .row(bi("调整", "Changed"), changes.moved.len().to_string());
    if let Some(prev) = changes.previous_revision {
        summary = summary.note(format!("对比第{prev}版 Compared with rev. {prev}"));
    }
    l.sections.push(summary);
    for (heading, rows) in [
        (bi("新增", "Added"), &changes.added),
        (bi("取消", "Removed"), &changes.removed),
        (bi("调整", "Changed"), &changes.moved),
    ] {
        if rows.is_empty() {
            continue;
        }
        // Long lists stay in the CSV; the message names the first ones.
        let mut s = Section::new(heading);
        for c in rows.iter().take(50) {
            s = s.row(c.guest_id.to_string(), change_line(c));
        }
        if rows.len() > 50 {
            s = s.note(format!(
                "… 共 {} 位，见附件 / {} in all, see the CSV",
                rows.len(),
                rows.len()
            ));
        }
        l.sections.push(s);
    }
    l
}

/// A dining point's kitchen sheet for a day; the CSV is attached by the caller.
pub fn kitchen(sheet: &KitchenSheet) -> Letter {
    let mut l = Letter::new(
        Lang::Zh,
        format!(
            "厨房单 Kitchen sheet {} — {}",
            sheet.day.format("%Y-%m-%d"),
            sheet.point_name
        ),
    );
    l.intro = format!(
        "{} {}：{}",
        sheet.point_name,
        day(Lang::Zh, sheet.day),
        "预计用餐人数如下（附 CSV）。Expected covers below (CSV attached)."
    );
    for s in &sheet.services {
        let mut sec = Section::new(format!("{} {}", s.service, s.window))
            .row(bi("合计", "Total"), s.total.to_string())
            .row(bi("普通", "Regular"), s.regular.to_string())
            .row(bi("清真", "Halal"), s.halal.to_string());
        for (diet, n) in &s.diets {
            sec = sec.row(diet.clone(), n.to_string());
        }
        l.sections.push(sec);
    }
    l
}

/// One shift as the roster message shows it.
#[derive(Clone, Debug)]
pub struct Shift {
    pub id: i64,
    pub point: String,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub starts_utc: NaiveDateTime,
    pub ends_utc: NaiveDateTime,
}

/// An inspector's coming shifts, with a calendar.
pub fn roster(name: &str, shifts: &[Shift]) -> (Letter, Vec<ics::Event>) {
    let mut l = Letter::new(Lang::Zh, format!("检查排班 Inspection roster — {name}"));
    l.greeting = format!("{name}：");
    l.intro = if shifts.is_empty() {
        "近期没有为您安排班次。No shifts are planned for you in the coming days.".into()
    } else {
        format!(
            "您近期的 {} 个班次如下，已附日历文件。Your next {} shifts are below and in the attached calendar.",
            shifts.len(),
            shifts.len()
        )
    };
    let mut s = Section::new(bi("班次", "Shifts"));
    let mut events = Vec::new();
    for sh in shifts {
        s = s.row(
            format!(
                "{}–{}",
                when(Lang::Zh, sh.starts_local),
                sh.ends_local.format("%H:%M")
            ),
            sh.point.clone(),
        );
        events.push(ics::Event {
            uid: format!("shift-{}@yingbin", sh.id),
            starts_utc: sh.starts_utc,
            ends_utc: sh.ends_utc,
            summary: format!("食品卫生检查 Inspection · {}", sh.point),
            location: sh.point.clone(),
            description: String::new(),
        });
    }
    if !shifts.is_empty() {
        l.sections.push(s);
    }
    (l, events)
}
