//! Rows of the meal tables and the shapes the API shows them in.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{dining_points, menu_items};

/// A dining point.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = dining_points)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DiningPoint {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub hotel_id: Option<i64>,
    pub seats: i32,
    /// Has a halal room or halal tables (served apart, counted apart).
    pub halal: bool,
    pub created_at: NaiveDateTime,
    /// Where the kitchen sheet is mailed.
    pub email: Option<String>,
    /// The name English-speaking guests read (none: `name`).
    pub name_en: Option<String>,
}

/// A dining point's checked fields, for insert and update.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = dining_points)]
#[diesel(treat_none_as_null = true)]
pub struct PointFields {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub hotel_id: Option<i64>,
    pub seats: i32,
    pub halal: bool,
    pub email: Option<String>,
}

/// A service window as the API shows and takes it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct WindowEntry {
    /// `breakfast`, `lunch`, `dinner`, `night_snack`.
    pub service: String,
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM`; `24:00` for midnight.
    pub end: String,
}

/// A dining point as the API shows it (and takes it: `windows` ignored on write).
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default)]
pub struct PointResponse {
    pub code: String,
    pub name: String,
    /// The name English-speaking guests read in their itinerary.
    #[serde(default)]
    pub name_en: Option<String>,
    /// The hotel it belongs to (code), none for a standalone canteen.
    pub hotel: Option<String>,
    #[serde(default)]
    pub hotel_name: Option<String>,
    #[serde(default)]
    pub seats: i32,
    #[serde(default)]
    pub halal: bool,
    /// Where tomorrow's kitchen sheet is mailed.
    #[serde(default)]
    pub email: Option<String>,
    /// The windows in force here (its own, else the event's).
    #[serde(default)]
    pub windows: Vec<WindowEntry>,
}

/// A dish.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = menu_items)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MenuItem {
    pub id: i64,
    pub day: NaiveDate,
    pub service: String,
    pub point_id: Option<i64>,
    pub halal_counter: bool,
    pub name_zh: String,
    pub name_en: String,
    pub halal: bool,
    /// Comma list.
    pub allergens: String,
    pub created_at: NaiveDateTime,
}

/// A dish as the API shows and takes it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct MenuEntry {
    #[serde(default)]
    pub id: i64,
    pub day: NaiveDate,
    pub service: String,
    /// A point's exception (code); none: every point.
    #[serde(default)]
    pub point: Option<String>,
    /// On the halal counters' menu.
    #[serde(default)]
    pub halal_counter: bool,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub halal: bool,
    #[serde(default)]
    pub allergens: Vec<String>,
}
