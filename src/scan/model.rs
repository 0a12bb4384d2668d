//! Scan points and scan log rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{scan_points, scans};

/// A place where passes are scanned.
#[derive(Queryable, Selectable, Clone, Debug, Serialize, ToSchema)]
#[diesel(table_name = scan_points)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ScanPoint {
    /// Id.
    pub id: i64,
    /// Code (what a checkpoint user's scope names).
    pub code: String,
    /// Name for people.
    pub name: String,
    /// `person_gate`, `vehicle_gate`, `session_gate`, `hotel_desk`, `canteen`.
    pub kind: String,
    /// The zone a gate guards (code).
    pub zone: Option<String>,
    /// The session a session gate admits to.
    pub session_id: Option<i64>,
    /// The hotel or dining point a desk or canteen belongs to (code).
    pub target: Option<String>,
    /// Created.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// How old this point's offline lists may grow before its devices stop accepting
    /// (minutes); `None`: the event's limit.
    pub offline_max_age_minutes: Option<i32>,
}

/// A logged scan.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = scans)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ScanRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub point_id: i64,
    pub user_id: i64,
    pub device: Option<String>,
    pub nonce: Option<String>,
    pub pass_id: Option<i64>,
    pub serial: Option<i32>,
    pub verdict: String,
    pub reason: Option<String>,
    pub response: String,
}

/// A new scan log row.
#[derive(Insertable, Debug)]
#[diesel(table_name = scans)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewScan<'a> {
    pub at: NaiveDateTime,
    pub point_id: i64,
    pub user_id: i64,
    pub device: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub pass_id: Option<i64>,
    pub serial: Option<i32>,
    pub verdict: &'a str,
    pub reason: Option<&'a str>,
    pub response: &'a str,
    /// Offline scans: the registered device, what it answered there, when it reached us.
    pub device_id: Option<i64>,
    pub device_verdict: Option<&'a str>,
    pub device_reason: Option<&'a str>,
    pub received_at: Option<NaiveDateTime>,
}
