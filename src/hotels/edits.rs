//! Reception's edits of a draft (or returned) plan: move, swap, lock, and placing an unplaced
//! guest by the moves the engine suggests. Every edit is checked against the hard rules before
//! it is written; moved guests are locked, so proposing again keeps reception's decision.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::AppError;
use crate::hotels::engine::{self, RoomType};
use crate::hotels::model::{AssignmentResponse, AssignmentRow, PlanRow, UnplacedGuest};
use crate::hotels::plans::{
    assignment_response, load, penalty_response, rooms_of, to_json, why_json, Loaded,
};
use crate::hotels::rules::{self, PlanAction};
use crate::hotels::store::{self, LodgingGuest};
use crate::i18n::Lang;

/// An edit of a draft plan.
#[derive(Deserialize, ToSchema, Debug)]
pub struct EditRequest {
    /// The guest to move or lock.
    pub guest_id: Option<i64>,
    /// Move: the hotel's code.
    pub hotel: Option<String>,
    /// Move: the room type.
    pub room_type: Option<String>,
    /// Move: share this guest's room.
    pub with_guest_id: Option<i64>,
    /// Swap: the two guests.
    pub guest_a: Option<i64>,
    pub guest_b: Option<i64>,
    /// Lock: keep (true) or free (false) the assignment when re-proposing.
    pub locked: Option<bool>,
}

/// What an edit does.
pub enum Edit {
    Move {
        guest: i64,
        hotel: String,
        room_type: RoomType,
        with: Option<i64>,
    },
    Swap {
        a: i64,
        b: i64,
    },
    Lock {
        guest: i64,
        locked: bool,
    },
}

fn missing(field: &str) -> AppError {
    AppError::invalid(format!("{field} is required"), json!([{ "field": field }]))
}

impl EditRequest {
    pub fn to_move(&self) -> Result<Edit, AppError> {
        Ok(Edit::Move {
            guest: self.guest_id.ok_or_else(|| missing("guest_id"))?,
            hotel: self.hotel.clone().ok_or_else(|| missing("hotel"))?,
            room_type: self
                .room_type
                .as_deref()
                .and_then(RoomType::parse)
                .ok_or_else(|| missing("room_type"))?,
            with: self.with_guest_id,
        })
    }

    pub fn to_swap(&self) -> Result<Edit, AppError> {
        Ok(Edit::Swap {
            a: self.guest_a.ok_or_else(|| missing("guest_a"))?,
            b: self.guest_b.ok_or_else(|| missing("guest_b"))?,
        })
    }

    pub fn to_lock(&self) -> Result<Edit, AppError> {
        Ok(Edit::Lock {
            guest: self.guest_id.ok_or_else(|| missing("guest_id"))?,
            locked: self.locked.ok_or_else(|| missing("locked"))?,
        })
    }
}

