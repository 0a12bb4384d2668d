//! The offline kit: what a device at one point needs to decide with the network down — the
//! public keys, the revocations, and the point's own lists (a session's used tickets, a
//! canteen's eaters, a desk's bookings). Signed by the service's current pass key over
//! `"yingbin-kit-v1\n" ‖ body`, so a device trusts it only as it trusts the passes. The body is
//! sent as text and verified before it is parsed: no canonical JSON to rebuild.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime, Offset, SubsecRound, TimeZone};
use diesel::prelude::*;
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{guests, hotels, pass_uses, passes, stays};
use crate::db::DbConn;
use crate::error::AppError;
use crate::passes::{keys, store as pass_store};
use crate::scan::devices::{self, DeviceRow};
use crate::scan::model::ScanPoint;
use crate::scan::rules::PointKind;

/// Prefix of the signed text, apart from anything else the pass keys sign.
pub const KIT_CONTEXT: &str = "yingbin-kit-v1\n";

/// The kit as sent: the body text and its signature.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct SignedKit {
    /// The kit's JSON text (`KitBody`), exactly as signed.
    pub body: String,
    pub key_id: u16,
    /// Ed25519 over `"yingbin-kit-v1\n" ‖ body`, 128 hex digits.
    pub signature: String,
}

/// What a device decides with.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitBody {
    pub device_id: i64,
    /// RFC 3339 UTC, to the second.
    pub generated_at: String,
    pub generated_at_unix: i64,
    /// Whole lists (no `since`), or only the revocations after `since`.
    pub full: bool,
    /// Pass as `since` next time.
    pub cursor: i64,
    /// The lists' age at which the device stops accepting.
    pub max_age_seconds: i64,
    /// The event's offset from UTC now (local = UTC + offset).
    pub tz_offset_minutes: i32,
    pub point: KitPoint,
    pub keys: Vec<KitKey>,
    pub revocations: Vec<KitRevocation>,
    pub zones: Vec<KitZone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<KitSession>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canteen: Option<crate::meals::kit::CanteenKit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<KitDesk>,
}

/// The point, as the rules see it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitPoint {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub zone_bit: Option<u8>,
    pub session_id: Option<i64>,
}

/// A public key.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitKey {
    pub key_id: u16,
    pub public_key: String,
}

/// A pass's revocation state (docs/pass-format.md §5).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitRevocation {
    pub pass_id: i64,
    pub min_serial: i32,
    pub revoked: bool,
}

/// A zone, to show its name.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitZone {
    pub bit: i32,
    pub code: String,
    pub name: String,
}

/// A session gate's session and the tickets already used there.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitSession {
    pub id: i64,
    pub name: String,
    pub allow_reentry: bool,
    pub used: Vec<i64>,
}

/// A hotel desk's bookings: `[pass_id, name, room_no, nights_from, nights_to]`, the
/// departure day (`nights_to`) counting, as at the desk online.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitDesk {
    pub hotel: String,
    pub hotel_name: String,
    pub bookings: Vec<(i64, String, Option<String>, NaiveDate, NaiveDate)>,
}

