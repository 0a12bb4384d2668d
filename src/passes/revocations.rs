//! The signed revocation list offline scanners poll (format in docs/pass-format.md).

use ed25519_dalek::Signer;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::AppError;
use crate::passes::{keys, store};

/// The signed revocation list (see docs/pass-format.md).
#[derive(Serialize, ToSchema, Debug)]
pub struct RevocationList {
    /// When made, RFC 3339 UTC.
    pub generated_at: String,
    /// Pass this as `since` next time.
    pub cursor: i64,
    /// What changed since the cursor.
    pub entries: Vec<RevocationEntry>,
    /// The key that signed.
    pub key_id: u16,
    /// Ed25519 signature, hex.
    pub signature: String,
}

/// One revoked or superseded pass.
#[derive(Serialize, ToSchema, Debug)]
pub struct RevocationEntry {
    /// Pass id.
    pub pass_id: i64,
    /// Kind.
    pub kind: String,
    /// Tokens with a lower serial are superseded.
    pub min_serial: i32,
    /// Revoked altogether.
    pub revoked: bool,
}

/// The revocations since `since`, signed by the current key.
pub fn revocations(conn: &mut DbConn, since: i64) -> Result<RevocationList, AppError> {
    let rows = store::list_revocations(conn, since)?;
    let cursor = rows.last().map_or(since, |r| r.0);
    let entries: Vec<RevocationEntry> = rows
        .into_iter()
        .map(|(_, pass_id, kind, min_serial, revoked)| RevocationEntry {
            pass_id,
            kind,
            min_serial,
            revoked,
        })
        .collect();
    let key = keys::current_signing_key(conn)?
        .ok_or_else(|| AppError::Internal("no signing key".into()))?;
    let generated_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // Members in the order docs/pass-format.md gives, so a third party can rebuild the text.
    #[derive(Serialize)]
    struct Unsigned<'a> {
        generated_at: &'a str,
        cursor: i64,
        entries: &'a [RevocationEntry],
        key_id: u16,
    }
    let unsigned = serde_json::to_string(&Unsigned {
        generated_at: &generated_at,
        cursor,
        entries: &entries,
        key_id: key.0,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let message = format!("yingbin-revocations-v1\n{unsigned}");
    let signature = hex::encode(key.1.sign(message.as_bytes()).to_bytes());
    Ok(RevocationList {
        generated_at,
        cursor,
        entries,
        key_id: key.0,
        signature,
    })
}
