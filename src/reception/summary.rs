//! A guest's whole story in one answer: the record, the passes and their last scans, the
//! room and roommates, the rides, the meals, the emails, the scan history and the timeline of
//! who changed what. Every part is read with indexed lookups for this one guest (and the few
//! rows around them: roommates, a run's riders), never a whole table of guests, so the answer
//! stays fast on a 20,000-guest event.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::DbConn;
use crate::error::AppError;
use crate::guests::service::{get_guest, guest_cards};
use crate::guests::GuestResponse;
use crate::hotels::guest_room::{self, GuestRoom};
use crate::letters::history::{self, MessageFilter};
use crate::meals::entitlements::{self, Entitlement, MealTaken};
use crate::outbox::status;
use crate::passes::{self, Pass, PassFilter};
use crate::pickups::service::StepRecord;
use crate::pickups::RunResponse;
use crate::scan::{self, ScanPoint, ScanRow};
use crate::time::to_rfc3339;

/// Passes, emails, scans and timeline entries listed at most.
const MAX_PASSES: i64 = 50;
const MAX_EMAILS: i64 = 50;
const MAX_SCANS: i64 = 50;
const LAST_SCANS_PER_PASS: i64 = 3;
const MAX_TIMELINE: usize = 100;

/// Roles that may fetch a pass's QR image (as `GET /passes/{id}/qr.png` admits them).
const QR_ROLES: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Security,
    Role::Department,
    Role::Office,
    Role::Committee,
    Role::Transport,
];
/// Roles that may send a failed message again (`POST /mail/messages/{id}/retry`).
const RESENDERS: &[Role] = &[Role::Admin, Role::Reception];

/// One guest, every part of their arrangements.
#[derive(Serialize, ToSchema, Debug)]
pub struct GuestSummary {
    /// The record, as `GET /guests/{id}` shows it (ID number masked but for admin and security).
    pub guest: GuestResponse,
    /// Every pass the guest holds or held, newest first.
    pub passes: Vec<SummaryPass>,
    /// The room: the booking the hotel holds and the plan being worked on.
    pub room: GuestRoom,
    /// The pickup (`arrival`) and the return (`departure`), in that order.
    pub rides: Vec<SummaryRide>,
    /// What the guest may eat and what they ate.
    pub meals: SummaryMeals,
    /// Messages to the guest, newest first.
    pub emails: Vec<SummaryEmail>,
    /// Scans of the guest's passes, newest first.
    pub scans: Vec<SummaryScan>,
    /// Who changed what about the guest, newest first.
    pub timeline: Vec<TimelineEntry>,
}

/// A pass as the guest's page shows it (never its token: the QR image is fetched apart).
#[derive(Serialize, ToSchema, Debug)]
pub struct SummaryPass {
    /// Pass id.
    pub id: i64,
    /// `credential`, `admission`, `vehicle`, `meal_coupon`.
    pub kind: String,
    /// Serial (a reissue raises it).
    pub serial: i32,
    /// As printed on the badge: "No. 1337-1" (pass 1337, serial 1).
    pub number: String,
    /// `requested`, `issued`, `printed`, `collected`, `revoked`.
    pub status: String,
    /// Zone codes it opens.
    pub zones: Vec<String>,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day.
    pub valid_to: NaiveDate,
    /// What must be added before security can approve (`photo`, `id_number`).
    pub missing: Vec<String>,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
    /// The session an admission is for (its name).
    pub session: Option<String>,
    /// RFC 3339 in the event's time zone.
    pub issued_at: Option<String>,
    /// RFC 3339 in the event's time zone.
    pub printed_at: Option<String>,
    /// RFC 3339 in the event's time zone.
    pub collected_at: Option<String>,
    /// RFC 3339 in the event's time zone.
    pub revoked_at: Option<String>,
    /// The viewer may fetch the QR image at `/api/v1/passes/{id}/qr.png` (signed, not revoked).
    pub qr: bool,
    /// Its newest scans.
    pub last_scans: Vec<SummaryScan>,
}

/// A scan of one of the guest's passes.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct SummaryScan {
    /// Scan id.
    pub id: i64,
    /// RFC 3339 in the event's time zone.
    pub at: String,
    /// Scan point code.
    pub point: String,
    /// Scan point name.
    pub point_name: String,
    /// `person_gate`, `vehicle_gate`, `session_gate`, `hotel_desk`, `canteen`.
    pub point_kind: String,
    /// The pass scanned.
    pub pass_id: Option<i64>,
    /// The pass as printed ("No. 1337-1"), the serial the card carried.
    pub number: Option<String>,
    /// `accept` or `reject`.
    pub verdict: String,
    /// Why it was refused (a reason code).
    pub reason: Option<String>,
}

/// A ride to or from the hub.
#[derive(Serialize, ToSchema, Debug)]
pub struct SummaryRide {
    /// `arrival` (pickup) or `departure` (return to the hub).
    pub direction: String,
    /// The guest's step: `expected`, `landed`, `met`, `in_vehicle`, `at_hotel` (arrivals),
    /// `at_hub` (returns), `no_show`, `own_transport`.
    pub status: String,
    /// The run the guest rides in, with its car, greeter and status; `None`: no car yet.
    pub run: Option<RunResponse>,
    /// Each recorded step, oldest first.
    pub steps: Vec<StepRecord>,
}

