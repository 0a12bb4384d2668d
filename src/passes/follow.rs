//! Passes that follow their holder: the zones each category's credential opens (the zone
//! policy), and what a change to a guest does to the passes they hold — a credential reissued
//! with the new category's zones (the old card superseded in the signed list), every live pass
//! revoked when the guest withdraws (each in the signed list), the credential and tickets asked
//! for again when they are restored. Called inside the change's transaction; writes no mail
//! (the change tells the guest once, in one letter).

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::fields::Category;
use crate::guests::service::guest_cards;
use crate::passes::model::{NewPass, Pass, PassStatus};
use crate::passes::service::{resolve_zones, sign_pass, signing_key};
use crate::passes::store;

/// One category's credential zones.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct ZonePolicyEntry {
    /// Guest category code (`vip`, `entourage`, `journalist`, `staff`, `delegate`).
    pub category: String,
    /// Zone codes its credential opens.
    pub zones: Vec<String>,
}

/// The zone policy, by category.
pub fn zone_policy(conn: &mut DbConn) -> Result<Vec<ZonePolicyEntry>, AppError> {
    Ok(store::list_zone_policy(conn)?
        .into_iter()
        .map(|(category, zones)| ZonePolicyEntry {
            category,
            zones: split(&zones),
        })
        .collect())
}

/// The zones a category's credential opens; `None` when the policy does not say.
pub fn policy_zones(
    conn: &mut DbConn,
    category: Option<&str>,
) -> Result<Option<Vec<String>>, AppError> {
    let Some(category) = category else {
        return Ok(None);
    };
    Ok(zone_policy(conn)?
        .into_iter()
        .find(|e| e.category == category)
        .map(|e| e.zones))
}

/// Replaces the zone policy (security). Credentials already issued keep their zones until
/// their holder's category changes or security reissues them.
pub fn set_zone_policy(
    tx: &mut Tx,
    user: &CurrentUser,
    entries: &[ZonePolicyEntry],
) -> Result<Vec<ZonePolicyEntry>, AppError> {
    let all = store::list_zones(tx)?;
    let mut rows: BTreeMap<String, String> = BTreeMap::new();
    for e in entries {
        if Category::parse(&e.category).is_none() {
            return Err(AppError::invalid(
                format!("unknown category {}", e.category),
                json!([{"field": "category"}]),
            ));
        }
        resolve_zones(&all, &e.zones)?;
        let mut zones = e.zones.clone();
        zones.sort();
        zones.dedup();
        if rows.insert(e.category.clone(), zones.join(",")).is_some() {
            return Err(AppError::invalid(
                format!("category {} is given twice", e.category),
                json!([{"field": "category"}]),
            ));
        }
    }
    let rows: Vec<(String, String)> = rows.into_iter().collect();
    let now = tx.now();
    store::replace_zone_policy(tx, &rows, now)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "zone_policy",
        "*",
        json!({"categories": rows.len()}),
    )?;
    zone_policy(tx)
}

fn split(zones: &str) -> Vec<String> {
    let mut v: Vec<String> = zones
        .split(',')
        .filter(|z| !z.is_empty())
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// A pass as a change reports it.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct PassRef {
    /// Pass id.
    pub id: i64,
    /// `credential`, `admission`, `vehicle`, `meal_coupon`.
    pub kind: String,
    /// Serial as printed ("No. 1337-2" is pass 1337, serial 2).
    pub serial: i32,
}

/// What a change did to a guest's passes.
#[derive(Serialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct PassChange {
    /// `none`, `zones_updated` (the request, not yet signed, takes the new zones),
    /// `reissued` (a new card, the old one superseded), `revoked`, `requested`.
    pub action: String,
    /// The credential's zones before and after.
    pub zones_before: Vec<String>,
    /// The credential's zones after.
    pub zones_after: Vec<String>,
    /// The credential as it was.
    pub before: Option<PassRef>,
    /// The credential as it is now (a reissue has the next serial).
    pub after: Option<PassRef>,
    /// Passes revoked (withdrawal): every one is in the signed revocation list.
    pub revoked: Vec<PassRef>,
    /// Passes asked for again (restore).
    pub requested: Vec<PassRef>,
}

