//! Use cases of personal credentials: request (one or in bulk), approve (sign), print, collect,
//! revoke, reissue; and what every pass kind shares (zones, dates, signing, the response).
//! Vehicle passes are requested in `vehicle_requests`, tickets issued in `tickets`.

use crate::guests::mail;
use crate::outbox::Kind;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use ed25519_dalek::SigningKey;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::service::{guest_cards, may_act_on, GuestCard};
use crate::guests::GuestFilter;
use crate::passes::keys;
use crate::passes::model::{
    EventSession, NewPass, Pass, PassAdmission, PassGuest, PassResponse, PassStatus, PassVehicle,
    Zone,
};
use crate::passes::rules::{self, Action};
use crate::passes::store::{self, PassFilter};
use crate::passes::token::{self, PassKind, PassRecord};
use crate::time::to_rfc3339;

fn not_found(e: diesel::result::Error) -> AppError {
    match e {
        diesel::result::Error::NotFound => AppError::NotFound("pass"),
        e => e.into(),
    }
}

/// Zone codes → the zones, or 422 naming the unknown ones.
pub(crate) fn resolve_zones(all: &[Zone], codes: &[String]) -> Result<Vec<Zone>, AppError> {
    let unknown: Vec<&String> = codes
        .iter()
        .filter(|c| !all.iter().any(|z| &z.code == *c))
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::invalid(
            format!(
                "unknown zones: {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            json!([{"field": "zones"}]),
        ));
    }
    Ok(all
        .iter()
        .filter(|z| codes.contains(&z.code))
        .cloned()
        .collect())
}

pub(crate) fn check_dates(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    if to < from {
        return Err(AppError::invalid(
            "valid_to is before valid_from",
            json!([{"field": "valid_to"}]),
        ));
    }
    Ok(())
}

/// Signs a pass as it stands, with `serial`.
pub(crate) fn sign_pass(
    pass: &Pass,
    serial: i32,
    zones: &[Zone],
    photo: Option<&str>,
    key: &(u16, SigningKey),
    tz: Tz,
) -> Result<String, AppError> {
    let kind = PassKind::parse(&pass.kind)
        .ok_or_else(|| AppError::Internal(format!("kind {}", pass.kind)))?;
    let (valid_from, valid_until) = rules::validity_window(pass.valid_from, pass.valid_to, tz);
    let access = match kind {
        PassKind::Admission => pass.session_id.unwrap_or(0) as u64,
        _ => {
            let codes = pass.zone_codes();
            let bits: Vec<u8> = zones
                .iter()
                .filter(|z| codes.contains(&z.code))
                .filter_map(|z| u8::try_from(z.bit).ok())
                .collect();
            token::zone_mask(&bits)
        }
    };
    let photo = photo
        .and_then(|h| h.get(..8))
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or(0);
    let record = PassRecord {
        kind,
        key_id: key.0,
        pass_id: u32::try_from(pass.id)
            .map_err(|_| AppError::Internal("pass id beyond u32".into()))?,
        serial: u16::try_from(serial).map_err(|_| {
            AppError::conflict("serial_exhausted", "this pass has been reissued too often")
        })?,
        valid_from,
        valid_until,
        access,
        photo,
    };
    Ok(token::sign(&record, &key.1))
}

pub(crate) fn signing_key(conn: &mut DbConn) -> Result<(u16, SigningKey), AppError> {
    keys::current_signing_key(conn)?.ok_or_else(|| AppError::Internal("no signing key".into()))
}

/// Builds the API view of passes, loading their guests and sessions in one go.
pub fn responses(
    conn: &mut DbConn,
    passes: &[Pass],
    tz: Tz,
) -> Result<Vec<PassResponse>, AppError> {
    let guest_ids: Vec<i64> = passes.iter().filter_map(|p| p.guest_id).collect();
    let cards = guest_cards(conn, &guest_ids)?;
    let sessions: HashMap<i64, EventSession> = if passes.iter().any(|p| p.session_id.is_some()) {
        store::list_sessions(conn)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    } else {
        HashMap::new()
    };
    Ok(passes
        .iter()
        .map(|p| response(p, p.guest_id.and_then(|g| cards.get(&g)), &sessions, tz))
        .collect())
}

