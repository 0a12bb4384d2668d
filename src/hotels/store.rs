//! Every query of the lodging domain.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    allocation_plans, delegations, guests, hotel_acks, hotels, lodging_policies, plan_assignments,
    room_blocks, room_releases, stays,
};
use crate::db::DbConn;
use crate::hotels::model::{
    AssignmentRow, Hotel, HotelFields, NewPlan, NewRoomBlock, NewRoomRelease, PlanRow, PolicyRow,
    RoomBlock, RoomRelease, StayRow,
};

// --- hotels and blocks -------------------------------------------------------------------

pub fn list_hotels(conn: &mut DbConn) -> QueryResult<Vec<Hotel>> {
    hotels::table
        .order(hotels::code)
        .select(Hotel::as_select())
        .load(conn)
}

pub fn find_hotel(conn: &mut DbConn, code: &str) -> QueryResult<Option<Hotel>> {
    hotels::table
        .filter(hotels::code.eq(code))
        .select(Hotel::as_select())
        .first(conn)
        .optional()
}

pub fn find_hotel_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Hotel>> {
    hotels::table
        .find(id)
        .select(Hotel::as_select())
        .first(conn)
        .optional()
}

pub fn insert_hotel(
    conn: &mut DbConn,
    fields: &HotelFields,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(hotels::table)
        .values((fields, hotels::created_at.eq(now)))
        .returning(hotels::id)
        .get_result(conn)
}

pub fn update_hotel(conn: &mut DbConn, id: i64, fields: &HotelFields) -> QueryResult<usize> {
    diesel::update(hotels::table.find(id))
        .set(fields)
        .execute(conn)
}

pub fn delete_hotel(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(hotels::table.find(id)).execute(conn)
}

/// Whether any plan or stay names the hotel.
pub fn hotel_in_use(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let planned: i64 = plan_assignments::table
        .filter(plan_assignments::hotel_id.eq(id))
        .count()
        .get_result(conn)?;
    let stayed: i64 = stays::table
        .filter(stays::hotel_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(planned + stayed > 0)
}

pub fn list_blocks(conn: &mut DbConn) -> QueryResult<Vec<RoomBlock>> {
    room_blocks::table
        .order((
            room_blocks::hotel_id,
            room_blocks::room_type,
            room_blocks::id,
        ))
        .select(RoomBlock::as_select())
        .load(conn)
}

pub fn list_hotel_blocks(conn: &mut DbConn, hotel_id: i64) -> QueryResult<Vec<RoomBlock>> {
    room_blocks::table
        .filter(room_blocks::hotel_id.eq(hotel_id))
        .order((
            room_blocks::room_type,
            room_blocks::nights_from,
            room_blocks::id,
        ))
        .select(RoomBlock::as_select())
        .load(conn)
}

pub fn insert_block(conn: &mut DbConn, block: &NewRoomBlock) -> QueryResult<i64> {
    diesel::insert_into(room_blocks::table)
        .values(block)
        .returning(room_blocks::id)
        .get_result(conn)
}

pub fn delete_block(conn: &mut DbConn, hotel_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        room_blocks::table
            .filter(room_blocks::id.eq(id))
            .filter(room_blocks::hotel_id.eq(hotel_id)),
    )
    .execute(conn)
}

// --- releases ----------------------------------------------------------------------------

pub fn list_releases(
    conn: &mut DbConn,
    hotel_id: Option<i64>,
    status: Option<&str>,
) -> QueryResult<Vec<RoomRelease>> {
    let mut q = room_releases::table
        .select(RoomRelease::as_select())
        .order(room_releases::id.desc())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(h) = hotel_id {
        q = q.filter(room_releases::hotel_id.eq(h));
    }
    if let Some(s) = status {
        q = q.filter(room_releases::status.eq(s.to_string()));
    }
    q.load(conn)
}

/// Granted releases of every hotel (they shrink the blocks).
pub fn list_granted_releases(conn: &mut DbConn) -> QueryResult<Vec<RoomRelease>> {
    list_releases(conn, None, Some("granted"))
}

pub fn find_release(conn: &mut DbConn, id: i64) -> QueryResult<Option<RoomRelease>> {
    room_releases::table
        .find(id)
        .select(RoomRelease::as_select())
        .first(conn)
        .optional()
}

pub fn insert_release(conn: &mut DbConn, release: &NewRoomRelease) -> QueryResult<i64> {
    diesel::insert_into(room_releases::table)
        .values(release)
        .returning(room_releases::id)
        .get_result(conn)
}

