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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::token::{PassKind, PassRecord};

    fn keys_file(key: &ed25519_dalek::SigningKey, retired: bool) -> String {
        serde_json::json!({"keys": [{"key_id": 3, "public_key": hex::encode(key.verifying_key().as_bytes()),
            "created_at": "2027-05-01T00:00:00Z", "retired_at": if retired { Some("2027-05-02T00:00:00Z") } else { None }}]})
        .to_string()
    }

    fn token(key: &ed25519_dalek::SigningKey) -> String {
        let record = PassRecord {
            kind: PassKind::Credential,
            key_id: 3,
            pass_id: 77,
            serial: 1,
            valid_from: 1000,
            valid_until: 2000,
            access: 1,
            photo: 0,
        };
        token::sign(&record, key)
    }

    #[test]
    fn a_good_token_verifies_offline_and_a_tampered_one_does_not() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
        let keys = keys_file(&key, false);
        let good = token(&key);
        assert!(verify_offline(&good, &keys, 1500)
            .unwrap()
            .starts_with("VALID"));
        assert!(verify_offline(&good, &keys, 2500)
            .unwrap()
            .starts_with("INVALID: expired"));
        let mut bad = good.clone().into_bytes();
        bad[70] = if bad[70] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(verify_offline(&bad, &keys, 1500)
            .unwrap()
            .starts_with("INVALID"));
        assert!(verify_offline("nonsense", &keys, 1500)
            .unwrap()
            .starts_with("INVALID: malformed"));
    }

    #[test]
    fn a_retired_or_missing_key_is_unknown_offline() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
        let good = token(&key);
        assert!(verify_offline(&good, &keys_file(&key, true), 1500)
            .unwrap()
            .starts_with("INVALID: unknown_key"));
        assert!(verify_offline(&good, r#"{"keys": []}"#, 1500)
            .unwrap()
            .starts_with("INVALID: unknown_key"));
        assert!(verify_offline(&good, "not json", 1500).is_err());
    }
}
