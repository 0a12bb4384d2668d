//! A guest's room after a change to the guest (another category, other nights, withdrawal):
//! the engine places that one guest again under the hard rules ([`engine::place_one`]: the
//! same hotel and room while the rules still allow it, else the best allowed place, else
//! unplaced with the honest reason), in the next plan revision — the open draft, or a new
//! draft from the published plan — so the committee approves it and, once published, each
//! hotel sees it in its diff. A guest already in house is never moved here: the desk does that.
//! Called inside the change's transaction; writes no mail (the change tells the guest once).

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::hotels::engine;
use crate::hotels::model::{AssignmentRow, NewPlan, PlanRow, UnplacedGuest};
use crate::hotels::plans::{self, Loaded};
use crate::hotels::publication::Booking;
use crate::hotels::store;

/// What a change did to a guest's room.
#[derive(Serialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct RoomChange {
    /// `none` (no plan, or no room before or after), `kept`, `moved`, `placed`,
    /// `unplaced` (no room under the rules: see the reason), `released` (the guest no longer
    /// needs one), `in_house` (checked in: the desk moves them, not a plan).
    pub action: String,
    /// The plan revision the change went into (it needs the committee to take effect).
    pub plan_id: Option<i64>,
    /// Its revision number.
    pub revision: Option<i32>,
    /// Its status: `draft`, `returned` or `submitted`.
    pub plan_status: Option<String>,
    /// The booking before (in that plan).
    pub before: Option<Booking>,
    /// The booking after.
    pub after: Option<Booking>,
    /// Why there is no room, in Chinese.
    pub reason_zh: Option<String>,
    /// Why there is no room, in English.
    pub reason_en: Option<String>,
}

/// The guest's booking in the plan that would be published next, or the published one.
pub fn current_booking(conn: &mut DbConn, guest_id: i64) -> Result<Option<Booking>, AppError> {
    let plan = match store::find_plan_with_status(conn, &["draft", "returned", "submitted"])? {
        Some(p) => Some(p),
        None => store::find_plan_with_status(conn, &["published"])?,
    };
    let Some(plan) = plan else {
        return Ok(None);
    };
    match store::find_assignment(conn, plan.id, guest_id)? {
        Some(r) => Ok(Some(booking(conn, &r)?)),
        None => Ok(None),
    }
}

fn booking(conn: &mut DbConn, r: &AssignmentRow) -> Result<Booking, AppError> {
    let hotel = store::find_hotel_by_id(conn, r.hotel_id)?;
    Ok(Booking {
        hotel: hotel.map(|h| h.name).unwrap_or_default(),
        room_type: r.room_type.clone(),
        nights_from: r.nights_from,
        nights_to: r.nights_to,
    })
}

/// The plan a change goes into: the one being worked on, else a new revision of the
/// published one. `None` before any plan exists (the next proposal places everyone).
fn working_plan(tx: &mut Tx, actor: &Actor) -> Result<Option<PlanRow>, AppError> {
    if let Some(open) = store::find_plan_with_status(tx, &["draft", "returned", "submitted"])? {
        return Ok(Some(open));
    }
    let Some(published) = store::find_plan_with_status(tx, &["published"])? else {
        return Ok(None);
    };
    let now = tx.now();
    let id = store::insert_plan(
        tx,
        &NewPlan {
            revision: published.revision + 1,
            status: "draft",
            created_by: &actor.username,
            created_at: now,
            penalty: &published.penalty,
            baseline_penalty: &published.baseline_penalty,
            unplaced: &published.unplaced,
            bound: published.bound,
            first_fit_placed: published.first_fit_placed,
        },
    )?;
    store::copy_assignments(tx, published.id, id)?;
    audit::record(
        tx,
        actor,
        "revise",
        "allocation_plan",
        id,
        json!({"from": published.id, "for": "arrangement change"}),
    )?;
    Ok(store::find_plan(tx, id)?)
}

