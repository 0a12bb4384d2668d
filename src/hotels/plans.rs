//! Allocation plans: reception proposes (the engine places everyone), edits (every edit checked
//! against the hard rules), submits; the committee approves (the plan is published and the
//! hotels' bookings follow it) or returns it with comments. Each publication is a revision;
//! each hotel sees what changed for it and acknowledges.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::fields::{Category, Gender};
use crate::hotels::catalog::{self, event_nights, stamp};
use crate::hotels::engine::{self, Night, RoomType};
use crate::hotels::model::{
    AssignmentResponse, AssignmentRow, Hotel, NewPlan, PenaltyResponse, PlanRow, PlanSummary,
    Roommate, StayRow, SuggestedMove, UnplacedGuest,
};
use crate::hotels::rules::{self, PlanAction};
use crate::hotels::store::{self, LodgingGuest};
use crate::i18n::Lang;

/// Everything the engine reads, and how its night numbers map to dates.
pub struct Loaded {
    pub input: engine::Input,
    pub first_night: NaiveDate,
    pub hotels: Vec<Hotel>,
    pub guests: BTreeMap<i64, LodgingGuest>,
}

impl Loaded {
    fn night(&self, d: NaiveDate) -> Night {
        let n = (d - self.first_night)
            .num_days()
            .clamp(0, i64::from(self.input.nights));
        Night::try_from(n).unwrap_or(0)
    }

    /// The date of a night number.
    pub fn date(&self, n: Night) -> NaiveDate {
        self.first_night + Duration::days(i64::from(n))
    }

    /// A stored row as the engine sees it.
    pub fn to_engine(&self, row: &AssignmentRow) -> Option<engine::Assignment> {
        Some(engine::Assignment {
            guest: row.guest_id,
            hotel: row.hotel_id,
            room_type: RoomType::parse(&row.room_type)?,
            room: u32::try_from(row.room).ok()?,
            nights: self.night(row.nights_from)..self.night(row.nights_to),
            locked: row.locked,
            why: engine::Why::Locked,
        })
    }
}

/// The engine's unplaced guest as the plan stores it: both reasons, the kind of cause and, when
/// rooms exist, the moves that would free one (hotel codes; names are read when shown).
pub fn unplaced_entry(loaded: &Loaded, u: &engine::Unplaced) -> UnplacedGuest {
    let code = |id: i64| {
        loaded
            .hotels
            .iter()
            .find(|h| h.id == id)
            .map(|h| h.code.clone())
            .unwrap_or_default()
    };
    let (kind, moves) = match &u.cause {
        engine::Cause::NoRoom { .. } => ("no_room", Vec::new()),
        engine::Cause::Taken { .. } => ("taken", Vec::new()),
        engine::Cause::Scattered => ("scattered", Vec::new()),
        engine::Cause::Movable { moves, .. } => (
            "movable",
            moves
                .iter()
                .map(|m| SuggestedMove {
                    guest_id: m.guest,
                    name: String::new(),
                    from_hotel: code(m.from_hotel),
                    to_hotel: code(m.to_hotel),
                    room_type: m.room_type.as_str().to_string(),
                    join: m.join,
                })
                .collect(),
        ),
    };
    UnplacedGuest {
        guest_id: u.guest,
        name: String::new(),
        category: None,
        delegation: None,
        reason: String::new(),
        reason_zh: u.reason_zh.clone(),
        reason_en: u.reason_en.clone(),
        kind: kind.to_string(),
        moves,
    }
}