fn response(
    p: &Pass,
    card: Option<&GuestCard>,
    sessions: &HashMap<i64, EventSession>,
    tz: Tz,
) -> PassResponse {
    let ts = |t: Option<NaiveDateTime>| t.map(|t| to_rfc3339(tz, t));
    let missing = match (p.kind.as_str(), card) {
        ("credential", Some(c)) => {
            rules::missing_for_approval(c.photo_sha256.is_some(), c.has_id_number)
                .into_iter()
                .map(str::to_string)
                .collect()
        }
        _ => Vec::new(),
    };
    PassResponse {
        id: p.id,
        kind: p.kind.clone(),
        serial: p.serial,
        status: p.status.clone(),
        zones: p.zone_codes(),
        valid_from: p.valid_from,
        valid_to: p.valid_to,
        missing,
        revoked_reason: p.revoked_reason.clone(),
        revoked_note: p.revoked_note.clone(),
        token: p.token.clone().filter(|_| p.status != "revoked"),
        guest: card.map(|c| PassGuest {
            id: c.id,
            ref_code: c.ref_code.clone(),
            name: c.name.clone(),
            name_latin: c.name_latin.clone(),
            category: c.category.clone(),
            department: c.department.clone(),
            delegation: c.delegation.clone(),
            organization: c.organization.clone(),
            has_photo: c.photo_sha256.is_some(),
        }),
        vehicle: p.plate.as_ref().map(|plate| PassVehicle {
            plate: plate.clone(),
            stream: p.stream.clone().unwrap_or_default(),
            vehicle_type: p.vehicle_type.clone(),
            driver_name: p.driver_name.clone(),
            driver_phone: p.driver_phone.clone(),
        }),
        admission: (p.kind == "admission").then(|| PassAdmission {
            session: p
                .session_id
                .and_then(|s| sessions.get(&s))
                .map(|s| crate::passes::catalog::session_response(s, tz)),
            section: p.section.clone(),
            seat: p.seat.clone(),
            invitee_name: p.invitee_name.clone(),
            invitee_org: p.invitee_org.clone(),
        }),
        issued_at: ts(p.issued_at),
        printed_at: ts(p.printed_at),
        collected_at: ts(p.collected_at),
        revoked_at: ts(p.revoked_at),
    }
}

/// Who may see passes of a kind, and which (a department only its guests' credentials).
pub fn check_view(
    user: &CurrentUser,
    pass: &Pass,
    card: Option<&GuestCard>,
) -> Result<(), AppError> {
    let roles: &[Role] = match pass.kind.as_str() {
        "credential" => &[
            Role::Admin,
            Role::Reception,
            Role::Security,
            Role::Department,
            Role::Office,
            Role::Committee,
        ],
        "vehicle" => &[
            Role::Admin,
            Role::Reception,
            Role::Security,
            Role::Transport,
            Role::Office,
        ],
        _ => &[Role::Admin, Role::Reception, Role::Security, Role::Office],
    };
    user.require(roles)?;
    match (user.department_scope(), card) {
        (Some(_), None) => Err(AppError::Forbidden),
        (Some(_), Some(c)) if !may_act_on(user, c.department_id) => Err(AppError::Forbidden),
        _ => Ok(()),
    }
}

/// One pass, if `user` may see it.
pub fn get_pass(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: i64,
    tz: Tz,
) -> Result<PassResponse, AppError> {
    let pass = store::find_pass(conn, id)?.ok_or(AppError::NotFound("pass"))?;
    let cards = guest_cards(conn, &pass.guest_id.into_iter().collect::<Vec<_>>())?;
    check_view(user, &pass, pass.guest_id.and_then(|g| cards.get(&g)))?;
    Ok(responses(conn, &[pass], tz)?.remove(0))
}

