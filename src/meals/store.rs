//! Every query of the meals domain.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    dining_points, guest_meal_points, guests, meal_coupons, meal_overrides, meal_policies,
    meal_uses, meal_windows, menu_items, stays,
};
use crate::db::DbConn;
use crate::meals::model::{DiningPoint, MenuItem, PointFields};

pub fn list_points(conn: &mut DbConn) -> QueryResult<Vec<DiningPoint>> {
    dining_points::table
        .order(dining_points::code)
        .select(DiningPoint::as_select())
        .load(conn)
}

pub fn find_point(conn: &mut DbConn, code: &str) -> QueryResult<Option<DiningPoint>> {
    dining_points::table
        .filter(dining_points::code.eq(code))
        .select(DiningPoint::as_select())
        .first(conn)
        .optional()
}

pub fn insert_point(
    conn: &mut DbConn,
    fields: &PointFields,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(dining_points::table)
        .values((fields, dining_points::created_at.eq(now)))
        .returning(dining_points::id)
        .get_result(conn)
}

pub fn update_point(conn: &mut DbConn, id: i64, fields: &PointFields) -> QueryResult<usize> {
    diesel::update(dining_points::table.find(id))
        .set(fields)
        .execute(conn)
}

/// Every window row: (point id, 0 for the event's defaults; service; start; end).
pub fn list_windows(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, i32, i32)>> {
    meal_windows::table
        .select((
            meal_windows::point_id,
            meal_windows::service,
            meal_windows::start_minute,
            meal_windows::end_minute,
        ))
        .load(conn)
}

