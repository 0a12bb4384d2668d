//! The arrangement changes: an edit of the guest (category, delegation, department,
//! organization, travel, stay…), a withdrawal and a restore. Each runs in the caller's one
//! transaction: the guest changes, then each part follows — pass, room, rides — and meals
//! follow by themselves (they are read from the category policy and the dates); the guest is
//! told once. Run in a rehearsed transaction, the same code is the preview.

use chrono::Duration;
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use crate::arrangements::report::{ArrangementReport, Leg, MealChange, TravelChange};
use crate::arrangements::tell;
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::service::{guest_for_change, Lookups};
use crate::guests::{self, Guest, GuestResponse};
use crate::hotels::follow::{self as rooms, RoomChange};
use crate::i18n::Lang;
use crate::meals::entitlements::{entitlement, Entitlement};
use crate::passes::follow::{self as passes, PassChange};
use crate::pickups::reseat::{self, RideChange, RunRef, Traveller};
use crate::time::to_rfc3339;

/// What a change needs besides the transaction.
pub struct Ctx<'a> {
    /// Who changes it.
    pub user: &'a CurrentUser,
    /// The event's time zone.
    pub tz: Tz,
    /// The caller's language (messages).
    pub lang: Lang,
    /// How long the message to the guest waits for more changes.
    pub hold: Duration,
}

/// The guest's arrangements as they stand, before a change.
struct Before {
    guest: Guest,
    credential: Option<(crate::passes::follow::PassRef, Vec<String>)>,
    room: Option<crate::hotels::Booking>,
    meals: Option<Entitlement>,
    rides: Vec<(String, Option<RunRef>)>,
}

fn before(conn: &mut DbConn, user: &CurrentUser, id: i64, tz: Tz) -> Result<Before, AppError> {
    let guest = guest_for_change(conn, user, id)?;
    Ok(Before {
        credential: passes::credential_of(conn, id)?,
        room: rooms::current_booking(conn, id)?,
        meals: entitlement(conn, id, tz)?,
        rides: reseat::rides(conn, id, tz)?,
        guest,
    })
}

/// Edits a guest (keys as in the CSV) and carries the change through their arrangements.
pub fn edit(
    tx: &mut Tx,
    ctx: &Ctx,
    id: i64,
    body: &Map<String, Value>,
) -> Result<(GuestResponse, ArrangementReport), AppError> {
    let was = before(tx, ctx.user, id, ctx.tz)?;
    let response = guests::service::update_guest(tx, ctx.user, id, body, ctx.tz, ctx.lang)?;
    let now = guests::find_guest(tx, id)?.ok_or(AppError::NotFound("guest"))?;
    let report = follow(tx, ctx, "edit", &was, &now)?;
    Ok((response, report))
}

/// Withdraws a guest: the record stays, marked; every live pass is revoked (and listed in the
/// signed revocation list), the room released in the next plan revision, the rides given up;
/// meals stop (a withdrawn guest is nobody's eater).
pub fn withdraw(
    tx: &mut Tx,
    ctx: &Ctx,
    id: i64,
    reason: &str,
) -> Result<ArrangementReport, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "give a reason of at most 500 characters",
            json!([{"field": "reason"}]),
        ));
    }
    let was = before(tx, ctx.user, id, ctx.tz)?;
    let now = guests::service::set_withdrawn(tx, ctx.user, id, Some(reason))?;
    follow(tx, ctx, "withdraw", &was, &now)
}

/// Restores a withdrawn guest: the credential and tickets are asked for again, a room sought
/// in the next plan revision, rides found, meals back as the category gives.
pub fn restore(tx: &mut Tx, ctx: &Ctx, id: i64) -> Result<ArrangementReport, AppError> {
    let was = before(tx, ctx.user, id, ctx.tz)?;
    let now = guests::service::set_withdrawn(tx, ctx.user, id, None)?;
    follow(tx, ctx, "restore", &was, &now)
}

/// Deletes a guest entered by mistake. A guest who ever held a pass is withdrawn instead: the
/// signed revocation list and the audit trail must keep pointing at them.
pub fn delete(tx: &mut Tx, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    guest_for_change(tx, user, id)?;
    if passes::ever_held_a_pass(tx, id)? {
        return Err(AppError::conflict(
            "withdraw_instead",
            "this guest has held a pass: withdraw the guest instead of deleting (the record stays, marked withdrawn)",
        ));
    }
    guests::service::delete_guest(tx, user, id)
}

const LODGING: [&str; 9] = [
    "category",
    "gender",
    "department_id",
    "delegation_id",
    "organization",
    "halal",
    "accessible",
    "stay_from",
    "stay_to",
];
const TRAVEL: [&str; 8] = [
    "arrival_mode",
    "arrival_no",
    "arrival_hub_id",
    "arrival_at",
    "departure_mode",
    "departure_no",
    "departure_hub_id",
    "departure_at",
];

