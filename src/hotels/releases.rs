//! A designated hotel's requests to release held rooms for some nights (to take other
//! guests), and reception's decision: granting shrinks the held rooms, and is refused when the
//! published plan uses them.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde_json::json;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::hotels::catalog::{check_published_fits, hotel_for, invalid, RoomsRequest};
use crate::hotels::model::{Hotel, NewRoomRelease, ReleaseResponse, RoomRelease};
use crate::hotels::store;
use crate::time::to_rfc3339;

/// A release request as the API shows it.
pub fn release_response(r: &RoomRelease, hotel: &Hotel, tz: Tz) -> ReleaseResponse {
    ReleaseResponse {
        id: r.id,
        hotel: hotel.code.clone(),
        hotel_name: hotel.name.clone(),
        room_type: r.room_type.clone(),
        nights_from: r.nights_from,
        nights_to: r.nights_to,
        rooms: r.rooms,
        reason: r.reason.clone(),
        status: r.status.clone(),
        requested_by: r.requested_by.clone(),
        decided_by: r.decided_by.clone(),
        comment: r.comment.clone(),
        created_at: to_rfc3339(tz, r.created_at),
    }
}

/// A hotel asks to release held rooms for some nights (to take other guests).
pub fn request_release(
    tx: &mut Tx,
    user: &CurrentUser,
    code: &str,
    req: &RoomsRequest,
    tz: Tz,
) -> Result<ReleaseResponse, AppError> {
    let now = tx.now();
    let (room_type, nights, rooms) = req.checked()?;
    let reason = req.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(invalid("reason", "say why the rooms should be released"));
    }
    let hotel = hotel_for(tx, user, code)?;
    let id = store::insert_release(
        tx,
        &NewRoomRelease {
            hotel_id: hotel.id,
            room_type: room_type.as_str(),
            nights_from: nights.start,
            nights_to: nights.end,
            rooms,
            reason,
            status: "pending",
            requested_by: &user.username,
            created_at: now,
        },
    )?;
    audit::record(
        tx,
        &user.actor(),
        "request",
        "room_release",
        id,
        json!({"hotel": code, "rooms": rooms}),
    )?;
    let r = store::find_release(tx, id)?.ok_or(AppError::NotFound("release"))?;
    Ok(release_response(&r, &hotel, tz))
}

/// Release requests a user sees: a desk its own hotel's.
pub fn list_releases(
    conn: &mut DbConn,
    user: &CurrentUser,
    status: Option<&str>,
    tz: Tz,
) -> Result<Vec<ReleaseResponse>, AppError> {
    let hotels: BTreeMap<i64, Hotel> = store::list_hotels(conn)?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let own = match user.role {
        Role::HotelDesk => Some(
            hotels
                .values()
                .find(|h| user.scope.as_deref() == Some(&h.code))
                .map_or(-1, |h| h.id),
        ),
        _ => None,
    };
    Ok(store::list_releases(conn, own, status)?
        .iter()
        .filter_map(|r| hotels.get(&r.hotel_id).map(|h| release_response(r, h, tz)))
        .collect())
}

/// Reception grants or refuses a release. Granting shrinks the held rooms, and is refused when
/// the published plan uses them.
pub fn decide_release(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    grant: bool,
    comment: Option<&str>,
    tz: Tz,
) -> Result<ReleaseResponse, AppError> {
    let now = tx.now();
    let status = if grant { "granted" } else { "refused" };
    let release = store::find_release(tx, id)?.ok_or(AppError::NotFound("release"))?;
    if store::decide_release(tx, id, status, &user.username, comment, now)? == 0 {
        return Err(AppError::conflict(
            "release_decided",
            format!("this request was {} already", release.status),
        ));
    }
    if grant {
        check_published_fits(tx, release.hotel_id, &release.room_type)?;
    }
    audit::record(
        tx,
        &user.actor(),
        status,
        "room_release",
        id,
        json!({"comment": comment}),
    )?;
    let hotel =
        store::find_hotel_by_id(tx, release.hotel_id)?.ok_or(AppError::NotFound("hotel"))?;
    let r = store::find_release(tx, id)?.ok_or(AppError::NotFound("release"))?;
    Ok(release_response(&r, &hotel, tz))
}
