//! What the kitchens are sent: tomorrow's kitchen sheet for each dining point, once a day
//! from the configured hour (or when reception sends them), written in Chinese with English
//! alongside, CSV attached. The dedupe key makes "once" hold across instances.

use chrono::{NaiveDate, Timelike};
use diesel::prelude::*;

use crate::config::Settings;
use crate::db::schema::dining_points;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::meals::kitchen::{self, KitchenSheet};
use crate::outbox::compose::Part;
use crate::outbox::letter::{bilingual as bi, day, finish, Lang, Letter, Section};
use crate::outbox::{self, recipient, Kind, NewMessage, OutboxRow, Outcome};
use crate::time::to_local;

/// Who queues scheduled lists, in the outbox's `created_by`.
pub const SCHEDULER: &str = "schedule";

/// Queues tomorrow's kitchen sheets when it is time and they are not queued yet.
pub fn queue_due_lists(tx: &mut Tx, settings: &Settings) -> QueryResult<usize> {
    let Some(hour) = settings.mail.kitchen_sheet_hour else {
        return Ok(0);
    };
    let local = to_local(settings.timezone, tx.now());
    if local.hour() < hour {
        return Ok(0);
    }
    let tomorrow = local.date() + chrono::Duration::days(1);
    kitchen_sheets(tx, tomorrow, SCHEDULER, true).map(|(n, _)| n)
}

/// Queues the kitchen sheet for `day` to every dining point with an address. Scheduled
/// sends carry a dedupe key (once per point and day); reception's sends always go.
/// Returns (queued, points without an address).
pub fn kitchen_sheets(
    tx: &mut Tx,
    day: NaiveDate,
    created_by: &str,
    once: bool,
) -> QueryResult<(usize, usize)> {
    let points: Vec<(i64, Option<String>)> = dining_points::table
        .order(dining_points::code)
        .select((dining_points::id, dining_points::email))
        .load(&mut **tx)?;
    let mut queued = 0;
    let mut no_email = 0;
    for (id, email) in points {
        let Some(email) = email.filter(|e| !e.trim().is_empty()) else {
            no_email += 1;
            continue;
        };
        let mut m = NewMessage::new(
            Kind::KitchenSheet,
            (recipient::DINING_POINT, id),
            &email,
            day,
            created_by,
        );
        if once {
            m.dedupe_key = Some(format!("kitchen_sheet:{id}:{day}"));
        }
        queued += usize::from(outbox::queue(tx, &m)?);
    }
    Ok((queued, no_email))
}

/// A dining point's kitchen sheet for a day; the CSV is attached by the caller.
fn kitchen_letter(sheet: &KitchenSheet) -> Letter {
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

/// The kitchen sheet message a queued row stands for, with today's figures.
pub fn render_kitchen_sheet(
    conn: &mut DbConn,
    settings: &Settings,
    row: &OutboxRow,
) -> Result<Outcome, AppError> {
    let (code, name, email): (String, String, Option<String>) = dining_points::table
        .find(row.recipient_id)
        .select((
            dining_points::code,
            dining_points::name,
            dining_points::email,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("dining point"))?;
    let Some(to) = email.filter(|e| !e.trim().is_empty()) else {
        return Ok(Outcome::Fail(
            "the dining point has no email address".into(),
        ));
    };
    let day: NaiveDate = row.ref_id.parse().map_err(|_| AppError::NotFound("day"))?;
    let sheet = kitchen::kitchen_sheet(conn, &code, day, settings.timezone)?;
    let csv = kitchen::kitchen_sheet_csv(&sheet, Lang::Zh)?;
    let file = Part {
        name: format!("kitchen-{code}-{day}.csv"),
        content_type: "text/csv; charset=utf-8".into(),
        bytes: csv,
    };
    Ok(Outcome::Send(finish(
        kitchen_letter(&sheet),
        to,
        name,
        Vec::new(),
        vec![file],
    )))
}
