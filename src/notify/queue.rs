//! Putting messages in the outbox. Every function here runs inside the caller's transaction,
//! so a message exists exactly when the change it tells of was committed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{guests, outbox};
use crate::db::DbConn;
use crate::notify::model::{recipient, status, Kind};
use crate::time::now_utc;

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
    /// A message due now.
    pub fn new(
        kind: Kind,
        (recipient_kind, recipient_id): (&str, i64),
        recipient: &str,
        ref_id: impl ToString,
        created_by: &str,
    ) -> NewMessage {
        let now = now_utc();
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

    /// What changed, for the message to say (JSON).
    pub fn with_params(mut self, params: serde_json::Value) -> NewMessage {
        self.params = params.to_string();
        self
    }
}

/// Queues one message. With a dedupe key already queued, does nothing and says so.
pub fn queue(conn: &mut DbConn, message: &NewMessage) -> QueryResult<bool> {
    let insert = diesel::insert_into(outbox::table).values(message);
    let inserted = match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Postgres(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    Ok(inserted == 1)
}

/// Queues many messages in few statements (bulk sends of thousands).
pub fn queue_all(conn: &mut DbConn, messages: &[NewMessage]) -> QueryResult<usize> {
    let mut n = 0;
    // Under SQLite's and PostgreSQL's bound-parameter limits at 14 columns a row.
    for chunk in messages.chunks(500) {
        let insert = diesel::insert_into(outbox::table).values(chunk);
        n += match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Postgres(c) => insert.execute(c)?,
        };
    }
    Ok(n)
}

/// Queues a message to a guest if they have an address; says whether one was queued.
pub fn to_guest(
    conn: &mut DbConn,
    kind: Kind,
    guest_id: i64,
    ref_id: impl ToString,
    params: serde_json::Value,
    created_by: &str,
) -> QueryResult<bool> {
    let email: Option<String> = guests::table
        .find(guest_id)
        .select(guests::email)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten()
        .filter(|e| !e.trim().is_empty());
    let Some(email) = email else {
        return Ok(false);
    };
    let message = NewMessage::new(
        kind,
        (recipient::GUEST, guest_id),
        &email,
        ref_id,
        created_by,
    )
    .with_params(params);
    queue(conn, &message)
}

/// Queues a message of one kind to each guest (those with an address), each about its own
/// `ref_id` — every newly signed credential, everyone on a delayed flight. Returns how many.
pub fn to_guests(
    conn: &mut DbConn,
    kind: Kind,
    guests_refs: &[(i64, String)],
    params: serde_json::Value,
    created_by: &str,
) -> QueryResult<usize> {
    if guests_refs.is_empty() {
        return Ok(0);
    }
    let params = params.to_string();
    let mut messages = Vec::new();
    for chunk in guests_refs.chunks(1000) {
        let ids: Vec<i64> = chunk.iter().map(|(g, _)| *g).collect();
        let emails = emails_of(conn, &ids)?;
        for (id, ref_id) in chunk {
            let Some(email) = emails.get(id) else {
                continue;
            };
            let mut m = NewMessage::new(kind, (recipient::GUEST, *id), email, ref_id, created_by);
            m.params = params.clone();
            messages.push(m);
        }
    }
    queue_all(conn, &messages)
}

/// Queues "your pickup changed" for each guest whose ride changed (`changes`: the guest and the
/// ride before) — but only to guests already told of it, by a sent itinerary, flight change or
/// pickup change: one not yet written to learns the ride from their itinerary. A message still
/// waiting for the guest carries the news (it reads the ride when sent), so none is added then.
/// The new one waits `hold`: a desk's burst of edits goes out as one message, with the ride as
/// it stands at the end. Returns how many were queued.
pub fn ride_changes(
    conn: &mut DbConn,
    direction: &str,
    changes: &[(i64, Option<crate::pickups::rides::Ride>)],
    by: &str,
    hold: chrono::Duration,
) -> QueryResult<usize> {
    use std::collections::HashSet;
    let tells = [
        Kind::Itinerary.as_str(),
        Kind::FlightChange.as_str(),
        Kind::PickupChange.as_str(),
    ];
    let mut told = HashSet::new();
    let mut waiting = HashSet::new();
    for chunk in changes.chunks(900) {
        let ids: Vec<i64> = chunk.iter().map(|(g, _)| *g).collect();
        let rows: Vec<(Option<i64>, String, String, String)> = outbox::table
            .filter(outbox::guest_id.eq_any(&ids))
            .filter(outbox::kind.eq_any(tells))
            .select((
                outbox::guest_id,
                outbox::kind,
                outbox::ref_id,
                outbox::status,
            ))
            .load(conn)?;
        for (guest, kind, ref_id, state) in rows {
            let Some(guest) = guest else { continue };
            match state.as_str() {
                status::SENT | status::SENDING => {
                    told.insert(guest);
                }
                // A pickup change waiting for the other direction says nothing of this one.
                status::QUEUED | status::CLAIMED
                    if kind != Kind::PickupChange.as_str() || ref_id == direction =>
                {
                    waiting.insert(guest);
                }
                _ => {}
            }
        }
    }
    let due = now_utc() + hold;
    let to_tell: Vec<_> = changes
        .iter()
        .filter(|(g, _)| told.contains(g) && !waiting.contains(g))
        .collect();
    let mut messages = Vec::new();
    for chunk in to_tell.chunks(1000) {
        let ids: Vec<i64> = chunk.iter().map(|(g, _)| *g).collect();
        let emails = emails_of(conn, &ids)?;
        for (guest, before) in chunk.iter().copied() {
            let Some(email) = emails.get(guest) else {
                continue;
            };
            let mut m = NewMessage::new(
                Kind::PickupChange,
                (recipient::GUEST, *guest),
                email,
                direction,
                by,
            )
            .with_params(serde_json::json!({ "direction": direction, "before": before }));
            m.next_attempt_at = due;
            messages.push(m);
        }
    }
    queue_all(conn, &messages)
}

/// The addresses of those of `ids` who have one (at most a thousand ids a call).
fn emails_of(
    conn: &mut DbConn,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, String>> {
    Ok(guests::table
        .filter(guests::id.eq_any(ids))
        .filter(guests::email.is_not_null())
        .select((guests::id, guests::email.assume_not_null()))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .filter(|(_, e)| !e.trim().is_empty())
        .collect())
}
