//! Writing to guests: a message queued for each guest who gave an address, inside the
//! caller's transaction (the outbox sends it once the change commits).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::guests;
use crate::db::{DbConn, Tx};
use crate::outbox::{self, recipient, Kind, NewMessage};

/// Queues a message to a guest if they have an address; says whether one was queued.
pub fn to_guest(
    tx: &mut Tx,
    kind: Kind,
    guest_id: i64,
    ref_id: impl ToString,
    params: serde_json::Value,
    created_by: &str,
) -> QueryResult<bool> {
    let Some(email) = emails_of(tx, &[guest_id])?.remove(&guest_id) else {
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
    outbox::queue(tx, &message)
}

/// Queues a message of one kind to each guest (those with an address), each about its own
/// `ref_id` — every newly signed credential, everyone on a delayed flight. Returns how many.
pub fn to_guests(
    tx: &mut Tx,
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
        let emails = emails_of(tx, &ids)?;
        for (id, ref_id) in chunk {
            let Some(email) = emails.get(id) else {
                continue;
            };
            let mut m = NewMessage::new(kind, (recipient::GUEST, *id), email, ref_id, created_by);
            m.params = params.clone();
            messages.push(m);
        }
    }
    outbox::queue_all(tx, &messages)
}

/// The addresses of those of `ids` who have one (at most a thousand ids a call).
pub fn emails_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    Ok(guests::table
        .filter(guests::id.eq_any(ids))
        .filter(guests::email.is_not_null())
        .select((guests::id, guests::email.assume_not_null()))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .filter(|(_, e)| !e.trim().is_empty())
        .collect())
}
