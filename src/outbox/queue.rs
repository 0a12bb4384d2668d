//! Putting messages in the outbox. Every function here runs inside the caller's transaction,
//! so a message exists exactly when the change it tells of was committed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::{DbConn, Tx};
use crate::outbox::model::{recipient, status, Kind};

/// A message to queue.
#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = outbox)]
pub struct NewMessage {
    pub kind: String,
    pub guest_id: Option<i64>,
    pub recipient_kind: String,
    pub recipient_id: i64,
    pub recipient: String,
    pub ref_id: String,
    pub params: String,
    pub batch_id: Option<i64>,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl NewMessage {
    /// A message due when it is queued.
    pub fn new(
        kind: Kind,
        (recipient_kind, recipient_id): (&str, i64),
        recipient: &str,
        ref_id: impl ToString,
        created_by: &str,
    ) -> NewMessage {
        // Stamped with the queueing transaction's instant by `queue`.
        let now = NaiveDateTime::MIN;
        NewMessage {
            kind: kind.as_str().into(),
            guest_id: (recipient_kind == recipient::GUEST).then_some(recipient_id),
            recipient_kind: recipient_kind.into(),
            recipient_id,
            recipient: recipient.into(),
            ref_id: ref_id.to_string(),
            params: "{}".into(),
            batch_id: None,
            dedupe_key: None,
            status: status::QUEUED.into(),
            attempts: 0,
            next_attempt_at: now,
            created_by: created_by.into(),
            created_at: now,
        }
    }

    /// Due at `at` rather than when queued: a burst of edits held to go out as one message.
    pub fn due_at(mut self, at: NaiveDateTime) -> NewMessage {
        self.next_attempt_at = at;
        self
    }

    /// Stamps the queueing instant, and makes it due then unless held.
    fn stamped(&self, now: NaiveDateTime) -> NewMessage {
        let mut m = self.clone();
        m.created_at = now;
        m.next_attempt_at = m.next_attempt_at.max(now);
        m
    }

    /// What changed, for the message to say (JSON).
    pub fn with_params(mut self, params: serde_json::Value) -> NewMessage {
        self.params = params.to_string();
        self
    }
}

/// Queues one message. With a dedupe key already queued, does nothing and says so.
pub fn queue(tx: &mut Tx, message: &NewMessage) -> QueryResult<bool> {
    let message = message.stamped(tx.now());
    let conn: &mut DbConn = tx;
    let insert = diesel::insert_into(outbox::table).values(&message);
    let inserted = crate::on_backend!(conn, |c| insert.on_conflict_do_nothing().execute(c))?;
    Ok(inserted == 1)
}

/// Queues many messages in few statements (bulk sends of thousands).
pub fn queue_all(tx: &mut Tx, messages: &[NewMessage]) -> QueryResult<usize> {
    let now = tx.now();
    let messages: Vec<NewMessage> = messages.iter().map(|m| m.stamped(now)).collect();
    let conn: &mut DbConn = tx;
    let mut n = 0;
    // Under SQLite's and PostgreSQL's bound-parameter limits at 14 columns a row.
    for chunk in messages.chunks(500) {
        let insert = diesel::insert_into(outbox::table).values(chunk);
        n += crate::on_backend!(conn, |c| insert.execute(c))?;
    }
    Ok(n)
}

/// What the outbox holds for these guests of these kinds: (guest, kind, ref, status). A
/// change that would write to a guest asks first whether they were told before.
pub fn of_guests(
    conn: &mut DbConn,
    guest_ids: &[i64],
    kinds: &[Kind],
) -> QueryResult<Vec<(i64, String, String, String)>> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let mut out = Vec::new();
    for chunk in guest_ids.chunks(900) {
        let rows: Vec<(Option<i64>, String, String, String)> = outbox::table
            .filter(outbox::guest_id.eq_any(chunk))
            .filter(outbox::kind.eq_any(&kinds))
            .select((
                outbox::guest_id,
                outbox::kind,
                outbox::ref_id,
                outbox::status,
            ))
            .load(conn)?;
        out.extend(
            rows.into_iter()
                .filter_map(|(g, kind, r, st)| g.map(|g| (g, kind, r, st))),
        );
    }
    Ok(out)
}

/// A message of `kind` to this guest still waiting to go (queued, not yet claimed): a later
/// change can fold into it instead of sending a second message.
pub fn waiting_for_guest(
    conn: &mut DbConn,
    guest_id: i64,
    kind: Kind,
) -> QueryResult<Option<(i64, String)>> {
    outbox::table
        .filter(outbox::guest_id.eq(guest_id))
        .filter(outbox::kind.eq(kind.as_str()))
        .filter(outbox::status.eq(status::QUEUED))
        .order(outbox::id.desc())
        .select((outbox::id, outbox::params))
        .first(conn)
        .optional()
}

/// Rewrites a waiting message's facts and when it goes (a later change folded into it). Only
/// while it is still queued: a worker that claimed it meanwhile sends it as it was.
pub fn refold(
    tx: &mut Tx,
    id: i64,
    params: &serde_json::Value,
    due: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(status::QUEUED)),
    )
    .set((
        outbox::params.eq(params.to_string()),
        outbox::next_attempt_at.eq(due),
    ))
    .execute(&mut **tx)?;
    Ok(n == 1)
}
