//! The worker's side of the outbox: claiming due messages, and recording what the server said.
//!
//! Claims are safe across instances: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets several
//! workers take disjoint rows; on SQLite the claim runs under the one write lock. A row goes
//! `claimed` → `sending` just before it is handed to the server, so after a crash a `claimed`
//! row is known never to have reached the server (queued again) while a `sending` one may
//! have (failed, for reception to resend by hand — never sent twice on our own).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::schema::outbox;
use crate::db::{DbConn, Tx};
use crate::outbox::model::{status, OutboxRow};

/// A claim not acted on for this long belongs to a worker that died.
pub const LEASE: Duration = Duration::minutes(5);

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` due messages for worker `me`, oldest first.
pub fn claim(tx: &mut Tx, me: &str, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    let now = tx.now();
    let conn: &mut DbConn = tx;
    let rows: Vec<Claimed> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "UPDATE outbox SET status = 'claimed', claimed_by = $1, claimed_at = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' \
             AND next_attempt_at <= $3 ORDER BY id LIMIT $4) RETURNING id",
        )
        .bind::<Text, _>(me)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?,
        DbConn::Postgres(c) => diesel::sql_query(
            "UPDATE outbox SET status = 'claimed', claimed_by = $1, claimed_at = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' \
             AND next_attempt_at <= $3 ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING id",
        )
        .bind::<Text, _>(me)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?,
    };
    let ids: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::id)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Whether anything is due (a cheap read before taking the write lock to claim).
pub fn any_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        outbox::table
            .filter(outbox::status.eq(status::QUEUED))
            .filter(outbox::next_attempt_at.le(now)),
    ))
    .get_result(conn)
}

/// Marks a claimed message as being handed to the server. False when the claim was lost
/// (it outlived its lease and another worker took it): then it must not be sent here.
pub fn begin_sending(
    tx: &mut Tx,
    id: i64,
    me: &str,
    subject: &str,
    recipient: &str,
) -> QueryResult<bool> {
    let now = tx.now();
    let conn: &mut DbConn = tx;
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(status::CLAIMED))
            .filter(outbox::claimed_by.eq(me)),
    )
    .set((
        outbox::status.eq(status::SENDING),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::claimed_at.eq(now),
        outbox::subject.eq(subject),
        outbox::recipient.eq(recipient),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The server accepted it.
pub fn mark_sent(tx: &mut Tx, id: i64) -> QueryResult<()> {
    let now = tx.now();
    finish(tx, id, status::SENT, None, Some(now), None)
}

/// It can never be sent (bad address, 5xx, nothing left to tell).
pub fn mark_failed(tx: &mut Tx, id: i64, reason: &str) -> QueryResult<()> {
    finish(tx, id, status::FAILED, Some(reason), None, None)
}

/// Nothing to send any more (the pass it shows was revoked first, say).
pub fn mark_cancelled(tx: &mut Tx, id: i64, reason: &str) -> QueryResult<()> {
    finish(tx, id, status::CANCELLED, Some(reason), None, None)
}

/// A temporary failure: try again at `at`.
pub fn mark_retry(tx: &mut Tx, id: i64, reason: &str, at: NaiveDateTime) -> QueryResult<()> {
    finish(tx, id, status::QUEUED, Some(reason), None, Some(at))
}

fn finish(
    tx: &mut Tx,
    id: i64,
    new_status: &str,
    reason: Option<&str>,
    sent_at: Option<NaiveDateTime>,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let conn: &mut DbConn = tx;
    let row = outbox::table.find(id);
    let done = (
        outbox::status.eq(new_status),
        outbox::last_error.eq(reason),
        outbox::sent_at.eq(sent_at),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    );
    match retry_at {
        Some(at) => diesel::update(row)
            .set((done, outbox::next_attempt_at.eq(at)))
            .execute(conn)?,
        None => diesel::update(row).set(done).execute(conn)?,
    };
    Ok(())
}

/// Hands back what a worker claimed but did not start (it is stopping).
pub fn release(tx: &mut Tx, ids: &[i64], me: &str) -> QueryResult<usize> {
    let conn: &mut DbConn = tx;
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::status.eq(status::CLAIMED))
            .filter(outbox::claimed_by.eq(me)),
    )
    .set((
        outbox::status.eq(status::QUEUED),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// After a crash: claims past their lease go back to the queue (they never reached the
/// server); sends past their lease are failed with the reason, since the server may have
/// accepted them and sending again could deliver twice. Returns (requeued, failed).
pub fn recover(tx: &mut Tx) -> QueryResult<(usize, usize)> {
    let expired = tx.now() - LEASE;
    let conn: &mut DbConn = tx;
    let requeued = diesel::update(
        outbox::table
            .filter(outbox::status.eq(status::CLAIMED))
            .filter(outbox::claimed_at.lt(expired)),
    )
    .set((
        outbox::status.eq(status::QUEUED),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    let failed = diesel::update(
        outbox::table
            .filter(outbox::status.eq(status::SENDING))
            .filter(outbox::claimed_at.lt(expired)),
    )
    .set((
        outbox::status.eq(status::FAILED),
        outbox::last_error.eq(INTERRUPTED),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok((requeued, failed))
}

/// Why a send cut off by a crash is not retried on its own.
pub const INTERRUPTED: &str = "interrupted while the server had it: it may have been delivered, \
     so it is not sent again automatically — resend if the guest did not get it";

/// Reception's resend of a failed or cancelled message: queued again, due now.
pub fn requeue(tx: &mut Tx, id: i64) -> QueryResult<bool> {
    let now = tx.now();
    let conn: &mut DbConn = tx;
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq_any([status::FAILED, status::CANCELLED])),
    )
    .set((
        outbox::status.eq(status::QUEUED),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
        outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// One row.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OutboxRow>> {
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}
