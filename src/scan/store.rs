//! Every query of scanning.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{pass_uses, passes, scan_points, scans};
use crate::db::{DbConn, MultiBackend};
use crate::scan::model::{NewScan, ScanPoint, ScanRow};

/// All points by code.
pub fn list_points(conn: &mut DbConn) -> QueryResult<Vec<ScanPoint>> {
    scan_points::table
        .order(scan_points::code.asc())
        .select(ScanPoint::as_select())
        .load(conn)
}

/// A point by code.
pub fn find_point(conn: &mut DbConn, code: &str) -> QueryResult<Option<ScanPoint>> {
    scan_points::table
        .filter(scan_points::code.eq(code))
        .select(ScanPoint::as_select())
        .first(conn)
        .optional()
}

/// A point by id.
pub fn find_point_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<ScanPoint>> {
    scan_points::table
        .find(id)
        .select(ScanPoint::as_select())
        .first(conn)
        .optional()
}

/// Inserts a point.
#[allow(clippy::too_many_arguments)]
pub fn insert_point(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    kind: &str,
    zone: Option<&str>,
    session_id: Option<i64>,
    target: Option<&str>,
    offline_max_age_minutes: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(scan_points::table)
        .values((
            scan_points::code.eq(code),
            scan_points::name.eq(name),
            scan_points::kind.eq(kind),
            scan_points::zone.eq(zone),
            scan_points::session_id.eq(session_id),
            scan_points::target.eq(target),
            scan_points::offline_max_age_minutes.eq(offline_max_age_minutes),
            scan_points::created_at.eq(now),
        ))
        .returning(scan_points::id)
        .get_result(conn)
}

/// Renames a point or changes what it guards.
pub fn update_point(
    conn: &mut DbConn,
    id: i64,
    name: &str,
    zone: Option<&str>,
    session_id: Option<i64>,
    target: Option<&str>,
    offline_max_age_minutes: Option<i32>,
) -> QueryResult<usize> {
    diesel::update(scan_points::table.find(id))
        .set((
            scan_points::name.eq(name),
            scan_points::zone.eq(zone),
            scan_points::session_id.eq(session_id),
            scan_points::target.eq(target),
            scan_points::offline_max_age_minutes.eq(offline_max_age_minutes),
        ))
        .execute(conn)
}

/// (serial, status, kind, guest id, plate, stream, driver) of a pass — what a verdict needs.
pub type PassFacts = (
    i32,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Who holds a pass, as the checkpoint shows them: name, Latin name, category, delegation,
/// organization, and the hash of their photo.
pub type HolderRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// What a verdict needs to know of a pass, and its holder: one read (on PostgreSQL each read
/// is a round trip, and the scan path's are counted).
pub fn pass_facts(
    conn: &mut DbConn,
    id: i64,
) -> QueryResult<Option<(PassFacts, Option<HolderRow>)>> {
    use crate::db::schema::{delegations, guest_photos, guests};
    // Flat joins with their own ON: SQLite reads a nested join as a subquery over every guest.
    let query = passes::table
        .left_join(guests::table)
        .left_join(delegations::table.on(guests::delegation_id.eq(delegations::id.nullable())))
        .left_join(guest_photos::table.on(guest_photos::guest_id.eq(guests::id)))
        .filter(passes::id.eq(id))
        .select((
            (
                passes::serial,
                passes::status,
                passes::kind,
                passes::guest_id,
                passes::plate,
                passes::stream,
                passes::driver_name,
            ),
            (
                guests::name,
                guests::name_latin,
                guests::category,
                delegations::name.nullable(),
                guests::organization,
                guest_photos::sha256.nullable(),
            )
                .nullable(),
        ));
    crate::on_backend!(conn, |c| query.first(c).optional())
}

/// The first answer given to this user's nonce, if any.
pub fn find_by_nonce(conn: &mut DbConn, user_id: i64, nonce: &str) -> QueryResult<Option<ScanRow>> {
    crate::on_backend!(conn, |c| scans::table
        .filter(scans::user_id.eq(user_id))
        .filter(scans::nonce.eq(nonce))
        .select(ScanRow::as_select())
        .first(c)
        .optional())
}

/// Appends a scan; returns its id.
pub fn insert_scan(conn: &mut DbConn, scan: &NewScan) -> QueryResult<i64> {
    let insert = diesel::insert_into(scans::table)
        .values(scan)
        .returning(scans::id);
    crate::on_backend!(conn, |c| insert.get_result(c))
}

/// Records a first entry; fails with a unique violation when the pass was used already.
pub fn insert_use(
    conn: &mut DbConn,
    pass_id: i64,
    session_id: i64,
    scan_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(pass_uses::table)
        .values((
            pass_uses::pass_id.eq(pass_id),
            pass_uses::session_id.eq(session_id),
            pass_uses::scan_id.eq(scan_id),
            pass_uses::at.eq(now),
        ))
        .execute(conn)
}

/// Points a first-use row at the scan that made it.
pub fn set_use_scan(
    conn: &mut DbConn,
    pass_id: i64,
    session_id: i64,
    scan_id: i64,
) -> QueryResult<usize> {
    diesel::update(
        pass_uses::table
            .filter(pass_uses::pass_id.eq(pass_id))
            .filter(pass_uses::session_id.eq(session_id)),
    )
    .set(pass_uses::scan_id.eq(scan_id))
    .execute(conn)
}

/// When a pass's first entry to a session was, and the scan that made it.
pub fn session_use(
    conn: &mut DbConn,
    pass_id: i64,
    session_id: i64,
) -> QueryResult<Option<(NaiveDateTime, i64)>> {
    pass_uses::table
        .filter(pass_uses::pass_id.eq(pass_id))
        .filter(pass_uses::session_id.eq(session_id))
        .select((pass_uses::at, pass_uses::scan_id))
        .first(conn)
        .optional()
}

/// Gives a first entry to an earlier scan (an offline scan that came home late).
pub fn move_session_use(
    conn: &mut DbConn,
    pass_id: i64,
    session_id: i64,
    scan_id: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        pass_uses::table
            .filter(pass_uses::pass_id.eq(pass_id))
            .filter(pass_uses::session_id.eq(session_id)),
    )
    .set((pass_uses::scan_id.eq(scan_id), pass_uses::at.eq(at)))
    .execute(conn)
}

