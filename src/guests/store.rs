//! Every query of the guest registry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{delegations, departments, guest_photos, guests, hubs};
use crate::db::{DbConn, MultiBackend};
use crate::guests::model::{Delegation, Department, Guest, GuestFields, GuestPhoto, Hub, NewGuest};

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>);

/// What a guest list may be narrowed by. Instants are UTC.
#[derive(Clone, Debug, Default)]
pub struct GuestFilter {
    /// Text in name, Latin name, ref, phone or organization (case-insensitive).
    pub q: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Department (also how a department user is confined).
    pub department_id: Option<i64>,
    /// Confines a department user; applied on top of `department_id`.
    pub scope_department_id: Option<i64>,
    /// Delegation.
    pub delegation_id: Option<i64>,
    /// Halal or not.
    pub halal: Option<bool>,
    /// Arrival hub id.
    pub arrival_hub_id: Option<i64>,
    /// Arrivals in `[from, to)`.
    pub arrival_between: Option<(NaiveDateTime, NaiveDateTime)>,
    /// Exact organization (a media outlet's journalists).
    pub organization: Option<String>,
    /// Departure hub id.
    pub departure_hub_id: Option<i64>,
    /// Departures in `[from, to)`.
    pub departure_between: Option<(NaiveDateTime, NaiveDateTime)>,
    /// Withdrawn guests only (`true`) or those taking part (`false`); both when `None`.
    pub withdrawn: Option<bool>,
}

fn like_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn filtered(f: &GuestFilter) -> guests::BoxedQuery<'static, MultiBackend> {
    let mut query = guests::table.into_boxed::<MultiBackend>();
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = like_pattern(q);
        query = query.filter(
            lower(guests::name.nullable())
                .like(p.clone())
                .escape('\\')
                .or(lower(guests::name_latin).like(p.clone()).escape('\\'))
                .or(lower(guests::ref_code.nullable())
                    .like(p.clone())
                    .escape('\\'))
                .or(guests::phone.like(p.clone()).escape('\\'))
                .or(lower(guests::organization).like(p).escape('\\')),
        );
    }
    if let Some(c) = &f.category {
        query = query.filter(guests::category.eq(c.clone()));
    }
    if let Some(d) = f.department_id {
        query = query.filter(guests::department_id.eq(d));
    }
    if let Some(d) = f.scope_department_id {
        query = query.filter(guests::department_id.eq(d));
    }
    if let Some(d) = f.delegation_id {
        query = query.filter(guests::delegation_id.eq(d));
    }
    if let Some(h) = f.halal {
        query = query.filter(guests::halal.eq(h));
    }
    if let Some(h) = f.arrival_hub_id {
        query = query.filter(guests::arrival_hub_id.eq(h));
    }
    if let Some(org) = &f.organization {
        query = query.filter(guests::organization.eq(org.clone()));
    }
    if let Some((from, to)) = f.arrival_between {
        query = query
            .filter(guests::arrival_at.ge(from))
            .filter(guests::arrival_at.lt(to));
    }
    if let Some(h) = f.departure_hub_id {
        query = query.filter(guests::departure_hub_id.eq(h));
    }
    if let Some((from, to)) = f.departure_between {
        query = query
            .filter(guests::departure_at.ge(from))
            .filter(guests::departure_at.lt(to));
    }
    match f.withdrawn {
        Some(true) => query = query.filter(guests::withdrawn_at.is_not_null()),
        Some(false) => query = query.filter(guests::withdrawn_at.is_null()),
        None => {}
    }
    query
}

/// The ids of the guests matching the filter.
pub fn matching_guest_ids(conn: &mut DbConn, f: &GuestFilter) -> QueryResult<Vec<i64>> {
    filtered(f).select(guests::id).load(conn)
}

