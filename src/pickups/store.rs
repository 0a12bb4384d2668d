//! Every query of the pickups domain.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    delegations, guest_photos, guests, hub_travel, hubs, pickup_events, pickups, run_guests, runs,
    stays, trips, vehicles,
};
use crate::db::DbConn;
use crate::guests::Hub;
use crate::pickups::model::{NewRun, RunRow, TripRow, Vehicle, VehicleFields};
use crate::pickups::service::HubNames;

// --- hubs --------------------------------------------------------------------------------

pub fn find_hub(conn: &mut DbConn, id: i64) -> QueryResult<Option<Hub>> {
    hubs::table
        .find(id)
        .select(Hub::as_select())
        .first(conn)
        .optional()
}

pub fn update_hub(conn: &mut DbConn, id: i64, names: &HubNames) -> QueryResult<usize> {
    diesel::update(hubs::table.find(id))
        .set((
            hubs::name.eq(names.name),
            hubs::kind.eq(names.kind),
            hubs::meeting_point.eq(names.meeting_point),
            hubs::name_en.eq(names.name_en),
            hubs::meeting_point_en.eq(names.meeting_point_en),
        ))
        .execute(conn)
}

/// Minutes from a hub to each hotel it has a figure for.
pub fn list_travel(conn: &mut DbConn, hub_id: i64) -> QueryResult<Vec<(i64, i32)>> {
    hub_travel::table
        .filter(hub_travel::hub_id.eq(hub_id))
        .select((hub_travel::hotel_id, hub_travel::minutes))
        .order(hub_travel::hotel_id)
        .load(conn)
}

pub fn replace_travel(conn: &mut DbConn, hub_id: i64, rows: &[(i64, i32)]) -> QueryResult<()> {
    diesel::delete(hub_travel::table.filter(hub_travel::hub_id.eq(hub_id))).execute(conn)?;
    for (hotel, minutes) in rows {
        diesel::insert_into(hub_travel::table)
            .values((
                hub_travel::hub_id.eq(hub_id),
                hub_travel::hotel_id.eq(hotel),
                hub_travel::minutes.eq(minutes),
            ))
            .execute(conn)?;
    }
    Ok(())
}

// --- trips -------------------------------------------------------------------------------

pub fn find_trip(
    conn: &mut DbConn,
    hub_id: i64,
    number: &str,
    date: NaiveDate,
    direction: &str,
) -> QueryResult<Option<TripRow>> {
    trips::table
        .filter(trips::hub_id.eq(hub_id))
        .filter(trips::number.eq(number))
        .filter(trips::service_date.eq(date))
        .filter(trips::direction.eq(direction))
        .select(TripRow::as_select())
        .first(conn)
        .optional()
}

