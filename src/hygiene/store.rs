//! Every query of the hygiene domain.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    hygiene_settings, incidents, inspection_photos, inspections, inspector_shifts, inspectors,
};
use crate::db::DbConn;

/// An inspector.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = inspectors)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct InspectorRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub phone: Option<String>,
    pub certificate_no: String,
    pub languages: String,
    pub created_at: NaiveDateTime,
    /// Where their roster is mailed.
    pub email: Option<String>,
}

/// A shift.
#[derive(Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = inspector_shifts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ShiftRow {
    pub id: i64,
    pub inspector_id: i64,
    pub point_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// An inspection.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = inspections)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct InspectionRow {
    pub id: i64,
    pub inspector_id: i64,
    pub point_id: i64,
    pub day: NaiveDate,
    pub arrived_at: NaiveDateTime,
    pub items: String,
    pub failed: i32,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

/// An incident.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = incidents)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct IncidentRow {
    pub id: i64,
    pub point_id: i64,
    pub raised_by: String,
    pub kind: String,
    pub description: String,
    pub stops_service: bool,
    pub status: String,
    /// JSON list of `{at, by, note}`.
    pub follow_up: String,
    pub created_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

pub fn list_inspectors(conn: &mut DbConn) -> QueryResult<Vec<InspectorRow>> {
    inspectors::table
        .order(inspectors::id)
        .select(InspectorRow::as_select())
        .load(conn)
}

pub fn find_inspector(conn: &mut DbConn, id: i64) -> QueryResult<Option<InspectorRow>> {
    inspectors::table
        .find(id)
        .select(InspectorRow::as_select())
        .first(conn)
        .optional()
}

#[allow(clippy::too_many_arguments)]
pub fn upsert_inspector(
    conn: &mut DbConn,
    id: Option<i64>,
    name: &str,
    unit: &str,
    phone: Option<&str>,
    certificate_no: &str,
    languages: &str,
    email: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    match id {
        Some(id) => {
            diesel::update(inspectors::table.find(id))
                .set((
                    inspectors::name.eq(name),
                    inspectors::unit.eq(unit),
                    inspectors::phone.eq(phone),
                    inspectors::certificate_no.eq(certificate_no),
                    inspectors::languages.eq(languages),
                    inspectors::email.eq(email),
                ))
                .execute(conn)?;
            Ok(id)
        }
        None => diesel::insert_into(inspectors::table)
            .values((
                inspectors::name.eq(name),
                inspectors::unit.eq(unit),
                inspectors::phone.eq(phone),
                inspectors::certificate_no.eq(certificate_no),
                inspectors::languages.eq(languages),
                inspectors::email.eq(email),
                inspectors::created_at.eq(now),
            ))
            .returning(inspectors::id)
            .get_result(conn),
    }
}

pub fn list_settings(conn: &mut DbConn) -> QueryResult<Vec<(String, i32)>> {
    hygiene_settings::table
        .select((hygiene_settings::name, hygiene_settings::value))
        .load(conn)
}

pub fn delete_setting(conn: &mut DbConn, name: &str) -> QueryResult<usize> {
    diesel::delete(hygiene_settings::table.find(name)).execute(conn)
}

pub fn put_setting(conn: &mut DbConn, name: &str, value: i32) -> QueryResult<()> {
    diesel::delete(hygiene_settings::table.find(name)).execute(conn)?;
    diesel::insert_into(hygiene_settings::table)
        .values((
            hygiene_settings::name.eq(name),
            hygiene_settings::value.eq(value),
        ))
        .execute(conn)?;
    Ok(())
}

/// Shifts starting in `[from, to)` (UTC), optionally of one inspector.
pub fn list_shifts(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    inspector: Option<i64>,
) -> QueryResult<Vec<ShiftRow>> {
    let mut q = inspector_shifts::table
        .filter(inspector_shifts::starts_at.ge(from))
        .filter(inspector_shifts::starts_at.lt(to))
        .order((inspector_shifts::starts_at, inspector_shifts::id))
        .select(ShiftRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(i) = inspector {
        q = q.filter(inspector_shifts::inspector_id.eq(i));
    }
    q.load(conn)
}

pub fn find_shift(conn: &mut DbConn, id: i64) -> QueryResult<Option<ShiftRow>> {
    inspector_shifts::table
        .find(id)
        .select(ShiftRow::as_select())
        .first(conn)
        .optional()
}

pub fn delete_shifts_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        inspector_shifts::table
            .filter(inspector_shifts::starts_at.ge(from))
            .filter(inspector_shifts::starts_at.lt(to)),
    )
    .execute(conn)
}

pub fn delete_shift(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(inspector_shifts::table.find(id)).execute(conn)
}

