//! Offline scans coming home: a device uploads what it decided while the network was down.
//! Each scan is judged again by the service as at its `scanned_at` and logged with both
//! verdicts; a single use another scan also took goes to the earlier one, and the clash is
//! reported (`conflicts`). Idempotent by nonce: a retried batch changes nothing.

use chrono::{DateTime, Duration, NaiveDateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::db::schema::{scan_conflicts, scan_points};
use crate::db::{write_tx, DbConn, PooledConn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::passes::keys::KeyRing;
use crate::scan::devices;
use crate::scan::reconcile::OfflineFacts;
use crate::scan::service::{self, PendingScan, Prepared, ScanCache, ScanRequest};

/// The most scans one upload may carry.
pub const MAX_BATCH: usize = 500;
/// How far a device's clock may run ahead of the service's, or its scans before its
/// registration, before a `scanned_at` is refused as impossible.
const CLOCK_SKEW_SECONDS: i64 = 120;

/// An upload.
#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The registered device that decided the scans.
    pub device_id: i64,
    /// At most 500.
    pub scans: Vec<OfflineScan>,
}

/// A scan decided offline.
#[derive(Deserialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct OfflineScan {
    /// The device's id for this scan (1–100 characters): the same nonce again changes nothing.
    pub nonce: String,
    /// The text read from the QR code.
    pub payload: String,
    /// The scan point's code (the device's point).
    pub point: String,
    /// When it was scanned, RFC 3339.
    pub scanned_at: String,
    /// What the device answered: `accept` or `reject`.
    pub verdict: String,
    /// Its reason for a reject.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What became of one uploaded scan.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone, PartialEq)]
pub struct BatchItem {
    pub nonce: String,
    /// `recorded`, `duplicate` (uploaded before; nothing changed) or `refused` (final: not
    /// recorded, `error` says why).
    pub status: String,
    pub scan_id: Option<i64>,
    /// The service's own verdict as at `scanned_at`.
    pub server_verdict: Option<String>,
    pub server_reason: Option<String>,
    /// The scan is part of a reported conflict.
    pub conflict: bool,
    pub error: Option<String>,
}

/// The answer.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct BatchAnswer {
    pub results: Vec<BatchItem>,
}

fn item(nonce: &str, status: &str) -> BatchItem {
    BatchItem {
        nonce: nonce.to_string(),
        status: status.to_string(),
        scan_id: None,
        server_verdict: None,
        server_reason: None,
        conflict: false,
        error: None,
    }
}

fn refused(nonce: &str, error: &str) -> BatchItem {
    BatchItem {
        error: Some(error.to_string()),
        ..item(nonce, "refused")
    }
}

/// Why a scan's fields cannot be taken, or its instant (UTC, microseconds).
fn check(
    scan: &OfflineScan,
    point: &str,
    registered: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, &'static str> {
    if scan.nonce.is_empty() || scan.nonce.chars().count() > 100 {
        return Err("bad_nonce");
    }
    if scan.verdict != "accept" && scan.verdict != "reject" {
        return Err("bad_verdict");
    }
    if scan.point.trim() != point {
        return Err("not_the_devices_point");
    }
    let at = DateTime::parse_from_rfc3339(scan.scanned_at.trim())
        .map_err(|_| "bad_scanned_at")?
        .naive_utc()
        .trunc_subsecs(6);
    let skew = Duration::seconds(CLOCK_SKEW_SECONDS);
    if at > now + skew {
        return Err("scanned_at_in_future");
    }
    if at < registered - skew {
        return Err("scanned_at_before_registration");
    }
    Ok(at)
}

/// Records an upload of `device_id`'s offline scans.
#[allow(clippy::too_many_arguments)]
pub fn upload(
    conn: &mut PooledConn,
    keys: &KeyRing,
    cache: &ScanCache,
    user: &CurrentUser,
    req: &BatchRequest,
    lang: Lang,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<BatchAnswer, AppError> {
    if req.scans.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "at most 500 scans per upload",
            json!([{"field": "scans"}]),
        ));
    }
    let device = devices::usable(conn, user, req.device_id)?;
    let point: String = scan_points::table
        .find(device.point_id)
        .select(scan_points::code)
        .first(&mut **conn)?;
    // A retried upload racing its first try: the nonce's unique key stops the second write,
    // and the next attempt finds every nonce logged.
    let mut last = None;
    for _ in 0..3 {
        match attempt(conn, keys, cache, user, req, &device, &point, lang, tz, now) {
            Err(AppError::Conflict { code, message }) if code != "device_retired" => {
                last = Some(AppError::Conflict { code, message });
            }
            other => return other,
        }
    }
    Err(last.unwrap_or_else(|| AppError::Internal("upload".into())))
}

#[allow(clippy::too_many_arguments)]
fn attempt(
    conn: &mut PooledConn,
    keys: &KeyRing,
    cache: &ScanCache,
    user: &CurrentUser,
    req: &BatchRequest,
    device: &devices::DeviceRow,
    point: &str,
    lang: Lang,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<BatchAnswer, AppError> {
    let received = now.naive_utc().trunc_subsecs(6);
    let mut results: Vec<BatchItem> = Vec::with_capacity(req.scans.len());
    let mut pending: Vec<(usize, Box<PendingScan>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Every scan's reads in one read transaction: one snapshot and, on SQLite, one lock
    // instead of one per query.
    diesel::Connection::transaction(&mut **conn, |c: &mut DbConn| -> Result<(), AppError> {
        for scan in &req.scans {
            let at = match check(scan, point, device.registered_at, received) {
                Ok(at) => at,
                Err(e) => {
                    results.push(refused(&scan.nonce, e));
                    continue;
                }
            };
            if !seen.insert(scan.nonce.as_str()) {
                results.push(item(&scan.nonce, "duplicate"));
                continue;
            }
            let request = ScanRequest {
                payload: Some(scan.payload.clone()),
                point: Some(point.to_string()),
                nonce: Some(scan.nonce.clone()),
                device: Some(device.name.clone()),
            };
            let when = at.and_utc();
            match service::prepare(c, keys, cache, user, &request, None, lang, tz, when)? {
                Prepared::Replay(first) => results.push(BatchItem {
                    scan_id: Some(first.scan_id),
                    server_verdict: Some(first.verdict.clone()),
                    server_reason: first.reason.clone(),
                    ..item(&scan.nonce, "duplicate")
                }),
                Prepared::Log(mut p) => {
                    p.decided_offline(OfflineFacts {
                        device_id: device.id,
                        device_verdict: scan.verdict.clone(),
                        device_reason: scan.reason.clone().filter(|r| !r.is_empty()),
                        received_at: received,
                    });
                    pending.push((results.len(), p));
                    results.push(item(&scan.nonce, "recorded"));
                }
            }
        }
        Ok(())
    })?;
    write_tx(conn, received, |tx| -> Result<(), AppError> {
        for (index, p) in &pending {
            let answer = service::log(tx, p)?;
            let slot = &mut results[*index];
            slot.conflict = in_conflict(tx, answer.scan_id)?;
            slot.scan_id = Some(answer.scan_id);
            slot.server_verdict = Some(answer.verdict);
            slot.server_reason = answer.reason;
        }
        devices::touch(tx, device.id, received, None)
    })?;
    Ok(BatchAnswer { results })
}

fn in_conflict(conn: &mut DbConn, scan_id: i64) -> Result<bool, AppError> {
    let n: i64 = scan_conflicts::table
        .filter(
            scan_conflicts::lost_scan_id
                .eq(scan_id)
                .or(scan_conflicts::kept_scan_id.eq(scan_id)),
        )
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
