//! Today at a glance: reception's and the committee's first screen. One answer holds what a
//! reception team looks at every hour — today's and tomorrow's arrivals and departures by hub
//! and hour, the guests not met 30 minutes after landing (by flight or train), the check-ins
//! still to come per hotel, the guests the next plan leaves without a room, the credentials
//! waiting for a photo or for security, the open hygiene incidents and the failed emails —
//! each with a link to the page that lists them.
//!
//! Every figure is counted by the database (`GROUP BY` / `COUNT` over indexed filters): the
//! arrivals come back one row per flight and time, never one per guest, so the answer stays
//! well under 100 ms on a 20,000-guest event. This is a read-only report across domains, so
//! its counting queries live here rather than in each domain's store.
//!
//! A trip's time is its latest update (a delay), else the guests' scheduled time, as on the
//! greeter's board: the trip is the guests of one hub, number and local day.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{
    allocation_plans, guest_photos, guests, hotels, hubs, incidents, outbox, passes, pickups,
    stays, trips,
};
use crate::db::DbConn;
use crate::error::AppError;
use crate::time::{day_bounds, local_date, to_local, to_rfc3339};

/// Minutes after its time before an arrival still waiting is "not met" (the pickups rule).
const NOT_MET_AFTER: i64 = crate::pickups::rules::NOT_MET_AFTER;
/// How far back an unmet arrival is still shown: last night's late flights count today.
const UNMET_LOOKBACK_HOURS: i64 = 12;
/// Trips listed in the unmet list (the count covers them all).
const MAX_UNMET_TRIPS: usize = 50;
/// Names shown per unmet trip.
const NAMES_PER_TRIP: i64 = 5;
/// Pickup steps that mean nobody has met the guest yet (no row at all means `expected`).
const WAITING: [&str; 2] = ["expected", "landed"];

/// Reception's day in one answer.
#[derive(Serialize, ToSchema, Debug)]
pub struct Today {
    /// The instant the figures are for (RFC 3339, event time zone).
    pub now: String,
    /// Today and tomorrow, in that order.
    pub days: Vec<TodayDay>,
    /// Guests not met 30 minutes after their flight or train, by trip.
    pub unmet: Unmet,
    /// Stays expected today (or earlier) and not checked in, per hotel.
    pub check_ins: CheckIns,
    /// Guests the plan that would be published next leaves without a room.
    pub unplaced: Counted,
    /// Credentials requested whose guest has no photo yet.
    pub passes_waiting_photo: Counted,
    /// Credentials requested, the photo there, waiting for security's approval.
    pub passes_waiting_approval: Counted,
    /// Hygiene incidents still open.
    pub incidents_open: Counted,
    /// Emails that failed for good (until someone sends them again).
    pub mail_failed: Counted,
}

/// A number and the page that lists what it counts.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// How many.
    pub count: i64,
    /// The existing page, filtered (a site path such as `/mail/`).
    pub link: String,
}

/// One day's movements.
#[derive(Serialize, ToSchema, Debug)]
pub struct TodayDay {
    /// Event-local date.
    pub date: NaiveDate,
    /// Guests arriving that day (all hubs), linked to the guest list of that day.
    pub arrivals: Counted,
    /// Guests leaving from a hub that day (the returns to the airport or station).
    pub departures: Counted,
    /// Per hub, hubs with movements only.
    pub hubs: Vec<HubDay>,
    /// Per hub and local hour, non-empty hours only, in time order.
    pub hours: Vec<HourMovement>,
}

/// A hub's day.
#[derive(Serialize, ToSchema, Debug)]
pub struct HubDay {
    /// Hub code.
    pub hub: String,
    /// Hub name.
    pub name: String,
    /// Guests arriving.
    pub arrivals: i64,
    /// Guests leaving.
    pub departures: i64,
    /// The pickups page of that hub and day.
    pub link: String,
}

/// Movements in one hour at one hub.
#[derive(Serialize, ToSchema, Debug)]
pub struct HourMovement {
    /// Local hour, 0–23.
    pub hour: u32,
    /// Hub code.
    pub hub: String,
    /// Guests arriving in that hour.
    pub arrivals: i64,
    /// Guests leaving in that hour.
    pub departures: i64,
}