/// Builds and signs the kit of `device` at `point` (`since`: the cursor of the last kit;
/// none: the whole lists).
pub fn build(
    conn: &mut DbConn,
    device: &DeviceRow,
    point: &ScanPoint,
    since: Option<i64>,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
    event_minutes: i64,
) -> Result<(SignedKit, NaiveDateTime), AppError> {
    let generated = now.and_utc().trunc_subsecs(0);
    let kind = PointKind::parse(&point.kind)
        .ok_or_else(|| AppError::Internal(format!("point kind {}", point.kind)))?;
    let zones = crate::passes::list_zones(conn)?;
    let revocations = pass_store::list_revocations(conn, since.unwrap_or(0))?;
    let cursor = revocations.last().map_or(since.unwrap_or(0), |r| r.0);
    let today = tz.from_utc_datetime(&now).date_naive();
    let body = KitBody {
        device_id: device.id,
        generated_at: generated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        generated_at_unix: generated.timestamp(),
        full: since.is_none(),
        cursor,
        max_age_seconds: devices::max_age_seconds(point, event_minutes),
        tz_offset_minutes: tz.offset_from_utc_datetime(&now).fix().local_minus_utc() / 60,
        point: KitPoint {
            code: point.code.clone(),
            name: point.name.clone(),
            kind: point.kind.clone(),
            zone_bit: point
                .zone
                .as_deref()
                .and_then(|code| zones.iter().find(|z| z.code == code))
                .and_then(|z| u8::try_from(z.bit).ok()),
            session_id: point.session_id,
        },
        keys: keys::list_keys(conn)?
            .into_iter()
            .filter(|k| k.retired_at.is_none())
            .filter_map(|k| {
                Some(KitKey {
                    key_id: u16::try_from(k.key_id).ok()?,
                    public_key: k.public_key,
                })
            })
            .collect(),
        revocations: revocations
            .into_iter()
            .map(|(_, pass_id, _, min_serial, revoked)| KitRevocation {
                pass_id,
                min_serial,
                revoked,
            })
            .collect(),
        zones: zones
            .iter()
            .map(|z| KitZone {
                bit: z.bit,
                code: z.code.clone(),
                name: z.name.clone(),
            })
            .collect(),
        session: match (kind, point.session_id) {
            (PointKind::SessionGate, Some(id)) => session(conn, id)?,
            _ => None,
        },
        canteen: match (kind, point.target.as_deref()) {
            (PointKind::Canteen, Some(dining)) => {
                crate::meals::kit::canteen(conn, dining, today, tz)?
            }
            _ => None,
        },
        desk: match (kind, point.target.as_deref()) {
            (PointKind::HotelDesk, Some(hotel)) => desk(conn, hotel, today)?,
            _ => None,
        },
    };
    let text = serde_json::to_string(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    let (key_id, key) = keys::current_signing_key(conn)?
        .ok_or_else(|| AppError::Internal("no signing key".into()))?;
    let signature = key.sign(format!("{KIT_CONTEXT}{text}").as_bytes());
    Ok((
        SignedKit {
            body: text,
            key_id,
            signature: hex::encode(signature.to_bytes()),
        },
        generated.naive_utc(),
    ))
}

fn session(conn: &mut DbConn, id: i64) -> Result<Option<KitSession>, AppError> {
    let Some(s) = crate::passes::find_session(conn, id)? else {
        return Ok(None);
    };
    let used: Vec<i64> = pass_uses::table
        .filter(pass_uses::session_id.eq(id))
        .select(pass_uses::pass_id)
        .order(pass_uses::pass_id.asc())
        .load(conn)?;
    Ok(Some(KitSession {
        id,
        name: s.name,
        allow_reentry: s.allow_reentry,
        used,
    }))
}

/// The desk's bookings around today: yesterday's departures to stays starting within 3 days.
fn desk(conn: &mut DbConn, hotel: &str, today: NaiveDate) -> Result<Option<KitDesk>, AppError> {
    let Some((hotel_id, hotel_name)) = hotels::table
        .filter(hotels::code.eq(hotel))
        .select((hotels::id, hotels::name))
        .first::<(i64, String)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let rows: Vec<(i64, String, Option<String>, NaiveDate, NaiveDate)> = stays::table
        .inner_join(guests::table)
        .inner_join(passes::table.on(passes::guest_id.eq(stays::guest_id.nullable())))
        .filter(stays::hotel_id.eq(hotel_id))
        .filter(stays::status.ne("checked_out"))
        .filter(passes::kind.eq("credential"))
        .filter(stays::nights_to.ge(today - chrono::Duration::days(1)))
        .filter(stays::nights_from.le(today + chrono::Duration::days(3)))
        .select((
            passes::id,
            guests::name,
            stays::room_no,
            stays::nights_from,
            stays::nights_to,
        ))
        .order(passes::id.asc())
        .load(conn)?;
    // One row per pass (a guest has one credential; reissues keep its id).
    let mut seen = HashSet::new();
    Ok(Some(KitDesk {
        hotel: hotel.to_string(),
        hotel_name,
        bookings: rows.into_iter().filter(|r| seen.insert(r.0)).collect(),
    }))
}
