//! Rows of the lodging tables and the shapes the API shows them in.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{
    allocation_plans, hotels, lodging_policies, plan_assignments, room_blocks, room_releases, stays,
};

/// A designated hotel.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = hotels)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Hotel {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub email: Option<String>,
    /// Comma list of category codes.
    pub categories: String,
    pub halal: bool,
    pub venue_minutes: i32,
    pub exclusive: bool,
    pub created_at: NaiveDateTime,
    /// The name English-speaking guests read (none: `name`).
    pub name_en: Option<String>,
    /// The address English-speaking guests read (none: `address`).
    pub address_en: Option<String>,
}

/// A hotel's fields, for insert and update.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = hotels)]
#[diesel(treat_none_as_null = true)]
pub struct HotelFields {
    pub code: String,
    pub name: String,
    pub address: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub email: Option<String>,
    pub categories: String,
    pub halal: bool,
    pub venue_minutes: i32,
    pub exclusive: bool,
    pub name_en: Option<String>,
    pub address_en: Option<String>,
}

/// A hotel as the API shows it (and takes it).
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default)]
pub struct HotelResponse {
    /// Short code (H01, VIP1…).
    pub code: String,
    pub name: String,
    pub address: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// Where rooming lists go.
    pub email: Option<String>,
    /// Guest categories the hotel serves.
    pub categories: Vec<String>,
    /// Has a halal kitchen.
    pub halal: bool,
    /// Travel minutes to the main venue.
    pub venue_minutes: i32,
    /// Takes no other guests without reception's permission.
    pub exclusive: bool,
    /// The name English-speaking guests read in their itinerary.
    #[serde(default)]
    pub name_en: Option<String>,
    /// The address English-speaking guests read.
    #[serde(default)]
    pub address_en: Option<String>,
}

/// Rooms held: a room type over nights `[nights_from, nights_to)`.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = room_blocks)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RoomBlock {
    pub id: i64,
    pub hotel_id: i64,
    pub room_type: String,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub rooms: i32,
    pub rate_cents: i64,
    pub created_at: NaiveDateTime,
}

/// A new block.
#[derive(Insertable, Debug)]
#[diesel(table_name = room_blocks)]
pub struct NewRoomBlock<'a> {
    pub hotel_id: i64,
    pub room_type: &'a str,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub rooms: i32,
    pub rate_cents: i64,
    pub created_at: NaiveDateTime,
}

/// A block as the API shows it.
#[derive(Serialize, ToSchema, Debug)]
pub struct BlockResponse {
    pub id: i64,
    /// `single`, `twin`, `suite` or `accessible`.
    pub room_type: String,
    /// First night.
    pub nights_from: NaiveDate,
    /// The morning after the last night.
    pub nights_to: NaiveDate,
    pub rooms: i32,
    /// Nightly rate in yuan.
    pub rate: f64,
}

/// A hotel's request to release held rooms.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = room_releases)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RoomRelease {
    pub id: i64,
    pub hotel_id: i64,
    pub room_type: String,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub rooms: i32,
    pub reason: String,
    /// `pending`, `granted` or `refused`.
    pub status: String,
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// A new release request.
#[derive(Insertable, Debug)]
#[diesel(table_name = room_releases)]
pub struct NewRoomRelease<'a> {
    pub hotel_id: i64,
    pub room_type: &'a str,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub rooms: i32,
    pub reason: &'a str,
    pub status: &'a str,
    pub requested_by: &'a str,
    pub created_at: NaiveDateTime,
}

/// A release request as the API shows it.
#[derive(Serialize, ToSchema, Debug)]
pub struct ReleaseResponse {
    pub id: i64,
    pub hotel: String,
    pub hotel_name: String,
    pub room_type: String,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub rooms: i32,
    pub reason: String,
    pub status: String,
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub comment: Option<String>,
    pub created_at: String,
}

/// One category's lodging policy as stored.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = lodging_policies)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PolicyRow {
    pub category: String,
    /// Comma list of hotel codes; empty: any hotel serving the category.
    pub hotels: String,
    /// Comma list of room types in order of preference.
    pub room_types: String,
    pub shared: bool,
    pub share_by: String,
    pub updated_at: NaiveDateTime,
}

/// One category's lodging policy as the API shows and takes it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct PolicyEntry {
    /// Guest category.
    pub category: String,
    /// Hotel codes; empty: any hotel that serves the category.
    #[serde(default)]
    pub hotels: Vec<String>,
    /// Room types in order of preference.
    pub room_types: Vec<String>,
    /// Whether guests of the category share twin rooms.
    pub shared: bool,
    /// Who may share: `delegation`, `department` or `organization`.
    pub share_by: String,
}