/// The unmet arrivals.
#[derive(Serialize, ToSchema, Debug)]
pub struct Unmet {
    /// Guests in all.
    pub count: i64,
    /// The pickups page of today.
    pub link: String,
    /// By trip, the longest waiting first (at most 50 trips).
    pub trips: Vec<UnmetTrip>,
}

/// A flight or train with guests nobody has met.
#[derive(Serialize, ToSchema, Debug)]
pub struct UnmetTrip {
    /// Flight or train number ("" when the guests gave none).
    pub number: String,
    /// Hub code.
    pub hub: String,
    /// Hub name.
    pub hub_name: String,
    /// Scheduled time (RFC 3339, event time zone).
    pub scheduled_at: String,
    /// Expected time after the trip's latest update (RFC 3339), the time the 30 minutes run from.
    pub expected_at: String,
    /// Guests on it not met.
    pub count: i64,
    /// The first names (at most 5), by name.
    pub names: Vec<String>,
    /// The greeter board of the hub.
    pub link: String,
}

/// Check-ins still to come.
#[derive(Serialize, ToSchema, Debug)]
pub struct CheckIns {
    /// Stays in all.
    pub count: i64,
    /// The hotel desk's arrivals of today.
    pub link: String,
    /// Per hotel with any, most first.
    pub hotels: Vec<HotelCheckIns>,
}

/// A hotel's check-ins still to come.
#[derive(Serialize, ToSchema, Debug)]
pub struct HotelCheckIns {
    /// Hotel code.
    pub code: String,
    /// Hotel name.
    pub name: String,
    /// Stays expected today or earlier, not checked in.
    pub pending: i64,
    /// The hotel's page.
    pub link: String,
}

/// Reception's day at `now` (UTC) in the event's time zone `tz`.
pub fn today(conn: &mut DbConn, now: NaiveDateTime, tz: Tz) -> Result<Today, AppError> {
    let today = local_date(tz, now);
    let tomorrow = today + Duration::days(1);
    let (today_start, _) = day_bounds(tz, today);
    let (_, tomorrow_end) = day_bounds(tz, tomorrow);
    let hub_rows: Vec<(i64, String, String)> = hubs::table
        .select((hubs::id, hubs::code, hubs::name))
        .load(conn)?;
    let hub_of: BTreeMap<i64, (String, String)> = hub_rows
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect();

    // Scheduled times from 12 hours before today: a delayed trip can move into the window.
    let scan_from = today_start - Duration::hours(UNMET_LOOKBACK_HOURS);
    let arrivals = trip_counts(conn, Direction::Arrival, scan_from, tomorrow_end, tz, false)?;
    let departures = trip_counts(
        conn,
        Direction::Departure,
        scan_from,
        tomorrow_end,
        tz,
        false,
    )?;

    let mut days = Vec::with_capacity(2);
    for date in [today, tomorrow] {
        days.push(day_view(date, &arrivals, &departures, &hub_of, tz));
    }

    let unmet = unmet(conn, now, today, tz, &hub_of)?;
    let check_ins = check_ins(conn, today)?;
    Ok(Today {
        now: to_rfc3339(tz, now),
        days,
        unmet,
        check_ins,
        unplaced: unplaced(conn)?,
        passes_waiting_photo: Counted {
            count: requested_credentials(conn, false)?,
            link: "/passes/?status=requested#credentials".into(),
        },
        passes_waiting_approval: Counted {
            count: requested_credentials(conn, true)?,
            link: "/passes/?status=requested#credentials".into(),
        },
        incidents_open: Counted {
            count: incidents::table
                .filter(incidents::status.eq("open"))
                .select(count_star())
                .first(conn)?,
            link: "/hygiene/".into(),
        },
        mail_failed: Counted {
            count: outbox::table
                .filter(outbox::status.eq(crate::outbox::status::FAILED))
                .select(count_star())
                .first(conn)?,
            link: "/mail/".into(),
        },
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Arrival,
    Departure,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Arrival => "arrival",
            Direction::Departure => "departure",
        }
    }
}

/// One trip: the guests of a hub, number and local day, at the trip's expected time.
#[derive(Debug, Clone)]
struct TripCount {
    hub_id: i64,
    number: Option<String>,
    /// The guests' scheduled times (one trip may carry a few).
    times: Vec<NaiveDateTime>,
    scheduled: NaiveDateTime,
    expected: NaiveDateTime,
    status: String,
    guests: i64,
}

