//! Conflicts found when offline scans come home: two devices that each let one single-use
//! ticket or meal through while apart (`double_use`: the earlier scan keeps the use), or a
//! device that let a pass through after it had been revoked (`revoked_before`). Security and
//! the canteen manager follow them up; they never undo what happened at the gate.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{
    devices, guests, pass_revocations, passes, scan_conflicts, scan_points, scans,
};
use crate::db::DbConn;
use crate::error::AppError;
use crate::time::to_rfc3339;

/// Two devices used one single-use thing.
pub const DOUBLE_USE: &str = "double_use";
/// A device accepted a pass revoked (or superseded) before the scan.
pub const REVOKED_BEFORE: &str = "revoked_before";

/// Records a conflict and tells the boards.
pub fn record(
    conn: &mut DbConn,
    kind: &str,
    pass_id: i64,
    kept: Option<i64>,
    lost: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let id: i64 = diesel::insert_into(scan_conflicts::table)
        .values((
            scan_conflicts::kind.eq(kind),
            scan_conflicts::pass_id.eq(pass_id),
            scan_conflicts::kept_scan_id.eq(kept),
            scan_conflicts::lost_scan_id.eq(lost),
            scan_conflicts::detected_at.eq(now),
        ))
        .returning(scan_conflicts::id)
        .get_result(conn)?;
    crate::live::insert_event(conn, None, "scan_conflict", &id.to_string(), now)?;
    Ok(())
}

/// When the token of `serial` of a pass stopped being good: revoked, or replaced by a newer
/// card — the earliest revocation entry that kills it.
pub fn died_at(
    conn: &mut DbConn,
    pass_id: i64,
    serial: i32,
) -> Result<Option<NaiveDateTime>, AppError> {
    Ok(pass_revocations::table
        .filter(pass_revocations::pass_id.eq(pass_id))
        .filter(
            pass_revocations::revoked
                .eq(true)
                .or(pass_revocations::min_serial.gt(serial)),
        )
        .select(diesel::dsl::min(pass_revocations::at))
        .first::<Option<NaiveDateTime>>(conn)?)
}

/// One side of a conflict.
#[derive(Serialize, ToSchema, Debug)]
pub struct ConflictScan {
    pub scan_id: i64,
    pub at: String,
    pub point: String,
    pub point_name: String,
    /// The device's name (registered devices), else what the scanner called itself.
    pub device: Option<String>,
    /// Scanned offline.
    pub offline: bool,
}

/// A conflict as security sees it.
#[derive(Serialize, ToSchema, Debug)]
pub struct Conflict {
    pub id: i64,
    /// `double_use` or `revoked_before`.
    pub kind: String,
    pub pass_id: i64,
    pub pass_kind: Option<String>,
    /// The holder's name.
    pub holder: Option<String>,
    pub detected_at: String,
    /// The scan that keeps the use (none for `revoked_before`).
    pub kept: Option<ConflictScan>,
    pub lost: ConflictScan,
}

/// The list.
#[derive(Serialize, ToSchema, Debug)]
pub struct ConflictList {
    pub conflicts: Vec<Conflict>,
}

type ScanSide = (
    i64,
    NaiveDateTime,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn scan_side(
    conn: &mut DbConn,
    id: i64,
    tz: chrono_tz::Tz,
) -> Result<Option<ConflictScan>, AppError> {
    let row: Option<ScanSide> = scans::table
        .inner_join(scan_points::table)
        .left_join(devices::table.on(devices::id.nullable().eq(scans::device_id)))
        .filter(scans::id.eq(id))
        .select((
            scans::id,
            scans::at,
            scan_points::code,
            scan_points::name,
            devices::name.nullable(),
            scans::device,
            scans::device_id,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(scan_id, at, point, point_name, registered, device, device_id)| ConflictScan {
            scan_id,
            at: to_rfc3339(tz, at),
            point,
            point_name,
            device: registered.or(device),
            offline: device_id.is_some(),
        },
    ))
}

/// id, kind, pass, kept scan, lost scan, detected, the pass's kind, the holder's name.
type ConflictRow = (
    i64,
    String,
    i64,
    Option<i64>,
    i64,
    NaiveDateTime,
    Option<String>,
    Option<String>,
);

/// The newest conflicts first (at most `limit`).
pub fn list(conn: &mut DbConn, tz: chrono_tz::Tz, limit: i64) -> Result<ConflictList, AppError> {
    let rows: Vec<ConflictRow> = scan_conflicts::table
        .left_join(passes::table.on(passes::id.eq(scan_conflicts::pass_id)))
        .left_join(guests::table.on(guests::id.nullable().eq(passes::guest_id)))
        .order(scan_conflicts::id.desc())
        .limit(limit)
        .select((
            scan_conflicts::id,
            scan_conflicts::kind,
            scan_conflicts::pass_id,
            scan_conflicts::kept_scan_id,
            scan_conflicts::lost_scan_id,
            scan_conflicts::detected_at,
            passes::kind.nullable(),
            guests::name.nullable(),
        ))
        .load(conn)?;
    let mut conflicts = Vec::with_capacity(rows.len());
    for (id, kind, pass_id, kept, lost, detected_at, pass_kind, holder) in rows {
        let Some(lost) = scan_side(conn, lost, tz)? else {
            continue;
        };
        let kept = match kept {
            Some(k) => scan_side(conn, k, tz)?,
            None => None,
        };
        conflicts.push(Conflict {
            id,
            kind,
            pass_id,
            pass_kind,
            holder,
            detected_at: to_rfc3339(tz, detected_at),
            kept,
            lost,
        });
    }
    Ok(ConflictList { conflicts })
}
