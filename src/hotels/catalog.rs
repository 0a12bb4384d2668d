//! The designated hotels, the rooms they hold for the event, the lodging policy reception
//! edits, and the occupancy grid. Requests to release held rooms are in `releases`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::fields::Category;
use crate::hotels::engine::{self, RoomType, ShareBy};
use crate::hotels::model::{
    BlockResponse, Hotel, HotelFields, HotelResponse, NewRoomBlock, PolicyEntry, PolicyRow,
    RoomBlock, RoomRelease,
};
use crate::hotels::{rules, store};
use crate::time::to_rfc3339;

/// The hotel as the API shows it.
pub fn hotel_response(h: &Hotel) -> HotelResponse {
    HotelResponse {
        code: h.code.clone(),
        name: h.name.clone(),
        address: h.address.clone(),
        contact_name: h.contact_name.clone(),
        contact_phone: h.contact_phone.clone(),
        email: h.email.clone(),
        categories: split_list(&h.categories),
        halal: h.halal,
        venue_minutes: h.venue_minutes,
        exclusive: h.exclusive,
        name_en: h.name_en.clone(),
        address_en: h.address_en.clone(),
    }
}

/// A comma list as its items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// The hotel a user may act for: a hotel desk only its own.
pub fn hotel_for(conn: &mut DbConn, user: &CurrentUser, code: &str) -> Result<Hotel, AppError> {
    if user.role == Role::HotelDesk && user.scope.as_deref() != Some(code) {
        return Err(AppError::Forbidden);
    }
    store::find_hotel(conn, code)?.ok_or(AppError::NotFound("hotel"))
}

/// Hotels a user sees: all, or a desk's own.
pub fn list_hotels(conn: &mut DbConn, user: &CurrentUser) -> Result<Vec<HotelResponse>, AppError> {
    Ok(store::list_hotels(conn)?
        .iter()
        .filter(|h| user.role != Role::HotelDesk || user.scope.as_deref() == Some(&h.code))
        .map(hotel_response)
        .collect())
}

pub(super) fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(message, json!([{ "field": field }]))
}

/// Checks a hotel's fields.
fn hotel_fields(h: &HotelResponse) -> Result<HotelFields, AppError> {
    let code = h.code.trim().to_uppercase();
    if code.is_empty()
        || code.len() > 16
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(invalid("code", "code must be 1–16 letters, digits or -"));
    }
    if h.name.trim().is_empty() {
        return Err(invalid("name", "name is required"));
    }
    let mut categories = Vec::new();
    for c in &h.categories {
        let cat = Category::parse(c.trim())
            .ok_or_else(|| invalid("categories", format!("unknown category {c}")))?;
        if !categories.contains(&cat.as_str()) {
            categories.push(cat.as_str());
        }
    }
    if categories.is_empty() {
        return Err(invalid(
            "categories",
            "a hotel serves at least one category",
        ));
    }
    if !(0..=600).contains(&h.venue_minutes) {
        return Err(invalid("venue_minutes", "venue_minutes must be 0–600"));
    }
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let email = text(&h.email);
    if email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
    {
        return Err(invalid("email", "email is not an address"));
    }
    Ok(HotelFields {
        code,
        name: h.name.trim().to_string(),
        address: h.address.trim().to_string(),
        contact_name: text(&h.contact_name),
        contact_phone: text(&h.contact_phone),
        email,
        categories: categories.join(","),
        halal: h.halal,
        venue_minutes: h.venue_minutes,
        exclusive: h.exclusive,
        name_en: text(&h.name_en),
        address_en: text(&h.address_en),
    })
}

/// Adds a designated hotel.
pub fn create_hotel(
    tx: &mut Tx,
    user: &CurrentUser,
    body: &Value,
) -> Result<HotelResponse, AppError> {
    let now = tx.now();
    let mut with_defaults =
        json!({"exclusive": true, "halal": false, "venue_minutes": 0, "address": ""});
    merge(&mut with_defaults, body);
    let req: HotelResponse = serde_json::from_value(with_defaults)
        .map_err(|e| AppError::invalid(format!("bad hotel: {e}"), json!([])))?;
    let fields = hotel_fields(&req)?;
    if store::find_hotel(tx, &fields.code)?.is_some() {
        return Err(AppError::conflict(
            "hotel_exists",
            format!("hotel {} exists", fields.code),
        ));
    }
    let id = store::insert_hotel(tx, &fields, now)?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "hotel",
        id,
        json!({"code": fields.code}),
    )?;
    let hotel = store::find_hotel_by_id(tx, id)?.ok_or(AppError::NotFound("hotel"))?;
    Ok(hotel_response(&hotel))
}