/// Carries a change of the guest through every part of their arrangements.
fn follow(
    tx: &mut Tx,
    ctx: &Ctx,
    change: &str,
    was: &Before,
    now: &Guest,
) -> Result<ArrangementReport, AppError> {
    let actor = ctx.user.actor();
    let fields = changed_fields(&was.guest, now);
    let touched = |names: &[&str]| fields.iter().any(|f| names.contains(&f.as_str()));
    let leaving = now.withdrawn_at.is_some();
    let id = now.id;

    let pass = match change {
        "withdraw" => passes::revoke_all(tx, &actor, id)?,
        "restore" => passes::request_again(tx, &actor, id, now.category.as_deref(), ctx.tz)?,
        _ if !leaving && fields.iter().any(|f| f == "category") => {
            passes::follow_category(tx, &actor, id, now.category.as_deref(), ctx.tz)?
        }
        _ => unchanged_pass(was),
    };
    let room = if change != "edit" || (!leaving && touched(&LODGING)) {
        rooms::follow_guest(tx, &actor, id, leaving)?
    } else {
        RoomChange {
            action: if was.room.is_some() { "kept" } else { "none" }.into(),
            before: was.room.clone(),
            after: was.room.clone(),
            ..Default::default()
        }
    };
    let rides = if change != "edit" || (!leaving && touched(&TRAVEL)) {
        let who = Traveller {
            guest: id,
            arrival: now.arrival_hub_id.zip(now.arrival_at),
            departure: now.departure_hub_id.zip(now.departure_at),
            leaving,
        };
        reseat::reseat(tx, &actor, &who, ctx.tz)?
    } else {
        was.rides
            .iter()
            .map(|(direction, run)| RideChange {
                direction: direction.clone(),
                action: if run.is_some() { "kept" } else { "none" }.into(),
                before: run.clone(),
                after: run.clone(),
            })
            .collect()
    };
    let meals_after = entitlement(tx, id, ctx.tz)?;
    let meals = MealChange {
        changed: meals_after.as_ref().map(without_count) != was.meals.as_ref().map(without_count),
        before: was.meals.clone(),
        after: meals_after,
    };
    let travel = travel_changes(tx, &was.guest, now, ctx.tz)?;
    let mut report = ArrangementReport {
        guest_id: id,
        change: change.into(),
        dry_run: false,
        fields,
        pass,
        room,
        meals,
        rides,
        travel,
        ..Default::default()
    };
    report.collect_attention();
    report.mail = tell::tell(tx, ctx, &report)?;
    Ok(report)
}

/// An entitlement without the meals eaten so far (eating a meal is no change of entitlement).
fn without_count(e: &Entitlement) -> Entitlement {
    Entitlement {
        eaten: 0,
        ..e.clone()
    }
}

fn unchanged_pass(was: &Before) -> PassChange {
    let (pass, zones) = match &was.credential {
        Some((p, z)) => (Some(p.clone()), z.clone()),
        None => (None, Vec::new()),
    };
    PassChange {
        action: "none".into(),
        zones_before: zones.clone(),
        zones_after: zones,
        before: pass.clone(),
        after: pass,
        ..Default::default()
    }
}

/// The guest fields that differ, by their stored names.
fn changed_fields(a: &Guest, b: &Guest) -> Vec<String> {
    let before = guests::service::changed_fields(&a.fields(), &b.fields());
    let mut out: Vec<String> = before["changed"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if a.withdrawn_at.is_some() != b.withdrawn_at.is_some() {
        out.push("withdrawn_at".into());
    }
    out
}

fn travel_changes(
    conn: &mut DbConn,
    a: &Guest,
    b: &Guest,
    tz: Tz,
) -> Result<Vec<TravelChange>, AppError> {
    let lk = Lookups::load(conn)?;
    let leg = |mode: &Option<String>,
               no: &Option<String>,
               hub: Option<i64>,
               at: Option<chrono::NaiveDateTime>| {
        (mode.is_some() || no.is_some() || hub.is_some() || at.is_some()).then(|| Leg {
            mode: mode.clone(),
            number: no.clone(),
            hub: hub.and_then(|h| lk.hubs.get(&h).cloned()),
            time: at.map(|t| to_rfc3339(tz, t)),
        })
    };
    let mut out = Vec::new();
    let arrival = (
        leg(
            &a.arrival_mode,
            &a.arrival_no,
            a.arrival_hub_id,
            a.arrival_at,
        ),
        leg(
            &b.arrival_mode,
            &b.arrival_no,
            b.arrival_hub_id,
            b.arrival_at,
        ),
    );
    let departure = (
        leg(
            &a.departure_mode,
            &a.departure_no,
            a.departure_hub_id,
            a.departure_at,
        ),
        leg(
            &b.departure_mode,
            &b.departure_no,
            b.departure_hub_id,
            b.departure_at,
        ),
    );
    for (direction, (before, after)) in [("arrival", arrival), ("departure", departure)] {
        if before != after {
            out.push(TravelChange {
                direction: direction.into(),
                before,
                after,
            });
        }
    }
    Ok(out)
}