fn pass_ref(p: &Pass) -> PassRef {
    PassRef {
        id: p.id,
        kind: p.kind.clone(),
        serial: p.serial,
    }
}

fn live_credential(tx: &mut Tx, guest_id: i64) -> Result<Option<Pass>, AppError> {
    Ok(store::live_passes_of_guest(tx, guest_id)?
        .into_iter()
        .rfind(|p| p.kind == "credential"))
}

/// Makes the guest's credential open what `category`'s policy gives: a request not yet
/// signed takes the zones; a signed card is reissued (next serial; the old one superseded in
/// the signed list, so scanners refuse it). Nothing when the policy names no zones for the
/// category or the zones are already right.
pub fn follow_category(
    tx: &mut Tx,
    actor: &Actor,
    guest_id: i64,
    category: Option<&str>,
    tz: Tz,
) -> Result<PassChange, AppError> {
    let none = PassChange {
        action: "none".into(),
        ..Default::default()
    };
    let Some(credential) = live_credential(tx, guest_id)? else {
        return Ok(none);
    };
    let Some(wanted) = policy_zones(tx, category)? else {
        return Ok(none);
    };
    let had = split(&credential.zones);
    if had == wanted {
        return Ok(PassChange {
            zones_before: had.clone(),
            zones_after: had,
            before: Some(pass_ref(&credential)),
            after: Some(pass_ref(&credential)),
            ..none
        });
    }
    let now = tx.now();
    store::update_zones(tx, credential.id, &wanted.join(","), now)?;
    let action = if credential.status == PassStatus::Requested.as_str() {
        "zones_updated"
    } else {
        let pass = store::find_pass(tx, credential.id)?.ok_or(AppError::NotFound("pass"))?;
        let serial = pass.serial + 1;
        let cards = guest_cards(tx, &[guest_id])?;
        let photo = cards.get(&guest_id).and_then(|c| c.photo_sha256.clone());
        let key = signing_key(tx)?;
        let zones = store::list_zones(tx)?;
        let token = sign_pass(&pass, serial, &zones, photo.as_deref(), &key, tz)?;
        store::update_issued(tx, pass.id, serial, &token, i32::from(key.0), now)?;
        store::insert_revocation(tx, pass.id, &pass.kind, serial, false, now)?;
        "reissued"
    };
    let after = store::find_pass(tx, credential.id)?.ok_or(AppError::NotFound("pass"))?;
    audit::record(
        tx,
        actor,
        action,
        "pass",
        credential.id,
        json!({"zones_before": had, "zones_after": wanted, "serial": after.serial}),
    )?;
    Ok(PassChange {
        action: action.into(),
        zones_before: had,
        zones_after: wanted,
        before: Some(pass_ref(&credential)),
        after: Some(pass_ref(&after)),
        ..Default::default()
    })
}

/// Revokes every live pass the guest holds (credential, tickets…), each entered in the signed
/// revocation list, so an offline scanner refuses it too.
pub fn revoke_all(tx: &mut Tx, actor: &Actor, guest_id: i64) -> Result<PassChange, AppError> {
    let now = tx.now();
    let live = store::live_passes_of_guest(tx, guest_id)?;
    let credential = live.iter().rfind(|p| p.kind == "credential").cloned();
    let mut revoked = Vec::new();
    for p in &live {
        store::update_revoked(tx, p.id, "withdrawn", None, now)?;
        store::insert_revocation(tx, p.id, &p.kind, p.serial, true, now)?;
        audit::record(
            tx,
            actor,
            "revoke",
            "pass",
            p.id,
            json!({"reason": "withdrawn"}),
        )?;
        revoked.push(pass_ref(p));
    }
    Ok(PassChange {
        action: if revoked.is_empty() {
            "none"
        } else {
            "revoked"
        }
        .into(),
        zones_before: credential
            .as_ref()
            .map(|c| split(&c.zones))
            .unwrap_or_default(),
        before: credential.as_ref().map(pass_ref),
        revoked,
        ..Default::default()
    })
}

