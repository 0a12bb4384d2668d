//! Accounts: roles, user rows and what the API shows of them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{sessions, users};

/// What a user does at the event; decides which routes admit them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Head of reception: everything, including accounts and the audit log.
    Admin,
    /// The reception department.
    Reception,
    /// An inviting department; scope: its department id.
    Department,
    /// Security: credentials and vehicle passes; sees ID numbers whole.
    Security,
    /// Transport: vehicles, drivers, returns.
    Transport,
    /// The office: ceremonies, banquets, leaders' cars.
    Office,
    /// The organizing committee: approves the hotel allocation.
    Committee,
    /// A greeter at an airport or station; scope: the hub.
    Greeter,
    /// A hotel's front desk; scope: the hotel.
    HotelDesk,
    /// A canteen; scope: the dining point.
    Canteen,
    /// A checkpoint guard; scope: scan points.
    Checkpoint,
    /// A food hygiene inspector.
    Inspector,
    /// The health bureau.
    Health,
}

impl Role {
    /// Every role, in the order of DESIGN.md.
    pub const ALL: [Role; 13] = [
        Role::Admin,
        Role::Reception,
        Role::Department,
        Role::Security,
        Role::Transport,
        Role::Office,
        Role::Committee,
        Role::Greeter,
        Role::HotelDesk,
        Role::Canteen,
        Role::Checkpoint,
        Role::Inspector,
        Role::Health,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reception => "reception",
            Role::Department => "department",
            Role::Security => "security",
            Role::Transport => "transport",
            Role::Office => "office",
            Role::Committee => "committee",
            Role::Greeter => "greeter",
            Role::HotelDesk => "hotel_desk",
            Role::Canteen => "canteen",
            Role::Checkpoint => "checkpoint",
            Role::Inspector => "inspector",
            Role::Health => "health",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the role only makes sense with a scope (a department, hub, hotel…).
    pub fn needs_scope(self) -> bool {
        matches!(
            self,
            Role::Department
                | Role::Greeter
                | Role::HotelDesk
                | Role::Canteen
                | Role::Checkpoint
                | Role::Inspector
        )
    }

    /// Whether this role sees ID numbers whole.
    pub fn sees_full_id_numbers(self) -> bool {
        matches!(self, Role::Admin | Role::Security)
    }
}

/// A stored account.
#[derive(Queryable, Selectable, Identifiable, Clone, Debug)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Role code.
    pub role: String,
    /// Scope (department id, hub id, …) for scoped roles.
    pub scope: Option<String>,
    /// A disabled user can't sign in and loses their sessions.
    pub disabled: bool,
    /// Failed sign-ins since the last success.
    pub failed_logins: i32,
    /// Sign-in refused until then (UTC).
    pub locked_until: Option<NaiveDateTime>,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
    /// The person's name as guests should know it (a greeter's, in the itinerary).
    pub display_name: Option<String>,
    /// Their work phone, for the same.
    pub phone: Option<String>,
}

/// A new account row.
#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Sign-in name.
    pub username: &'a str,
    /// argon2 PHC string.
    pub password_hash: &'a str,
    /// Role code.
    pub role: &'a str,
    /// Scope.
    pub scope: Option<&'a str>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Changed.
    pub updated_at: NaiveDateTime,
}

/// A new session row; the token itself is never stored, only its SHA-256.
#[derive(Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    /// SHA-256 of the token, hex.
    pub token_hash: &'a str,
    /// Whose.
    pub user_id: i64,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Expires.
    pub expires_at: NaiveDateTime,
}

/// A user as the API shows them (never the hash).
#[derive(Serialize, ToSchema, Debug)]
pub struct UserResponse {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Role code.
    pub role: String,
    /// Scope, for scoped roles.
    pub scope: Option<String>,
    /// Disabled accounts can't sign in.
    pub disabled: bool,
    /// The person's name as guests should know it.
    pub display_name: Option<String>,
    /// Their work phone.
    pub phone: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// The event's time zone (`Asia/Shanghai`), in which every screen shows times: on
    /// sign-in and `/auth/me` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time_zone: Option<String>,
    /// The event's UTC offset now (`+08:00`), with `event_time_zone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_utc_offset: Option<String>,
}

impl UserResponse {
    /// The user with the event's clock, for the screens' first call.
    pub fn with_event_clock(mut self, tz: chrono_tz::Tz, now: NaiveDateTime) -> Self {
        let local = now.and_utc().with_timezone(&tz);
        self.event_time_zone = Some(tz.name().to_string());
        self.event_utc_offset = Some(local.format("%:z").to_string());
        self
    }
}

impl From<&User> for UserResponse {
    fn from(u: &User) -> Self {
        UserResponse {
            id: u.id,
            username: u.username.clone(),
            role: u.role.clone(),
            scope: u.scope.clone(),
            disabled: u.disabled,
            display_name: u.display_name.clone(),
            phone: u.phone.clone(),
            created_at: u.created_at.and_utc().to_rfc3339(),
            event_time_zone: None,
            event_utc_offset: None,
        }
    }
}