/// Changes some of a hotel's fields.
pub fn update_hotel(
    tx: &mut Tx,
    user: &CurrentUser,
    code: &str,
    body: &Value,
) -> Result<HotelResponse, AppError> {
    let hotel = store::find_hotel(tx, code)?.ok_or(AppError::NotFound("hotel"))?;
    let mut merged = serde_json::to_value(hotel_response(&hotel))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    merge(&mut merged, body);
    let req: HotelResponse = serde_json::from_value(merged)
        .map_err(|e| AppError::invalid(format!("bad hotel: {e}"), json!([])))?;
    let fields = hotel_fields(&req)?;
    if fields.code != hotel.code && store::find_hotel(tx, &fields.code)?.is_some() {
        return Err(AppError::conflict(
            "hotel_exists",
            format!("hotel {} exists", fields.code),
        ));
    }
    store::update_hotel(tx, hotel.id, &fields)?;
    audit::record(tx, &user.actor(), "update", "hotel", hotel.id, body.clone())?;
    let hotel = store::find_hotel_by_id(tx, hotel.id)?.ok_or(AppError::NotFound("hotel"))?;
    Ok(hotel_response(&hotel))
}

/// Removes a hotel no plan or stay names.
pub fn delete_hotel(tx: &mut Tx, user: &CurrentUser, code: &str) -> Result<(), AppError> {
    let hotel = store::find_hotel(tx, code)?.ok_or(AppError::NotFound("hotel"))?;
    if store::hotel_in_use(tx, hotel.id)? {
        return Err(AppError::conflict(
            "hotel_in_use",
            format!("hotel {code} is in an allocation plan or has stays"),
        ));
    }
    store::delete_hotel(tx, hotel.id)?;
    audit::record(
        tx,
        &user.actor(),
        "delete",
        "hotel",
        hotel.id,
        json!({"code": code}),
    )?;
    Ok(())
}

/// Sets every key of `patch` on `target` (both objects).
fn merge(target: &mut Value, patch: &Value) {
    if let (Some(t), Some(p)) = (target.as_object_mut(), patch.as_object()) {
        for (k, v) in p {
            t.insert(k.clone(), v.clone());
        }
    }
}

/// A block as the API shows it.
pub fn block_response(b: &RoomBlock) -> BlockResponse {
    BlockResponse {
        id: b.id,
        room_type: b.room_type.clone(),
        nights_from: b.nights_from,
        nights_to: b.nights_to,
        rooms: b.rooms,
        rate: cents_to_yuan(b.rate_cents),
    }
}

/// Yuan as a number with two decimals.
pub fn cents_to_yuan(cents: i64) -> f64 {
    // Exact for any sum a hotel bills: f64 holds integers to 2^53.
    cents as f64 / 100.0
}

/// Rooms held for some nights, or released from them.
#[derive(Deserialize, ToSchema, Debug)]
pub struct RoomsRequest {
    /// `single`, `twin`, `suite` or `accessible`.
    pub room_type: Option<String>,
    /// First night.
    pub nights_from: Option<NaiveDate>,
    /// The morning after the last night.
    pub nights_to: Option<NaiveDate>,
    pub rooms: Option<i32>,
    /// Nightly rate in yuan (blocks).
    pub rate: Option<f64>,
    /// Why (releases).
    pub reason: Option<String>,
}

impl RoomsRequest {
    pub(super) fn checked(&self) -> Result<(RoomType, Range<NaiveDate>, i32), AppError> {
        let room_type = self
            .room_type
            .as_deref()
            .and_then(RoomType::parse)
            .ok_or_else(|| {
                invalid(
                    "room_type",
                    "room_type must be single, twin, suite or accessible",
                )
            })?;
        let (Some(from), Some(to)) = (self.nights_from, self.nights_to) else {
            return Err(invalid(
                "nights_from",
                "nights_from and nights_to are required",
            ));
        };
        if to <= from || (to - from).num_days() > 366 {
            return Err(invalid(
                "nights_to",
                "nights_to must be after nights_from, within a year",
            ));
        }
        let rooms = self.rooms.unwrap_or(0);
        if !(1..=10_000).contains(&rooms) {
            return Err(invalid("rooms", "rooms must be 1–10000"));
        }
        Ok((room_type, from..to, rooms))
    }
}

