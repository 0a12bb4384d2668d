//! Signing keys: rows, so every instance signs and verifies with the same keys.
//!
//! The first start generates key 1. `yingbin keys rotate` adds a new key that signs from
//! then on; older keys still verify until retired. Scanners fetch the public keys from
//! `GET /api/v1/passes/keys`. Verification looks keys up in a small in-process cache that is
//! refreshed from the table every few seconds, so a rotation or retirement made by another
//! instance is seen at once without a query per scan.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::rngs::OsRng;

use crate::db::schema::signing_keys;
use crate::db::{DbConn, Tx};
use crate::passes::model::SigningKeyRow;
use crate::passes::token;

/// All keys, oldest first.
pub fn list_keys(conn: &mut DbConn) -> QueryResult<Vec<SigningKeyRow>> {
    signing_keys::table
        .order(signing_keys::key_id.asc())
        .select(SigningKeyRow::as_select())
        .load(conn)
}

/// Adds a fresh key with the next key id and returns that id.
pub fn create_key(tx: &mut Tx) -> QueryResult<i32> {
    let now = tx.now();
    let conn: &mut DbConn = tx;
    let next: Option<i32> = signing_keys::table
        .select(diesel::dsl::max(signing_keys::key_id))
        .first(conn)?;
    let key_id = next.unwrap_or(0) + 1;
    let key = SigningKey::generate(&mut OsRng);
    diesel::insert_into(signing_keys::table)
        .values((
            signing_keys::key_id.eq(key_id),
            signing_keys::public_key.eq(hex::encode(key.verifying_key().as_bytes())),
            signing_keys::secret_key.eq(hex::encode(key.to_bytes())),
            signing_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(key_id)
}

/// Makes sure a signing key exists (first start).
pub fn ensure_key(tx: &mut Tx) -> QueryResult<()> {
    if list_keys(tx)?.iter().all(|k| k.retired_at.is_some()) {
        create_key(tx)?;
    }
    Ok(())
}

/// Retires a key: it no longer signs or verifies.
pub fn retire_key(tx: &mut Tx, key_id: i32) -> QueryResult<usize> {
    let now = tx.now();
    diesel::update(signing_keys::table.filter(signing_keys::key_id.eq(key_id)))
        .set(signing_keys::retired_at.eq(Some(now)))
        .execute(&mut **tx)
}

/// The key that signs now: the newest that is not retired.
pub fn current_signing_key(conn: &mut DbConn) -> QueryResult<Option<(u16, SigningKey)>> {
    let row = signing_keys::table
        .filter(signing_keys::retired_at.is_null())
        .order(signing_keys::key_id.desc())
        .select(SigningKeyRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.and_then(|r| {
        let id = u16::try_from(r.key_id).ok()?;
        token::signing_key_from_hex(&r.secret_key).map(|k| (id, k))
    }))
}

/// Public keys by key id, cached for a few seconds.
#[derive(Default)]
pub struct KeyRing {
    cache: RwLock<Option<(Instant, HashMap<u16, VerifyingKey>)>>,
}

/// How long the cache is trusted before the table is read again.
const REFRESH: Duration = Duration::from_secs(5);

impl KeyRing {
    /// The verifying key of `key_id`, unless unknown or retired.
    pub fn get(&self, conn: &mut DbConn, key_id: u16) -> QueryResult<Option<VerifyingKey>> {
        if let Some(known) = self.cached(key_id) {
            return Ok(known);
        }
        let keys: HashMap<u16, VerifyingKey> = list_keys(conn)?
            .into_iter()
            .filter(|k| k.retired_at.is_none())
            .filter_map(|k| {
                Some((
                    u16::try_from(k.key_id).ok()?,
                    token::verifying_key_from_hex(&k.public_key)?,
                ))
            })
            .collect();
        let found = keys.get(&key_id).copied();
        if let Ok(mut guard) = self.cache.write() {
            *guard = Some((Instant::now(), keys));
        }
        Ok(found)
    }

    /// What the cache knows of `key_id` without asking the database: `None` when the cache is
    /// empty or due for a refresh.
    pub fn cached(&self, key_id: u16) -> Option<Option<VerifyingKey>> {
        let guard = self.cache.read().ok()?;
        let (loaded, keys) = guard.as_ref()?;
        (loaded.elapsed() < REFRESH).then(|| keys.get(&key_id).copied())
    }
}
