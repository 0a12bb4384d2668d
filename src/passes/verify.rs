//! Offline verification, as a third-party scanner would do it: only the token, the public
//! keys file and, when given, the signed revocation list — no database
//! (`yingbin verify TOKEN --keys keys.json [--revocations revocations.json]`). The order is
//! docs/pass-format.md §6, steps 1–6 (a gate's own rule needs the gate).

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

#[derive(Deserialize)]
struct RevocationFile {
    generated_at: String,
    cursor: i64,
    entries: Vec<RevocationLine>,
    key_id: i64,
    signature: String,
}

#[derive(Deserialize)]
struct RevocationLine {
    pass_id: i64,
    kind: String,
    min_serial: i32,
    revoked: bool,
}

/// The revocation list's entries (pass id → min serial, revoked), once its signature holds
/// under one of `keys` (§5: a list that fails is refused whole).
fn trusted_revocations(
    json: &str,
    keys: &KeysFile,
) -> Result<std::collections::HashMap<i64, (i32, bool)>, String> {
    let list: RevocationFile =
        serde_json::from_str(json).map_err(|e| format!("revocations file: {e}"))?;
    let key = keys
        .keys
        .iter()
        .find(|k| k.key_id == list.key_id && k.retired_at.is_none())
        .and_then(|k| token::verifying_key_from_hex(&k.public_key))
        .ok_or("revocations file: signed by an unknown key")?;
    let entries: Vec<crate::passes::revocations::RevocationEntry> = list
        .entries
        .iter()
        .map(|e| crate::passes::revocations::RevocationEntry {
            pass_id: e.pass_id,
            kind: e.kind.clone(),
            min_serial: e.min_serial,
            revoked: e.revoked,
        })
        .collect();
    let text = crate::passes::revocations::signed_text(
        &list.generated_at,
        list.cursor,
        &entries,
        list.key_id,
    )
    .map_err(|e| e.to_string())?;
    let signature = hex::decode(&list.signature)
        .ok()
        .and_then(|b| ed25519_dalek::Signature::from_slice(&b).ok())
        .ok_or("revocations file: the signature is not 128 hex digits")?;
    key.verify_strict(text.as_bytes(), &signature)
        .map_err(|_| "revocations file: the signature does not match; not used")?;
    // A later entry for the same pass replaces the earlier one.
    Ok(list
        .entries
        .into_iter()
        .map(|e| (e.pass_id, (e.min_serial, e.revoked)))
        .collect())
}

/// A report that starts with `VALID` or `INVALID: reason`, then the decoded fields.
pub fn verify_offline(
    text: &str,
    keys_json: &str,
    revocations_json: Option<&str>,
    now: i64,
) -> Result<String, String> {
    let keys: KeysFile = serde_json::from_str(keys_json).map_err(|e| format!("keys file: {e}"))?;
    let revocations = revocations_json
        .map(|j| trusted_revocations(j, &keys))
        .transpose()?;
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
    let entry = revocations
        .as_ref()
        .and_then(|list| list.get(&i64::from(r.pass_id)).copied());
    let verdict = match key {
        None => "INVALID: unknown_key",
        Some(k) if !decoded.verify(&k) => "INVALID: bad_signature",
        Some(_) if entry.is_some_and(|(_, revoked)| revoked) => "INVALID: revoked",
        Some(_) if entry.is_some_and(|(min, _)| i32::from(r.serial) < min) => {
            "INVALID: superseded (the holder has a newer card)"
        }
        Some(_) if now < i64::from(r.valid_from) => "INVALID: not_yet_valid",
        Some(_) if now >= i64::from(r.valid_until) => "INVALID: expired",
        Some(_) if revocations.is_some() => "VALID (signature, revocations and dates)",
        Some(_) => {
            "VALID (signature and dates; give --revocations to check for revoked or superseded)"
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
        assert!(verify_offline(&good, &keys, None, 1500)
            .unwrap()
            .starts_with("VALID"));
        assert!(verify_offline(&good, &keys, None, 2500)
            .unwrap()
            .starts_with("INVALID: expired"));
        let mut bad = good.clone().into_bytes();
        bad[70] = if bad[70] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(verify_offline(&bad, &keys, None, 1500)
            .unwrap()
            .starts_with("INVALID"));
        assert!(verify_offline("nonsense", &keys, None, 1500)
            .unwrap()
            .starts_with("INVALID: malformed"));
    }

    #[test]
    fn a_retired_or_missing_key_is_unknown_offline() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
        let good = token(&key);
        assert!(verify_offline(&good, &keys_file(&key, true), None, 1500)
            .unwrap()
            .starts_with("INVALID: unknown_key"));
        assert!(verify_offline(&good, r#"{"keys": []}"#, None, 1500)
            .unwrap()
            .starts_with("INVALID: unknown_key"));
        assert!(verify_offline(&good, "not json", None, 1500).is_err());
    }

    #[test]
    fn a_signed_revocation_list_turns_a_dead_card_invalid_and_a_forged_list_is_refused() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
        let keys = keys_file(&key, false);
        let good = token(&key);
        let list = |revoked: bool, min_serial: i32| {
            let l = crate::passes::revocations::sign_list(
                "2027-05-14T23:30:00Z".into(),
                7,
                vec![crate::passes::revocations::RevocationEntry {
                    pass_id: 77,
                    kind: "credential".into(),
                    min_serial,
                    revoked,
                }],
                3,
                &key,
            )
            .unwrap();
            serde_json::to_string(&l).unwrap()
        };
        let report = |l: &str| verify_offline(&good, &keys, Some(l), 1500).unwrap();
        assert!(report(&list(true, 1)).starts_with("INVALID: revoked"));
        assert!(report(&list(true, 2)).starts_with("INVALID: revoked"));
        assert!(report(&list(false, 2)).starts_with("INVALID: superseded"));
        assert!(report(&list(false, 1)).starts_with("VALID (signature, revocations"));
        // A list changed after signing is refused, not silently used.
        let forged = list(true, 1).replace("\"revoked\":true", "\"revoked\":false");
        assert!(verify_offline(&good, &keys, Some(&forged), 1500).is_err());
    }
}