/// Guests per trip whose scheduled time falls in `[from, to)`, counted by the database one row
/// per (hub, number, time); `waiting_only`: only arrivals nobody has met yet.
fn trip_counts(
    conn: &mut DbConn,
    direction: Direction,
    from: NaiveDateTime,
    to: NaiveDateTime,
    tz: Tz,
    waiting_only: bool,
) -> Result<Vec<TripCount>, AppError> {
    type Row = (Option<i64>, Option<String>, Option<NaiveDateTime>, i64);
    let rows: Vec<Row> = match (direction, waiting_only) {
        (Direction::Arrival, false) => guests::table
            .filter(guests::withdrawn_at.is_null())
            .filter(guests::arrival_at.ge(from))
            .filter(guests::arrival_at.lt(to))
            .filter(guests::arrival_hub_id.is_not_null())
            .group_by((
                guests::arrival_hub_id,
                guests::arrival_no,
                guests::arrival_at,
            ))
            .select((
                guests::arrival_hub_id,
                guests::arrival_no,
                guests::arrival_at,
                count_star(),
            ))
            .load(conn)?,
        (Direction::Arrival, true) => guests::table
            .left_join(
                pickups::table.on(pickups::guest_id
                    .eq(guests::id)
                    .and(pickups::direction.eq("arrival"))),
            )
            .filter(guests::withdrawn_at.is_null())
            .filter(guests::arrival_at.ge(from))
            .filter(guests::arrival_at.lt(to))
            .filter(guests::arrival_hub_id.is_not_null())
            .filter(
                pickups::status
                    .nullable()
                    .is_null()
                    .or(pickups::status.nullable().eq_any(WAITING)),
            )
            .group_by((
                guests::arrival_hub_id,
                guests::arrival_no,
                guests::arrival_at,
            ))
            .select((
                guests::arrival_hub_id,
                guests::arrival_no,
                guests::arrival_at,
                count_star(),
            ))
            .load(conn)?,
        (Direction::Departure, _) => guests::table
            .filter(guests::withdrawn_at.is_null())
            .filter(guests::departure_at.ge(from))
            .filter(guests::departure_at.lt(to))
            .filter(guests::departure_hub_id.is_not_null())
            .group_by((
                guests::departure_hub_id,
                guests::departure_no,
                guests::departure_at,
            ))
            .select((
                guests::departure_hub_id,
                guests::departure_no,
                guests::departure_at,
                count_star(),
            ))
            .load(conn)?,
    };
    // Regroup by trip: hub, number and the local day of the scheduled time.
    let mut by_trip: BTreeMap<(i64, Option<String>, NaiveDate), TripCount> = BTreeMap::new();
    for (hub, number, at, n) in rows {
        let (Some(hub), Some(at)) = (hub, at) else {
            continue;
        };
        let number = number.filter(|s| !s.is_empty());
        let t = by_trip
            .entry((hub, number.clone(), local_date(tz, at)))
            .or_insert_with(|| TripCount {
                hub_id: hub,
                number,
                times: Vec::new(),
                scheduled: at,
                expected: at,
                status: "scheduled".into(),
                guests: 0,
            });
        t.times.push(at);
        t.scheduled = t.scheduled.min(at);
        t.expected = t.scheduled;
        t.guests += n;
    }
    if by_trip.is_empty() {
        return Ok(Vec::new());
    }
    // The trips' updates (delays, landings, cancellations) of those days: a few rows.
    let first = by_trip.keys().map(|k| k.2).min().unwrap_or_default();
    let last = by_trip.keys().map(|k| k.2).max().unwrap_or_default();
    let updates: Vec<(i64, String, NaiveDate, Option<NaiveDateTime>, String)> = trips::table
        .filter(trips::direction.eq(direction.as_str()))
        .filter(trips::service_date.ge(first))
        .filter(trips::service_date.le(last))
        .select((
            trips::hub_id,
            trips::number,
            trips::service_date,
            trips::expected_at,
            trips::status,
        ))
        .load(conn)?;
    for (hub, number, date, expected, status) in updates {
        let key = (hub, Some(number).filter(|s| !s.is_empty()), date);
        if let Some(t) = by_trip.get_mut(&key) {
            if let Some(e) = expected {
                t.expected = e;
            }
            t.status = status;
        }
    }
    Ok(by_trip.into_values().collect())
}

