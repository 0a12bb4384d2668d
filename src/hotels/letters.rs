//! What the hotels are sent: each new rooming list revision, with what changed since the
//! last (CSV attached), written in Chinese with English alongside.

use crate::config::Settings;
use crate::db::DbConn;
use crate::error::AppError;
use crate::hotels::plans::{self, ChangeRow, HotelChanges};
use crate::hotels::rooming::{self, RoomingList};
use crate::hotels::store;
use crate::outbox::compose::Part;
use crate::outbox::letter::{bilingual as bi, finish, Lang, Letter, Section};
use crate::outbox::{OutboxRow, Outcome};

/// A room type's name for guests: `双床间` / `twin room`.
pub fn room_type_label(lang: Lang, code: &str) -> String {
    let zh = match code {
        "single" => "单人间",
        "twin" => "双床间",
        "suite" => "套房",
        "accessible" => "无障碍房",
        other => other,
    };
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => {
            let mut c = code.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

fn change_line(c: &ChangeRow) -> String {
    format!(
        "{} · {} · {}–{}",
        room_type_label(Lang::Zh, &c.room_type),
        c.nights_from.format("%m-%d"),
        c.nights_to.format("%m-%d"),
        c.name
    )
}

/// A hotel's new rooming list revision; the CSV is attached by the caller.
fn rooming_letter(list: &RoomingList, changes: &HotelChanges) -> Letter {
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

/// The rooming list message a queued row stands for, as the list is now.
pub fn render_rooming_list(
    conn: &mut DbConn,
    settings: &Settings,
    row: &OutboxRow,
) -> Result<Outcome, AppError> {
    let hotel =
        store::find_hotel_by_id(conn, row.recipient_id)?.ok_or(AppError::NotFound("hotel"))?;
    let Some(to) = hotel.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(Outcome::Fail("the hotel has no email address".into()));
    };
    let list = rooming::rooming_list(conn, &hotel, settings.timezone)?;
    let changes = plans::hotel_changes(conn, &hotel, settings.timezone)?;
    let csv = rooming::rooming_csv(&list, Lang::Zh)?;
    let revision = list.revision.unwrap_or(0);
    let letter = rooming_letter(&list, &changes);
    let file = Part {
        name: format!("rooming-{}-rev{revision}.csv", hotel.code),
        content_type: "text/csv; charset=utf-8".into(),
        bytes: csv,
    };
    Ok(Outcome::Send(finish(
        letter,
        to,
        hotel.name,
        Vec::new(),
        vec![file],
    )))
}
