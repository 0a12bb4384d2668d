//! A guest who forgot the pass: the guard or the canteen finds them by name and sees the photo
//! and what their pass would be answered here now — the same verdict as a scan of their card,
//! computed from the token the service issued, but nothing is claimed and no scan is logged.
//! The lookup itself is recorded in the audit log, so security can see who looked up whom.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::schema::passes;
use crate::db::{write_tx, PooledConn};
use crate::error::AppError;
use crate::guests::GuestFilter;
use crate::i18n::Lang;
use crate::passes::keys::KeyRing;
use crate::scan::service::{self, may_scan_at, Prepared, ScanCache, ScanRequest};
use crate::scan::store;

/// At most this many people per lookup.
const CANDIDATES: i64 = 5;

/// A lookup at a point.
#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// The scan point's code.
    pub point: String,
    /// A name (Chinese or Latin) or ref, 1–50 characters.
    pub q: String,
}

/// The pass a candidate holds.
#[derive(Serialize, ToSchema, Debug)]
pub struct LookupPass {
    pub id: i64,
    pub kind: String,
    pub serial: i32,
    pub status: String,
    pub zones: Vec<String>,
}

/// A person who may be the one at the point.
#[derive(Serialize, ToSchema, Debug)]
pub struct Candidate {
    pub guest_id: i64,
    pub name: String,
    pub name_latin: Option<String>,
    #[serde(rename = "ref")]
    pub ref_code: String,
    pub category: Option<String>,
    pub delegation: Option<String>,
    pub organization: Option<String>,
    pub photo_url: Option<String>,
    pub pass: Option<LookupPass>,
    /// What a scan of their card would be answered here now.
    pub verdict: String,
    pub reason: Option<String>,
    pub message: String,
    pub meal: Option<crate::meals::canteen::MealInfo>,
    pub lodging: Option<crate::hotels::desk::Lodging>,
}

/// The answer.
#[derive(Serialize, ToSchema, Debug)]
pub struct LookupAnswer {
    pub candidates: Vec<Candidate>,
}

/// Finds up to five guests by name at `point` and says what their pass would get there.
#[allow(clippy::too_many_arguments)]
pub fn lookup(
    conn: &mut PooledConn,
    keys: &KeyRing,
    cache: &ScanCache,
    user: &CurrentUser,
    req: &LookupRequest,
    lang: Lang,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<LookupAnswer, AppError> {
    let q = req.q.trim();
    if q.is_empty() || q.chars().count() > 50 {
        return Err(AppError::invalid(
            "q must be 1–50 characters",
            json!([{"field": "q"}]),
        ));
    }
    let point = store::find_point(conn, req.point.trim())?
        .ok_or_else(|| AppError::invalid("unknown scan point", json!([{"field": "point"}])))?;
    if !may_scan_at(user, &point) {
        return Err(AppError::Forbidden);
    }
    let filter = GuestFilter {
        q: Some(q.to_string()),
        ..Default::default()
    };
    let (_, guests) = crate::guests::list_guests(conn, &filter, CANDIDATES, 0)?;
    let wanted = match point.kind.as_str() {
        "vehicle_gate" => "vehicle",
        "session_gate" => "admission",
        _ => "credential",
    };
    let mut candidates = Vec::with_capacity(guests.len());
    for g in guests {
        let mut q = passes::table
            .filter(passes::guest_id.eq(g.id))
            .filter(passes::kind.eq(wanted))
            .into_boxed::<crate::db::MultiBackend>();
        if let Some(session) = point.session_id {
            q = q.filter(passes::session_id.eq(session));
        }
        let held: Option<(i64, String, i32, String, Option<String>)> = q
            .order(passes::id.desc())
            .select((
                passes::id,
                passes::kind,
                passes::serial,
                passes::status,
                passes::token,
            ))
            .first(&mut **conn)
            .optional()?;
        let card = crate::guests::service::guest_card(conn, g.id)?;
        let mut c = Candidate {
            guest_id: g.id,
            name: g.name.clone(),
            name_latin: g.name_latin.clone(),
            ref_code: g.ref_code.clone(),
            category: g.category.clone(),
            delegation: card.as_ref().and_then(|c| c.delegation.clone()),
            organization: g.organization.clone(),
            photo_url: card
                .as_ref()
                .and_then(|c| c.photo_sha256.as_ref())
                .map(|_| format!("/api/v1/guests/{}/photo", g.id)),
            pass: None,
            verdict: "reject".into(),
            reason: Some("no_pass".into()),
            message: lang
                .pick("无有效证件", "Holds no pass for this point")
                .into(),
            meal: None,
            lodging: None,
        };
        if let Some((id, kind, serial, status, Some(token))) = held {
            let ask = ScanRequest {
                payload: Some(token),
                point: Some(point.code.clone()),
                nonce: None,
                device: None,
            };
            // The verdict a scan would get, decided and not logged: nothing is claimed.
            if let Prepared::Log(pending) =
                service::prepare(conn, keys, cache, user, &ask, None, lang, tz, now)?
            {
                let answer = pending.answer_without_logging(conn)?;
                c.pass = Some(LookupPass {
                    id,
                    kind,
                    serial,
                    status,
                    zones: answer.pass.map(|p| p.zones).unwrap_or_default(),
                });
                c.verdict = answer.verdict;
                c.reason = answer.reason;
                c.message = answer.message;
                c.meal = answer.meal;
                c.lodging = answer.lodging;
            }
        }
        candidates.push(c);
    }
    let found: Vec<i64> = candidates.iter().map(|c| c.guest_id).collect();
    write_tx(conn, now.naive_utc(), |tx| {
        audit::record(
            tx,
            &user.actor(),
            "lookup",
            "scan_point",
            point.id,
            json!({"point": point.code, "q": q, "found": found}),
        )
    })?;
    Ok(LookupAnswer { candidates })
}