fn day_view(
    date: NaiveDate,
    arrivals: &[TripCount],
    departures: &[TripCount],
    hub_of: &BTreeMap<i64, (String, String)>,
    tz: Tz,
) -> TodayDay {
    let (start, end) = day_bounds(tz, date);
    // (hub id) → (arrivals, departures); (hour, hub id) → the same.
    let mut per_hub: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut per_hour: BTreeMap<(u32, i64), (i64, i64)> = BTreeMap::new();
    for (list, arriving) in [(arrivals, true), (departures, false)] {
        for t in list.iter().filter(|t| (start..end).contains(&t.expected)) {
            let hour = to_local(tz, t.expected).hour();
            for slot in [
                per_hub.entry(t.hub_id).or_default(),
                per_hour.entry((hour, t.hub_id)).or_default(),
            ] {
                if arriving {
                    slot.0 += t.guests;
                } else {
                    slot.1 += t.guests;
                }
            }
        }
    }
    let code = |id: i64| hub_of.get(&id).map(|h| h.0.clone()).unwrap_or_default();
    let total = |f: fn(&(i64, i64)) -> i64| per_hub.values().map(f).sum::<i64>();
    TodayDay {
        date,
        arrivals: Counted {
            count: total(|c| c.0),
            link: format!("/reception/?arrival_date={date}"),
        },
        departures: Counted {
            count: total(|c| c.1),
            link: format!("/pickups/?date={date}&direction=departure"),
        },
        hubs: per_hub
            .iter()
            .map(|(id, (a, d))| HubDay {
                hub: code(*id),
                name: hub_of.get(id).map(|h| h.1.clone()).unwrap_or_default(),
                arrivals: *a,
                departures: *d,
                link: format!("/pickups/?hub={id}&date={date}"),
            })
            .collect(),
        hours: per_hour
            .iter()
            .map(|((hour, id), (a, d))| HourMovement {
                hour: *hour,
                hub: code(*id),
                arrivals: *a,
                departures: *d,
            })
            .collect(),
    }
}

/// Arrivals nobody has met 30 minutes after their trip's time: today's, and last night's
/// until 12 hours back; a cancelled trip brings nobody.
fn unmet(
    conn: &mut DbConn,
    now: NaiveDateTime,
    today: NaiveDate,
    tz: Tz,
    hub_of: &BTreeMap<i64, (String, String)>,
) -> Result<Unmet, AppError> {
    let (today_start, _) = day_bounds(tz, today);
    let due = now - Duration::minutes(NOT_MET_AFTER);
    let from = today_start.min(now - Duration::hours(UNMET_LOOKBACK_HOURS));
    // Scheduled up to a day after `due`: an early trip update can bring a later flight in.
    let waiting = trip_counts(
        conn,
        Direction::Arrival,
        from - Duration::hours(UNMET_LOOKBACK_HOURS),
        due + Duration::days(1),
        tz,
        true,
    )?;
    let mut late: Vec<TripCount> = waiting
        .into_iter()
        .filter(|t| t.status != "cancelled" && t.expected >= from && t.expected < due)
        .collect();
    late.sort_by(|a, b| (a.expected, &a.number).cmp(&(b.expected, &b.number)));
    let count = late.iter().map(|t| t.guests).sum();
    let mut trips = Vec::new();
    for t in late.into_iter().take(MAX_UNMET_TRIPS) {
        let (hub, hub_name) = hub_of.get(&t.hub_id).cloned().unwrap_or_default();
        trips.push(UnmetTrip {
            names: unmet_names(conn, &t)?,
            number: t.number.clone().unwrap_or_default(),
            hub,
            hub_name,
            scheduled_at: to_rfc3339(tz, t.scheduled),
            expected_at: to_rfc3339(tz, t.expected),
            count: t.guests,
            link: format!("/greeter/?hub={}", t.hub_id),
        });
    }
    Ok(Unmet {
        count,
        link: format!("/pickups/?date={today}"),
        trips,
    })
}