/// Trip rows of a hub (or every hub) between two dates, inclusive.
pub fn list_trips(
    conn: &mut DbConn,
    hub_id: Option<i64>,
    dates: (NaiveDate, NaiveDate),
) -> QueryResult<Vec<TripRow>> {
    let mut q = trips::table
        .filter(trips::service_date.between(dates.0, dates.1))
        .select(TripRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(h) = hub_id {
        q = q.filter(trips::hub_id.eq(h));
    }
    q.load(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn upsert_trip(
    conn: &mut DbConn,
    hub_id: i64,
    number: &str,
    date: NaiveDate,
    direction: &str,
    expected_at: Option<NaiveDateTime>,
    status: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    match find_trip(conn, hub_id, number, date, direction)? {
        Some(t) => {
            diesel::update(trips::table.find(t.id))
                .set((
                    trips::expected_at.eq(expected_at),
                    trips::status.eq(status),
                    trips::updated_at.eq(now),
                    trips::updated_by.eq(by),
                ))
                .execute(conn)?;
            Ok(t.id)
        }
        None => diesel::insert_into(trips::table)
            .values((
                trips::hub_id.eq(hub_id),
                trips::number.eq(number),
                trips::service_date.eq(date),
                trips::direction.eq(direction),
                trips::expected_at.eq(expected_at),
                trips::status.eq(status),
                trips::updated_at.eq(now),
                trips::updated_by.eq(by),
            ))
            .returning(trips::id)
            .get_result(conn),
    }
}

// --- travellers --------------------------------------------------------------------------

/// A guest as pickups see them, for one direction.
#[derive(Queryable, Clone, Debug)]
pub struct Traveller {
    pub id: i64,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub delegation_id: Option<i64>,
    pub delegation: Option<String>,
    /// Ref and organization: what tells two guests of one name apart.
    pub ref_code: String,
    pub organization: Option<String>,
    pub phone: Option<String>,
    pub halal: bool,
    pub diet: Option<String>,
    pub accessible: bool,
    pub mode: Option<String>,
    pub number: Option<String>,
    pub hub_id: Option<i64>,
    /// Scheduled arrival or departure (UTC).
    pub at: Option<NaiveDateTime>,
}

/// Guests arriving at (or leaving from) a hub — or any hub — scheduled in `[from, to)` UTC.
pub fn list_travellers(
    conn: &mut DbConn,
    departure: bool,
    hub_id: Option<i64>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Traveller>> {
    // A withdrawn guest is carried nowhere.
    let base = guests::table
        .left_join(delegations::table)
        .filter(guests::withdrawn_at.is_null());
    if departure {
        let mut q = base
            .filter(guests::departure_at.ge(from))
            .filter(guests::departure_at.lt(to))
            .filter(guests::departure_hub_id.is_not_null())
            .select((
                guests::id,
                guests::name,
                guests::name_latin,
                guests::category,
                guests::delegation_id,
                delegations::name.nullable(),
                guests::ref_code,
                guests::organization,
                guests::phone,
                guests::halal,
                guests::diet,
                guests::accessible,
                guests::departure_mode,
                guests::departure_no,
                guests::departure_hub_id,
                guests::departure_at,
            ))
            .into_boxed::<crate::db::MultiBackend>();
        if let Some(h) = hub_id {
            q = q.filter(guests::departure_hub_id.eq(h));
        }
        q.order((guests::departure_at, guests::id)).load(conn)
    } else {
        let mut q = base
            .filter(guests::arrival_at.ge(from))
            .filter(guests::arrival_at.lt(to))
            .filter(guests::arrival_hub_id.is_not_null())
            .select((
                guests::id,
                guests::name,
                guests::name_latin,
                guests::category,
                guests::delegation_id,
                delegations::name.nullable(),
                guests::ref_code,
                guests::organization,
                guests::phone,
                guests::halal,
                guests::diet,
                guests::accessible,
                guests::arrival_mode,
                guests::arrival_no,
                guests::arrival_hub_id,
                guests::arrival_at,
            ))
            .into_boxed::<crate::db::MultiBackend>();
        if let Some(h) = hub_id {
            q = q.filter(guests::arrival_hub_id.eq(h));
        }
        q.order((guests::arrival_at, guests::id)).load(conn)
    }
}

/// Which of `ids` have a photo.
pub fn with_photos(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(900) {
        out.extend(
            guest_photos::table
                .filter(guest_photos::guest_id.eq_any(chunk))
                .select(guest_photos::guest_id)
                .load::<i64>(conn)?,
        );
    }
    Ok(out)
}

/// The booked hotel of each of `ids` that has a booking.
pub fn hotels_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(900) {
        out.extend(
            stays::table
                .filter(stays::guest_id.eq_any(chunk))
                .select((stays::guest_id, stays::hotel_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(out)
}

// --- pickups -----------------------------------------------------------------------------

/// Statuses of some guests in one direction.
pub fn statuses(
    conn: &mut DbConn,
    ids: &[i64],
    direction: &str,
) -> QueryResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(900) {
        out.extend(
            pickups::table
                .filter(pickups::guest_id.eq_any(chunk))
                .filter(pickups::direction.eq(direction))
                .select((pickups::guest_id, pickups::status))
                .load::<(i64, String)>(conn)?,
        );
    }
    Ok(out)
}

pub fn find_status(
    conn: &mut DbConn,
    guest_id: i64,
    direction: &str,
) -> QueryResult<Option<String>> {
    pickups::table
        .find((guest_id, direction))
        .select(pickups::status)
        .first(conn)
        .optional()
}

pub fn set_status(
    conn: &mut DbConn,
    guest_id: i64,
    direction: &str,
    status: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let n = diesel::update(pickups::table.find((guest_id, direction)))
        .set((
            pickups::status.eq(status),
            pickups::updated_at.eq(now),
            pickups::updated_by.eq(by),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(pickups::table)
            .values((
                pickups::guest_id.eq(guest_id),
                pickups::direction.eq(direction),
                pickups::status.eq(status),
                pickups::updated_at.eq(now),
                pickups::updated_by.eq(by),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(pickup_events::table)
        .values((
            pickup_events::guest_id.eq(guest_id),
            pickup_events::direction.eq(direction),
            pickup_events::status.eq(status),
            pickup_events::at.eq(now),
            pickup_events::by_user.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn history(
    conn: &mut DbConn,
    guest_id: i64,
) -> QueryResult<Vec<(String, String, NaiveDateTime, String)>> {
    pickup_events::table
        .filter(pickup_events::guest_id.eq(guest_id))
        .order(pickup_events::id)
        .select((
            pickup_events::direction,
            pickup_events::status,
            pickup_events::at,
            pickup_events::by_user,
        ))
        .load(conn)
}

// --- vehicles ----------------------------------------------------------------------------

pub fn list_vehicles(conn: &mut DbConn) -> QueryResult<Vec<Vehicle>> {
    vehicles::table
        .order(vehicles::plate)
        .select(Vehicle::as_select())
        .load(conn)
}

pub fn find_vehicle(conn: &mut DbConn, id: i64) -> QueryResult<Option<Vehicle>> {
    vehicles::table
        .find(id)
        .select(Vehicle::as_select())
        .first(conn)
        .optional()
}

/// The cars of `ids` (those that still exist).
pub fn find_vehicles(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Vehicle>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(900) {
        out.extend(
            vehicles::table
                .filter(vehicles::id.eq_any(chunk))
                .select(Vehicle::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// The runs a car is given, in any state.
pub fn runs_with_vehicle(conn: &mut DbConn, vehicle_id: i64) -> QueryResult<Vec<RunRow>> {
    runs::table
        .filter(runs::vehicle_id.eq(vehicle_id))
        .select(RunRow::as_select())
        .load(conn)
}

pub fn insert_vehicle(
    conn: &mut DbConn,
    v: &VehicleFields,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(vehicles::table)
        .values((v, vehicles::created_at.eq(now)))
        .returning(vehicles::id)
        .get_result(conn)
}

pub fn update_vehicle(conn: &mut DbConn, id: i64, v: &VehicleFields) -> QueryResult<usize> {
    diesel::update(vehicles::table.find(id))
        .set(v)
        .execute(conn)
}

pub fn delete_vehicle(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(runs::table.filter(runs::vehicle_id.eq(id)))
        .set(runs::vehicle_id.eq(None::<i64>))
        .execute(conn)?;
    diesel::delete(vehicles::table.find(id)).execute(conn)
}

// --- runs --------------------------------------------------------------------------------

/// Runs of a hub (or every hub) on some days, in one direction (or both).
pub fn list_runs(
    conn: &mut DbConn,
    hub_id: Option<i64>,
    dates: (NaiveDate, NaiveDate),
    direction: Option<&str>,
) -> QueryResult<Vec<RunRow>> {
    let mut q = runs::table
        .filter(runs::service_date.between(dates.0, dates.1))
        .select(RunRow::as_select())
        .order((runs::depart_at, runs::id))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(h) = hub_id {
        q = q.filter(runs::hub_id.eq(h));
    }
    if let Some(d) = direction {
        q = q.filter(runs::direction.eq(d.to_string()));
    }
    q.load(conn)
}

pub fn find_run(conn: &mut DbConn, id: i64) -> QueryResult<Option<RunRow>> {
    runs::table
        .find(id)
        .select(RunRow::as_select())
        .first(conn)
        .optional()
}

/// The runs of `ids` (those that still exist).
pub fn find_runs(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<RunRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(900) {
        out.extend(
            runs::table
                .filter(runs::id.eq_any(chunk))
                .select(RunRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

pub fn insert_run(conn: &mut DbConn, run: &NewRun) -> QueryResult<i64> {
    diesel::insert_into(runs::table)
        .values(run)
        .returning(runs::id)
        .get_result(conn)
}

pub fn delete_runs(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(900) {
        diesel::delete(run_guests::table.filter(run_guests::run_id.eq_any(chunk))).execute(conn)?;
        n += diesel::delete(runs::table.filter(runs::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(n)
}

pub fn set_run_vehicle(conn: &mut DbConn, id: i64, vehicle: Option<i64>) -> QueryResult<usize> {
    diesel::update(runs::table.find(id))
        .set(runs::vehicle_id.eq(vehicle))
        .execute(conn)
}

pub fn set_run_locked(conn: &mut DbConn, id: i64, locked: bool) -> QueryResult<usize> {
    diesel::update(runs::table.find(id))
        .set(runs::locked.eq(locked))
        .execute(conn)
}

pub fn set_run_status(conn: &mut DbConn, id: i64, status: &str) -> QueryResult<usize> {
    diesel::update(runs::table.find(id))
        .set(runs::status.eq(status))
        .execute(conn)
}

pub fn set_run_depart(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(runs::table.find(id))
        .set(runs::depart_at.eq(at))
        .execute(conn)
}

/// (run, guest) pairs of some runs.
pub fn run_riders(conn: &mut DbConn, run_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in run_ids.chunks(900) {
        out.extend(
            run_guests::table
                .filter(run_guests::run_id.eq_any(chunk))
                .select((run_guests::run_id, run_guests::guest_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(out)
}

/// The run each of `ids` rides in, in one direction.
pub fn runs_of(conn: &mut DbConn, ids: &[i64], direction: &str) -> QueryResult<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(900) {
        out.extend(
            run_guests::table
                .filter(run_guests::guest_id.eq_any(chunk))
                .filter(run_guests::direction.eq(direction))
                .select((run_guests::guest_id, run_guests::run_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(out)
}

pub fn add_riders(
    conn: &mut DbConn,
    run_id: i64,
    guests: &[i64],
    direction: &str,
) -> QueryResult<()> {
    for chunk in guests.chunks(500) {
        diesel::delete(
            run_guests::table
                .filter(run_guests::guest_id.eq_any(chunk))
                .filter(run_guests::direction.eq(direction)),
        )
        .execute(conn)?;
        let rows: Vec<_> = chunk
            .iter()
            .map(|g| {
                (
                    run_guests::run_id.eq(run_id),
                    run_guests::guest_id.eq(*g),
                    run_guests::direction.eq(direction),
                )
            })
            .collect();
        crate::on_backend!(conn, |c| diesel::insert_into(run_guests::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

pub fn remove_riders(conn: &mut DbConn, run_id: i64, guests: &[i64]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in guests.chunks(900) {
        n += diesel::delete(
            run_guests::table
                .filter(run_guests::run_id.eq(run_id))
                .filter(run_guests::guest_id.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    Ok(n)
}