pub fn replace_windows(
    conn: &mut DbConn,
    point_id: i64,
    rows: &[(String, i32, i32)],
) -> QueryResult<()> {
    diesel::delete(meal_windows::table.filter(meal_windows::point_id.eq(point_id)))
        .execute(conn)?;
    for (service, start, end) in rows {
        diesel::insert_into(meal_windows::table)
            .values((
                meal_windows::point_id.eq(point_id),
                meal_windows::service.eq(service),
                meal_windows::start_minute.eq(start),
                meal_windows::end_minute.eq(end),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// (category, mode, services).
pub fn list_policies(conn: &mut DbConn) -> QueryResult<Vec<(String, String, String)>> {
    meal_policies::table
        .select((
            meal_policies::category,
            meal_policies::mode,
            meal_policies::services,
        ))
        .load(conn)
}

pub fn replace_policies(
    conn: &mut DbConn,
    rows: &[(String, String, String)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(meal_policies::table).execute(conn)?;
    for (category, mode, services) in rows {
        diesel::insert_into(meal_policies::table)
            .values((
                meal_policies::category.eq(category),
                meal_policies::mode.eq(mode),
                meal_policies::services.eq(services),
                meal_policies::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// What the canteen needs to know of a guest.
#[derive(Queryable, Clone, Debug)]
pub struct MealGuest {
    pub id: i64,
    pub category: Option<String>,
    pub halal: bool,
    pub diet: Option<String>,
    pub stay_from: Option<NaiveDate>,
    pub stay_to: Option<NaiveDate>,
    pub arrival_at: Option<NaiveDateTime>,
    pub departure_at: Option<NaiveDateTime>,
    /// Their booked hotel.
    pub hotel_id: Option<i64>,
    /// The nights the desk has them for (booked, checked in or out), check-out date last.
    pub stay_nights_from: Option<NaiveDate>,
    pub stay_nights_to: Option<NaiveDate>,
    /// Their designated point, instead of the hotel's.
    pub point_id: Option<i64>,
}

type MealGuestColumns = (
    guests::id,
    guests::category,
    guests::halal,
    guests::diet,
    guests::stay_from,
    guests::stay_to,
    guests::arrival_at,
    guests::departure_at,
    diesel::dsl::Nullable<stays::hotel_id>,
    diesel::dsl::Nullable<stays::nights_from>,
    diesel::dsl::Nullable<stays::nights_to>,
    diesel::dsl::Nullable<guest_meal_points::point_id>,
);

fn meal_guest_columns() -> MealGuestColumns {
    (
        guests::id,
        guests::category,
        guests::halal,
        guests::diet,
        guests::stay_from,
        guests::stay_to,
        guests::arrival_at,
        guests::departure_at,
        stays::hotel_id.nullable(),
        stays::nights_from.nullable(),
        stays::nights_to.nullable(),
        guest_meal_points::point_id.nullable(),
    )
}

pub fn find_meal_guest(conn: &mut DbConn, id: i64) -> QueryResult<Option<MealGuest>> {
    guests::table
        .left_join(stays::table)
        .left_join(guest_meal_points::table)
        .filter(guests::id.eq(id))
        .filter(guests::withdrawn_at.is_null())
        .select(meal_guest_columns())
        .first(conn)
        .optional()
}

/// Every guest who has not withdrawn, for the forecast.
pub fn list_meal_guests(conn: &mut DbConn) -> QueryResult<Vec<MealGuest>> {
    guests::table
        .left_join(stays::table)
        .left_join(guest_meal_points::table)
        .filter(guests::withdrawn_at.is_null())
        .select(meal_guest_columns())
        .load(conn)
}

/// Reception's word on one meal for one guest: allowed or not, and where.
pub type MealOverride = (bool, Option<i64>);

/// A guest as the canteen judges them, with their override for one meal if reception set one:
/// one read at the canteen (on PostgreSQL each read is a round trip).
pub fn find_meal_guest_for(
    conn: &mut DbConn,
    id: i64,
    day: NaiveDate,
    service: &str,
) -> QueryResult<Option<(MealGuest, Option<MealOverride>)>> {
    let query = guests::table
        .left_join(stays::table)
        .left_join(guest_meal_points::table)
        .left_join(
            meal_overrides::table.on(meal_overrides::guest_id
                .eq(guests::id)
                .and(meal_overrides::day.eq(day))
                .and(meal_overrides::service.eq(service))),
        )
        .filter(guests::id.eq(id))
        .filter(guests::withdrawn_at.is_null())
        .select((
            meal_guest_columns(),
            (meal_overrides::allowed, meal_overrides::point_id).nullable(),
        ));
    crate::on_backend!(conn, |c| query.first(c).optional())
}

/// An override: (guest, day, service, allowed, point).
pub type OverrideRow = (i64, NaiveDate, String, bool, Option<i64>);

/// Overrides between two days.
pub fn list_overrides(
    conn: &mut DbConn,
    guest: Option<i64>,
    days: (NaiveDate, NaiveDate),
) -> QueryResult<Vec<OverrideRow>> {
    let mut q = meal_overrides::table
        .filter(meal_overrides::day.between(days.0, days.1))
        .select((
            meal_overrides::guest_id,
            meal_overrides::day,
            meal_overrides::service,
            meal_overrides::allowed,
            meal_overrides::point_id,
        ))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(g) = guest {
        q = q.filter(meal_overrides::guest_id.eq(g));
    }
    q.load(conn)
}

pub fn put_override(
    conn: &mut DbConn,
    guest: i64,
    day: NaiveDate,
    service: &str,
    allowed: bool,
    point: Option<i64>,
) -> QueryResult<()> {
    diesel::delete(meal_overrides::table.find((guest, day, service))).execute(conn)?;
    diesel::insert_into(meal_overrides::table)
        .values((
            meal_overrides::guest_id.eq(guest),
            meal_overrides::day.eq(day),
            meal_overrides::service.eq(service),
            meal_overrides::allowed.eq(allowed),
            meal_overrides::point_id.eq(point),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_guest_point(conn: &mut DbConn, guest: i64, point: Option<i64>) -> QueryResult<()> {
    diesel::delete(guest_meal_points::table.find(guest)).execute(conn)?;
    if let Some(p) = point {
        diesel::insert_into(guest_meal_points::table)
            .values((
                guest_meal_points::guest_id.eq(guest),
                guest_meal_points::point_id.eq(p),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Claims a meal; a unique violation means it was eaten already.
pub fn insert_use(
    conn: &mut DbConn,
    eater: &str,
    day: NaiveDate,
    service: &str,
    point_id: i64,
    halal: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(meal_uses::table)
        .values((
            meal_uses::eater.eq(eater),
            meal_uses::day.eq(day),
            meal_uses::service.eq(service),
            meal_uses::point_id.eq(point_id),
            meal_uses::halal.eq(halal),
            meal_uses::at.eq(at),
        ))
        .execute(conn)
}

/// Claims a meal for the canteen: `false` when it was eaten already; the unique key decides,
/// with `ON CONFLICT DO NOTHING` (one statement: no savepoint, which costs two more round
/// trips on PostgreSQL's scan writer).
pub fn claim_use(
    conn: &mut DbConn,
    eater: &str,
    day: NaiveDate,
    service: &str,
    point_id: i64,
    halal: bool,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        meal_uses::eater.eq(eater),
        meal_uses::day.eq(day),
        meal_uses::service.eq(service),
        meal_uses::point_id.eq(point_id),
        meal_uses::halal.eq(halal),
        meal_uses::at.eq(at),
    );
    let claimed = crate::on_backend!(conn, |c| diesel::insert_into(meal_uses::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(claimed == 1)
}

/// A dining point's name.
pub fn point_name(conn: &mut DbConn, id: i64) -> QueryResult<Option<String>> {
    dining_points::table
        .find(id)
        .select(dining_points::name)
        .first(conn)
        .optional()
}

/// How many meals an eater has had.
pub fn count_eaten(conn: &mut DbConn, eater: &str) -> QueryResult<usize> {
    let n: i64 = meal_uses::table
        .filter(meal_uses::eater.eq(eater))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Gives a meal to an earlier scan (an offline scan that came home late): its point and time.
pub fn move_use(
    conn: &mut DbConn,
    eater: &str,
    day: NaiveDate,
    service: &str,
    point_id: i64,
    halal: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        meal_uses::table
            .filter(meal_uses::eater.eq(eater))
            .filter(meal_uses::day.eq(day))
            .filter(meal_uses::service.eq(service)),
    )
    .set((
        meal_uses::point_id.eq(point_id),
        meal_uses::halal.eq(halal),
        meal_uses::at.eq(at),
    ))
    .execute(conn)
}

/// When and where (point id and name) a meal was had, in one read.
pub fn find_use(
    conn: &mut DbConn,
    eater: &str,
    day: NaiveDate,
    service: &str,
) -> QueryResult<Option<(NaiveDateTime, i64, Option<String>)>> {
    crate::on_backend!(conn, |c| meal_uses::table
        .left_join(dining_points::table.on(dining_points::id.eq(meal_uses::point_id)))
        .filter(meal_uses::eater.eq(eater))
        .filter(meal_uses::day.eq(day))
        .filter(meal_uses::service.eq(service))
        .select((
            meal_uses::at,
            meal_uses::point_id,
            dining_points::name.nullable()
        ))
        .first(c)
        .optional())
}

/// Every meal an eater has had: (day, service, point id, when), in the order eaten.
pub fn list_eater_uses(
    conn: &mut DbConn,
    eater: &str,
) -> QueryResult<Vec<(NaiveDate, String, i64, NaiveDateTime)>> {
    meal_uses::table
        .filter(meal_uses::eater.eq(eater))
        .order((meal_uses::day, meal_uses::at))
        .select((
            meal_uses::day,
            meal_uses::service,
            meal_uses::point_id,
            meal_uses::at,
        ))
        .load(conn)
}

/// Meals eaten at a point: (halal, count) for one day and service.
pub fn count_uses(
    conn: &mut DbConn,
    point_id: i64,
    day: NaiveDate,
    service: &str,
) -> QueryResult<(i64, i64)> {
    let rows: Vec<bool> = meal_uses::table
        .filter(meal_uses::point_id.eq(point_id))
        .filter(meal_uses::day.eq(day))
        .filter(meal_uses::service.eq(service))
        .select(meal_uses::halal)
        .load(conn)?;
    let halal = rows.iter().filter(|h| **h).count() as i64;
    Ok((rows.len() as i64 - halal, halal))
}

/// Meals eaten between two days: (point, day, service, eater, halal).
pub fn list_uses(
    conn: &mut DbConn,
    days: (NaiveDate, NaiveDate),
) -> QueryResult<Vec<(i64, NaiveDate, String, String)>> {
    meal_uses::table
        .filter(meal_uses::day.between(days.0, days.1))
        .select((
            meal_uses::point_id,
            meal_uses::day,
            meal_uses::service,
            meal_uses::eater,
        ))
        .load(conn)
}

pub fn insert_coupon(
    conn: &mut DbConn,
    pass_id: i64,
    point_id: i64,
    day: NaiveDate,
    service: &str,
) -> QueryResult<usize> {
    diesel::insert_into(meal_coupons::table)
        .values((
            meal_coupons::pass_id.eq(pass_id),
            meal_coupons::point_id.eq(point_id),
            meal_coupons::day.eq(day),
            meal_coupons::service.eq(service),
        ))
        .execute(conn)
}

/// A coupon's point, day and service.
pub fn find_coupon(
    conn: &mut DbConn,
    pass_id: i64,
) -> QueryResult<Option<(i64, NaiveDate, String)>> {
    meal_coupons::table
        .find(pass_id)
        .select((
            meal_coupons::point_id,
            meal_coupons::day,
            meal_coupons::service,
        ))
        .first(conn)
        .optional()
}

/// Coupons of a point and day: (pass id, service).
pub fn list_coupons(
    conn: &mut DbConn,
    point_id: i64,
    day: NaiveDate,
) -> QueryResult<Vec<(i64, String)>> {
    meal_coupons::table
        .filter(meal_coupons::point_id.eq(point_id))
        .filter(meal_coupons::day.eq(day))
        .order(meal_coupons::pass_id)
        .select((meal_coupons::pass_id, meal_coupons::service))
        .load(conn)
}

pub fn list_menu(
    conn: &mut DbConn,
    day: NaiveDate,
    service: Option<&str>,
) -> QueryResult<Vec<MenuItem>> {
    let mut q = menu_items::table
        .filter(menu_items::day.eq(day))
        .order(menu_items::id)
        .select(MenuItem::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(s) = service {
        q = q.filter(menu_items::service.eq(s.to_string()));
    }
    q.load(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_menu_item(
    conn: &mut DbConn,
    day: NaiveDate,
    service: &str,
    point_id: Option<i64>,
    halal_counter: bool,
    name_zh: &str,
    name_en: &str,
    halal: bool,
    allergens: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(menu_items::table)
        .values((
            menu_items::day.eq(day),
            menu_items::service.eq(service),
            menu_items::point_id.eq(point_id),
            menu_items::halal_counter.eq(halal_counter),
            menu_items::name_zh.eq(name_zh),
            menu_items::name_en.eq(name_en),
            menu_items::halal.eq(halal),
            menu_items::allergens.eq(allergens),
            menu_items::created_at.eq(now),
        ))
        .returning(menu_items::id)
        .get_result(conn)
}

pub fn delete_menu_item(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(menu_items::table.find(id)).execute(conn)
}