/// The first names of a trip's guests nobody has met (an indexed lookup by hub and time).
fn unmet_names(conn: &mut DbConn, t: &TripCount) -> Result<Vec<String>, AppError> {
    let mut q = guests::table
        .left_join(
            pickups::table.on(pickups::guest_id
                .eq(guests::id)
                .and(pickups::direction.eq("arrival"))),
        )
        .filter(guests::withdrawn_at.is_null())
        .filter(guests::arrival_hub_id.eq(t.hub_id))
        .filter(guests::arrival_at.eq_any(t.times.clone()))
        .filter(
            pickups::status
                .nullable()
                .is_null()
                .or(pickups::status.nullable().eq_any(WAITING)),
        )
        .select(guests::name)
        .order((guests::name, guests::id))
        .limit(NAMES_PER_TRIP)
        .into_boxed::<crate::db::MultiBackend>();
    q = match &t.number {
        Some(n) => q.filter(guests::arrival_no.eq(n.clone())),
        None => q.filter(
            guests::arrival_no
                .is_null()
                .or(guests::arrival_no.eq(String::new())),
        ),
    };
    Ok(q.load(conn)?)
}

/// Stays expected today or before and still booked (not checked in), per hotel — the hotel
/// desk's "arrivals" list.
fn check_ins(conn: &mut DbConn, today: NaiveDate) -> Result<CheckIns, AppError> {
    let rows: Vec<(String, String, i64)> = stays::table
        .inner_join(hotels::table)
        .filter(stays::status.eq("booked"))
        .filter(stays::nights_from.le(today))
        .filter(stays::nights_to.gt(today))
        .group_by((hotels::id, hotels::code, hotels::name))
        .select((hotels::code, hotels::name, count_star()))
        .load(conn)?;
    let mut hotels: Vec<HotelCheckIns> = rows
        .into_iter()
        .map(|(code, name, pending)| HotelCheckIns {
            link: format!("/hotels/hotel.html?code={}", url_part(&code)),
            code,
            name,
            pending,
        })
        .collect();
    hotels.sort_by(|a, b| b.pending.cmp(&a.pending).then(a.code.cmp(&b.code)));
    Ok(CheckIns {
        count: hotels.iter().map(|h| h.pending).sum(),
        link: format!("/desk/?date={today}#arrivals"),
        hotels,
    })
}

/// The guests left without a room by the plan that would be published next: the one under
/// review or being drafted, else the published one.
fn unplaced(conn: &mut DbConn) -> Result<Counted, AppError> {
    let mut plan: Option<(i64, String)> = None;
    for statuses in [&["submitted", "draft", "returned"][..], &["published"][..]] {
        plan = allocation_plans::table
            .filter(allocation_plans::status.eq_any(statuses))
            .order(allocation_plans::id.desc())
            .select((allocation_plans::id, allocation_plans::unplaced))
            .first(conn)
            .optional()?;
        if plan.is_some() {
            break;
        }
    }
    Ok(match plan {
        Some((id, list)) => Counted {
            // The stored list is the engine's; unreadable means none can be shown either.
            count: serde_json::from_str::<Vec<serde::de::IgnoredAny>>(&list)
                .map_or(0, |v| v.len() as i64),
            link: format!("/hotels/plan.html?id={id}"),
        },
        None => Counted {
            count: 0,
            link: "/hotels/plan.html".into(),
        },
    })
}

/// Credentials requested and not yet approved, whose guest has (`with_photo`) or lacks a photo.
fn requested_credentials(conn: &mut DbConn, with_photo: bool) -> Result<i64, AppError> {
    let q = passes::table
        .left_join(guest_photos::table.on(guest_photos::guest_id.nullable().eq(passes::guest_id)))
        .filter(passes::kind.eq("credential"))
        .filter(passes::status.eq("requested"))
        .select(count_star());
    Ok(if with_photo {
        q.filter(guest_photos::guest_id.nullable().is_not_null())
            .first(conn)?
    } else {
        q.filter(guest_photos::guest_id.nullable().is_null())
            .first(conn)?
    })
}

/// A value fit for a query string.
fn url_part(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::url_part;

    #[test]
    fn a_hotel_code_in_chinese_is_escaped_for_the_link() {
        assert_eq!(url_part("锦江"), "%E9%94%A6%E6%B1%9F");
        assert_eq!(url_part("JJ-1"), "JJ-1");
    }
}
