//! Offline verification, as a third-party scanner would do it: only the token and the
//! public keys file, no database (`yingbin verify TOKEN --keys keys.json`).

use serde::Deserialize;

use crate::passes::token;

#[derive(Deserialize)]
struct KeysFile {
    keys: Vec<KeyEntry>,
}

#[derive(Deserialize)]
struct KeyEntry {
    key_id: i64,
    public_key: String,
    retired_at: Option<String>,
}

/// A report that starts with `VALID` or `INVALID: reason`, then the decoded fields.
pub fn verify_offline(text: &str, keys_json: &str, now: i64) -> Result<String, String> {
    let keys: KeysFile = serde_json::from_str(keys_json).map_err(|e| format!("keys file: {e}"))?;
    let decoded = match token::decode(text) {
        Ok(d) => d,
        Err(e) => return Ok(format!("INVALID: malformed ({e})")),
    };
    let r = decoded.record;
    let fields = format!(
        "kind {}\npass {} serial {}\nkey {}\nvalid {} .. {} (Unix seconds)\naccess {:#x}\nphoto {:08x}",
        r.kind.as_str(), r.pass_id, r.serial, r.key_id, r.valid_from, r.valid_until, r.access, r.photo
    );
    let key = keys
        .keys
        .iter()
        .find(|k| k.key_id == i64::from(r.key_id) && k.retired_at.is_none())
        .and_then(|k| token::verifying_key_from_hex(&k.public_key));
    let verdict = match key {
        None => "INVALID: unknown_key",
        Some(k) if !decoded.verify(&k) => "INVALID: bad_signature",
        Some(_) if now < i64::from(r.valid_from) => "INVALID: not_yet_valid",
        Some(_) if now >= i64::from(r.valid_until) => "INVALID: expired",
        Some(_) => {
            "VALID (signature and dates; check the revocation list for revoked or superseded)"
        }
    };
    Ok(format!("{verdict}\n{fields}"))
}