/// The meals.
#[derive(Serialize, ToSchema, Debug)]
pub struct SummaryMeals {
    /// The entitlement by the category policy and the dates; `None` for a guest who eats
    /// nowhere (withdrawn).
    pub entitlement: Option<Entitlement>,
    /// Meals taken, in the order eaten.
    pub taken: Vec<MealTaken>,
}

/// A message to the guest.
#[derive(Serialize, ToSchema, Debug)]
pub struct SummaryEmail {
    /// Message id.
    pub id: i64,
    /// Kind of message (`pass`, `itinerary`, `change`…).
    pub kind: String,
    /// Address.
    pub to: String,
    /// Subject, once rendered.
    pub subject: Option<String>,
    /// `queued`, `claimed`, `sending`, `sent`, `failed`, `cancelled`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// Why it failed.
    pub last_error: Option<String>,
    /// RFC 3339 in the event's time zone.
    pub created_at: String,
    /// RFC 3339 in the event's time zone.
    pub sent_at: Option<String>,
    /// The viewer may send it again (`POST /api/v1/mail/messages/{id}/retry`).
    pub resendable: bool,
}

/// One change about the guest, from the audit log.
#[derive(Serialize, ToSchema, Debug)]
pub struct TimelineEntry {
    /// RFC 3339 in the event's time zone.
    pub at: String,
    /// Who (username, or `system:…`).
    pub who: String,
    /// What: `create`, `update`, `issue`, `revoke`, `check_in`…
    pub action: String,
    /// Which kind of record: `guest`, `pass`, `stay`, `pickup`, `mail`…
    pub entity: String,
    /// Which record.
    pub entity_id: String,
    /// Details (JSON).
    pub detail: serde_json::Value,
}

/// "No. 1337-1": the pass as the badge prints it.
pub fn printed_number(pass_id: i64, serial: i32) -> String {
    format!("No. {pass_id}-{serial}")
}

/// The guest's summary, if `user` may see the guest (404 unknown, 403 out of scope).
pub fn guest_summary(
    conn: &mut DbConn,
    user: &CurrentUser,
    guest_id: i64,
    tz: Tz,
) -> Result<GuestSummary, AppError> {
    let guest = get_guest(conn, user, guest_id, tz)?;
    let points: HashMap<i64, ScanPoint> = scan::list_points(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let (_, rows) = passes::list_passes(
        conn,
        &PassFilter {
            guest_ids: Some(vec![guest_id]),
            ..PassFilter::default()
        },
        None,
        MAX_PASSES,
        0,
    )?;
    let pass_ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let passes = summary_passes(conn, user, guest_id, &rows, &points, tz)?;
    let scans = scan::scans_of_passes(conn, &pass_ids, MAX_SCANS)?
        .iter()
        .map(|s| scan_view(s, &points, tz))
        .collect();
    let room = guest_room::guest_room(conn, guest_id, tz)?;
    let rides = rides(conn, guest_id, tz)?;
    let meals = SummaryMeals {
        entitlement: entitlements::entitlement(conn, guest_id, tz)?,
        taken: entitlements::meals_taken(conn, guest_id, tz)?,
    };
    let messages = history::messages(
        conn,
        &MessageFilter {
            guest_id: Some(guest_id),
            ..MessageFilter::default()
        },
        MAX_EMAILS,
        tz,
    )?;
    let may_resend = RESENDERS.contains(&user.role);
    let emails: Vec<SummaryEmail> = messages
        .into_iter()
        .map(|m| SummaryEmail {
            resendable: may_resend && (m.status == status::FAILED || m.status == status::CANCELLED),
            id: m.id,
            kind: m.kind,
            to: m.to,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        })
        .collect();
    let run_ids: Vec<i64> = rides
        .iter()
        .filter_map(|r| r.run.as_ref().map(|run| run.id))
        .collect();
    let email_ids: Vec<i64> = emails.iter().map(|e| e.id).collect();
    let timeline = timeline(conn, guest_id, &pass_ids, &run_ids, &email_ids, tz)?;
    Ok(GuestSummary {
        guest,
        passes,
        room,
        rides,
        meals,
        emails,
        scans,
        timeline,
    })
}

fn ts(tz: Tz, t: Option<chrono::NaiveDateTime>) -> Option<String> {
    t.map(|t| to_rfc3339(tz, t))
}

fn summary_passes(
    conn: &mut DbConn,
    user: &CurrentUser,
    guest_id: i64,
    rows: &[Pass],
    points: &HashMap<i64, ScanPoint>,
    tz: Tz,
) -> Result<Vec<SummaryPass>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let cards = guest_cards(conn, &[guest_id])?;
    let card = cards.get(&guest_id);
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let missing = match (p.kind.as_str(), card) {
            ("credential", Some(c)) => {
                passes::rules::missing_for_approval(c.photo_sha256.is_some(), c.has_id_number)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            }
            _ => Vec::new(),
        };
        let session = match p.session_id {
            Some(s) => passes::find_session(conn, s)?.map(|s| s.name),
            None => None,
        };
        let qr = p.token.is_some()
            && p.status != "revoked"
            && QR_ROLES.contains(&user.role)
            && passes::service::check_view(user, p, card).is_ok();
        let last_scans = scan::scans_of_passes(conn, &[p.id], LAST_SCANS_PER_PASS)?
            .iter()
            .map(|s| scan_view(s, points, tz))
            .collect();
        out.push(SummaryPass {
            id: p.id,
            kind: p.kind.clone(),
            serial: p.serial,
            number: printed_number(p.id, p.serial),
            status: p.status.clone(),
            zones: p.zone_codes(),
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            missing,
            revoked_reason: p.revoked_reason.clone(),
            session,
            issued_at: ts(tz, p.issued_at),
            printed_at: ts(tz, p.printed_at),
            collected_at: ts(tz, p.collected_at),
            revoked_at: ts(tz, p.revoked_at),
            qr,
            last_scans,
        });
    }
    Ok(out)
}

