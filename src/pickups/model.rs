//! Rows of the pickup tables and the shapes the API shows them in.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{runs, trips, vehicles};

/// A flight or train on a day, as updates left it.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = trips)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TripRow {
    pub id: i64,
    pub hub_id: i64,
    pub number: String,
    pub service_date: NaiveDate,
    pub direction: String,
    pub expected_at: Option<NaiveDateTime>,
    pub status: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// A trip as boards show it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct Trip {
    /// `HUB:NUMBER:DATE:direction`.
    pub id: String,
    pub hub_id: i64,
    pub hub: String,
    pub number: String,
    pub date: NaiveDate,
    pub direction: String,
    pub scheduled_at: Option<String>,
    pub expected_at: Option<String>,
    /// `scheduled`, `delayed`, `landed`, `cancelled`, `departed`.
    pub status: String,
    /// Guests on it.
    pub guest_count: i64,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// A pool car.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = vehicles)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Vehicle {
    pub id: i64,
    pub plate: String,
    pub seats: i32,
    pub vehicle_type: String,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    pub available_from: Option<NaiveDateTime>,
    pub available_to: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A car's fields, for insert and update.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = vehicles)]
#[diesel(treat_none_as_null = true)]
pub struct VehicleFields {
    pub plate: String,
    pub seats: i32,
    pub vehicle_type: String,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    pub available_from: Option<NaiveDateTime>,
    pub available_to: Option<NaiveDateTime>,
}

/// A car as the API shows it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default)]
pub struct VehicleResponse {
    #[serde(default)]
    pub id: i64,
    pub plate: String,
    pub seats: i32,
    #[serde(default)]
    pub vehicle_type: String,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    /// RFC 3339 or `YYYY-MM-DD HH:MM` (event time).
    pub available_from: Option<String>,
    pub available_to: Option<String>,
    /// The car's vehicle pass, if one was issued for its plate.
    #[serde(default)]
    pub pass_status: Option<String>,
}

/// A run.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = runs)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RunRow {
    pub id: i64,
    pub hub_id: i64,
    pub direction: String,
    pub service_date: NaiveDate,
    pub hotel_id: Option<i64>,
    pub vehicle_id: Option<i64>,
    pub greeter: Option<String>,
    pub depart_at: NaiveDateTime,
    /// `planned`, `at_hub`, `departed`, `arrived`.
    pub status: String,
    pub locked: bool,
    pub created_at: NaiveDateTime,
}

/// A new run.
#[derive(Insertable, Debug)]
#[diesel(table_name = runs)]
pub struct NewRun<'a> {
    pub hub_id: i64,
    pub direction: &'a str,
    pub service_date: NaiveDate,
    pub hotel_id: Option<i64>,
    pub vehicle_id: Option<i64>,
    pub greeter: Option<&'a str>,
    pub depart_at: NaiveDateTime,
    pub status: &'a str,
    pub locked: bool,
    pub created_at: NaiveDateTime,
}

/// A car as a run shows it.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct RunVehicle {
    pub id: i64,
    pub plate: String,
    pub seats: i32,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
}

/// A rider as a run shows it.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct RunGuest {
    pub guest_id: i64,
    pub name: String,
    pub category: Option<String>,
    pub delegation: Option<String>,
    /// Ref and organization, to tell two guests of one name apart.
    #[serde(rename = "ref")]
    pub ref_code: String,
    pub organization: Option<String>,
    /// Expected landing (arrivals) or pick-up time (returns).
    pub eta: Option<String>,
    pub status: String,
}

/// A run as the API shows it.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct RunResponse {
    pub id: i64,
    pub hub_id: i64,
    pub hub: String,
    pub date: NaiveDate,
    pub direction: String,
    pub hotel: Option<String>,
    pub hotel_name: Option<String>,
    pub depart_at: String,
    pub status: String,
    pub locked: bool,
    pub vehicle: Option<RunVehicle>,
    pub greeter: Option<String>,
    pub guests: Vec<RunGuest>,
    pub seats_used: i64,
}
