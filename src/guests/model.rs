//! Rows of the guest registry and what the API shows of them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{delegations, departments, guest_photos, guests, hubs};

/// An inviting department.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = departments)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Department {
    /// Id.
    pub id: i64,
    /// Name, unique.
    pub name: String,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// A delegation (a province's team, a country's delegation, a media group…).
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = delegations)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Delegation {
    /// Id.
    pub id: i64,
    /// Name, unique.
    pub name: String,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// An airport or station where guests arrive.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = hubs)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Hub {
    /// Id.
    pub id: i64,
    /// Code as the lists write it: an airport code (CTU) or a station name (成都东站).
    pub code: String,
    /// Display name.
    pub name: String,
    /// `airport`, `station` or `other`.
    pub kind: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Where greeters stand (arrivals hall, exit B…).
    pub meeting_point: Option<String>,
    /// The name for English-speaking guests (none: `name`).
    pub name_en: Option<String>,
    /// The meeting point for English-speaking guests (none: `meeting_point`).
    pub meeting_point_en: Option<String>,
}

/// A stored guest.
#[derive(Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = guests)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Guest {
    pub id: i64,
    pub department_id: i64,
    pub ref_code: String,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub gender: Option<String>,
    pub delegation_id: Option<i64>,
    pub organization: Option<String>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub halal: bool,
    pub diet: Option<String>,
    pub arrival_mode: Option<String>,
    pub arrival_no: Option<String>,
    pub arrival_hub_id: Option<i64>,
    pub arrival_at: Option<NaiveDateTime>,
    pub departure_mode: Option<String>,
    pub departure_no: Option<String>,
    pub departure_hub_id: Option<i64>,
    pub departure_at: Option<NaiveDateTime>,
    pub stay_from: Option<NaiveDate>,
    pub stay_to: Option<NaiveDate>,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Needs an accessible room.
    pub accessible: bool,
    /// When the guest withdrew (cancelled, kept on record, restorable).
    pub withdrawn_at: Option<NaiveDateTime>,
    /// Why, as reception wrote it.
    pub withdrawn_reason: Option<String>,
}

/// The stored fields of a guest, for insert and update (everything but id and timestamps).
#[derive(Insertable, AsChangeset, Clone, Debug, PartialEq, Serialize)]
#[diesel(table_name = guests)]
#[diesel(treat_none_as_null = true)]
#[diesel(treat_none_as_default_value = false)]
pub struct GuestFields {
    pub department_id: i64,
    pub ref_code: String,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub gender: Option<String>,
    pub delegation_id: Option<i64>,
    pub organization: Option<String>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub halal: bool,
    pub diet: Option<String>,
    pub arrival_mode: Option<String>,
    pub arrival_no: Option<String>,
    pub arrival_hub_id: Option<i64>,
    pub arrival_at: Option<NaiveDateTime>,
    pub departure_mode: Option<String>,
    pub departure_no: Option<String>,
    pub departure_hub_id: Option<i64>,
    pub departure_at: Option<NaiveDateTime>,
    pub stay_from: Option<NaiveDate>,
    pub stay_to: Option<NaiveDate>,
    pub notes: Option<String>,
    pub accessible: bool,
}

/// A new guest row: its fields and timestamps (batch inserts need one struct per row).
#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = guests)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewGuest {
    /// The fields.
    #[diesel(embed)]
    pub fields: GuestFields,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Changed.
    pub updated_at: NaiveDateTime,
}

impl Guest {
    /// The stored fields, for comparing with a new version.
    pub fn fields(&self) -> GuestFields {
        GuestFields {
            department_id: self.department_id,
            ref_code: self.ref_code.clone(),
            name: self.name.clone(),
            name_latin: self.name_latin.clone(),
            category: self.category.clone(),
            gender: self.gender.clone(),
            delegation_id: self.delegation_id,
            organization: self.organization.clone(),
            id_type: self.id_type.clone(),
            id_number: self.id_number.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            language: self.language.clone(),
            halal: self.halal,
            diet: self.diet.clone(),
            arrival_mode: self.arrival_mode.clone(),
            arrival_no: self.arrival_no.clone(),
            arrival_hub_id: self.arrival_hub_id,
            arrival_at: self.arrival_at,
            departure_mode: self.departure_mode.clone(),
            departure_no: self.departure_no.clone(),
            departure_hub_id: self.departure_hub_id,
            departure_at: self.departure_at,
            stay_from: self.stay_from,
            stay_to: self.stay_to,
            notes: self.notes.clone(),
            accessible: self.accessible,
        }
    }
}

/// A guest's photo: a 450×600 JPEG without metadata.
#[derive(Insertable, Queryable, Selectable, AsChangeset, Clone, Debug)]
#[diesel(table_name = guest_photos)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct GuestPhoto {
    /// Whose.
    pub guest_id: i64,
    /// JPEG bytes.
    pub jpeg: Vec<u8>,
    /// SHA-256 of the JPEG, hex (passes carry a short form of it).
    pub sha256: String,
    /// When stored.
    pub updated_at: NaiveDateTime,
}

/// A guest as the API shows it; `id_number` masked unless the caller may see it whole.
#[derive(Serialize, ToSchema, Debug)]
pub struct GuestResponse {
    pub id: i64,
    #[serde(rename = "ref")]
    pub ref_code: String,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub gender: Option<String>,
    pub department_id: i64,
    pub department: String,
    pub delegation_id: Option<i64>,
    pub delegation: Option<String>,
    pub organization: Option<String>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub halal: bool,
    /// Needs an accessible room.
    pub accessible: bool,
    pub diet: Option<String>,
    pub arrival_mode: Option<String>,
    pub arrival_no: Option<String>,
    pub arrival_hub: Option<String>,
    /// RFC 3339 in the event's offset.
    pub arrival_time: Option<String>,
    pub departure_mode: Option<String>,
    pub departure_no: Option<String>,
    pub departure_hub: Option<String>,
    /// RFC 3339 in the event's offset.
    pub departure_time: Option<String>,
    pub stay_from: Option<NaiveDate>,
    pub stay_to: Option<NaiveDate>,
    pub notes: Option<String>,
    pub has_photo: bool,
    pub created_at: String,
    pub updated_at: String,
    /// When the guest withdrew (RFC 3339); `null` while taking part.
    pub withdrawn_at: Option<String>,
    /// Why they withdrew.
    pub withdrawn_reason: Option<String>,
}

/// A department, delegation or hub with how many guests it has.
#[derive(Serialize, ToSchema, Debug)]
pub struct NamedCount {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Guests.
    pub guest_count: i64,
}

/// A hub as the API shows it.
#[derive(Serialize, ToSchema, Debug)]
pub struct HubResponse {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `airport`, `station`, `other`.
    pub kind: String,
    /// Where greeters stand.
    pub meeting_point: Option<String>,
    /// The name English-speaking guests read.
    pub name_en: Option<String>,
    /// The meeting point English-speaking guests read.
    pub meeting_point_en: Option<String>,
}