/// Decides a pending release; 0 rows when it was decided already.
pub fn decide_release(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    by: &str,
    comment: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        room_releases::table
            .filter(room_releases::id.eq(id))
            .filter(room_releases::status.eq("pending")),
    )
    .set((
        room_releases::status.eq(status),
        room_releases::decided_by.eq(by),
        room_releases::comment.eq(comment),
        room_releases::decided_at.eq(now),
    ))
    .execute(conn)
}

// --- policy ------------------------------------------------------------------------------

pub fn list_policies(conn: &mut DbConn) -> QueryResult<Vec<PolicyRow>> {
    lodging_policies::table
        .order(lodging_policies::category)
        .select(PolicyRow::as_select())
        .load(conn)
}

pub fn replace_policies(conn: &mut DbConn, rows: &[PolicyRow]) -> QueryResult<()> {
    diesel::delete(lodging_policies::table).execute(conn)?;
    for row in rows {
        diesel::insert_into(lodging_policies::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

// --- plans -------------------------------------------------------------------------------

pub fn list_plans(conn: &mut DbConn) -> QueryResult<Vec<PlanRow>> {
    allocation_plans::table
        .order(allocation_plans::id.desc())
        .select(PlanRow::as_select())
        .load(conn)
}

pub fn find_plan(conn: &mut DbConn, id: i64) -> QueryResult<Option<PlanRow>> {
    allocation_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

/// The newest plan with one of `statuses`.
pub fn find_plan_with_status(conn: &mut DbConn, statuses: &[&str]) -> QueryResult<Option<PlanRow>> {
    let statuses: Vec<String> = statuses.iter().map(|s| s.to_string()).collect();
    allocation_plans::table
        .filter(allocation_plans::status.eq_any(statuses))
        .order(allocation_plans::id.desc())
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

/// The plan before `id` that was published (now superseded), for a hotel's changes.
pub fn find_previous_publication(conn: &mut DbConn, id: i64) -> QueryResult<Option<PlanRow>> {
    allocation_plans::table
        .filter(allocation_plans::id.lt(id))
        .filter(allocation_plans::status.eq("superseded"))
        .order(allocation_plans::id.desc())
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

pub fn max_revision(conn: &mut DbConn) -> QueryResult<i32> {
    let max: Option<i32> = allocation_plans::table
        .filter(allocation_plans::status.eq_any(["published", "superseded"]))
        .select(diesel::dsl::max(allocation_plans::revision))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

pub fn insert_plan(conn: &mut DbConn, plan: &NewPlan) -> QueryResult<i64> {
    diesel::insert_into(allocation_plans::table)
        .values(plan)
        .returning(allocation_plans::id)
        .get_result(conn)
}

pub fn delete_plan(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(plan_assignments::table.filter(plan_assignments::plan_id.eq(id)))
        .execute(conn)?;
    diesel::delete(allocation_plans::table.find(id)).execute(conn)
}

/// Moves a plan from `from` to `to`, stamping who and when; 0 rows when it was not in `from`.
#[allow(clippy::too_many_arguments)]
pub fn set_plan_status(
    conn: &mut DbConn,
    id: i64,
    from: &str,
    to: &str,
    by: &str,
    comment: Option<&str>,
    revision: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let target = allocation_plans::table
        .filter(allocation_plans::id.eq(id))
        .filter(allocation_plans::status.eq(from));
    if to == "submitted" {
        diesel::update(target)
            .set((
                allocation_plans::status.eq(to),
                allocation_plans::submitted_at.eq(now),
            ))
            .execute(conn)
    } else if let Some(revision) = revision {
        diesel::update(target)
            .set((
                allocation_plans::status.eq(to),
                allocation_plans::decided_by.eq(by),
                allocation_plans::decided_at.eq(now),
                allocation_plans::comment.eq(comment),
                allocation_plans::revision.eq(revision),
            ))
            .execute(conn)
    } else {
        diesel::update(target)
            .set((
                allocation_plans::status.eq(to),
                allocation_plans::decided_by.eq(by),
                allocation_plans::decided_at.eq(now),
                allocation_plans::comment.eq(comment),
            ))
            .execute(conn)
    }
}

/// Supersedes whatever is published.
pub fn supersede_published(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::update(allocation_plans::table.filter(allocation_plans::status.eq("published")))
        .set(allocation_plans::status.eq("superseded"))
        .execute(conn)
}

pub fn update_plan_scores(
    conn: &mut DbConn,
    id: i64,
    penalty: &str,
    unplaced: &str,
) -> QueryResult<usize> {
    diesel::update(allocation_plans::table.find(id))
        .set((
            allocation_plans::penalty.eq(penalty),
            allocation_plans::unplaced.eq(unplaced),
        ))
        .execute(conn)
}

// --- assignments -------------------------------------------------------------------------

pub fn list_assignments(conn: &mut DbConn, plan_id: i64) -> QueryResult<Vec<AssignmentRow>> {
    plan_assignments::table
        .filter(plan_assignments::plan_id.eq(plan_id))
        .order(plan_assignments::guest_id)
        .select(AssignmentRow::as_select())
        .load(conn)
}

pub fn list_hotel_assignments(
    conn: &mut DbConn,
    plan_id: i64,
    hotel_id: i64,
) -> QueryResult<Vec<AssignmentRow>> {
    plan_assignments::table
        .filter(plan_assignments::plan_id.eq(plan_id))
        .filter(plan_assignments::hotel_id.eq(hotel_id))
        .order((plan_assignments::room, plan_assignments::guest_id))
        .select(AssignmentRow::as_select())
        .load(conn)
}

/// The guests a plan puts in one room of a hotel.
pub fn list_room_assignments(
    conn: &mut DbConn,
    plan_id: i64,
    hotel_id: i64,
    room: i32,
) -> QueryResult<Vec<AssignmentRow>> {
    plan_assignments::table
        .filter(plan_assignments::plan_id.eq(plan_id))
        .filter(plan_assignments::hotel_id.eq(hotel_id))
        .filter(plan_assignments::room.eq(room))
        .order(plan_assignments::guest_id)
        .select(AssignmentRow::as_select())
        .load(conn)
}

/// Counts a plan's assignments.
pub fn count_assignments(conn: &mut DbConn, plan_id: i64) -> QueryResult<i64> {
    plan_assignments::table
        .filter(plan_assignments::plan_id.eq(plan_id))
        .count()
        .get_result(conn)
}

pub fn insert_assignments(conn: &mut DbConn, rows: &[AssignmentRow]) -> QueryResult<()> {
    // 9 columns a row; well under SQLite's parameter limit.
    const CHUNK: usize = 2000;
    for chunk in rows.chunks(CHUNK) {
        crate::on_backend!(conn, |c| diesel::insert_into(plan_assignments::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Replaces one guest's assignment in a plan.
pub fn replace_assignment(conn: &mut DbConn, row: &AssignmentRow) -> QueryResult<()> {
    diesel::delete(plan_assignments::table.find((row.plan_id, row.guest_id))).execute(conn)?;
    diesel::insert_into(plan_assignments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// One guest's assignment in a plan.
pub fn find_assignment(
    conn: &mut DbConn,
    plan_id: i64,
    guest_id: i64,
) -> QueryResult<Option<AssignmentRow>> {
    plan_assignments::table
        .find((plan_id, guest_id))
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()
}

/// Takes one guest out of a plan.
pub fn delete_assignment(conn: &mut DbConn, plan_id: i64, guest_id: i64) -> QueryResult<usize> {
    diesel::delete(plan_assignments::table.find((plan_id, guest_id))).execute(conn)
}

pub fn max_room(conn: &mut DbConn, plan_id: i64) -> QueryResult<i32> {
    let max: Option<i32> = plan_assignments::table
        .filter(plan_assignments::plan_id.eq(plan_id))
        .select(diesel::dsl::max(plan_assignments::room))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// Copies a plan's assignments into another plan.
pub fn copy_assignments(conn: &mut DbConn, from: i64, to: i64) -> QueryResult<()> {
    let rows: Vec<AssignmentRow> = list_assignments(conn, from)?
        .into_iter()
        .map(|r| AssignmentRow { plan_id: to, ..r })
        .collect();
    insert_assignments(conn, &rows)
}

// --- acknowledgements --------------------------------------------------------------------

pub fn find_ack(
    conn: &mut DbConn,
    hotel_id: i64,
    plan_id: i64,
) -> QueryResult<Option<(String, NaiveDateTime)>> {
    hotel_acks::table
        .find((hotel_id, plan_id))
        .select((hotel_acks::acknowledged_by, hotel_acks::acknowledged_at))
        .first(conn)
        .optional()
}

pub fn insert_ack(
    conn: &mut DbConn,
    hotel_id: i64,
    plan_id: i64,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    if find_ack(conn, hotel_id, plan_id)?.is_some() {
        return Ok(0);
    }
    diesel::insert_into(hotel_acks::table)
        .values((
            hotel_acks::hotel_id.eq(hotel_id),
            hotel_acks::plan_id.eq(plan_id),
            hotel_acks::acknowledged_by.eq(by),
            hotel_acks::acknowledged_at.eq(now),
        ))
        .execute(conn)
}

// --- guests as lodging sees them ---------------------------------------------------------

/// What lodging needs to know of a guest.
#[derive(Queryable, Clone, Debug)]
pub struct LodgingGuest {
    pub id: i64,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub gender: Option<String>,
    pub department_id: i64,
    pub delegation_id: Option<i64>,
    pub delegation: Option<String>,
    pub organization: Option<String>,
    pub halal: bool,
    pub accessible: bool,
    pub diet: Option<String>,
    pub arrival_at: Option<NaiveDateTime>,
    pub arrival_no: Option<String>,
    pub stay_from: Option<NaiveDate>,
    pub stay_to: Option<NaiveDate>,
    /// The ref, to tell two guests of one name apart.
    pub ref_code: String,
}

type LodgingColumns = (
    guests::id,
    guests::name,
    guests::name_latin,
    guests::category,
    guests::gender,
    guests::department_id,
    guests::delegation_id,
    diesel::dsl::Nullable<delegations::name>,
    guests::organization,
    guests::halal,
    guests::accessible,
    guests::diet,
    guests::arrival_at,
    guests::arrival_no,
    guests::stay_from,
    guests::stay_to,
    guests::ref_code,
);

fn lodging_columns() -> LodgingColumns {
    (
        guests::id,
        guests::name,
        guests::name_latin,
        guests::category,
        guests::gender,
        guests::department_id,
        guests::delegation_id,
        delegations::name.nullable(),
        guests::organization,
        guests::halal,
        guests::accessible,
        guests::diet,
        guests::arrival_at,
        guests::arrival_no,
        guests::stay_from,
        guests::stay_to,
        guests::ref_code,
    )
}

/// Every guest with lodging dates, by id.
pub fn list_lodging_guests(conn: &mut DbConn) -> QueryResult<Vec<LodgingGuest>> {
    guests::table
        .left_join(delegations::table)
        .filter(guests::stay_from.is_not_null())
        .filter(guests::stay_to.is_not_null())
        .filter(guests::withdrawn_at.is_null())
        .order(guests::id)
        .select(lodging_columns())
        .load(conn)
}

/// Some guests, by id (lodging dates or not).
pub fn find_lodging_guests(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<LodgingGuest>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            guests::table
                .left_join(delegations::table)
                .filter(guests::id.eq_any(chunk))
                .select(lodging_columns())
                .load::<LodgingGuest>(conn)?,
        );
    }
    out.sort_by_key(|g| g.id);
    Ok(out)
}

// --- stays -------------------------------------------------------------------------------

pub fn find_stay(conn: &mut DbConn, guest_id: i64) -> QueryResult<Option<StayRow>> {
    stays::table
        .find(guest_id)
        .select(StayRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_stays(conn: &mut DbConn) -> QueryResult<Vec<StayRow>> {
    stays::table
        .order(stays::guest_id)
        .select(StayRow::as_select())
        .load(conn)
}

pub fn list_hotel_stays(conn: &mut DbConn, hotel_id: i64) -> QueryResult<Vec<StayRow>> {
    stays::table
        .filter(stays::hotel_id.eq(hotel_id))
        .order(stays::guest_id)
        .select(StayRow::as_select())
        .load(conn)
}

/// The other stays in a room.
pub fn list_room_stays(
    conn: &mut DbConn,
    hotel_id: i64,
    room_group: i64,
) -> QueryResult<Vec<StayRow>> {
    stays::table
        .filter(stays::hotel_id.eq(hotel_id))
        .filter(stays::room_group.eq(room_group))
        .order(stays::guest_id)
        .select(StayRow::as_select())
        .load(conn)
}

pub fn insert_stays(conn: &mut DbConn, rows: &[StayRow]) -> QueryResult<()> {
    const CHUNK: usize = 2000;
    for chunk in rows.chunks(CHUNK) {
        crate::on_backend!(conn, |c| diesel::insert_into(stays::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn delete_stays(conn: &mut DbConn, guest_ids: &[i64]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in guest_ids.chunks(500) {
        n += diesel::delete(stays::table.filter(stays::guest_id.eq_any(chunk))).execute(conn)?;
    }
    Ok(n)
}

pub fn update_stay(conn: &mut DbConn, row: &StayRow) -> QueryResult<usize> {
    diesel::update(stays::table.find(row.guest_id))
        .set((
            stays::hotel_id.eq(row.hotel_id),
            stays::room_type.eq(&row.room_type),
            stays::room_group.eq(row.room_group),
            stays::room_no.eq(&row.room_no),
            stays::nights_from.eq(row.nights_from),
            stays::nights_to.eq(row.nights_to),
            stays::status.eq(&row.status),
            stays::checked_in_at.eq(row.checked_in_at),
            stays::checked_out_at.eq(row.checked_out_at),
            stays::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
}