/// Applies an edit to a draft (or returned) plan after checking it against the hard rules; a
/// broken rule is refused (422 `hard_rule`) with the rule named. Moved and swapped guests are
/// locked, so proposing again keeps reception's decision.
pub fn edit(
    tx: &mut Tx,
    user: &CurrentUser,
    plan_id: i64,
    edit: &Edit,
    lang: Lang,
) -> Result<Vec<AssignmentResponse>, AppError> {
    let plan = editable_plan(tx, plan_id)?;
    let rows = store::list_assignments(tx, plan_id)?;
    let loaded = load(tx, &[])?;
    let by_guest: BTreeMap<i64, &AssignmentRow> = rows.iter().map(|r| (r.guest_id, r)).collect();
    let manual = why_json("接待部手动调整", "set by reception");
    let need = |id: i64| -> Result<&LodgingGuest, AppError> {
        loaded
            .guests
            .get(&id)
            .ok_or(AppError::NotFound("guest with lodging dates"))
    };
    let stay_of = |g: &LodgingGuest| -> Range<NaiveDate> {
        g.stay_from.unwrap_or(loaded.first_night)..g.stay_to.unwrap_or(loaded.first_night)
    };
    let mut changed: Vec<AssignmentRow> = Vec::new();
    match edit {
        Edit::Move {
            guest,
            hotel,
            room_type,
            with,
        } => {
            let g = need(*guest)?;
            let h = loaded
                .hotels
                .iter()
                .find(|h| &h.code == hotel)
                .ok_or(AppError::NotFound("hotel"))?;
            let room = match with {
                Some(other) => {
                    let o = by_guest
                        .get(other)
                        .ok_or(AppError::NotFound("roommate's assignment"))?;
                    if o.hotel_id != h.id || o.room_type != room_type.as_str() {
                        return Err(AppError::invalid(
                            "the roommate is in another hotel or room type",
                            json!([{"field": "with_guest_id"}]),
                        ));
                    }
                    o.room
                }
                None => store::max_room(tx, plan_id)? + 1,
            };
            let nights = stay_of(g);
            changed.push(AssignmentRow {
                plan_id,
                guest_id: g.id,
                hotel_id: h.id,
                room_type: room_type.as_str().to_string(),
                room,
                nights_from: nights.start,
                nights_to: nights.end,
                locked: true,
                why: manual.clone(),
            });
        }
        Edit::Swap { a, b } => {
            let (ra, rb) = (
                by_guest.get(a).ok_or(AppError::NotFound("assignment"))?,
                by_guest.get(b).ok_or(AppError::NotFound("assignment"))?,
            );
            for (me, other) in [(ra, rb), (rb, ra)] {
                changed.push(AssignmentRow {
                    hotel_id: other.hotel_id,
                    room_type: other.room_type.clone(),
                    room: other.room,
                    locked: true,
                    why: manual.clone(),
                    ..(*me).clone()
                });
            }
        }
        Edit::Lock { guest, locked } => {
            let r = by_guest
                .get(guest)
                .ok_or(AppError::NotFound("assignment"))?;
            changed.push(AssignmentRow {
                locked: *locked,
                ..(*r).clone()
            });
        }
    }
    finish_edit(tx, user, &plan, &loaded, &rows, &changed, lang)
}

/// The plan, if reception may still edit it (a draft, or returned by the committee).
fn editable_plan(tx: &mut Tx, plan_id: i64) -> Result<PlanRow, AppError> {
    let plan = store::find_plan(tx, plan_id)?.ok_or(AppError::NotFound("plan"))?;
    if rules::plan_transition(&plan.status, PlanAction::Edit).is_none() {
        return Err(AppError::conflict(
            "plan_not_editable",
            format!("a {} plan cannot be edited", plan.status),
        ));
    }
    Ok(plan)
}

/// Places a guest who has no room in the plan: where the rules allow, as the engine would;
/// else by first carrying out the moves the engine finds to free a room (each moved guest
/// keeps a room the rules allow). One click for reception instead of a chain of hand moves.
/// Refused with 409 `no_room` and the honest reason when neither exists.
pub fn place_unplaced(
    tx: &mut Tx,
    user: &CurrentUser,
    plan_id: i64,
    guest_id: i64,
    lang: Lang,
) -> Result<Vec<AssignmentResponse>, AppError> {
    let plan = editable_plan(tx, plan_id)?;
    let rows = store::list_assignments(tx, plan_id)?;
    if rows.iter().any(|r| r.guest_id == guest_id) {
        return Err(AppError::conflict(
            "already_placed",
            "the guest has a room in this plan",
        ));
    }
    let loaded = load(tx, &[])?;
    let index = loaded
        .input
        .guests
        .iter()
        .position(|g| g.id == guest_id)
        .ok_or(AppError::NotFound("guest with lodging dates"))?;
    let current: Vec<engine::Assignment> =
        rows.iter().filter_map(|r| loaded.to_engine(r)).collect();
    let no_room = |u: &engine::Unplaced| {
        AppError::conflict("no_room", lang.pick(&u.reason_zh, &u.reason_en).to_string())
    };
    let placed: Vec<engine::Assignment> = match engine::place_one(&loaded.input, &current, index) {
        Ok(a) => vec![a],
        Err(u) => {
            let engine::Cause::Movable { moves, .. } = &u.cause else {
                return Err(no_room(&u));
            };
            let after =
                engine::apply_moves(&loaded.input, &current, moves).map_err(|_| no_room(&u))?;
            let a = engine::place_one(&loaded.input, &after, index).map_err(|u| no_room(&u))?;
            let moved: BTreeSet<i64> = moves.iter().map(|m| m.guest).collect();
            after
                .into_iter()
                .filter(|x| moved.contains(&x.guest))
                .chain([a])
                .collect()
        }
    };
    let manual = why_json("接待部手动调整", "set by reception");
    let changed: Vec<AssignmentRow> = placed
        .iter()
        .map(|a| AssignmentRow {
            plan_id,
            guest_id: a.guest,
            hotel_id: a.hotel,
            room_type: a.room_type.as_str().to_string(),
            room: i32::try_from(a.room).unwrap_or(i32::MAX),
            nights_from: loaded.date(a.nights.start),
            nights_to: loaded.date(a.nights.end),
            locked: true,
            why: manual.clone(),
        })
        .collect();
    finish_edit(tx, user, &plan, &loaded, &rows, &changed, lang)
}

