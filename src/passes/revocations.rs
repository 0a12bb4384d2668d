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
    sign_list(generated_at, cursor, entries, key.0, &key.1)
}

/// The text a list's signature covers (docs/pass-format.md §5): the context line, then the
/// compact JSON of the list without its signature, members in the documented order.
pub fn signed_text(
    generated_at: &str,
    cursor: i64,
    entries: &[RevocationEntry],
    key_id: i64,
) -> Result<String, AppError> {
    #[derive(Serialize)]
    struct Unsigned<'a> {
        generated_at: &'a str,
        cursor: i64,
        entries: &'a [RevocationEntry],
        key_id: i64,
    }
    let unsigned = serde_json::to_string(&Unsigned {
        generated_at,
        cursor,
        entries,
        key_id,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(format!("yingbin-revocations-v1\n{unsigned}"))
}

/// Signs a list: the text docs/pass-format.md §5 says a verifier rebuilds.
pub fn sign_list(
    generated_at: String,
    cursor: i64,
    entries: Vec<RevocationEntry>,
    key_id: u16,
    key: &ed25519_dalek::SigningKey,
) -> Result<RevocationList, AppError> {
    let message = signed_text(&generated_at, cursor, &entries, i64::from(key_id))?;
    let signature = hex::encode(key.sign(message.as_bytes()).to_bytes());
    Ok(RevocationList {
        generated_at,
        cursor,
        entries,
        key_id,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list of docs/pass-format.md §8 (`revocation-vector` block), signed by key 1.
    fn doc_vector() -> serde_json::Value {
        let doc = std::fs::read_to_string("docs/pass-format.md").expect("docs/pass-format.md");
        let block = doc
            .split("```revocation-vector\n")
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .expect("a revocation-vector block in docs/pass-format.md");
        serde_json::from_str(block).expect("the block is JSON")
    }

    #[test]
    fn the_documented_revocation_list_is_what_the_service_signs() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
        let list = sign_list(
            "2027-05-14T23:30:00Z".into(),
            118,
            vec![
                RevocationEntry {
                    pass_id: 12,
                    kind: "credential".into(),
                    min_serial: 2,
                    revoked: false,
                },
                RevocationEntry {
                    pass_id: 305,
                    kind: "vehicle".into(),
                    min_serial: 1,
                    revoked: true,
                },
            ],
            1,
            &key,
        )
        .expect("signed");
        let made = serde_json::to_value(&list).expect("json");
        if std::env::var_os("YINGBIN_PRINT_VECTORS").is_some() {
            println!("{made}");
        }
        assert_eq!(doc_vector(), made);
    }

    #[test]
    fn the_documented_list_verifies_by_the_rebuilt_text_and_fails_when_changed() {
        use ed25519_dalek::Verifier;
        let v = doc_vector();
        let public = crate::passes::token::verifying_key_from_hex(
            "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c",
        )
        .expect("key 1");
        let signature = ed25519_dalek::Signature::from_slice(
            &hex::decode(v["signature"].as_str().expect("signature")).expect("hex"),
        )
        .expect("64 bytes");
        let mut unsigned = v.clone();
        unsigned
            .as_object_mut()
            .expect("object")
            .remove("signature");
        // serde_json keeps member order (preserve_order is not needed: the doc's order is
        // rebuilt by hand here, as a third party would).
        let text = |revoked_305: bool| {
            format!(
                "yingbin-revocations-v1\n{{\"generated_at\":{},\"cursor\":{},\"entries\":[{{\"pass_id\":12,\"kind\":\"credential\",\"min_serial\":2,\"revoked\":false}},{{\"pass_id\":305,\"kind\":\"vehicle\",\"min_serial\":1,\"revoked\":{revoked_305}}}],\"key_id\":1}}",
                unsigned["generated_at"], unsigned["cursor"]
            )
        };
        assert!(public.verify(text(true).as_bytes(), &signature).is_ok());
        assert!(public.verify(text(false).as_bytes(), &signature).is_err());
    }
}