/// The token of a pass `user` may see (for QR rendering).
pub fn pass_token(conn: &mut DbConn, user: &CurrentUser, id: i64) -> Result<String, AppError> {
    let pass = store::find_pass(conn, id)?.ok_or(AppError::NotFound("pass"))?;
    let cards = guest_cards(conn, &pass.guest_id.into_iter().collect::<Vec<_>>())?;
    check_view(user, &pass, pass.guest_id.and_then(|g| cards.get(&g)))?;
    match (pass.status.as_str(), pass.token) {
        ("revoked", _) => Err(AppError::conflict("revoked", "this pass is revoked")),
        (_, Some(t)) => Ok(t),
        (_, None) => Err(AppError::conflict(
            "not_issued",
            "this pass has not been issued yet",
        )),
    }
}

/// A page of passes.
pub fn list(
    conn: &mut DbConn,
    filter: &PassFilter,
    guest_filter: Option<&GuestFilter>,
    limit: i64,
    offset: i64,
    tz: Tz,
) -> Result<(i64, Vec<PassResponse>), AppError> {
    let (total, rows) = store::list_passes(conn, filter, guest_filter, limit, offset)?;
    Ok((total, responses(conn, &rows, tz)?))
}

/// A credential request for one guest.
pub fn request_credential(
    tx: &mut Tx,
    user: &CurrentUser,
    guest_id: i64,
    zones: &[String],
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
) -> Result<PassResponse, AppError> {
    let now = tx.now();
    check_dates(from, to)?;
    let id = {
        let cards = guest_cards(tx, &[guest_id])?;
        let card = cards.get(&guest_id).ok_or(AppError::NotFound("guest"))?;
        if !may_act_on(user, card.department_id) {
            return Err(AppError::Forbidden);
        }
        // No zones given: the category's, as the zone policy says.
        let zones = match zones {
            [] => crate::passes::follow::policy_zones(tx, card.category.as_deref())?
                .unwrap_or_default(),
            given => given.to_vec(),
        };
        let zones = zones.as_slice();
        let all = store::list_zones(tx)?;
        resolve_zones(&all, zones)?;
        if !store::guests_with_live_credential(tx, &[guest_id])?.is_empty() {
            return Err(AppError::conflict(
                "has_credential",
                "this guest already has a credential (revoke it first, or reissue it)",
            ));
        }
        let id = store::insert_pass(tx, &new_credential(guest_id, zones, from, to, now))?;
        audit::record(
            tx,
            &user.actor(),
            "request",
            "pass",
            id,
            json!({"kind": "credential", "guest_id": guest_id}),
        )?;
        id
    };
    get_pass(tx, user, id, tz)
}

fn new_credential(
    guest_id: i64,
    zones: &[String],
    from: NaiveDate,
    to: NaiveDate,
    now: NaiveDateTime,
) -> NewPass {
    NewPass {
        kind: "credential".into(),
        serial: 1,
        status: PassStatus::Requested.as_str().into(),
        guest_id: Some(guest_id),
        zones: zones.join(","),
        valid_from: from,
        valid_to: to,
        created_at: now,
        updated_at: now,
        ..Default::default()
    }
}

/// The outcome of a bulk request.
#[derive(Serialize, ToSchema, Debug, Default)]
pub struct BulkRequested {
    /// Credentials requested.
    pub created: usize,
    /// Guests skipped because they already hold a credential.
    pub skipped: usize,
}

