//! What the outbox holds and what the API shows of it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::outbox;

/// What a message tells. Stored as its `as_str`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A guest's personal credential, with its QR.
    Pass,
    /// A guest's pickup, hotel, meals and ceremonies.
    Itinerary,
    /// The guest's flight or train moved, and the pickup with it.
    FlightChange,
    /// The guest's car or its time changed (runs re-planned or edited by hand).
    PickupChange,
    /// The guest's hotel, room type or nights changed in a new plan revision.
    RoomChange,
    /// The guest's pass was revoked.
    PassRevoked,
    /// A hotel's new rooming list revision.
    RoomingList,
    /// A dining point's kitchen sheet for a day.
    KitchenSheet,
    /// An inspector's shifts.
    Roster,
    /// What changed in a guest's arrangements (pass, room, meals, rides, travel), before →
    /// now, in one message; or that they are withdrawn, or restored.
    ArrangementsChanged,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Pass,
        Kind::Itinerary,
        Kind::FlightChange,
        Kind::PickupChange,
        Kind::RoomChange,
        Kind::PassRevoked,
        Kind::RoomingList,
        Kind::KitchenSheet,
        Kind::Roster,
        Kind::ArrangementsChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pass => "pass",
            Kind::Itinerary => "itinerary",
            Kind::FlightChange => "flight_change",
            Kind::PickupChange => "pickup_change",
            Kind::RoomChange => "room_change",
            Kind::PassRevoked => "pass_revoked",
            Kind::RoomingList => "rooming_list",
            Kind::KitchenSheet => "kitchen_sheet",
            Kind::Roster => "roster",
            Kind::ArrangementsChanged => "arrangements_changed",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whom a message goes to; the id is in that table.
pub mod recipient {
    pub const GUEST: &str = "guest";
    pub const HOTEL: &str = "hotel";
    pub const DINING_POINT: &str = "dining_point";
    pub const INSPECTOR: &str = "inspector";
}

/// Where a message is in its life.
pub mod status {
    pub const QUEUED: &str = "queued";
    /// Taken by one worker; nothing has gone to the server yet.
    pub const CLAIMED: &str = "claimed";
    /// Handed to the server; the answer decides sent, retry or failed.
    pub const SENDING: &str = "sending";
    pub const SENT: &str = "sent";
    pub const FAILED: &str = "failed";
    /// No longer worth sending (the pass it shows was revoked first, say).
    pub const CANCELLED: &str = "cancelled";
    pub const ALL: [&str; 6] = [QUEUED, CLAIMED, SENDING, SENT, FAILED, CANCELLED];
}

/// One outbox row.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub guest_id: Option<i64>,
    pub recipient_kind: String,
    pub recipient_id: i64,
    pub recipient: String,
    pub ref_id: String,
    pub params: String,
    pub batch_id: Option<i64>,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<NaiveDateTime>,
    pub subject: Option<String>,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}
