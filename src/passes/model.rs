//! Rows of passes, zones, sessions and keys, and what the API shows of them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{event_sessions, passes, signing_keys, zones};

/// Where a pass is in its life.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PassStatus {
    /// Asked for by a department or reception; no token yet.
    Requested,
    /// Approved by security and signed.
    Issued,
    /// Printed.
    Printed,
    /// Handed to the holder.
    Collected,
    /// Withdrawn; scanners reject it.
    Revoked,
}

impl PassStatus {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            PassStatus::Requested => "requested",
            PassStatus::Issued => "issued",
            PassStatus::Printed => "printed",
            PassStatus::Collected => "collected",
            PassStatus::Revoked => "revoked",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<PassStatus> {
        [
            Self::Requested,
            Self::Issued,
            Self::Printed,
            Self::Collected,
            Self::Revoked,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// The four vehicle pass streams, each handled by its department with security.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// Transport-pool cars (transport department).
    TransportPool,
    /// Out-of-town delegations' own cars (reception).
    DelegationCar,
    /// Provincial and city leaders' cars (office).
    LeaderCar,
    /// Hotel food-supply and medical vehicles (reception).
    SupplyMedical,
}

impl Stream {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::TransportPool => "transport_pool",
            Stream::DelegationCar => "delegation_car",
            Stream::LeaderCar => "leader_car",
            Stream::SupplyMedical => "supply_medical",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Stream> {
        [
            Self::TransportPool,
            Self::DelegationCar,
            Self::LeaderCar,
            Self::SupplyMedical,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A stored pass of any kind.
#[derive(Queryable, Selectable, Identifiable, Clone, Debug)]
#[diesel(table_name = passes)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Pass {
    pub id: i64,
    pub kind: String,
    pub serial: i32,
    pub status: String,
    pub guest_id: Option<i64>,
    /// Zone codes, comma-separated.
    pub zones: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub plate: Option<String>,
    pub stream: Option<String>,
    pub vehicle_type: Option<String>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    pub session_id: Option<i64>,
    pub section: Option<String>,
    pub seat: Option<String>,
    pub invitee_name: Option<String>,
    pub invitee_org: Option<String>,
    pub token: Option<String>,
    pub key_id: Option<i32>,
    pub revoked_reason: Option<String>,
    pub revoked_note: Option<String>,
    pub issued_at: Option<NaiveDateTime>,
    pub printed_at: Option<NaiveDateTime>,
    pub collected_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Pass {
    /// The zone codes.
    pub fn zone_codes(&self) -> Vec<String> {
        self.zones
            .split(',')
            .filter(|z| !z.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// A new pass row.
#[derive(Insertable, Clone, Debug, Default)]
#[diesel(table_name = passes)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewPass {
    pub kind: String,
    pub serial: i32,
    pub status: String,
    pub guest_id: Option<i64>,
    pub zones: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub plate: Option<String>,
    pub stream: Option<String>,
    pub vehicle_type: Option<String>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    pub session_id: Option<i64>,
    pub section: Option<String>,
    pub seat: Option<String>,
    pub invitee_name: Option<String>,
    pub invitee_org: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An access zone.
#[derive(Queryable, Selectable, Clone, Debug, Serialize, ToSchema)]
#[diesel(table_name = zones)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Zone {
    /// Id.
    pub id: i64,
    /// Short code printed large on badges (A, B, P…).
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// CSS colour for badges.
    pub color: String,
    /// Bit in the token's access mask (0–63).
    pub bit: i32,
    /// Created.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

/// A ceremony, banquet or other large session.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = event_sessions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EventSession {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub gates: String,
    pub allow_reentry: bool,
    pub created_at: NaiveDateTime,
}

/// A signing key row.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = signing_keys)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SigningKeyRow {
    pub id: i64,
    pub key_id: i32,
    pub public_key: String,
    pub secret_key: String,
    pub created_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

/// The guest a pass belongs to, as the pass shows it.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct PassGuest {
    pub id: i64,
    #[serde(rename = "ref")]
    pub ref_code: String,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub department: String,
    pub delegation: Option<String>,
    pub organization: Option<String>,
    pub has_photo: bool,
}

/// A vehicle pass's vehicle.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct PassVehicle {
    pub plate: String,
    pub stream: String,
    pub vehicle_type: Option<String>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
}

/// A session as passes and the API show it.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct SessionResponse {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub starts_at: String,
    pub ends_at: String,
    pub gates: String,
    pub allow_reentry: bool,
}

/// An admission's session and seat.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct PassAdmission {
    pub session: Option<SessionResponse>,
    pub section: Option<String>,
    pub seat: Option<String>,
    pub invitee_name: Option<String>,
    pub invitee_org: Option<String>,
}

/// A pass as the API shows it.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct PassResponse {
    pub id: i64,
    pub kind: String,
    pub serial: i32,
    pub status: String,
    pub zones: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// What must be added before security can approve (`photo`, `id_number`).
    pub missing: Vec<String>,
    pub revoked_reason: Option<String>,
    pub revoked_note: Option<String>,
    /// The signed token, once issued.
    pub token: Option<String>,
    pub guest: Option<PassGuest>,
    pub vehicle: Option<PassVehicle>,
    pub admission: Option<PassAdmission>,
    pub issued_at: Option<String>,
    pub printed_at: Option<String>,
    pub collected_at: Option<String>,
    pub revoked_at: Option<String>,
}