/// Places the guest again, as the module says. `leaving`: the guest withdrew.
pub fn follow_guest(
    tx: &mut Tx,
    actor: &Actor,
    guest_id: i64,
    leaving: bool,
) -> Result<RoomChange, AppError> {
    if let Some(stay) = store::find_stay(tx, guest_id)?.filter(|s| s.status == "in_house") {
        let hotel = store::find_hotel_by_id(tx, stay.hotel_id)?;
        let before = Booking {
            hotel: hotel.map(|h| h.name).unwrap_or_default(),
            room_type: stay.room_type.clone(),
            nights_from: stay.nights_from,
            nights_to: stay.nights_to,
        };
        return Ok(RoomChange {
            action: "in_house".into(),
            before: Some(before.clone()),
            after: Some(before),
            ..Default::default()
        });
    }
    let Some(plan) = working_plan(tx, actor)? else {
        return Ok(RoomChange {
            action: "none".into(),
            ..Default::default()
        });
    };
    let rows = store::list_assignments(tx, plan.id)?;
    let mine = rows.iter().find(|r| r.guest_id == guest_id).cloned();
    let before = match &mine {
        Some(r) => Some(booking(tx, r)?),
        None => None,
    };
    let loaded = plans::load(tx, &rows)?;
    let index = loaded.input.guests.iter().position(|g| g.id == guest_id);
    let mut change = RoomChange {
        plan_id: Some(plan.id),
        revision: Some(plan.revision),
        plan_status: Some(plan.status.clone()),
        before: before.clone(),
        ..Default::default()
    };
    let Some(index) = index.filter(|_| !leaving) else {
        // Withdrawn, or no nights to lodge any more.
        if mine.is_some() {
            store::delete_assignment(tx, plan.id, guest_id)?;
            change.action = "released".into();
        } else {
            change.action = "none".into();
        }
        set_unplaced(tx, &plan, guest_id, None)?;
        record(tx, actor, guest_id, &change)?;
        return Ok(change);
    };
    let current: Vec<engine::Assignment> =
        rows.iter().filter_map(|r| loaded.to_engine(r)).collect();
    match engine::place_one(&loaded.input, &current, index) {
        Ok(a) => {
            let row = assignment_row(&loaded, plan.id, &a, mine.as_ref());
            let same = mine.as_ref().is_some_and(|m| {
                (m.hotel_id, &m.room_type, m.nights_from, m.nights_to)
                    == (row.hotel_id, &row.room_type, row.nights_from, row.nights_to)
            });
            if !same {
                store::replace_assignment(tx, &row)?;
            }
            change.after = Some(booking(tx, &row)?);
            change.action = match (&mine, same) {
                (_, true) => "kept",
                (Some(_), false) => "moved",
                (None, false) => "placed",
            }
            .into();
            set_unplaced(tx, &plan, guest_id, None)?;
        }
        Err(u) => {
            if mine.is_some() {
                store::delete_assignment(tx, plan.id, guest_id)?;
            }
            change.action = "unplaced".into();
            change.reason_zh = Some(u.reason_zh.clone());
            change.reason_en = Some(u.reason_en.clone());
            set_unplaced(
                tx,
                &plan,
                guest_id,
                Some(plans::unplaced_entry(&loaded, &u)),
            )?;
        }
    }
    record(tx, actor, guest_id, &change)?;
    Ok(change)
}

fn record(tx: &mut Tx, actor: &Actor, guest_id: i64, change: &RoomChange) -> Result<(), AppError> {
    if matches!(change.action.as_str(), "none" | "kept" | "in_house") {
        return Ok(());
    }
    audit::record(
        tx,
        actor,
        "replace",
        "allocation",
        guest_id,
        json!({"plan": change.plan_id, "action": change.action}),
    )?;
    Ok(())
}

/// The engine's assignment as a row of the plan (its room number is the engine's: the room
/// it joined, or one it opened, new in the plan).
fn assignment_row(
    loaded: &Loaded,
    plan_id: i64,
    a: &engine::Assignment,
    mine: Option<&AssignmentRow>,
) -> AssignmentRow {
    AssignmentRow {
        plan_id,
        guest_id: a.guest,
        hotel_id: a.hotel,
        room_type: a.room_type.as_str().to_string(),
        room: i32::try_from(a.room).unwrap_or(i32::MAX),
        nights_from: loaded.date(a.nights.start),
        nights_to: loaded.date(a.nights.end),
        locked: mine.is_some_and(|m| m.locked),
        why: json!({"zh": a.why.text(true), "en": a.why.text(false)}).to_string(),
    }
}

/// Keeps the plan's list of unplaced guests true for this guest.
fn set_unplaced(
    tx: &mut Tx,
    plan: &PlanRow,
    guest_id: i64,
    unplaced: Option<UnplacedGuest>,
) -> Result<(), AppError> {
    let mut list: Vec<UnplacedGuest> = serde_json::from_str(&plan.unplaced).unwrap_or_default();
    let had = list.len();
    list.retain(|u| u.guest_id != guest_id);
    if let Some(u) = unplaced {
        list.push(u);
    } else if list.len() == had {
        return Ok(());
    }
    let json = serde_json::to_string(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    store::update_plan_scores(tx, plan.id, &plan.penalty, &json)?;
    Ok(())
}