/// Holds rooms at a hotel.
pub fn create_block(
    tx: &mut Tx,
    user: &CurrentUser,
    code: &str,
    req: &RoomsRequest,
) -> Result<BlockResponse, AppError> {
    let now = tx.now();
    let (room_type, nights, rooms) = req.checked()?;
    let rate = req.rate.unwrap_or(0.0);
    if !(0.0..=1_000_000.0).contains(&rate) {
        return Err(invalid("rate", "rate must be 0–1000000 yuan"));
    }
    let rate_cents = (rate * 100.0).round() as i64;
    let hotel = store::find_hotel(tx, code)?.ok_or(AppError::NotFound("hotel"))?;
    let id = store::insert_block(
        tx,
        &NewRoomBlock {
            hotel_id: hotel.id,
            room_type: room_type.as_str(),
            nights_from: nights.start,
            nights_to: nights.end,
            rooms,
            rate_cents,
            created_at: now,
        },
    )?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "room_block",
        id,
        json!({"hotel": code, "room_type": room_type.as_str(), "rooms": rooms,
               "nights_from": nights.start, "nights_to": nights.end, "rate_cents": rate_cents}),
    )?;
    store::list_hotel_blocks(tx, hotel.id)?
        .iter()
        .find(|b| b.id == id)
        .map(block_response)
        .ok_or(AppError::NotFound("room block"))
}

/// Removes a block, unless the published plan needs its rooms.
pub fn delete_block(tx: &mut Tx, user: &CurrentUser, code: &str, id: i64) -> Result<(), AppError> {
    let hotel = store::find_hotel(tx, code)?.ok_or(AppError::NotFound("hotel"))?;
    let block = store::list_hotel_blocks(tx, hotel.id)?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(AppError::NotFound("room block"))?;
    store::delete_block(tx, hotel.id, id)?;
    check_published_fits(tx, hotel.id, &block.room_type)?;
    audit::record(
        tx,
        &user.actor(),
        "delete",
        "room_block",
        id,
        json!({"hotel": code}),
    )?;
    Ok(())
}

/// Refuses (409) when the published plan uses more rooms of a type at a hotel than are held.
pub(super) fn check_published_fits(
    conn: &mut DbConn,
    hotel_id: i64,
    room_type: &str,
) -> Result<(), AppError> {
    let Some(plan) = store::find_plan_with_status(conn, &["published"])? else {
        return Ok(());
    };
    let blocks = ranges_of_blocks(&store::list_hotel_blocks(conn, hotel_id)?, room_type);
    let granted = ranges_of_releases(
        &store::list_releases(conn, Some(hotel_id), Some("granted"))?,
        room_type,
    );
    let mut rooms_by_night: BTreeMap<NaiveDate, BTreeSet<i32>> = BTreeMap::new();
    for a in store::list_hotel_assignments(conn, plan.id, hotel_id)? {
        if a.room_type == room_type {
            for night in rules::each_night(&(a.nights_from..a.nights_to)) {
                rooms_by_night.entry(night).or_default().insert(a.room);
            }
        }
    }
    for (night, rooms) in rooms_by_night {
        let held = rules::held_rooms(&blocks, &granted, night);
        if rooms.len() > held as usize {
            return Err(AppError::conflict(
                "release_below_allocated",
                format!(
                    "the published plan uses {} {room_type} rooms on {night}; only {held} would be held",
                    rooms.len()
                ),
            ));
        }
    }
    Ok(())
}

fn ranges_of_blocks(blocks: &[RoomBlock], room_type: &str) -> Vec<(Range<NaiveDate>, i32)> {
    blocks
        .iter()
        .filter(|b| b.room_type == room_type)
        .map(|b| (b.nights_from..b.nights_to, b.rooms))
        .collect()
}

