//! Offline scans coming home (`batch`): what a device says it decided, and what its accept
//! finds when it is logged — a single use another scan also took (the earlier keeps it; the
//! use moves to it when it arrives later) or a pass dead before the scan — recorded as
//! conflicts. Called from `service::log` inside the scan's write transaction.

use crate::db::DbConn;
use crate::error::AppError;
use crate::scan::rules::Reason;
use crate::scan::service::PendingScan;
use crate::scan::store;

/// What a device says of a scan it decided offline.
#[derive(Debug, Clone)]
pub struct OfflineFacts {
    pub device_id: i64,
    /// `accept` or `reject`: what the person at the point was told.
    pub device_verdict: String,
    pub device_reason: Option<String>,
    pub received_at: chrono::NaiveDateTime,
}

/// Whether the device let the holder through.
pub(super) fn accepted_offline(pending: &PendingScan) -> bool {
    pending
        .offline
        .as_ref()
        .is_some_and(|o| o.device_verdict == "accept")
}

/// A single use found taken when an offline accept came home.
pub(super) enum Clash {
    /// This scan is earlier: it takes the use over from `lost` (the scan that held it).
    TakeOver { lost: Option<i64> },
    /// An earlier scan (`kept`) holds the use: this one was a second use.
    Second { kept: Option<i64> },
}

/// What an offline accept found when it came home: a single use another scan also took (the
/// earlier keeps it), or a pass that was dead before the scan.
pub(super) fn record(
    conn: &mut DbConn,
    pending: &PendingScan,
    clash: Option<Clash>,
    outcome: Result<(), Reason>,
    pass_id: i64,
    id: i64,
) -> Result<(), AppError> {
    use crate::scan::conflicts::{self, DOUBLE_USE, REVOKED_BEFORE};
    let Some(received) = pending.offline.as_ref().map(|o| o.received_at) else {
        return Ok(());
    };
    match clash {
        Some(Clash::TakeOver { lost }) => {
            if let Some(session_id) = pending.claims_session {
                store::move_session_use(conn, pass_id, session_id, id, pending.at)?;
            }
            if let Some(claim) = &pending.claims_meal {
                crate::meals::move_use(
                    conn,
                    &claim.eater,
                    claim.day,
                    claim.service.as_str(),
                    claim.point_id,
                    claim.halal,
                    pending.at,
                )?;
            }
            if let Some(lost) = lost {
                conflicts::record(conn, DOUBLE_USE, pass_id, Some(id), lost, received)?;
            }
        }
        Some(Clash::Second { kept }) => {
            conflicts::record(conn, DOUBLE_USE, pass_id, kept, id, received)?;
        }
        None => {}
    }
    if accepted_offline(pending) && matches!(outcome, Err(Reason::Revoked | Reason::Superseded)) {
        let died = conflicts::died_at(conn, pass_id, pending.serial.unwrap_or(0))?;
        // No revocation entry at all: the pass was deleted; it was dead when scanned.
        if died.is_none_or(|d| d <= pending.at) {
            conflicts::record(conn, REVOKED_BEFORE, pass_id, None, id, received)?;
        }
    }
    Ok(())
}