/// Reads the guests who need lodging, the hotels with what they hold each night, and the policy.
pub fn load(conn: &mut DbConn, locked: &[AssignmentRow]) -> Result<Loaded, AppError> {
    let hotels = store::list_hotels(conn)?;
    let blocks = store::list_blocks(conn)?;
    let granted = store::list_granted_releases(conn)?;
    let guests: Vec<LodgingGuest> = store::list_lodging_guests(conn)?
        .into_iter()
        .filter(|g| matches!((g.stay_from, g.stay_to), (Some(a), Some(b)) if b > a))
        .collect();
    let spans: Vec<(NaiveDate, NaiveDate)> = guests
        .iter()
        .filter_map(|g| Some((g.stay_from?, g.stay_to?)))
        .collect();
    let today = chrono::Utc::now().date_naive();
    let range = event_nights(&blocks, &spans).unwrap_or(today..today);
    let first_night = range.start;
    let nights = Night::try_from((range.end - range.start).num_days().clamp(0, 366)).unwrap_or(0);
    let dates: Vec<NaiveDate> = (0..nights)
        .map(|n| first_night + Duration::days(i64::from(n)))
        .collect();
    let offers = hotels
        .iter()
        .map(|h| engine::HotelOffer {
            id: h.id,
            code: h.code.clone(),
            name: h.name.clone(),
            categories: catalog::split_list(&h.categories)
                .iter()
                .filter_map(|c| Category::parse(c))
                .collect(),
            halal: h.halal,
            venue_minutes: u32::try_from(h.venue_minutes).unwrap_or(0),
            capacity: RoomType::ALL
                .iter()
                .map(|t| {
                    let of = |hotel_id: i64,
                              room_type: &str,
                              from: NaiveDate,
                              to: NaiveDate,
                              rooms: i32| {
                        (hotel_id == h.id && room_type == t.as_str()).then_some((from..to, rooms))
                    };
                    let b: Vec<_> = blocks
                        .iter()
                        .filter_map(|b| {
                            of(
                                b.hotel_id,
                                &b.room_type,
                                b.nights_from,
                                b.nights_to,
                                b.rooms,
                            )
                        })
                        .collect();
                    let g: Vec<_> = granted
                        .iter()
                        .filter_map(|r| {
                            of(
                                r.hotel_id,
                                &r.room_type,
                                r.nights_from,
                                r.nights_to,
                                r.rooms,
                            )
                        })
                        .collect();
                    (
                        *t,
                        dates
                            .iter()
                            .map(|d| rules::held_rooms(&b, &g, *d))
                            .collect(),
                    )
                })
                .collect(),
        })
        .collect();
    let policy_entries = catalog::policy(conn)?;
    let policy = catalog::engine_policy(&policy_entries, &hotels);
    let night = |d: NaiveDate| {
        Night::try_from((d - first_night).num_days().clamp(0, i64::from(nights))).unwrap_or(0)
    };
    let needs = guests
        .iter()
        .filter_map(|g| {
            Some(engine::GuestNeed {
                id: g.id,
                name: g.name.clone(),
                category: g.category.as_deref().and_then(Category::parse),
                gender: g.gender.as_deref().and_then(Gender::parse),
                department: g.department_id,
                delegation: g.delegation_id,
                organization: g.organization.clone(),
                halal: g.halal,
                accessible: g.accessible,
                nights: night(g.stay_from?)..night(g.stay_to?),
            })
        })
        .collect();
    let input = engine::Input {
        nights,
        night_labels: dates
            .iter()
            .map(|d| d.format("%m-%d").to_string())
            .collect(),
        guests: needs,
        hotels: offers,
        policy,
        locked: Vec::new(),
    };
    let mut loaded = Loaded {
        input,
        first_night,
        hotels,
        guests: guests.into_iter().map(|g| (g.id, g)).collect(),
    };
    loaded.input.locked = locked
        .iter()
        .filter(|r| r.locked)
        .filter_map(|r| {
            Some(engine::Locked {
                guest: r.guest_id,
                hotel: r.hotel_id,
                room_type: RoomType::parse(&r.room_type)?,
                room: u32::try_from(r.room).ok()?,
            })
        })
        .collect();
    Ok(loaded)
}

/// The hard rules a stored plan breaks, by the engine's independent checker (none, always:
/// every writer checks before it writes; tests and reviewers check that it stays so).
pub fn violations_of(conn: &mut DbConn, plan_id: i64) -> Result<Vec<engine::Violation>, AppError> {
    let rows = store::list_assignments(conn, plan_id)?;
    let loaded = load(conn, &rows)?;
    let assignments: Vec<engine::Assignment> =
        rows.iter().filter_map(|r| loaded.to_engine(r)).collect();
    Ok(engine::violations(&loaded.input, &assignments))
}

pub(super) fn penalty_response(p: &engine::Penalty) -> PenaltyResponse {
    PenaltyResponse {
        total: p.total,
        split_delegations: p.split_delegations,
        empty_bed_nights: p.empty_bed_nights,
        vip_minutes: p.vip_minutes,
        crowded_room_nights: p.crowded_room_nights,
    }
}

pub(super) fn to_json<T: Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// Why, in both languages, as stored.
pub(super) fn why_json(zh: &str, en: &str) -> String {
    json!({"zh": zh, "en": en}).to_string()
}