/// Checks an edit's rows against the hard rules, writes them, and keeps the plan's scores,
/// unplaced list, status and audit trail true.
fn finish_edit(
    tx: &mut Tx,
    user: &CurrentUser,
    plan: &PlanRow,
    loaded: &Loaded,
    rows: &[AssignmentRow],
    changed: &[AssignmentRow],
    lang: Lang,
) -> Result<Vec<AssignmentResponse>, AppError> {
    let now = tx.now();
    let plan_id = plan.id;
    check_hard_rules(loaded, rows, changed, lang)?;
    for row in changed {
        store::replace_assignment(tx, row)?;
    }
    // A guest placed by hand is no longer unplaced.
    let mut unplaced: Vec<UnplacedGuest> = serde_json::from_str(&plan.unplaced).unwrap_or_default();
    unplaced.retain(|u| !changed.iter().any(|c| c.guest_id == u.guest_id));
    let after = store::list_assignments(tx, plan_id)?;
    let assignments: Vec<engine::Assignment> =
        after.iter().filter_map(|r| loaded.to_engine(r)).collect();
    let penalty = penalty_response(&engine::penalty(&loaded.input, &assignments));
    store::update_plan_scores(tx, plan_id, &to_json(&penalty)?, &to_json(&unplaced)?)?;
    if plan.status == "returned" {
        store::set_plan_status(
            tx,
            plan_id,
            "returned",
            "draft",
            &user.username,
            plan.comment.as_deref(),
            None,
            now,
        )?;
    }
    audit::record(
        tx,
        &user.actor(),
        "edit",
        "allocation_plan",
        plan_id,
        json!(changed.iter().map(|c| json!({"guest": c.guest_id, "hotel": c.hotel_id, "room_type": c.room_type, "room": c.room, "locked": c.locked})).collect::<Vec<_>>()),
    )?;
    let ids: Vec<i64> = after.iter().map(|r| r.guest_id).collect();
    let guests: BTreeMap<i64, LodgingGuest> = store::find_lodging_guests(tx, &ids)?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let by_room = rooms_of(&after);
    Ok(changed
        .iter()
        .map(|c| assignment_response(c, &guests, &loaded.hotels, &by_room, lang))
        .collect())
}

/// Refuses an edit that breaks a hard rule the plan did not break before (so an old problem
/// elsewhere does not block every edit).
fn check_hard_rules(
    loaded: &Loaded,
    rows: &[AssignmentRow],
    changed: &[AssignmentRow],
    lang: Lang,
) -> Result<(), AppError> {
    let before: Vec<engine::Assignment> = rows.iter().filter_map(|r| loaded.to_engine(r)).collect();
    let mut after: Vec<engine::Assignment> = rows
        .iter()
        .filter(|r| !changed.iter().any(|c| c.guest_id == r.guest_id))
        .filter_map(|r| loaded.to_engine(r))
        .collect();
    after.extend(changed.iter().filter_map(|r| loaded.to_engine(r)));
    after.sort_by_key(|a| a.guest);
    let known: BTreeSet<(i64, &'static str)> = engine::violations(&loaded.input, &before)
        .iter()
        .map(|v| (v.guest, v.rule.as_str()))
        .collect();
    let new: Vec<engine::Violation> = engine::violations(&loaded.input, &after)
        .into_iter()
        .filter(|v| !known.contains(&(v.guest, v.rule.as_str())))
        .collect();
    let Some(first) = new.first() else {
        return Ok(());
    };
    let zh = lang == Lang::Zh;
    Err(AppError::Unprocessable {
        code: "hard_rule",
        message: format!("{}: {}", first.rule.message(zh), first.detail),
        details: json!(new
            .iter()
            .map(|v| json!({"rule": v.rule.as_str(), "guest_id": v.guest, "detail": v.detail}))
            .collect::<Vec<_>>()),
    })
}