/// Guests matching the filter, ordered by department and ref, and how many match in all.
pub fn list_guests(
    conn: &mut DbConn,
    f: &GuestFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(i64, Vec<Guest>)> {
    let total = filtered(f).count().get_result(conn)?;
    let items = if limit == 0 {
        Vec::new()
    } else {
        filtered(f)
            .order((guests::department_id.asc(), guests::ref_code.asc()))
            .limit(limit)
            .offset(offset)
            .select(Guest::as_select())
            .load(conn)?
    };
    Ok((total, items))
}

/// Every guest matching the filter (exports).
pub fn list_all_guests(conn: &mut DbConn, f: &GuestFilter) -> QueryResult<Vec<Guest>> {
    filtered(f)
        .order((guests::department_id.asc(), guests::ref_code.asc()))
        .select(Guest::as_select())
        .load(conn)
}

/// Every guest of these departments (an import compares against them).
pub fn list_guests_of_departments(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Guest>> {
    guests::table
        .filter(guests::department_id.eq_any(ids))
        .select(Guest::as_select())
        .load(conn)
}

/// One guest.
pub fn find_guest(conn: &mut DbConn, id: i64) -> QueryResult<Option<Guest>> {
    guests::table
        .find(id)
        .select(Guest::as_select())
        .first(conn)
        .optional()
}

/// These guests.
pub fn find_guests(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Guest>> {
    guests::table
        .filter(guests::id.eq_any(ids))
        .select(Guest::as_select())
        .load(conn)
}

/// (guest id, photo SHA-256) of these guests' photos.
pub fn photo_hashes(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    guest_photos::table
        .filter(guest_photos::guest_id.eq_any(ids))
        .select((guest_photos::guest_id, guest_photos::sha256))
        .load(conn)
}

/// A guest, their department's and delegation's names, and their photo's hash.
pub type CardRow = (Guest, String, Option<String>, Option<String>);

/// One guest with their department's and delegation's names and photo hash, in one query.
pub fn find_card_row(conn: &mut DbConn, id: i64) -> QueryResult<Option<CardRow>> {
    crate::on_backend!(conn, |c| guests::table
        .inner_join(departments::table)
        .left_join(delegations::table)
        .left_join(guest_photos::table)
        .filter(guests::id.eq(id))
        .select((
            Guest::as_select(),
            departments::name,
            delegations::name.nullable(),
            guest_photos::sha256.nullable(),
        ))
        .first(c)
        .optional())
}

/// Inserts a guest; returns its id.
pub fn insert_guest(
    conn: &mut DbConn,
    fields: &GuestFields,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(guests::table)
        .values((
            fields,
            guests::created_at.eq(now),
            guests::updated_at.eq(now),
        ))
        .returning(guests::id)
        .get_result(conn)
}

/// Inserts many guests with multi-row INSERTs, in chunks under SQLite's limit of bound
/// parameters. Batch inserts do not go through the connection enum, hence `on_backend!`.
pub fn insert_guests(conn: &mut DbConn, rows: &[NewGuest]) -> QueryResult<()> {
    // 28 columns a row; SQLite allows 32,766 parameters a statement.
    const CHUNK: usize = 1000;
    for chunk in rows.chunks(CHUNK) {
        crate::on_backend!(conn, |c| diesel::insert_into(guests::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Replaces a guest's fields.
pub fn update_guest(
    conn: &mut DbConn,
    id: i64,
    fields: &GuestFields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(guests::table.find(id))
        .set((fields, guests::updated_at.eq(now)))
        .execute(conn)
}

/// Marks a guest withdrawn (`Some`) or back (`None`).
pub fn update_withdrawn(
    conn: &mut DbConn,
    id: i64,
    withdrawn: Option<(NaiveDateTime, &str)>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(guests::table.find(id))
        .set((
            guests::withdrawn_at.eq(withdrawn.map(|w| w.0)),
            guests::withdrawn_reason.eq(withdrawn.map(|w| w.1)),
            guests::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Deletes a guest (and, by cascade, the photo).
pub fn delete_guest(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(guest_photos::table.find(id)).execute(conn)?;
    diesel::delete(guests::table.find(id)).execute(conn)
}

/// Ids of these guests that have a photo.
pub fn guests_with_photos(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    guest_photos::table
        .filter(guest_photos::guest_id.eq_any(ids))
        .select(guest_photos::guest_id)
        .load(conn)
}

/// A guest's photo.
pub fn find_photo(conn: &mut DbConn, guest_id: i64) -> QueryResult<Option<GuestPhoto>> {
    guest_photos::table
        .find(guest_id)
        .select(GuestPhoto::as_select())
        .first(conn)
        .optional()
}

/// Stores (or replaces) a guest's photo.
pub fn upsert_photo(conn: &mut DbConn, photo: &GuestPhoto) -> QueryResult<()> {
    let updated = diesel::update(guest_photos::table.find(photo.guest_id))
        .set(photo)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(guest_photos::table)
            .values(photo)
            .execute(conn)?;
    }
    Ok(())
}

/// All departments by name.
pub fn list_departments(conn: &mut DbConn) -> QueryResult<Vec<Department>> {
    departments::table
        .order(departments::name.asc())
        .select(Department::as_select())
        .load(conn)
}

/// One department.
pub fn find_department(conn: &mut DbConn, id: i64) -> QueryResult<Option<Department>> {
    departments::table
        .find(id)
        .select(Department::as_select())
        .first(conn)
        .optional()
}

/// A department by exact name.
pub fn find_department_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Department>> {
    departments::table
        .filter(departments::name.eq(name))
        .select(Department::as_select())
        .first(conn)
        .optional()
}

/// Inserts a department; returns its id.
pub fn insert_department(conn: &mut DbConn, name: &str, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(departments::table)
        .values((departments::name.eq(name), departments::created_at.eq(now)))
        .returning(departments::id)
        .get_result(conn)
}

/// Renames a department.
pub fn update_department(conn: &mut DbConn, id: i64, name: &str) -> QueryResult<usize> {
    diesel::update(departments::table.find(id))
        .set(departments::name.eq(name))
        .execute(conn)
}

/// Deletes a department (refused by the database while guests belong to it).
pub fn delete_department(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(departments::table.find(id)).execute(conn)
}

/// Guests per department id.
pub fn count_by_department(conn: &mut DbConn) -> QueryResult<Vec<(i64, i64)>> {
    guests::table
        .group_by(guests::department_id)
        .select((guests::department_id, diesel::dsl::count_star()))
        .load(conn)
}

/// All delegations by name.
pub fn list_delegations(conn: &mut DbConn) -> QueryResult<Vec<Delegation>> {
    delegations::table
        .order(delegations::name.asc())
        .select(Delegation::as_select())
        .load(conn)
}

/// Inserts a delegation; returns its id.
pub fn insert_delegation(conn: &mut DbConn, name: &str, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(delegations::table)
        .values((delegations::name.eq(name), delegations::created_at.eq(now)))
        .returning(delegations::id)
        .get_result(conn)
}

/// Renames a delegation.
pub fn update_delegation(conn: &mut DbConn, id: i64, name: &str) -> QueryResult<usize> {
    diesel::update(delegations::table.find(id))
        .set(delegations::name.eq(name))
        .execute(conn)
}

/// Deletes a delegation (refused while guests belong to it).
pub fn delete_delegation(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(delegations::table.find(id)).execute(conn)
}

/// Guests per delegation id.
pub fn count_by_delegation(conn: &mut DbConn) -> QueryResult<Vec<(Option<i64>, i64)>> {
    guests::table
        .group_by(guests::delegation_id)
        .select((guests::delegation_id, diesel::dsl::count_star()))
        .load(conn)
}

/// All hubs by code.
pub fn list_hubs(conn: &mut DbConn) -> QueryResult<Vec<Hub>> {
    hubs::table
        .order(hubs::code.asc())
        .select(Hub::as_select())
        .load(conn)
}

/// Inserts a hub; returns its id.
pub fn insert_hub(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    kind: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(hubs::table)
        .values((
            hubs::code.eq(code),
            hubs::name.eq(name),
            hubs::kind.eq(kind),
            hubs::created_at.eq(now),
        ))
        .returning(hubs::id)
        .get_result(conn)
}