/// An allocation plan.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = allocation_plans)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PlanRow {
    pub id: i64,
    pub revision: i32,
    /// `draft`, `submitted`, `returned`, `published` or `superseded`.
    pub status: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub comment: Option<String>,
    /// JSON of [`PenaltyResponse`].
    pub penalty: String,
    /// JSON of the first-fit baseline's [`PenaltyResponse`].
    pub baseline_penalty: String,
    /// JSON list of [`UnplacedGuest`] (without names; those are read fresh).
    pub unplaced: String,
    /// At most this many guests the hard rules could place (the engine's relaxation).
    pub bound: Option<i64>,
    /// How many a plain first-fit placed on the same input.
    pub first_fit_placed: Option<i64>,
}

/// A new plan.
#[derive(Insertable, Debug)]
#[diesel(table_name = allocation_plans)]
pub struct NewPlan<'a> {
    pub revision: i32,
    pub status: &'a str,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
    pub penalty: &'a str,
    pub baseline_penalty: &'a str,
    pub unplaced: &'a str,
    pub bound: Option<i64>,
    pub first_fit_placed: Option<i64>,
}

/// Who sleeps where in a plan.
#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = plan_assignments)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AssignmentRow {
    pub plan_id: i64,
    pub guest_id: i64,
    pub hotel_id: i64,
    pub room_type: String,
    pub room: i32,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub locked: bool,
    pub why: String,
}

/// A desk's booking of a guest.
#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = stays)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct StayRow {
    pub guest_id: i64,
    pub hotel_id: i64,
    pub room_type: String,
    /// Roommates have the same group.
    pub room_group: i64,
    pub room_no: Option<String>,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    /// `booked`, `in_house` or `checked_out`.
    pub status: String,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checked_out_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// Soft-goal penalties of a plan (lower is better).
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct PenaltyResponse {
    pub total: u64,
    /// Extra hotels a delegation is spread over.
    pub split_delegations: u32,
    /// Empty beds in twins meant for sharing, per night.
    pub empty_bed_nights: u32,
    /// Minutes to the venue, summed over VIPs.
    pub vip_minutes: u32,
    /// Room-nights above 90% of a hotel's held rooms.
    pub crowded_room_nights: u32,
}

/// A guest the engine could not place.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct UnplacedGuest {
    pub guest_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub delegation: Option<String>,
    /// Why, in the request's language.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub reason_zh: String,
    #[serde(default)]
    pub reason_en: String,
    /// `no_room`: the hard rules allow the guest no room (ask the hotels for rooms);
    /// `movable`: rooms exist and `moves` would free one; `taken`: rooms exist but are taken
    /// and no move found frees one; `scattered`: a room is free every night, not in one hotel.
    #[serde(default)]
    pub kind: String,
    /// The moves that free a room for the guest, in order (reception applies them in one go).
    #[serde(default)]
    pub moves: Vec<SuggestedMove>,
}

/// A placed guest moved to another hotel or room type to free a room for someone else.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct SuggestedMove {
    pub guest_id: i64,
    /// Read fresh when the plan is shown.
    #[serde(default)]
    pub name: String,
    /// Hotel codes.
    pub from_hotel: String,
    pub to_hotel: String,
    pub room_type: String,
    /// The guest whose room they join there; none: a room of their own.
    pub join: Option<i64>,
}

/// A plan as lists show it.
#[derive(Serialize, ToSchema, Debug)]
pub struct PlanSummary {
    pub id: i64,
    pub revision: i32,
    pub status: String,
    pub created_at: String,
    pub created_by: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    /// The committee's comment.
    pub comment: Option<String>,
    pub placed: i64,
    pub unplaced: i64,
    /// At most this many guests the hard rules allow to place (the relaxation's bound): when
    /// `placed` reaches it, a shortage is real (ask the hotels for rooms), not the plan's.
    pub bound: Option<i64>,
    /// How many a plain first-fit places on the same input, for comparison.
    pub first_fit_placed: Option<i64>,
    pub penalty: PenaltyResponse,
    /// A plain first-fit greedy's penalty on the same input, for comparison.
    pub baseline_penalty: PenaltyResponse,
}

/// A guest's place in a plan.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct AssignmentResponse {
    pub guest_id: i64,
    /// The ref, to tell two guests of one name apart.
    #[serde(rename = "ref")]
    pub ref_code: String,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub gender: Option<String>,
    pub delegation: Option<String>,
    pub organization: Option<String>,
    pub halal: bool,
    pub accessible: bool,
    pub hotel: String,
    pub hotel_name: String,
    pub room_type: String,
    /// Room number within the plan; roommates share it.
    pub room: i32,
    pub roommates: Vec<Roommate>,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub locked: bool,
    /// Why the engine (or reception) put the guest here.
    pub why: String,
}

/// Someone sharing the room.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct Roommate {
    pub guest_id: i64,
    pub name: String,
}