/// Requests credentials for every guest matching a filter who has none.
pub fn request_credentials_bulk(
    tx: &mut Tx,
    user: &CurrentUser,
    mut filter: GuestFilter,
    zones: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BulkRequested, AppError> {
    let now = tx.now();
    check_dates(from, to)?;
    filter.scope_department_id = user.department_scope();
    filter.withdrawn = Some(false);
    let all = store::list_zones(tx)?;
    resolve_zones(&all, zones)?;
    let policy: std::collections::HashMap<String, Vec<String>> =
        crate::passes::follow::zone_policy(tx)?
            .into_iter()
            .map(|e| (e.category, e.zones))
            .collect();
    let guests = crate::guests::list_all_guests(tx, &filter)?;
    // No zones given: each guest's category's, as the zone policy says.
    let zones_of = |category: Option<&String>| -> Vec<String> {
        match zones {
            [] => category
                .and_then(|c| policy.get(c))
                .cloned()
                .unwrap_or_default(),
            given => given.to_vec(),
        }
    };
    let wanted: std::collections::HashMap<i64, Vec<String>> = guests
        .iter()
        .map(|g| (g.id, zones_of(g.category.as_ref())))
        .collect();
    let ids: Vec<i64> = guests.iter().map(|g| g.id).collect();
    let mut has: Vec<i64> = Vec::new();
    for chunk in ids.chunks(10_000) {
        has.extend(store::guests_with_live_credential(tx, chunk)?);
    }
    has.sort_unstable();
    let mut out = BulkRequested::default();
    for id in ids {
        if has.binary_search(&id).is_ok() {
            out.skipped += 1;
        } else {
            let zones = wanted.get(&id).map(Vec::as_slice).unwrap_or_default();
            store::insert_pass(tx, &new_credential(id, zones, from, to, now))?;
            out.created += 1;
        }
    }
    audit::record(
        tx,
        &user.actor(),
        "request",
        "pass",
        "*",
        json!({"kind": "credential", "created": out.created}),
    )?;
    Ok(out)
}

/// One pass that could not be approved, and why.
#[derive(Serialize, ToSchema, Debug)]
pub struct Incomplete {
    /// Pass id.
    pub id: i64,
    /// What is missing (`photo`, `id_number`) or why not (`not_requested`).
    pub missing: Vec<String>,
}

/// The outcome of approving.
#[derive(Serialize, ToSchema, Debug, Default)]
pub struct Approved {
    /// Passes issued.
    pub approved: usize,
    /// Passes left as they were, with the reason.
    pub incomplete: Vec<Incomplete>,
}

/// Approves and signs the requested passes among `ids` (security).
pub fn approve(tx: &mut Tx, user: &CurrentUser, ids: &[i64], tz: Tz) -> Result<Approved, AppError> {
    let now = tx.now();
    let key = signing_key(tx)?;
    let zones = store::list_zones(tx)?;
    let mut out = Approved::default();
    // Each newly signed credential's holder is mailed their pass.
    let mut to_mail: Vec<(i64, String)> = Vec::new();
    for chunk in ids.chunks(10_000) {
        let filter = PassFilter {
            ids: Some(chunk.to_vec()),
            ..Default::default()
        };
        let (_, passes) = store::list_passes(tx, &filter, None, i64::MAX, 0)?;
        let guest_ids: Vec<i64> = passes.iter().filter_map(|p| p.guest_id).collect();
        let cards = guest_cards(tx, &guest_ids)?;
        for pass in passes {
            let status = PassStatus::parse(&pass.status).unwrap_or(PassStatus::Revoked);
            if rules::transition(status, Action::Approve).is_err() {
                out.incomplete.push(Incomplete {
                    id: pass.id,
                    missing: vec![format!("status_{}", pass.status)],
                });
                continue;
            }
            let card = pass.guest_id.and_then(|g| cards.get(&g));
            if pass.kind == "credential" {
                let missing = card.map_or(vec!["guest"], |c| {
                    rules::missing_for_approval(c.photo_sha256.is_some(), c.has_id_number)
                });
                if !missing.is_empty() {
                    out.incomplete.push(Incomplete {
                        id: pass.id,
                        missing: missing.into_iter().map(str::to_string).collect(),
                    });
                    continue;
                }
            }
            let token = sign_pass(
                &pass,
                pass.serial,
                &zones,
                card.and_then(|c| c.photo_sha256.as_deref()),
                &key,
                tz,
            )?;
            store::update_issued(tx, pass.id, pass.serial, &token, i32::from(key.0), now)?;
            out.approved += 1;
            if let (Some(guest), "credential") = (pass.guest_id, pass.kind.as_str()) {
                to_mail.push((guest, pass.id.to_string()));
            }
        }
    }
    mail::to_guests(tx, Kind::Pass, &to_mail, json!({}), &user.username)?;
    audit::record(
        tx,
        &user.actor(),
        "approve",
        "pass",
        if ids.len() == 1 {
            ids[0].to_string()
        } else {
            "*".into()
        },
        json!({"approved": out.approved, "ids": ids.len()}),
    )?;
    Ok(out)
}

/// Marks a pass printed or collected.
pub fn mark(tx: &mut Tx, user: &CurrentUser, id: i64, action: Action) -> Result<(), AppError> {
    let now = tx.now();
    let pass = store::find_pass(tx, id)?.ok_or(AppError::NotFound("pass"))?;
    let from = PassStatus::parse(&pass.status).unwrap_or(PassStatus::Revoked);
    let to = rules::transition(from, action).map_err(|m| AppError::conflict("bad_state", m))?;
    store::update_status(tx, id, to.as_str(), now)?;
    audit::record(tx, &user.actor(), to.as_str(), "pass", id, json!({}))?;
    Ok(())
}

/// Why a pass is revoked.
pub const REVOKE_REASONS: [&str; 3] = ["lost", "stolen", "withdrawn"];

/// Revokes a pass; scanners reject it from now on, offline ones after their next feed.
pub fn revoke(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    reason: &str,
    note: Option<&str>,
) -> Result<(), AppError> {
    let now = tx.now();
    if !REVOKE_REASONS.contains(&reason) {
        return Err(AppError::invalid(
            "reason must be lost, stolen or withdrawn",
            json!([{"field": "reason"}]),
        ));
    }
    let pass = store::find_pass(tx, id)
        .map_err(not_found)?
        .ok_or(AppError::NotFound("pass"))?;
    let from = PassStatus::parse(&pass.status).unwrap_or(PassStatus::Revoked);
    rules::transition(from, Action::Revoke).map_err(|m| AppError::conflict("bad_state", m))?;
    store::update_revoked(tx, id, reason, note, now)?;
    store::insert_revocation(tx, id, &pass.kind, pass.serial, true, now)?;
    if let (Some(guest), "credential") = (pass.guest_id, pass.kind.as_str()) {
        mail::to_guest(
            tx,
            Kind::PassRevoked,
            guest,
            id,
            json!({"reason": reason}),
            &user.username,
        )?;
    }
    audit::record(
        tx,
        &user.actor(),
        "revoke",
        "pass",
        id,
        json!({"reason": reason, "note": note}),
    )?;
    Ok(())
}

/// A new card with the next serial; the old card is superseded.
pub fn reissue(tx: &mut Tx, user: &CurrentUser, id: i64, tz: Tz) -> Result<PassResponse, AppError> {
    let now = tx.now();
    let pass = store::find_pass(tx, id)?.ok_or(AppError::NotFound("pass"))?;
    let from = PassStatus::parse(&pass.status).unwrap_or(PassStatus::Requested);
    rules::transition(from, Action::Reissue).map_err(|m| AppError::conflict("bad_state", m))?;
    let cards = guest_cards(tx, &pass.guest_id.into_iter().collect::<Vec<_>>())?;
    let card = pass.guest_id.and_then(|g| cards.get(&g));
    let serial = pass.serial + 1;
    let key = signing_key(tx)?;
    let zones = store::list_zones(tx)?;
    let token = sign_pass(
        &pass,
        serial,
        &zones,
        card.and_then(|c| c.photo_sha256.as_deref()),
        &key,
        tz,
    )?;
    store::update_issued(tx, id, serial, &token, i32::from(key.0), now)?;
    store::insert_revocation(tx, id, &pass.kind, serial, false, now)?;
    if let (Some(guest), "credential") = (pass.guest_id, pass.kind.as_str()) {
        // The new card's QR; the old one no longer scans.
        mail::to_guest(
            tx,
            Kind::Pass,
            guest,
            id,
            json!({"reissued": serial}),
            &user.username,
        )?;
    }
    audit::record(
        tx,
        &user.actor(),
        "reissue",
        "pass",
        id,
        json!({"serial": serial}),
    )?;
    get_pass(tx, user, id, tz)
}
