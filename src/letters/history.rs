//! What reception reads of the outbox: counts, a guest's messages, failures, bulk sends.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use diesel::prelude::*;

use crate::db::schema::{guests, mail_batches, outbox};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{DbConn, Tx};
use crate::outbox::{status, OutboxRow};
use crate::time::to_rfc3339;

/// A message as reception sees it in a guest's history or the failures list.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct MessageView {
    pub id: i64,
    pub kind: String,
    pub to: String,
    pub subject: Option<String>,
    /// `queued`, `claimed`, `sending`, `sent`, `failed`, `cancelled`.
    pub status: String,
    pub attempts: i32,
    /// Why it failed, or the last temporary failure before a retry.
    pub last_error: Option<String>,
    /// RFC 3339 in the event's time zone, like every time the API shows.
    pub created_at: String,
    pub sent_at: Option<String>,
    pub next_attempt_at: String,
    pub guest_id: Option<i64>,
    pub guest_name: Option<String>,
    pub batch_id: Option<i64>,
}

/// A bulk send and how far it has got.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct BatchView {
    pub id: i64,
    pub kind: String,
    pub total: i32,
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub created_by: String,
    pub created_at: String,
}

/// Messages per status.
pub fn counts(conn: &mut DbConn) -> QueryResult<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: BTreeMap<String, i64> = status::ALL.iter().map(|s| (s.to_string(), 0)).collect();
    out.extend(rows);
    Ok(out)
}

/// Which messages to list.
#[derive(Default)]
pub struct MessageFilter {
    /// One message.
    pub id: Option<i64>,
    pub guest_id: Option<i64>,
    pub status: Option<String>,
    pub batch_id: Option<i64>,
}

pub fn messages(
    conn: &mut DbConn,
    f: &MessageFilter,
    limit: i64,
    tz: Tz,
) -> QueryResult<Vec<MessageView>> {
    let mut q = outbox::table
        .left_join(guests::table.on(outbox::guest_id.eq(guests::id.nullable())))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(g) = f.guest_id {
        q = q.filter(outbox::guest_id.eq(g));
    }
    if let Some(s) = &f.status {
        q = q.filter(outbox::status.eq(s.clone()));
    }
    if let Some(b) = f.batch_id {
        q = q.filter(outbox::batch_id.eq(b));
    }
    if let Some(id) = f.id {
        q = q.filter(outbox::id.eq(id));
    }
    let rows: Vec<(OutboxRow, Option<String>)> = q
        .order(outbox::id.desc())
        .limit(limit)
        .select((OutboxRow::as_select(), guests::name.nullable()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(r, guest_name)| MessageView {
            id: r.id,
            kind: r.kind,
            to: r.recipient,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            created_at: to_rfc3339(tz, r.created_at),
            sent_at: r.sent_at.map(|t| to_rfc3339(tz, t)),
            next_attempt_at: to_rfc3339(tz, r.next_attempt_at),
            guest_id: r.guest_id,
            guest_name,
            batch_id: r.batch_id,
        })
        .collect())
}

/// Opens a bulk send; its messages carry its id.
pub fn create_batch(
    tx: &mut Tx,
    kind: &str,
    total: i32,
    filter: &str,
    by: &str,
) -> QueryResult<i64> {
    let now = tx.now();
    diesel::insert_into(mail_batches::table)
        .values((
            mail_batches::kind.eq(kind),
            mail_batches::total.eq(total),
            mail_batches::filter.eq(filter),
            mail_batches::created_by.eq(by),
            mail_batches::created_at.eq(now),
        ))
        .returning(mail_batches::id)
        .get_result(&mut **tx)
}

type BatchRow = (i64, String, i32, String, chrono::NaiveDateTime);

fn batch_view(conn: &mut DbConn, b: BatchRow, tz: Tz) -> QueryResult<BatchView> {
    let by_status: Vec<(String, i64)> = outbox::table
        .filter(outbox::batch_id.eq(b.0))
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?;
    let n = |s: &[&str]| -> i64 {
        by_status
            .iter()
            .filter(|(k, _)| s.contains(&k.as_str()))
            .map(|(_, v)| v)
            .sum()
    };
    Ok(BatchView {
        id: b.0,
        kind: b.1,
        total: b.2,
        queued: n(&[status::QUEUED]),
        sending: n(&[status::CLAIMED, status::SENDING]),
        sent: n(&[status::SENT]),
        failed: n(&[status::FAILED]),
        cancelled: n(&[status::CANCELLED]),
        created_by: b.3,
        created_at: to_rfc3339(tz, b.4),
    })
}

pub fn batch(conn: &mut DbConn, id: i64, tz: Tz) -> QueryResult<Option<BatchView>> {
    let row: Option<BatchRow> = mail_batches::table
        .find(id)
        .select((
            mail_batches::id,
            mail_batches::kind,
            mail_batches::total,
            mail_batches::created_by,
            mail_batches::created_at,
        ))
        .first(conn)
        .optional()?;
    row.map(|b| batch_view(conn, b, tz)).transpose()
}

pub fn batches(conn: &mut DbConn, limit: i64, tz: Tz) -> QueryResult<Vec<BatchView>> {
    let rows: Vec<BatchRow> = mail_batches::table
        .order(mail_batches::id.desc())
        .limit(limit)
        .select((
            mail_batches::id,
            mail_batches::kind,
            mail_batches::total,
            mail_batches::created_by,
            mail_batches::created_at,
        ))
        .load(conn)?;
    rows.into_iter().map(|b| batch_view(conn, b, tz)).collect()
}
