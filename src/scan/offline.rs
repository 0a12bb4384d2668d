//! Deciding with the network down, from the offline kit alone — the Rust twin of
//! `static/js/offline/decide.js`. Both are checked against the same vectors
//! (`docs/vectors/offline-decisions.json`); this one also answers `yingbin verify`.
//! The order is docs/pass-format.md §6, then the point's own list.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate};
use ed25519_dalek::VerifyingKey;

use crate::meals::kit::service_bit;
use crate::meals::rules::{self as meal_rules, Service, Window};
use crate::passes::token::{self, PassRecord};
use crate::scan::kit::KitBody;
use crate::scan::rules::{self, PassState, PointKind, PointView, Reason};

/// An offline verdict: the outcome, the token's record when it verified, and the single use
/// it takes (the device's first-use key) when accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineVerdict {
    pub outcome: Result<(), Reason>,
    pub record: Option<PassRecord>,
    pub use_key: Option<String>,
}

/// Decides `text` at the kit's point at Unix time `now`; `first_use` holds the single uses
/// this device took already.
pub fn decide(kit: &KitBody, text: &str, now: i64, first_use: &HashSet<String>) -> OfflineVerdict {
    let keys: HashMap<u16, VerifyingKey> = kit
        .keys
        .iter()
        .filter_map(|k| Some((k.key_id, token::verifying_key_from_hex(&k.public_key)?)))
        .collect();
    let fail = |reason, record| OfflineVerdict {
        outcome: Err(reason),
        record,
        use_key: None,
    };
    let Ok(decoded) = token::decode(text) else {
        return fail(Reason::Malformed, None);
    };
    let record = decoded.record;
    let Some(key) = keys.get(&record.key_id) else {
        return fail(Reason::UnknownKey, None);
    };
    if !decoded.verify(key) {
        return fail(Reason::BadSignature, None);
    }
    let pass_id = i64::from(record.pass_id);
    let state = kit
        .revocations
        .iter()
        .rev()
        .find(|r| r.pass_id == pass_id)
        .map_or(
            PassState {
                serial: 0,
                revoked: false,
            },
            |r| PassState {
                serial: u16::try_from(r.min_serial).unwrap_or(u16::MAX),
                revoked: r.revoked,
            },
        );
    let Some(kind) = PointKind::parse(&kit.point.kind) else {
        return fail(Reason::WrongKind, Some(record));
    };
    let view = PointView {
        kind,
        zone_bit: kit.point.zone_bit,
        session_id: kit.point.session_id,
    };
    let now_u32 = u32::try_from(now.max(0)).unwrap_or(u32::MAX);
    if let Err(reason) = rules::decide(&record, &view, Some(&state), now_u32) {
        return fail(reason, Some(record));
    }
    let local = DateTime::from_timestamp(now, 0)
        .map(|t| t.naive_utc() + Duration::minutes(i64::from(kit.tz_offset_minutes)))
        .unwrap_or_default();
    let (outcome, use_key) = match kind {
        PointKind::SessionGate => match &kit.session {
            Some(s) if !s.allow_reentry => {
                let key = format!("session:{pass_id}:{}", s.id);
                if s.used.contains(&pass_id) || first_use.contains(&key) {
                    (Err(Reason::AlreadyUsed), None)
                } else {
                    (Ok(()), Some(key))
                }
            }
            _ => (Ok(()), None),
        },
        PointKind::Canteen => match &kit.canteen {
            None => (Err(Reason::NotEntitled), None),
            Some(c) => {
                let windows: Vec<Window> = c
                    .windows
                    .iter()
                    .filter_map(|w| {
                        Some(Window {
                            service: Service::parse(&w.service)?,
                            start: w.start,
                            end: w.end,
                        })
                    })
                    .collect();
                match meal_rules::service_at(&windows, local) {
                    None => (Err(Reason::OutsideWindow), None),
                    Some((service, day)) => {
                        let entitled = c
                            .eaters
                            .iter()
                            .find(|e| e.0 == pass_id)
                            .is_some_and(|e| day_has(&e.1, c.first_day, day, service));
                        let key = format!("meal:{pass_id}:{day}:{}", service.as_str());
                        let used = c
                            .used
                            .iter()
                            .any(|u| u.0 == pass_id && u.1 == day && u.2 == service.as_str());
                        if !entitled {
                            (Err(Reason::NotEntitled), None)
                        } else if used || first_use.contains(&key) {
                            (Err(Reason::AlreadyUsed), None)
                        } else {
                            (Ok(()), Some(key))
                        }
                    }
                }
            }
        },
        PointKind::HotelDesk => {
            let today = local.date();
            let booked = kit.desk.as_ref().is_some_and(|d| {
                d.bookings
                    .iter()
                    .any(|b| b.0 == pass_id && b.3 <= today && today <= b.4)
            });
            (
                if booked {
                    Ok(())
                } else {
                    Err(Reason::NoBooking)
                },
                None,
            )
        }
        PointKind::PersonGate | PointKind::VehicleGate => (Ok(()), None),
    };
    OfflineVerdict {
        outcome,
        record: Some(record),
        use_key,
    }
}

/// Whether a canteen mask allows `service` on `day`.
fn day_has(mask: &str, first_day: NaiveDate, day: NaiveDate, service: Service) -> bool {
    usize::try_from((day - first_day).num_days())
        .ok()
        .and_then(|i| mask.as_bytes().get(i))
        .and_then(|c| char::from(*c).to_digit(16))
        .is_some_and(|d| d & u32::from(service_bit(service)) != 0)
}

#[cfg(test)]
mod vectors;
