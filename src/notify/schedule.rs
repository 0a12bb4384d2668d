//! Lists that go out on their own: tomorrow's kitchen sheet to each dining point, once a
//! day from the configured hour. The dedupe key makes "once" hold across instances.

use chrono::{NaiveDate, Timelike};
use diesel::prelude::*;

use crate::config::Settings;
use crate::db::schema::{dining_points, inspectors};
use crate::db::{legacy_tx, DbConn};
use crate::notify::model::{recipient, Kind};
use crate::notify::queue::{self, NewMessage};

/// Who queues scheduled lists, in the outbox's `created_by`.
pub const SCHEDULER: &str = "schedule";

/// Queues tomorrow's kitchen sheets when it is time and they are not queued yet.
pub fn queue_due_lists(conn: &mut DbConn, settings: &Settings) -> QueryResult<usize> {
    let Some(hour) = settings.mail.kitchen_sheet_hour else {
        return Ok(0);
    };
    let local = chrono::Utc::now().with_timezone(&settings.timezone);
    if local.hour() < hour {
        return Ok(0);
    }
    let tomorrow = local.date_naive() + chrono::Duration::days(1);
    legacy_tx(conn, |conn| kitchen_sheets(conn, tomorrow, SCHEDULER, true)).map(|(n, _)| n)
}

/// Queues the kitchen sheet for `day` to every dining point with an address. Scheduled
/// sends carry a dedupe key (once per point and day); reception's sends always go.
/// Returns (queued, points without an address).
pub fn kitchen_sheets(
    conn: &mut DbConn,
    day: NaiveDate,
    created_by: &str,
    once: bool,
) -> QueryResult<(usize, usize)> {
    let points: Vec<(i64, Option<String>)> = dining_points::table
        .order(dining_points::code)
        .select((dining_points::id, dining_points::email))
        .load(conn)?;
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
        queued += usize::from(queue::queue(conn, &m)?);
    }
    Ok((queued, no_email))
}

/// Queues every inspector with an address their roster. Returns (queued, without address).
pub fn rosters(conn: &mut DbConn, created_by: &str) -> QueryResult<(usize, usize)> {
    let people: Vec<(i64, Option<String>)> = inspectors::table
        .order(inspectors::id)
        .select((inspectors::id, inspectors::email))
        .load(conn)?;
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
        queued += usize::from(queue::queue(conn, &m)?);
    }
    Ok((queued, no_email))
}
