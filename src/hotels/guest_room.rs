//! One guest's room as reception reads it on the guest's page: the booking the hotel holds
//! (from the published plan) with its state at the desk, and the room in the plan being
//! worked on when that differs. A handful of indexed lookups for this guest and their
//! roommates: never the whole plan.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::AppError;
use crate::hotels::model::{AssignmentRow, Roommate, StayRow};
use crate::hotels::rules;
use crate::hotels::store;
use crate::time::to_rfc3339;

/// The booking the hotel holds, as it stands at the desk.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct StayView {
    /// Hotel code.
    pub hotel: String,
    /// Hotel name.
    pub hotel_name: String,
    /// Room type code (`single`, `twin`, `suite`, `accessible`).
    pub room_type: String,
    /// The room number the desk gave at check-in.
    pub room_no: Option<String>,
    /// First night.
    pub nights_from: NaiveDate,
    /// Check-out day.
    pub nights_to: NaiveDate,
    /// How many nights.
    pub nights: i64,
    /// Nights outside the entitlement (the registry's stay dates), paid by the guest.
    pub self_paid_nights: Vec<NaiveDate>,
    /// `booked`, `in_house` or `checked_out`.
    pub status: String,
    /// RFC 3339 in the event's time zone.
    pub checked_in_at: Option<String>,
    /// RFC 3339 in the event's time zone.
    pub checked_out_at: Option<String>,
    /// Who shares the room.
    pub roommates: Vec<Roommate>,
}

/// The guest's room in a plan.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct PlannedRoom {
    /// The plan.
    pub plan_id: i64,
    /// Its revision number.
    pub revision: i32,
    /// `draft`, `returned`, `submitted` or `published`.
    pub plan_status: String,
    /// Hotel code.
    pub hotel: String,
    /// Hotel name.
    pub hotel_name: String,
    /// Room type code.
    pub room_type: String,
    /// The room's number within the plan (the hotel gives the real one at check-in).
    pub room: i32,
    /// First night.
    pub nights_from: NaiveDate,
    /// Check-out day.
    pub nights_to: NaiveDate,
    /// How many nights.
    pub nights: i64,
    /// Nights outside the entitlement, paid by the guest.
    pub self_paid_nights: Vec<NaiveDate>,
    /// Who the plan puts in the same room.
    pub roommates: Vec<Roommate>,
}

/// A guest's room: the booking and the plan.
#[derive(Serialize, ToSchema, Debug, Clone, Default)]
pub struct GuestRoom {
    /// The booking the hotel holds (published plan, changed at the desk), if any.
    pub stay: Option<StayView>,
    /// The room in the plan that would be published next (or the published one when no
    /// revision is open); `None` when no plan places the guest.
    pub planned: Option<PlannedRoom>,
    /// The planned room differs from the booking: the change waits for the committee.
    pub pending_change: bool,
}

fn entitled(g: Option<&store::LodgingGuest>) -> Option<Range<NaiveDate>> {
    match g.map(|g| (g.stay_from, g.stay_to)) {
        Some((Some(a), Some(b))) if b > a => Some(a..b),
        _ => None,
    }
}

fn names(conn: &mut DbConn, ids: &[i64]) -> Result<BTreeMap<i64, store::LodgingGuest>, AppError> {
    Ok(store::find_lodging_guests(conn, ids)?
        .into_iter()
        .map(|g| (g.id, g))
        .collect())
}

fn roommates(people: &BTreeMap<i64, store::LodgingGuest>, ids: &[i64]) -> Vec<Roommate> {
    ids.iter()
        .filter_map(|id| people.get(id))
        .map(|g| Roommate {
            guest_id: g.id,
            name: g.name.clone(),
        })
        .collect()
}

/// The guest's room, booked and planned.
pub fn guest_room(conn: &mut DbConn, guest_id: i64, tz: Tz) -> Result<GuestRoom, AppError> {
    let stay: Option<StayRow> = store::find_stay(conn, guest_id)?;
    let plan = match store::find_plan_with_status(conn, &["draft", "returned", "submitted"])? {
        Some(p) => Some(p),
        None => store::find_plan_with_status(conn, &["published"])?,
    };
    let assignment: Option<(AssignmentRow, Vec<i64>)> = match &plan {
        Some(p) => match store::find_assignment(conn, p.id, guest_id)? {
            Some(a) => {
                let mates = store::list_room_assignments(conn, p.id, a.hotel_id, a.room)?
                    .into_iter()
                    .map(|r| r.guest_id)
                    .filter(|g| *g != guest_id)
                    .collect();
                Some((a, mates))
            }
            None => None,
        },
        None => None,
    };
    let stay_mates: Vec<i64> = match &stay {
        Some(s) => store::list_room_stays(conn, s.hotel_id, s.room_group)?
            .into_iter()
            .map(|r| r.guest_id)
            .filter(|g| *g != guest_id)
            .collect(),
        None => Vec::new(),
    };
    if stay.is_none() && assignment.is_none() {
        return Ok(GuestRoom::default());
    }
    let mut ids = vec![guest_id];
    ids.extend(&stay_mates);
    ids.extend(assignment.iter().flat_map(|(_, m)| m.iter().copied()));
    let people = names(conn, &ids)?;
    let entitled = entitled(people.get(&guest_id));
    let hotels: BTreeMap<i64, (String, String)> = store::list_hotels(conn)?
        .into_iter()
        .map(|h| (h.id, (h.code, h.name)))
        .collect();
    let hotel = |id: i64| hotels.get(&id).cloned().unwrap_or_default();
    let nights = |r: &Range<NaiveDate>| (r.end - r.start).num_days().max(0);
    let stay = stay.map(|s| {
        let range = s.nights_from..s.nights_to;
        let (code, name) = hotel(s.hotel_id);
        StayView {
            hotel: code,
            hotel_name: name,
            room_type: s.room_type.clone(),
            room_no: s.room_no.clone(),
            nights_from: s.nights_from,
            nights_to: s.nights_to,
            nights: nights(&range),
            self_paid_nights: rules::self_paid_nights(&range, entitled.as_ref()),
            status: s.status.clone(),
            checked_in_at: s.checked_in_at.map(|t| to_rfc3339(tz, t)),
            checked_out_at: s.checked_out_at.map(|t| to_rfc3339(tz, t)),
            roommates: roommates(&people, &stay_mates),
        }
    });
    let open_plan = plan.as_ref().is_some_and(|p| p.status != "published");
    let planned = match (plan, assignment) {
        (Some(p), Some((a, mates))) => {
            let range = a.nights_from..a.nights_to;
            let (code, name) = hotel(a.hotel_id);
            Some(PlannedRoom {
                plan_id: p.id,
                revision: p.revision,
                plan_status: p.status,
                hotel: code,
                hotel_name: name,
                room_type: a.room_type,
                room: a.room,
                nights_from: a.nights_from,
                nights_to: a.nights_to,
                nights: nights(&range),
                self_paid_nights: rules::self_paid_nights(&range, entitled.as_ref()),
                roommates: roommates(&people, &mates),
            })
        }
        _ => None,
    };
    let pending_change = open_plan
        && match (&stay, &planned) {
            (Some(s), Some(p)) => {
                s.hotel != p.hotel
                    || s.room_type != p.room_type
                    || s.nights_from != p.nights_from
                    || s.nights_to != p.nights_to
            }
            (None, None) => false,
            _ => true,
        };
    Ok(GuestRoom {
        stay,
        planned,
        pending_change,
    })
}