/// The accepted scan logged at `point_id` at instant `at` (a meal's use names no scan; its
/// instant is the scan's own, to the microsecond).
pub fn accepted_scan_at(
    conn: &mut DbConn,
    point_dining: i64,
    at: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    scans::table
        .inner_join(scan_points::table)
        .inner_join(
            crate::db::schema::dining_points::table.on(crate::db::schema::dining_points::code
                .nullable()
                .eq(scan_points::target)),
        )
        .filter(crate::db::schema::dining_points::id.eq(point_dining))
        .filter(scans::at.eq(at))
        .filter(scans::verdict.eq("accept"))
        .select(scans::id)
        .first(conn)
        .optional()
}

/// When, where (point name) and by which device a pass was first used for a session.
pub fn first_use(
    conn: &mut DbConn,
    pass_id: i64,
    session_id: i64,
) -> QueryResult<Option<(NaiveDateTime, String, Option<String>)>> {
    pass_uses::table
        .inner_join(scans::table.on(scans::id.eq(pass_uses::scan_id)))
        .inner_join(scan_points::table.on(scan_points::id.eq(scans::point_id)))
        .filter(pass_uses::pass_id.eq(pass_id))
        .filter(pass_uses::session_id.eq(session_id))
        .select((pass_uses::at, scan_points::name, scans::device))
        .first(conn)
        .optional()
}

/// Filters of the scan log.
#[derive(Clone, Debug, Default)]
pub struct ScanFilter {
    /// Point id.
    pub point_id: Option<i64>,
    /// From (UTC, inclusive).
    pub from: Option<NaiveDateTime>,
    /// To (UTC, exclusive).
    pub to: Option<NaiveDateTime>,
    /// `accept` or `reject`.
    pub verdict: Option<String>,
}

fn filtered(f: &ScanFilter) -> scans::BoxedQuery<'static, MultiBackend> {
    let mut q = scans::table.into_boxed::<MultiBackend>();
    if let Some(p) = f.point_id {
        q = q.filter(scans::point_id.eq(p));
    }
    if let Some(t) = f.from {
        q = q.filter(scans::at.ge(t));
    }
    if let Some(t) = f.to {
        q = q.filter(scans::at.lt(t));
    }
    if let Some(v) = &f.verdict {
        q = q.filter(scans::verdict.eq(v.clone()));
    }
    q
}

/// A page of the log, newest first.
pub fn list_scans(
    conn: &mut DbConn,
    f: &ScanFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(i64, Vec<ScanRow>)> {
    let total = filtered(f).count().get_result(conn)?;
    let rows = filtered(f)
        .order(scans::id.desc())
        .limit(limit)
        .offset(offset)
        .select(ScanRow::as_select())
        .load(conn)?;
    Ok((total, rows))
}

/// (point id, time, verdict) of the scans in a window, for hourly counts.
pub fn scan_times(
    conn: &mut DbConn,
    f: &ScanFilter,
) -> QueryResult<Vec<(i64, NaiveDateTime, String)>> {
    filtered(f)
        .select((scans::point_id, scans::at, scans::verdict))
        .load(conn)
}

/// The newest `limit` scans of some passes (a guest's history), newest first. Served by the
/// `scans_pass` index.
pub fn scans_of_passes(
    conn: &mut DbConn,
    pass_ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<ScanRow>> {
    if pass_ids.is_empty() {
        return Ok(Vec::new());
    }
    scans::table
        .filter(scans::pass_id.eq_any(pass_ids))
        .order(scans::id.desc())
        .limit(limit)
        .select(ScanRow::as_select())
        .load(conn)
}
