//! Passes issued signed at once, with no photo check: ceremony admissions (for a guest or a
//! host-city invitee) and single-use meal coupons.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::Tx;
use crate::error::AppError;
use crate::guests::service::guest_cards;
use crate::passes::model::{NewPass, PassResponse, PassStatus};
use crate::passes::service::{get_pass, sign_pass, signing_key};
use crate::passes::store;
use crate::passes::token::PassKind;

/// A ticket to a session, for a guest or a host-city invitee.
#[derive(serde::Deserialize, ToSchema, Debug)]
pub struct AdmissionRequest {
    /// The session.
    pub session_id: i64,
    /// A registered guest (reception) …
    pub guest_id: Option<i64>,
    /// … or a host-city invitee (office).
    pub invitee_name: Option<String>,
    /// The invitee's organization.
    pub invitee_org: Option<String>,
    /// Section.
    pub section: Option<String>,
    /// Seat.
    pub seat: Option<String>,
}

/// Issues an admission at once (tickets need no photo check).
pub fn create_admission(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &AdmissionRequest,
    tz: Tz,
) -> Result<PassResponse, AppError> {
    let now = tx.now();
    match (
        &req.guest_id,
        req.invitee_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    ) {
        (Some(_), None) => user.require(&[Role::Admin, Role::Reception])?,
        (None, Some(_)) => user.require(&[Role::Admin, Role::Office])?,
        _ => {
            return Err(AppError::invalid(
                "give either guest_id or invitee_name",
                json!([{"field": "guest_id"}]),
            ))
        }
    }
    let id = {
        let session =
            store::find_session(tx, req.session_id)?.ok_or(AppError::NotFound("session"))?;
        // The holder's photo hash goes into the ticket, as into a credential, so the gate can
        // tell the face shown is the one the ticket was issued with (docs/pass-format.md §2).
        let mut photo = None;
        if let Some(g) = req.guest_id {
            photo = guest_cards(tx, &[g])?
                .get(&g)
                .ok_or(AppError::NotFound("guest"))?
                .photo_sha256
                .clone();
            store::lock_key(tx, &format!("admission:{g}:{}", session.id))?;
            if store::has_live_admission(tx, g, session.id)? {
                return Err(AppError::conflict(
                    "has_admission",
                    format!(
                        "this guest already holds a ticket for {} (revoke it first)",
                        session.code
                    ),
                ));
            }
        }
        let day = |t: NaiveDateTime| crate::time::to_local(tz, t).date();
        let id = store::insert_pass(
            tx,
            &NewPass {
                kind: "admission".into(),
                serial: 1,
                status: PassStatus::Requested.as_str().into(),
                guest_id: req.guest_id,
                valid_from: day(session.starts_at),
                valid_to: day(session.ends_at),
                session_id: Some(session.id),
                section: req.section.clone(),
                seat: req.seat.clone(),
                invitee_name: req.invitee_name.clone(),
                invitee_org: req.invitee_org.clone(),
                created_at: now,
                updated_at: now,
                ..Default::default()
            },
        )?;
        let pass = store::find_pass(tx, id)?.ok_or(AppError::NotFound("pass"))?;
        let key = signing_key(tx)?;
        let token = sign_pass(&pass, 1, &[], photo.as_deref(), &key, tz)?;
        store::update_issued(tx, id, 1, &token, i32::from(key.0), now)?;
        audit::record(
            tx,
            &user.actor(),
            "issue",
            "pass",
            id,
            json!({"kind": "admission", "session": session.code}),
        )?;
        id
    };
    get_pass(tx, user, id, tz)
}

/// Issues `count` meal coupons valid on `day`: single-use passes of kind `meal_coupon`, signed
/// like every pass, holder-less. Returns their ids; the meals part records what each is for.
/// Call inside a write transaction.
pub fn issue_meal_coupons(
    tx: &mut Tx,
    count: usize,
    day: NaiveDate,
    tz: Tz,
) -> Result<Vec<i64>, AppError> {
    let now = tx.now();
    let key = signing_key(tx)?;
    let mut ids = Vec::with_capacity(count);
    for _ in 0..count {
        let id = store::insert_pass(
            tx,
            &NewPass {
                kind: PassKind::MealCoupon.as_str().into(),
                serial: 1,
                status: PassStatus::Requested.as_str().into(),
                valid_from: day,
                valid_to: day,
                created_at: now,
                updated_at: now,
                ..Default::default()
            },
        )?;
        let pass = store::find_pass(tx, id)?.ok_or(AppError::NotFound("pass"))?;
        let token = sign_pass(&pass, 1, &[], None, &key, tz)?;
        store::update_issued(tx, id, 1, &token, i32::from(key.0), now)?;
        ids.push(id);
    }
    Ok(ids)
}