fn ranges_of_releases(releases: &[RoomRelease], room_type: &str) -> Vec<(Range<NaiveDate>, i32)> {
    releases
        .iter()
        .filter(|r| r.room_type == room_type)
        .map(|r| (r.nights_from..r.nights_to, r.rooms))
        .collect()
}

// --- policy ------------------------------------------------------------------------------

/// The policy in force: reception's, or the default until reception saves one.
pub fn policy(conn: &mut DbConn) -> Result<Vec<PolicyEntry>, AppError> {
    let rows = store::list_policies(conn)?;
    if rows.is_empty() {
        let hotels = BTreeMap::new();
        return Ok(policy_entries(&engine::Policy::default_policy(), &hotels));
    }
    Ok(Category::ALL
        .iter()
        .filter_map(|c| rows.iter().find(|r| r.category == c.as_str()))
        .map(|r| PolicyEntry {
            category: r.category.clone(),
            hotels: split_list(&r.hotels),
            room_types: split_list(&r.room_types),
            shared: r.shared,
            share_by: r.share_by.clone(),
        })
        .collect())
}

/// The engine's policy as entries (hotel ids named by code).
fn policy_entries(p: &engine::Policy, codes: &BTreeMap<i64, String>) -> Vec<PolicyEntry> {
    p.categories
        .iter()
        .map(|c| PolicyEntry {
            category: c.category.as_str().to_string(),
            hotels: c
                .hotels
                .iter()
                .filter_map(|id| codes.get(id).cloned())
                .collect(),
            room_types: c
                .room_types
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            shared: c.shared,
            share_by: c.share_by.as_str().to_string(),
        })
        .collect()
}

/// The policy as the engine takes it.
pub fn engine_policy(entries: &[PolicyEntry], hotels: &[Hotel]) -> engine::Policy {
    engine::Policy {
        categories: entries
            .iter()
            .filter_map(|e| {
                Some(engine::CategoryPolicy {
                    category: Category::parse(&e.category)?,
                    hotels: e
                        .hotels
                        .iter()
                        .filter_map(|code| hotels.iter().find(|h| &h.code == code).map(|h| h.id))
                        .collect(),
                    room_types: e
                        .room_types
                        .iter()
                        .filter_map(|t| RoomType::parse(t))
                        .collect(),
                    shared: e.shared,
                    share_by: ShareBy::parse(&e.share_by).unwrap_or(ShareBy::Delegation),
                })
            })
            .collect(),
    }
}

/// Replaces the policy; every category must be there once.
pub fn set_policy(
    tx: &mut Tx,
    user: &CurrentUser,
    entries: &[PolicyEntry],
) -> Result<Vec<PolicyEntry>, AppError> {
    let now = tx.now();
    let hotels = store::list_hotels(tx)?;
    let mut rows = Vec::new();
    for e in entries {
        let cat = Category::parse(&e.category)
            .ok_or_else(|| invalid("category", format!("unknown category {}", e.category)))?;
        if rows.iter().any(|r: &PolicyRow| r.category == cat.as_str()) {
            return Err(invalid(
                "category",
                format!("category {} twice", e.category),
            ));
        }
        if e.room_types.is_empty() {
            return Err(invalid(
                "room_types",
                format!("{}: name at least one room type", e.category),
            ));
        }
        for t in &e.room_types {
            RoomType::parse(t)
                .ok_or_else(|| invalid("room_types", format!("unknown room type {t}")))?;
        }
        for code in &e.hotels {
            if !hotels.iter().any(|h| &h.code == code) {
                return Err(invalid("hotels", format!("unknown hotel {code}")));
            }
        }
        ShareBy::parse(&e.share_by).ok_or_else(|| {
            invalid(
                "share_by",
                "share_by must be delegation, department or organization",
            )
        })?;
        rows.push(PolicyRow {
            category: cat.as_str().to_string(),
            hotels: e.hotels.join(","),
            room_types: e.room_types.join(","),
            shared: e.shared,
            share_by: e.share_by.clone(),
            updated_at: now,
        });
    }
    if rows.len() != Category::ALL.len() {
        return Err(invalid(
            "category",
            "the policy names every guest category once",
        ));
    }
    store::replace_policies(tx, &rows)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "lodging_policy",
        0,
        json!(entries.len()),
    )?;
    policy(tx)
}

// --- occupancy ---------------------------------------------------------------------------