/// After a restore: asks again for the credential and tickets the withdrawal revoked — a new
/// credential request with the category's zones (security signs it as any other), and each
/// ticket issued anew.
pub fn request_again(
    tx: &mut Tx,
    actor: &Actor,
    guest_id: i64,
    category: Option<&str>,
    tz: Tz,
) -> Result<PassChange, AppError> {
    let now = tx.now();
    let withdrawn: Vec<Pass> = store::passes_of_guest(tx, guest_id)?
        .into_iter()
        .filter(|p| p.revoked_reason.as_deref() == Some("withdrawn"))
        .collect();
    let live = store::live_passes_of_guest(tx, guest_id)?;
    let mut requested = Vec::new();
    let credential = withdrawn.iter().rfind(|p| p.kind == "credential");
    if let Some(old) = credential.filter(|_| !live.iter().any(|p| p.kind == "credential")) {
        let zones = policy_zones(tx, category)?.unwrap_or_else(|| split(&old.zones));
        let id = store::insert_pass(
            tx,
            &NewPass {
                kind: "credential".into(),
                serial: 1,
                status: PassStatus::Requested.as_str().into(),
                guest_id: Some(guest_id),
                zones: zones.join(","),
                valid_from: old.valid_from,
                valid_to: old.valid_to,
                created_at: now,
                updated_at: now,
                ..Default::default()
            },
        )?;
        requested.push(PassRef {
            id,
            kind: "credential".into(),
            serial: 1,
        });
    }
    let key = signing_key(tx)?;
    let mut sessions: Vec<i64> = Vec::new();
    for old in withdrawn.iter().filter(|p| p.kind == "admission") {
        let Some(session) = old.session_id else {
            continue;
        };
        let held = live
            .iter()
            .any(|p| p.kind == "admission" && p.session_id == Some(session));
        if held || sessions.contains(&session) {
            continue;
        }
        sessions.push(session);
        let id = store::insert_pass(
            tx,
            &NewPass {
                kind: "admission".into(),
                serial: 1,
                status: PassStatus::Requested.as_str().into(),
                guest_id: Some(guest_id),
                valid_from: old.valid_from,
                valid_to: old.valid_to,
                session_id: Some(session),
                section: old.section.clone(),
                seat: old.seat.clone(),
                created_at: now,
                updated_at: now,
                ..Default::default()
            },
        )?;
        let pass = store::find_pass(tx, id)?.ok_or(AppError::NotFound("pass"))?;
        let token = sign_pass(&pass, 1, &[], None, &key, tz)?;
        store::update_issued(tx, id, 1, &token, i32::from(key.0), now)?;
        requested.push(pass_ref(&pass));
    }
    for p in &requested {
        audit::record(
            tx,
            actor,
            "request",
            "pass",
            p.id,
            json!({"kind": p.kind, "restored": guest_id}),
        )?;
    }
    Ok(PassChange {
        action: if requested.is_empty() {
            "none"
        } else {
            "requested"
        }
        .into(),
        requested,
        ..Default::default()
    })
}

/// Whether the guest ever held a pass (revoked ones count: a deleted holder would leave the
/// signed list pointing at nobody, and the audit trail at a name).
pub fn ever_held_a_pass(conn: &mut DbConn, guest_id: i64) -> Result<bool, AppError> {
    Ok(!store::passes_of_guest(conn, guest_id)?.is_empty())
}

/// The guest's live credential and its zones, if any.
pub fn credential_of(
    conn: &mut DbConn,
    guest_id: i64,
) -> Result<Option<(PassRef, Vec<String>)>, AppError> {
    Ok(store::live_passes_of_guest(conn, guest_id)?
        .into_iter()
        .rfind(|p| p.kind == "credential")
        .map(|p| (pass_ref(&p), split(&p.zones))))
}