/// (inspector, point, starts, ends).
pub type NewShift = (i64, i64, NaiveDateTime, NaiveDateTime);

pub fn insert_shifts(conn: &mut DbConn, rows: &[NewShift], now: NaiveDateTime) -> QueryResult<()> {
    for chunk in rows.chunks(1000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(i, p, s, e)| {
                (
                    inspector_shifts::inspector_id.eq(*i),
                    inspector_shifts::point_id.eq(*p),
                    inspector_shifts::starts_at.eq(*s),
                    inspector_shifts::ends_at.eq(*e),
                    inspector_shifts::created_at.eq(now),
                )
            })
            .collect();
        crate::on_backend!(conn, |c| diesel::insert_into(inspector_shifts::table)
            .values(&values)
            .execute(c))?;
    }
    Ok(())
}

pub fn update_shift(conn: &mut DbConn, id: i64, row: &NewShift) -> QueryResult<usize> {
    diesel::update(inspector_shifts::table.find(id))
        .set((
            inspector_shifts::inspector_id.eq(row.0),
            inspector_shifts::point_id.eq(row.1),
            inspector_shifts::starts_at.eq(row.2),
            inspector_shifts::ends_at.eq(row.3),
        ))
        .execute(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_inspection(
    conn: &mut DbConn,
    inspector: i64,
    point: i64,
    day: NaiveDate,
    arrived_at: NaiveDateTime,
    items: &str,
    failed: i32,
    note: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(inspections::table)
        .values((
            inspections::inspector_id.eq(inspector),
            inspections::point_id.eq(point),
            inspections::day.eq(day),
            inspections::arrived_at.eq(arrived_at),
            inspections::items.eq(items),
            inspections::failed.eq(failed),
            inspections::note.eq(note),
            inspections::created_at.eq(now),
        ))
        .returning(inspections::id)
        .get_result(conn)
}

pub fn list_inspections(
    conn: &mut DbConn,
    days: (NaiveDate, NaiveDate),
    point: Option<i64>,
) -> QueryResult<Vec<InspectionRow>> {
    let mut q = inspections::table
        .filter(inspections::day.between(days.0, days.1))
        .order((inspections::day, inspections::point_id, inspections::id))
        .select(InspectionRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(p) = point {
        q = q.filter(inspections::point_id.eq(p));
    }
    q.load(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_incident(
    conn: &mut DbConn,
    point: i64,
    by: &str,
    kind: &str,
    description: &str,
    stops_service: bool,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(incidents::table)
        .values((
            incidents::point_id.eq(point),
            incidents::raised_by.eq(by),
            incidents::kind.eq(kind),
            incidents::description.eq(description),
            incidents::stops_service.eq(stops_service),
            incidents::status.eq("open"),
            incidents::follow_up.eq("[]"),
            incidents::created_at.eq(now),
        ))
        .returning(incidents::id)
        .get_result(conn)
}

pub fn find_incident(conn: &mut DbConn, id: i64) -> QueryResult<Option<IncidentRow>> {
    incidents::table
        .find(id)
        .select(IncidentRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_incidents(conn: &mut DbConn, status: Option<&str>) -> QueryResult<Vec<IncidentRow>> {
    let mut q = incidents::table
        .order(incidents::id.desc())
        .select(IncidentRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(s) = status {
        q = q.filter(incidents::status.eq(s.to_string()));
    }
    q.load(conn)
}

pub fn update_incident(
    conn: &mut DbConn,
    id: i64,
    follow_up: &str,
    status: &str,
    closed_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(incidents::table.find(id))
        .set((
            incidents::follow_up.eq(follow_up),
            incidents::status.eq(status),
            incidents::closed_at.eq(closed_at),
        ))
        .execute(conn)
}

pub fn insert_photo(
    conn: &mut DbConn,
    inspection: i64,
    item: &str,
    jpeg: &[u8],
) -> QueryResult<usize> {
    diesel::insert_into(inspection_photos::table)
        .values((
            inspection_photos::inspection_id.eq(inspection),
            inspection_photos::item.eq(item),
            inspection_photos::jpeg.eq(jpeg),
        ))
        .execute(conn)
}

pub fn find_photo(conn: &mut DbConn, inspection: i64, item: &str) -> QueryResult<Option<Vec<u8>>> {
    inspection_photos::table
        .find((inspection, item))
        .select(inspection_photos::jpeg)
        .first(conn)
        .optional()
}

/// (inspection, item) pairs that have a photo.
pub fn photo_keys(conn: &mut DbConn, inspections: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in inspections.chunks(900) {
        out.extend(
            inspection_photos::table
                .filter(inspection_photos::inspection_id.eq_any(chunk))
                .select((inspection_photos::inspection_id, inspection_photos::item))
                .load::<(i64, String)>(conn)?,
        );
    }
    Ok(out)
}