/// The occupancy grid: hotel × night, rooms held, allocated and checked in.
#[derive(Serialize, ToSchema, Debug)]
pub struct Occupancy {
    pub nights: Vec<NaiveDate>,
    pub plan_id: Option<i64>,
    pub hotels: Vec<HotelOccupancy>,
}

/// One hotel's row of the grid.
#[derive(Serialize, ToSchema, Debug)]
pub struct HotelOccupancy {
    pub code: String,
    pub name: String,
    pub held: Vec<u32>,
    pub allocated: Vec<u32>,
    pub checked_in: Vec<u32>,
}

/// The event's nights: from the first block or stay to the last.
pub fn event_nights(
    blocks: &[RoomBlock],
    stays: &[(NaiveDate, NaiveDate)],
) -> Option<Range<NaiveDate>> {
    let from = blocks
        .iter()
        .map(|b| b.nights_from)
        .chain(stays.iter().map(|s| s.0))
        .min()?;
    let to = blocks
        .iter()
        .map(|b| b.nights_to)
        .chain(stays.iter().map(|s| s.1))
        .max()?;
    Some(from..to.min(from + chrono::Duration::days(366)))
}

/// Builds the grid from the published plan (or the newest plan when none is published).
pub fn occupancy(conn: &mut DbConn) -> Result<Occupancy, AppError> {
    let hotels = store::list_hotels(conn)?;
    let blocks = store::list_blocks(conn)?;
    let granted = store::list_granted_releases(conn)?;
    let plan = match store::find_plan_with_status(conn, &["published"])? {
        Some(p) => Some(p),
        None => store::list_plans(conn)?.into_iter().next(),
    };
    let assignments = match &plan {
        Some(p) => store::list_assignments(conn, p.id)?,
        None => Vec::new(),
    };
    let stays = store::list_stays(conn)?;
    let Some(nights) = event_nights(&blocks, &[]) else {
        return Ok(Occupancy {
            nights: Vec::new(),
            plan_id: plan.map(|p| p.id),
            hotels: Vec::new(),
        });
    };
    let nights: Vec<NaiveDate> = rules::each_night(&nights).collect();
    let index = |d: NaiveDate| nights.binary_search(&d).ok();
    let rows = hotels
        .iter()
        .map(|h| {
            let mut held = vec![0u32; nights.len()];
            for t in RoomType::ALL {
                let b = ranges_of_blocks(
                    &blocks
                        .iter()
                        .filter(|b| b.hotel_id == h.id)
                        .cloned()
                        .collect::<Vec<_>>(),
                    t.as_str(),
                );
                let g = ranges_of_releases(
                    &granted
                        .iter()
                        .filter(|r| r.hotel_id == h.id)
                        .cloned()
                        .collect::<Vec<_>>(),
                    t.as_str(),
                );
                for (i, n) in nights.iter().enumerate() {
                    held[i] += rules::held_rooms(&b, &g, *n);
                }
            }
            let count_rooms = |spans: Vec<(i64, NaiveDate, NaiveDate)>| {
                let mut per_night: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); nights.len()];
                for (room, from, to) in spans {
                    for n in rules::each_night(&(from..to)) {
                        if let Some(i) = index(n) {
                            per_night[i].insert(room);
                        }
                    }
                }
                per_night
                    .iter()
                    .map(|s| s.len() as u32)
                    .collect::<Vec<u32>>()
            };
            let allocated = count_rooms(
                assignments
                    .iter()
                    .filter(|a| a.hotel_id == h.id)
                    .map(|a| (i64::from(a.room), a.nights_from, a.nights_to))
                    .collect(),
            );
            let checked_in = count_rooms(
                stays
                    .iter()
                    .filter(|s| s.hotel_id == h.id && s.status != "booked")
                    .map(|s| (s.room_group, s.nights_from, s.nights_to))
                    .collect(),
            );
            HotelOccupancy {
                code: h.code.clone(),
                name: h.name.clone(),
                held,
                allocated,
                checked_in,
            }
        })
        .collect();
    Ok(Occupancy {
        nights,
        plan_id: plan.map(|p| p.id),
        hotels: rows,
    })
}

/// Timestamps as the API shows them.
pub fn stamp(tz: Tz, t: Option<NaiveDateTime>) -> Option<String> {
    t.map(|t| to_rfc3339(tz, t))
}