fn why_text(stored: &str, lang: Lang) -> String {
    serde_json::from_str::<serde_json::Value>(stored)
        .ok()
        .and_then(|v| {
            v.get(lang.pick("zh", "en"))
                .and_then(|s| s.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| stored.to_string())
}

/// The plan as lists show it.
pub fn summary(conn: &mut DbConn, p: &PlanRow, tz: Tz) -> Result<PlanSummary, AppError> {
    let unplaced: Vec<UnplacedGuest> = serde_json::from_str(&p.unplaced).unwrap_or_default();
    Ok(PlanSummary {
        id: p.id,
        revision: p.revision,
        status: p.status.clone(),
        created_at: crate::time::to_rfc3339(tz, p.created_at),
        created_by: p.created_by.clone(),
        submitted_at: stamp(tz, p.submitted_at),
        decided_at: stamp(tz, p.decided_at),
        decided_by: p.decided_by.clone(),
        comment: p.comment.clone(),
        placed: store::count_assignments(conn, p.id)?,
        unplaced: unplaced.len() as i64,
        bound: p.bound,
        first_fit_placed: p.first_fit_placed,
        penalty: serde_json::from_str(&p.penalty).unwrap_or_default(),
        baseline_penalty: serde_json::from_str(&p.baseline_penalty).unwrap_or_default(),
    })
}

/// Every plan, newest first.
pub fn list_plans(conn: &mut DbConn, tz: Tz) -> Result<Vec<PlanSummary>, AppError> {
    store::list_plans(conn)?
        .iter()
        .map(|p| summary(conn, p, tz))
        .collect()
}

/// Runs the engine and stores a draft plan. An open draft (or returned plan) is replaced and
/// its locked assignments kept; after a publication, that plan's locks carry over. A plan
/// under review is frozen: proposing then is refused.
pub fn propose(tx: &mut Tx, user: &CurrentUser, tz: Tz) -> Result<PlanSummary, AppError> {
    let now = tx.now();
    if store::find_plan_with_status(tx, &["submitted"])?.is_some() {
        return Err(AppError::conflict(
            "plan_under_review",
            "a plan is with the committee; wait for its decision",
        ));
    }
    let open = store::find_plan_with_status(tx, &["draft", "returned"])?;
    let base = match &open {
        Some(p) => Some(p.clone()),
        None => store::find_plan_with_status(tx, &["published"])?,
    };
    let locked = match &base {
        Some(p) => store::list_assignments(tx, p.id)?,
        None => Vec::new(),
    };
    let loaded = load(tx, &locked)?;
    // The engine runs outside the write lock: it reads nothing but its input.
    let plan = engine::allocate(&loaded.input);
    let baseline = engine::first_fit(&loaded.input);
    let unplaced: Vec<UnplacedGuest> = plan
        .unplaced
        .iter()
        .map(|u| unplaced_entry(&loaded, u))
        .collect();
    let first_fit_placed = baseline.assignments.len() as i64;
    let penalty = to_json(&penalty_response(&plan.penalty))?;
    let baseline = to_json(&penalty_response(&baseline.penalty))?;
    let unplaced_json = to_json(&unplaced)?;
    if let Some(p) = &open {
        store::delete_plan(tx, p.id)?;
    }
    let revision = store::max_revision(tx)? + 1;
    let id = store::insert_plan(
        tx,
        &NewPlan {
            revision,
            status: "draft",
            created_by: &user.username,
            created_at: now,
            penalty: &penalty,
            baseline_penalty: &baseline,
            unplaced: &unplaced_json,
            bound: plan.bound.map(|b| b as i64),
            first_fit_placed: Some(first_fit_placed),
        },
    )?;
    let rows: Vec<AssignmentRow> = plan
        .assignments
        .iter()
        .map(|a| AssignmentRow {
            plan_id: id,
            guest_id: a.guest,
            hotel_id: a.hotel,
            room_type: a.room_type.as_str().to_string(),
            room: i32::try_from(a.room).unwrap_or(i32::MAX),
            nights_from: loaded.date(a.nights.start),
            nights_to: loaded.date(a.nights.end),
            locked: a.locked,
            why: why_json(&a.why.text(true), &a.why.text(false)),
        })
        .collect();
    store::insert_assignments(tx, &rows)?;
    audit::record(
        tx,
        &user.actor(),
        "propose",
        "allocation_plan",
        id,
        json!({"placed": rows.len(), "unplaced": unplaced.len(), "penalty": plan.penalty.total}),
    )?;
    let row = store::find_plan(tx, id)?.ok_or(AppError::NotFound("plan"))?;
    summary(tx, &row, tz)
}

/// Starts the next revision from the published plan, as a draft to edit.
pub fn revise(tx: &mut Tx, user: &CurrentUser, id: i64, tz: Tz) -> Result<PlanSummary, AppError> {
    let now = tx.now();
    let published = store::find_plan(tx, id)?.ok_or(AppError::NotFound("plan"))?;
    if published.status != "published" {
        return Err(AppError::conflict(
            "not_published",
            "only the published plan can be revised",
        ));
    }
    if let Some(open) = store::find_plan_with_status(tx, &["draft", "returned", "submitted"])? {
        return Err(AppError::conflict(
            "plan_open",
            format!("plan {} is still {}; edit that one", open.id, open.status),
        ));
    }
    let new_id = store::insert_plan(
        tx,
        &NewPlan {
            revision: published.revision + 1,
            status: "draft",
            created_by: &user.username,
            created_at: now,
            penalty: &published.penalty,
            baseline_penalty: &published.baseline_penalty,
            unplaced: &published.unplaced,
            bound: published.bound,
            first_fit_placed: published.first_fit_placed,
        },
    )?;
    store::copy_assignments(tx, id, new_id)?;
    audit::record(
        tx,
        &user.actor(),
        "revise",
        "allocation_plan",
        new_id,
        json!({"from": id}),
    )?;
    let row = store::find_plan(tx, new_id)?.ok_or(AppError::NotFound("plan"))?;
    summary(tx, &row, tz)
}

/// A plan with its hotels' counts and the guests it could not place.
#[derive(Serialize, ToSchema, Debug)]
pub struct PlanDetail {
    pub plan: PlanSummary,
    pub hotels: Vec<PlanHotel>,
    pub unplaced: Vec<UnplacedGuest>,
}

/// One hotel's share of a plan.
#[derive(Serialize, ToSchema, Debug)]
pub struct PlanHotel {
    pub code: String,
    pub name: String,
    pub guests: i64,
    pub rooms: i64,
}

/// The plan, its hotels and its unplaced guests (reasons in `lang`).
pub fn plan_detail(conn: &mut DbConn, id: i64, lang: Lang, tz: Tz) -> Result<PlanDetail, AppError> {
    let p = store::find_plan(conn, id)?.ok_or(AppError::NotFound("plan"))?;
    let rows = store::list_assignments(conn, id)?;
    let hotels = store::list_hotels(conn)?;
    let per_hotel = hotels
        .iter()
        .map(|h| {
            let mine: Vec<&AssignmentRow> = rows.iter().filter(|r| r.hotel_id == h.id).collect();
            PlanHotel {
                code: h.code.clone(),
                name: h.name.clone(),
                guests: mine.len() as i64,
                rooms: mine.iter().map(|r| r.room).collect::<BTreeSet<_>>().len() as i64,
            }
        })
        .collect();
    let mut unplaced: Vec<UnplacedGuest> = serde_json::from_str(&p.unplaced).unwrap_or_default();
    let ids: Vec<i64> = unplaced
        .iter()
        .flat_map(|u| std::iter::once(u.guest_id).chain(u.moves.iter().map(|m| m.guest_id)))
        .collect();
    let guests: BTreeMap<i64, LodgingGuest> = store::find_lodging_guests(conn, &ids)?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    for u in &mut unplaced {
        if let Some(g) = guests.get(&u.guest_id) {
            u.name = g.name.clone();
            u.category = g.category.clone();
            u.delegation = g.delegation.clone();
        }
        u.reason = lang.pick(&u.reason_zh, &u.reason_en).to_string();
        for m in &mut u.moves {
            m.name = guests
                .get(&m.guest_id)
                .map(|g| g.name.clone())
                .unwrap_or_default();
        }
    }
    unplaced.retain(|u| guests.contains_key(&u.guest_id));
    Ok(PlanDetail {
        plan: summary(conn, &p, tz)?,
        hotels: per_hotel,
        unplaced,
    })
}

/// One page of a plan's assignments.
#[derive(Serialize, ToSchema, Debug)]
pub struct AssignmentPage {
    pub total: i64,
    pub items: Vec<AssignmentResponse>,
}

/// A plan's assignments, filtered by hotel and text, a page at a time.
pub fn list_assignments(
    conn: &mut DbConn,
    id: i64,
    hotel: Option<&str>,
    q: Option<&str>,
    page: (i64, i64),
    lang: Lang,
) -> Result<AssignmentPage, AppError> {
    store::find_plan(conn, id)?.ok_or(AppError::NotFound("plan"))?;
    let hotels = store::list_hotels(conn)?;
    let hotel_id = match hotel.filter(|h| !h.is_empty()) {
        Some(code) => Some(
            hotels
                .iter()
                .find(|h| h.code == code)
                .ok_or(AppError::NotFound("hotel"))?
                .id,
        ),
        None => None,
    };
    let rows = match hotel_id {
        Some(h) => store::list_hotel_assignments(conn, id, h)?,
        None => store::list_assignments(conn, id)?,
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.guest_id).collect();
    let guests: BTreeMap<i64, LodgingGuest> = store::find_lodging_guests(conn, &ids)?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let needle = q
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let matching: Vec<&AssignmentRow> = rows
        .iter()
        .filter(|r| {
            needle.as_ref().is_none_or(|n| {
                guests.get(&r.guest_id).is_some_and(|g| {
                    g.name.to_lowercase().contains(n)
                        || g.name_latin
                            .as_deref()
                            .is_some_and(|l| l.to_lowercase().contains(n))
                        || g.delegation
                            .as_deref()
                            .is_some_and(|d| d.to_lowercase().contains(n))
                        || g.organization
                            .as_deref()
                            .is_some_and(|o| o.to_lowercase().contains(n))
                })
            })
        })
        .collect();
    let (limit, offset) = page;
    let by_room = rooms_of(&rows);
    let items = matching
        .iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(100))
        .map(|r| assignment_response(r, &guests, &hotels, &by_room, lang))
        .collect();
    Ok(AssignmentPage {
        total: matching.len() as i64,
        items,
    })
}

/// Guests by (hotel, room).
pub(super) fn rooms_of(rows: &[AssignmentRow]) -> BTreeMap<(i64, i32), Vec<i64>> {
    let mut map: BTreeMap<(i64, i32), Vec<i64>> = BTreeMap::new();
    for r in rows {
        map.entry((r.hotel_id, r.room))
            .or_default()
            .push(r.guest_id);
    }
    map
}

pub(super) fn assignment_response(
    r: &AssignmentRow,
    guests: &BTreeMap<i64, LodgingGuest>,
    hotels: &[Hotel],
    by_room: &BTreeMap<(i64, i32), Vec<i64>>,
    lang: Lang,
) -> AssignmentResponse {
    let g = guests.get(&r.guest_id);
    let hotel = hotels.iter().find(|h| h.id == r.hotel_id);
    AssignmentResponse {
        guest_id: r.guest_id,
        ref_code: g.map(|g| g.ref_code.clone()).unwrap_or_default(),
        name: g.map(|g| g.name.clone()).unwrap_or_default(),
        name_latin: g.and_then(|g| g.name_latin.clone()),
        category: g.and_then(|g| g.category.clone()),
        gender: g.and_then(|g| g.gender.clone()),
        delegation: g.and_then(|g| g.delegation.clone()),
        organization: g.and_then(|g| g.organization.clone()),
        halal: g.is_some_and(|g| g.halal),
        accessible: g.is_some_and(|g| g.accessible),
        hotel: hotel.map(|h| h.code.clone()).unwrap_or_default(),
        hotel_name: hotel.map(|h| h.name.clone()).unwrap_or_default(),
        room_type: r.room_type.clone(),
        room: r.room,
        roommates: by_room
            .get(&(r.hotel_id, r.room))
            .into_iter()
            .flatten()
            .filter(|id| **id != r.guest_id)
            .map(|id| Roommate {
                guest_id: *id,
                name: guests.get(id).map(|g| g.name.clone()).unwrap_or_default(),
            })
            .collect(),
        nights_from: r.nights_from,
        nights_to: r.nights_to,
        locked: r.locked,
        why: why_text(&r.why, lang),
    }
}

/// Submit (reception), approve or return (committee). Approval publishes the plan as the next
/// revision, supersedes the one before and brings the hotels' bookings in line with it.
pub fn decide(
    tx: &mut Tx,
    user: &CurrentUser,
    plan_id: i64,
    action: PlanAction,
    comment: Option<&str>,
    tz: Tz,
) -> Result<PlanSummary, AppError> {
    let now = tx.now();
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if action == PlanAction::Return && comment.is_none() {
        return Err(AppError::invalid(
            "say what should change: a comment is required",
            json!([{"field": "comment"}]),
        ));
    }
    let plan = store::find_plan(tx, plan_id)?.ok_or(AppError::NotFound("plan"))?;
    let to = rules::plan_transition(&plan.status, action).ok_or_else(|| {
        AppError::conflict(
            "plan_status",
            format!("this is not possible for a {} plan", plan.status),
        )
    })?;
    let previous = match to {
        "published" => store::find_plan_with_status(tx, &["published"])?.map(|p| p.id),
        _ => None,
    };
    let revision = if to == "published" {
        store::supersede_published(tx)?;
        Some(store::max_revision(tx)? + 1)
    } else {
        None
    };
    if store::set_plan_status(
        tx,
        plan_id,
        &plan.status,
        to,
        &user.username,
        comment,
        revision,
        now,
    )? == 0
    {
        return Err(AppError::conflict(
            "plan_status",
            "the plan changed meanwhile; reload",
        ));
    }
    if to == "published" {
        sync_stays(tx, plan_id)?;
        crate::hotels::publication::queue(tx, previous, plan_id, &user.username)?;
    }
    audit::record(
        tx,
        &user.actor(),
        to,
        "allocation_plan",
        plan_id,
        json!({"comment": comment}),
    )?;
    let row = store::find_plan(tx, plan_id)?.ok_or(AppError::NotFound("plan"))?;
    summary(tx, &row, tz)
}

/// Room groups are unique across plans, so roommates of two revisions never mix.
pub fn room_group(plan_id: i64, room: i32) -> i64 {
    plan_id * 1_000_000 + i64::from(room)
}

/// Brings bookings in line with the published plan. Guests in house or gone keep their stay
/// (the desk handles a move); booked guests follow the plan; bookings the plan dropped go.
fn sync_stays(tx: &mut Tx, plan_id: i64) -> Result<(), AppError> {
    let now = tx.now();
    let rows = store::list_assignments(tx, plan_id)?;
    let stays: BTreeMap<i64, StayRow> = store::list_stays(tx)?
        .into_iter()
        .map(|s| (s.guest_id, s))
        .collect();
    // Who shares with whom, before and after: a booking whose roommates did not change keeps
    // its group, so republishing writes only what moved.
    let mut old_rooms: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for s in stays.values() {
        old_rooms
            .entry(s.room_group)
            .or_default()
            .insert(s.guest_id);
    }
    let mut new_rooms: BTreeMap<(i64, i32), BTreeSet<i64>> = BTreeMap::new();
    for r in &rows {
        new_rooms
            .entry((r.hotel_id, r.room))
            .or_default()
            .insert(r.guest_id);
    }
    let mut inserts = Vec::new();
    for r in &rows {
        let wanted = StayRow {
            guest_id: r.guest_id,
            hotel_id: r.hotel_id,
            room_type: r.room_type.clone(),
            room_group: room_group(plan_id, r.room),
            room_no: None,
            nights_from: r.nights_from,
            nights_to: r.nights_to,
            status: "booked".into(),
            checked_in_at: None,
            checked_out_at: None,
            updated_at: now,
        };
        match stays.get(&r.guest_id) {
            None => inserts.push(wanted),
            Some(s) if s.status == "booked" => {
                let same_booking = s.hotel_id == wanted.hotel_id
                    && s.room_type == wanted.room_type
                    && s.nights_from == wanted.nights_from
                    && s.nights_to == wanted.nights_to;
                let same_roommates =
                    old_rooms.get(&s.room_group) == new_rooms.get(&(r.hotel_id, r.room));
                if !(same_booking && same_roommates) {
                    let room_no = if s.hotel_id == wanted.hotel_id {
                        s.room_no.clone()
                    } else {
                        None
                    };
                    store::update_stay(tx, &StayRow { room_no, ..wanted })?;
                }
            }
            Some(_) => {}
        }
    }
    store::insert_stays(tx, &inserts)?;
    let planned: BTreeSet<i64> = rows.iter().map(|r| r.guest_id).collect();
    let dropped: Vec<i64> = stays
        .values()
        .filter(|s| s.status == "booked" && !planned.contains(&s.guest_id))
        .map(|s| s.guest_id)
        .collect();
    store::delete_stays(tx, &dropped)?;
    Ok(())
}

/// What changed for a hotel between the published revision and the one before.
#[derive(Serialize, ToSchema, Debug)]
pub struct HotelChanges {
    pub revision: Option<i32>,
    pub previous_revision: Option<i32>,
    pub acknowledged: bool,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub added: Vec<ChangeRow>,
    pub removed: Vec<ChangeRow>,
    pub moved: Vec<ChangeRow>,
}

/// One guest's change.
#[derive(Serialize, ToSchema, Debug)]
pub struct ChangeRow {
    pub guest_id: i64,
    pub name: String,
    pub room_type: String,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    /// What it was (moved guests).
    pub before: Option<ChangeBefore>,
}

/// A moved guest's booking before.
#[derive(Serialize, ToSchema, Debug)]
pub struct ChangeBefore {
    pub room_type: String,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
}

/// The hotel's changes in the published revision (everything is "added" in the first one).
pub fn hotel_changes(conn: &mut DbConn, hotel: &Hotel, tz: Tz) -> Result<HotelChanges, AppError> {
    let Some(current) = store::find_plan_with_status(conn, &["published"])? else {
        return Ok(HotelChanges {
            revision: None,
            previous_revision: None,
            acknowledged: false,
            acknowledged_at: None,
            acknowledged_by: None,
            added: Vec::new(),
            removed: Vec::new(),
            moved: Vec::new(),
        });
    };
    let previous = store::find_previous_publication(conn, current.id)?;
    let now_rows = store::list_hotel_assignments(conn, current.id, hotel.id)?;
    let before_rows = match &previous {
        Some(p) => store::list_hotel_assignments(conn, p.id, hotel.id)?,
        None => Vec::new(),
    };
    let ids: Vec<i64> = now_rows
        .iter()
        .chain(&before_rows)
        .map(|r| r.guest_id)
        .collect();
    let names: BTreeMap<i64, String> = store::find_lodging_guests(conn, &ids)?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let before: BTreeMap<i64, &AssignmentRow> =
        before_rows.iter().map(|r| (r.guest_id, r)).collect();
    let after: BTreeMap<i64, &AssignmentRow> = now_rows.iter().map(|r| (r.guest_id, r)).collect();
    let row = |r: &AssignmentRow, was: Option<&AssignmentRow>| ChangeRow {
        guest_id: r.guest_id,
        name: names.get(&r.guest_id).cloned().unwrap_or_default(),
        room_type: r.room_type.clone(),
        nights_from: r.nights_from,
        nights_to: r.nights_to,
        before: was.map(|w| ChangeBefore {
            room_type: w.room_type.clone(),
            nights_from: w.nights_from,
            nights_to: w.nights_to,
        }),
    };
    let added = after
        .values()
        .filter(|r| !before.contains_key(&r.guest_id))
        .map(|r| row(r, None))
        .collect();
    let removed = before
        .values()
        .filter(|r| !after.contains_key(&r.guest_id))
        .map(|r| row(r, None))
        .collect();
    let moved = after
        .values()
        .filter_map(|r| {
            let w = before.get(&r.guest_id)?;
            let differs = w.room_type != r.room_type
                || w.nights_from != r.nights_from
                || w.nights_to != r.nights_to;
            differs.then(|| row(r, Some(w)))
        })
        .collect();
    let ack = store::find_ack(conn, hotel.id, current.id)?;
    Ok(HotelChanges {
        revision: Some(current.revision),
        previous_revision: previous.map(|p| p.revision),
        acknowledged: ack.is_some(),
        acknowledged_at: ack.as_ref().map(|(_, at)| crate::time::to_rfc3339(tz, *at)),
        acknowledged_by: ack.map(|(by, _)| by),
        added,
        removed,
        moved,
    })
}

/// The hotel acknowledges the published revision.
pub fn acknowledge(tx: &mut Tx, user: &CurrentUser, hotel: &Hotel) -> Result<(), AppError> {
    let now = tx.now();
    let current = store::find_plan_with_status(tx, &["published"])?
        .ok_or(AppError::NotFound("published plan"))?;
    if store::insert_ack(tx, hotel.id, current.id, &user.username, now)? > 0 {
        audit::record(
            tx,
            &user.actor(),
            "acknowledge",
            "allocation_plan",
            current.id,
            json!({"hotel": hotel.code}),
        )?;
    }
    Ok(())
}
