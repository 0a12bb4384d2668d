//! What the inspectors are sent: their coming shifts, with a calendar file, written in
//! Chinese with English alongside.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::config::Settings;
use crate::db::schema::inspectors;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::outbox::letter::{
    attach_calendar, bilingual as bi, finish, when, Lang, Letter, Section,
};
use crate::outbox::{self, ics, recipient, Kind, NewMessage, OutboxRow, Outcome};
use crate::time::to_local;

/// Days of roster an inspector is sent.
const ROSTER_DAYS: i64 = 14;

/// Queues every inspector with an address their roster. Returns (queued, without address).
pub fn rosters(tx: &mut Tx, created_by: &str) -> QueryResult<(usize, usize)> {
    let people: Vec<(i64, Option<String>)> = inspectors::table
        .order(inspectors::id)
        .select((inspectors::id, inspectors::email))
        .load(&mut **tx)?;
    let mut queued = 0;
    let mut no_email = 0;
    for (id, email) in people {
        let Some(email) = email.filter(|e| !e.trim().is_empty()) else {
            no_email += 1;
            continue;
        };
        let m = NewMessage::new(
            Kind::Roster,
            (recipient::INSPECTOR, id),
            &email,
            id,
            created_by,
        );
        queued += usize::from(outbox::queue(tx, &m)?);
    }
    Ok((queued, no_email))
}
/// One shift as the roster message shows it.
#[derive(Clone, Debug)]
struct Shift {
    id: i64,
    point: String,
    starts_local: NaiveDateTime,
    ends_local: NaiveDateTime,
    starts_utc: NaiveDateTime,
    ends_utc: NaiveDateTime,
}

/// An inspector's coming shifts, with a calendar.
fn roster_letter(name: &str, shifts: &[Shift]) -> (Letter, Vec<ics::Event>) {
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
/// The roster message a queued row stands for, with the shifts as they are now.
pub fn render_roster(
    conn: &mut DbConn,
    settings: &Settings,
    row: &OutboxRow,
    now: NaiveDateTime,
) -> Result<Outcome, AppError> {
    let tz = settings.timezone;
    let (name, email): (String, Option<String>) = inspectors::table
        .find(row.recipient_id)
        .select((inspectors::name, inspectors::email))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("inspector"))?;
    let Some(to) = email.filter(|e| !e.trim().is_empty()) else {
        return Ok(Outcome::Fail("the inspector has no email address".into()));
    };
    let from = now;
    let rows = crate::hygiene::store::list_shifts(
        conn,
        from,
        from + chrono::Duration::days(ROSTER_DAYS),
        Some(row.recipient_id),
    )?;
    let mut shifts = Vec::with_capacity(rows.len());
    for r in rows {
        let point = crate::meals::point_name(conn, r.point_id)?.unwrap_or_default();
        shifts.push(Shift {
            id: r.id,
            point,
            starts_local: to_local(tz, r.starts_at),
            ends_local: to_local(tz, r.ends_at),
            starts_utc: r.starts_at,
            ends_utc: r.ends_at,
        });
    }
    let (letter, events) = roster_letter(&name, &shifts);
    let mut attachments = Vec::new();
    attach_calendar(&mut attachments, &events, "roster.ics", now);
    Ok(Outcome::Send(finish(
        letter,
        to,
        name,
        Vec::new(),
        attachments,
    )))
}