fn scan_view(s: &ScanRow, points: &HashMap<i64, ScanPoint>, tz: Tz) -> SummaryScan {
    let point = points.get(&s.point_id);
    SummaryScan {
        id: s.id,
        at: to_rfc3339(tz, s.at),
        point: point.map(|p| p.code.clone()).unwrap_or_default(),
        point_name: point.map(|p| p.name.clone()).unwrap_or_default(),
        point_kind: point.map(|p| p.kind.clone()).unwrap_or_default(),
        pass_id: s.pass_id,
        number: s
            .pass_id
            .map(|id| printed_number(id, s.serial.unwrap_or(1))),
        verdict: s.verdict.clone(),
        reason: s.reason.clone(),
    }
}

fn rides(conn: &mut DbConn, guest_id: i64, tz: Tz) -> Result<Vec<SummaryRide>, AppError> {
    let steps = crate::pickups::service::history(conn, guest_id, tz)?;
    let mut out = Vec::with_capacity(2);
    for direction in ["arrival", "departure"] {
        let seat = crate::pickups::runs_of(conn, &[guest_id], direction)?
            .into_iter()
            .next();
        let run = match seat {
            Some((_, run_id)) => match crate::pickups::find_run(conn, run_id)? {
                Some(row) => crate::pickups::runs::responses(conn, &[row], tz)?
                    .into_iter()
                    .next(),
                None => None,
            },
            None => None,
        };
        let own: Vec<StepRecord> = steps
            .iter()
            .filter(|s| s.direction == direction)
            .map(|s| StepRecord {
                direction: s.direction.clone(),
                status: s.status.clone(),
                at: s.at.clone(),
                by: s.by.clone(),
            })
            .collect();
        // The run knows the guest's current step; without a run, the last step recorded.
        let status = run
            .as_ref()
            .and_then(|r| r.guests.iter().find(|g| g.guest_id == guest_id))
            .map(|g| g.status.clone())
            .or_else(|| own.last().map(|s| s.status.clone()))
            .unwrap_or_else(|| "expected".into());
        out.push(SummaryRide {
            direction: direction.into(),
            status,
            run,
            steps: own,
        });
    }
    Ok(out)
}

/// Audit entities whose id is the guest's.
const GUEST_ENTITIES: &[&str] = &["guest", "guest_photo", "stay", "allocation", "pickup"];

fn timeline(
    conn: &mut DbConn,
    guest_id: i64,
    pass_ids: &[i64],
    run_ids: &[i64],
    email_ids: &[i64],
    tz: Tz,
) -> Result<Vec<TimelineEntry>, AppError> {
    let text = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>();
    let limit = MAX_TIMELINE as i64;
    let mut rows = Vec::new();
    let me = vec![guest_id.to_string()];
    for entity in GUEST_ENTITIES {
        rows.extend(audit::list_for_records(conn, entity, &me, limit)?);
    }
    rows.extend(audit::list_for_records(
        conn,
        "pass",
        &text(pass_ids),
        limit,
    )?);
    rows.extend(audit::list_for_records(conn, "run", &text(run_ids), limit)?);
    rows.extend(audit::list_for_records(
        conn,
        "mail",
        &text(email_ids),
        limit,
    )?);
    rows.sort_by_key(|r| std::cmp::Reverse((r.at, r.id)));
    rows.truncate(MAX_TIMELINE);
    Ok(rows
        .into_iter()
        .map(|r| TimelineEntry {
            at: to_rfc3339(tz, r.at),
            who: r.username,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::String(r.detail)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::printed_number;

    #[test]
    fn a_pass_number_reads_as_the_badge_prints_it() {
        assert_eq!(printed_number(1337, 1), "No. 1337-1");
        assert_eq!(printed_number(1337, 2), "No. 1337-2");
    }
}
