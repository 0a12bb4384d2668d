//! Every query on passes, zones, sessions and the revocation feed.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{credential_zones, event_sessions, pass_revocations, passes, zones};
use crate::db::{DbConn, MultiBackend};
use crate::guests::GuestFilter;
use crate::passes::model::{EventSession, NewPass, Pass, Zone};

/// What a pass list may be narrowed by.
#[derive(Clone, Debug, Default)]
pub struct PassFilter {
    /// Kind code.
    pub kind: Option<String>,
    /// Status code.
    pub status: Option<String>,
    /// Only these ids.
    pub ids: Option<Vec<i64>>,
    /// Only passes of these guests.
    pub guest_ids: Option<Vec<i64>>,
    /// Vehicle stream.
    pub stream: Option<String>,
    /// Admission session.
    pub session_id: Option<i64>,
    /// Text in a vehicle pass's plate (plates are kept upper case, without spaces).
    pub plate: Option<String>,
}

fn filtered(f: &PassFilter) -> passes::BoxedQuery<'static, MultiBackend> {
    let mut q = passes::table.into_boxed::<MultiBackend>();
    if let Some(k) = &f.kind {
        q = q.filter(passes::kind.eq(k.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(passes::status.eq(s.clone()));
    }
    if let Some(ids) = &f.ids {
        q = q.filter(passes::id.eq_any(ids.clone()));
    }
    if let Some(ids) = &f.guest_ids {
        q = q.filter(passes::guest_id.eq_any(ids.clone()));
    }
    if let Some(s) = &f.stream {
        q = q.filter(passes::stream.eq(s.clone()));
    }
    if let Some(s) = f.session_id {
        q = q.filter(passes::session_id.eq(s));
    }
    if let Some(p) = &f.plate {
        q = q.filter(passes::plate.like(format!("%{}%", p.replace(['%', '_'], ""))));
    }
    q
}

/// A page of passes (newest first) and the total. With a guest filter, only passes of the
/// matching guests: their ids are matched in memory, since a list of every matching guest
/// could exceed what one statement may bind.
pub fn list_passes(
    conn: &mut DbConn,
    f: &PassFilter,
    guests: Option<&GuestFilter>,
    limit: i64,
    offset: i64,
) -> QueryResult<(i64, Vec<Pass>)> {
    let Some(g) = guests else {
        let total = filtered(f).count().get_result(conn)?;
        let items = filtered(f)
            .order(passes::id.desc())
            .limit(limit)
            .offset(offset)
            .select(Pass::as_select())
            .load(conn)?;
        return Ok((total, items));
    };
    let wanted: HashSet<i64> = crate::guests::matching_guest_ids(conn, g)?
        .into_iter()
        .collect();
    let pairs: Vec<(i64, Option<i64>)> = filtered(f)
        .order(passes::id.desc())
        .select((passes::id, passes::guest_id))
        .load(conn)?;
    let ids: Vec<i64> = pairs
        .into_iter()
        .filter(|(_, guest)| guest.is_some_and(|g| wanted.contains(&g)))
        .map(|(id, _)| id)
        .collect();
    let total = ids.len() as i64;
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(ids.len());
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(ids.len());
    let mut items = Vec::with_capacity(end - start);
    for chunk in ids[start..end].chunks(10_000) {
        items.extend(
            passes::table
                .filter(passes::id.eq_any(chunk))
                .select(Pass::as_select())
                .load(conn)?,
        );
    }
    items.sort_by_key(|p| std::cmp::Reverse(p.id));
    Ok((total, items))
}

/// One pass.
pub fn find_pass(conn: &mut DbConn, id: i64) -> QueryResult<Option<Pass>> {
    passes::table
        .find(id)
        .select(Pass::as_select())
        .first(conn)
        .optional()
}

/// Guests (of these) that already hold a credential that is not revoked.
pub fn guests_with_live_credential(conn: &mut DbConn, guest_ids: &[i64]) -> QueryResult<Vec<i64>> {
    passes::table
        .filter(passes::kind.eq("credential"))
        .filter(passes::status.ne("revoked"))
        .filter(passes::guest_id.eq_any(guest_ids))
        .select(passes::guest_id.assume_not_null())
        .load(conn)
}

/// Inserts a pass; returns its id.
pub fn insert_pass(conn: &mut DbConn, pass: &NewPass) -> QueryResult<i64> {
    diesel::insert_into(passes::table)
        .values(pass)
        .returning(passes::id)
        .get_result(conn)
}

/// Records approval or reissue: status, serial, token and the signing key.
pub fn update_issued(
    conn: &mut DbConn,
    id: i64,
    serial: i32,
    token: &str,
    key_id: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(passes::table.find(id))
        .set((
            passes::status.eq("issued"),
            passes::serial.eq(serial),
            passes::token.eq(Some(token)),
            passes::key_id.eq(Some(key_id)),
            passes::issued_at.eq(Some(now)),
            passes::printed_at.eq(None::<NaiveDateTime>),
            passes::collected_at.eq(None::<NaiveDateTime>),
            passes::revoked_at.eq(None::<NaiveDateTime>),
            passes::revoked_reason.eq(None::<String>),
            passes::revoked_note.eq(None::<String>),
            passes::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Marks printed or collected.
pub fn update_status(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let target = passes::table.find(id);
    match status {
        "printed" => diesel::update(target)
            .set((
                passes::status.eq(status),
                passes::printed_at.eq(Some(now)),
                passes::updated_at.eq(now),
            ))
            .execute(conn),
        "collected" => diesel::update(target)
            .set((
                passes::status.eq(status),
                passes::collected_at.eq(Some(now)),
                passes::updated_at.eq(now),
            ))
            .execute(conn),
        _ => diesel::update(target)
            .set((passes::status.eq(status), passes::updated_at.eq(now)))
            .execute(conn),
    }
}

/// Marks revoked, with the reason.
pub fn update_revoked(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    note: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(passes::table.find(id))
        .set((
            passes::status.eq("revoked"),
            passes::revoked_reason.eq(Some(reason)),
            passes::revoked_note.eq(note),
            passes::revoked_at.eq(Some(now)),
            passes::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Appends to the revocation feed scanners poll.
pub fn insert_revocation(
    conn: &mut DbConn,
    pass_id: i64,
    kind: &str,
    min_serial: i32,
    revoked: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(pass_revocations::table)
        .values((
            pass_revocations::pass_id.eq(pass_id),
            pass_revocations::kind.eq(kind),
            pass_revocations::min_serial.eq(min_serial),
            pass_revocations::revoked.eq(revoked),
            pass_revocations::at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A feed entry: (cursor id, pass id, kind, min serial, revoked).
pub type RevocationRow = (i64, i64, String, i32, bool);

/// Feed entries after `since`: (cursor id, pass id, kind, min serial, revoked).
pub fn list_revocations(conn: &mut DbConn, since: i64) -> QueryResult<Vec<RevocationRow>> {
    pass_revocations::table
        .filter(pass_revocations::id.gt(since))
        .order(pass_revocations::id.asc())
        .select((
            pass_revocations::id,
            pass_revocations::pass_id,
            pass_revocations::kind,
            pass_revocations::min_serial,
            pass_revocations::revoked,
        ))
        .load(conn)
}

/// All zones by code.
pub fn list_zones(conn: &mut DbConn) -> QueryResult<Vec<Zone>> {
    zones::table
        .order(zones::code.asc())
        .select(Zone::as_select())
        .load(conn)
}

/// Inserts a zone.
pub fn insert_zone(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    name_en: &str,
    color: &str,
    bit: i32,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(zones::table)
        .values((
            zones::code.eq(code),
            zones::name.eq(name),
            zones::name_en.eq(name_en),
            zones::color.eq(color),
            zones::bit.eq(bit),
            zones::created_at.eq(now),
        ))
        .returning(zones::id)
        .get_result(conn)
}

/// Changes a zone's names and colour (the code and bit stay: tokens carry the bit).
pub fn update_zone(
    conn: &mut DbConn,
    id: i64,
    name: &str,
    name_en: &str,
    color: &str,
) -> QueryResult<usize> {
    diesel::update(zones::table.find(id))
        .set((
            zones::name.eq(name),
            zones::name_en.eq(name_en),
            zones::color.eq(color),
        ))
        .execute(conn)
}

/// Whether any pass that is not revoked grants the zone.
pub fn zone_in_use(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
    let zones: Vec<String> = passes::table
        .filter(passes::status.ne("revoked"))
        .filter(passes::zones.like(format!("%{code}%")))
        .select(passes::zones)
        .load(conn)?;
    Ok(zones.iter().any(|z| z.split(',').any(|c| c == code)))
}

/// Deletes a zone.
pub fn delete_zone(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(zones::table.find(id)).execute(conn)
}

/// All sessions by start.
pub fn list_sessions(conn: &mut DbConn) -> QueryResult<Vec<EventSession>> {
    event_sessions::table
        .order(event_sessions::starts_at.asc())
        .select(EventSession::as_select())
        .load(conn)
}

/// One session.
pub fn find_session(conn: &mut DbConn, id: i64) -> QueryResult<Option<EventSession>> {
    event_sessions::table
        .find(id)
        .select(EventSession::as_select())
        .first(conn)
        .optional()
}

/// Inserts a session.
#[allow(clippy::too_many_arguments)]
pub fn insert_session(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    name_en: &str,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    gates: &str,
    allow_reentry: bool,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(event_sessions::table)
        .values((
            event_sessions::code.eq(code),
            event_sessions::name.eq(name),
            event_sessions::name_en.eq(name_en),
            event_sessions::starts_at.eq(starts_at),
            event_sessions::ends_at.eq(ends_at),
            event_sessions::gates.eq(gates),
            event_sessions::allow_reentry.eq(allow_reentry),
            event_sessions::created_at.eq(now),
        ))
        .returning(event_sessions::id)
        .get_result(conn)
}

/// The zones each category's credential opens: (category, zone codes joined by commas).
pub fn list_zone_policy(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    credential_zones::table
        .order(credential_zones::category)
        .select((credential_zones::category, credential_zones::zones))
        .load(conn)
}

/// Replaces the whole zone policy.
pub fn replace_zone_policy(
    conn: &mut DbConn,
    entries: &[(String, String)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(credential_zones::table).execute(conn)?;
    for (category, zones) in entries {
        diesel::insert_into(credential_zones::table)
            .values((
                credential_zones::category.eq(category),
                credential_zones::zones.eq(zones),
                credential_zones::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets a pass's zones (a credential following its holder's category).
pub fn update_zones(
    conn: &mut DbConn,
    id: i64,
    zones: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(passes::table.find(id))
        .set((passes::zones.eq(zones), passes::updated_at.eq(now)))
        .execute(conn)
}

/// Every pass a guest holds that is not revoked, oldest first.
pub fn live_passes_of_guest(conn: &mut DbConn, guest_id: i64) -> QueryResult<Vec<Pass>> {
    passes::table
        .filter(passes::guest_id.eq(guest_id))
        .filter(passes::status.ne("revoked"))
        .order(passes::id)
        .select(Pass::as_select())
        .load(conn)
}

/// Every pass a guest ever held, revoked ones included, oldest first.
pub fn passes_of_guest(conn: &mut DbConn, guest_id: i64) -> QueryResult<Vec<Pass>> {
    passes::table
        .filter(passes::guest_id.eq(guest_id))
        .order(passes::id)
        .select(Pass::as_select())
        .load(conn)
}

/// Whether a guest already holds a live ticket for a session.
pub fn has_live_admission(conn: &mut DbConn, guest_id: i64, session_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        passes::table
            .filter(passes::kind.eq("admission"))
            .filter(passes::guest_id.eq(guest_id))
            .filter(passes::session_id.eq(session_id))
            .filter(passes::status.ne("revoked")),
    ))
    .get_result(conn)
}

/// Whether a plate already holds a live pass of a stream.
pub fn has_live_vehicle_pass(conn: &mut DbConn, plate: &str, stream: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        passes::table
            .filter(passes::kind.eq("vehicle"))
            .filter(passes::plate.eq(plate))
            .filter(passes::stream.eq(stream))
            .filter(passes::status.ne("revoked")),
    ))
    .get_result(conn)
}

/// On PostgreSQL, holds a lock on `key` until the transaction ends, so that two requests
/// checking "is there one already?" for the same key take turns (SQLite's one writer already
/// makes them). Read committed would otherwise let both see none and both insert.
pub fn lock_key(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(c)?;
    }
    Ok(())
}
