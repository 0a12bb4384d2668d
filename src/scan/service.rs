//! Scanning: one endpoint for every kind of point. Decode, verify, decide, log — the log row
//! and (for admissions) the first-use row are written in one transaction, so a verdict and
//! its record cannot part, and "already used" is decided by a unique key, not a race.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::DbConn;
use crate::error::AppError;
use crate::hotels::rules::DeskVerdict;
use crate::i18n::Lang;
use crate::passes::keys::KeyRing;
use crate::passes::token::{self, PassKind};
use crate::scan::model::{NewScan, ScanPoint};
use crate::scan::reconcile::{self, OfflineFacts};
use crate::scan::rules::{self, PassState, PointKind, PointView, Reason};
use crate::scan::store;

pub use crate::scan::points::{create_point, list_points, update_point, PointRequest};
use crate::time::to_rfc3339;

/// A scan as the point sends it.
#[derive(Deserialize, ToSchema, Debug)]
pub struct ScanRequest {
    /// The text read from the QR code.
    pub payload: Option<String>,
    /// The scan point's code.
    pub point: Option<String>,
    /// A client-chosen id: the same nonce again gets the first answer and logs nothing.
    pub nonce: Option<String>,
    /// Which handset or scanner.
    pub device: Option<String>,
}

/// The pass as a verdict shows it.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct ScannedPass {
    pub id: i64,
    pub kind: String,
    pub serial: u16,
    pub zones: Vec<String>,
    pub valid_from: String,
    pub valid_until: String,
}

/// The holder as a verdict shows them (to compare with the person at the gate).
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct Holder {
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub delegation: Option<String>,
    pub organization: Option<String>,
    pub photo_url: Option<String>,
    /// Whether the stored photo is the one the token was signed with.
    pub photo_matches: bool,
}

/// The vehicle as a verdict shows it.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct Vehicle {
    pub plate: String,
    pub stream: String,
    pub driver: Option<String>,
}

/// When and where a pass was first used.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct FirstUse {
    pub at: String,
    pub point: String,
    pub device: Option<String>,
}

/// A verdict.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct ScanResponse {
    /// `accept` or `reject`.
    pub verdict: String,
    /// Why rejected.
    pub reason: Option<String>,
    /// For the person at the gate, in their language.
    pub message: String,
    /// The log row.
    pub scan_id: i64,
    pub pass: Option<ScannedPass>,
    pub holder: Option<Holder>,
    pub vehicle: Option<Vehicle>,
    pub first_use: Option<FirstUse>,
    /// At a hotel desk: the guest's booking (here, or where they should go).
    #[serde(default)]
    pub lodging: Option<crate::hotels::desk::Lodging>,
    /// At a canteen: the service, halal and diet, or where and when to eat instead.
    #[serde(default)]
    pub meal: Option<crate::meals::canteen::MealInfo>,
}

/// Zones and points, trusted for a few seconds on the scan path.
pub struct ScanCache {
    zones: crate::cache::Ttl<Vec<crate::passes::Zone>>,
    points: crate::cache::Ttl<Vec<ScanPoint>>,
    meals: crate::cache::Ttl<crate::meals::catalog::MealCatalog>,
}

impl Default for ScanCache {
    fn default() -> ScanCache {
        let ttl = std::time::Duration::from_secs(5);
        ScanCache {
            zones: crate::cache::Ttl::new(ttl),
            points: crate::cache::Ttl::new(ttl),
            meals: crate::cache::Ttl::new(ttl),
        }
    }
}

impl ScanCache {
    fn meal_catalog(
        &self,
        conn: &mut DbConn,
        point: &str,
    ) -> Result<std::sync::Arc<crate::meals::catalog::MealCatalog>, AppError> {
        self.meals.get(
            |c: &crate::meals::catalog::MealCatalog| c.point(point).is_some(),
            || crate::meals::catalog::MealCatalog::load(conn),
        )
    }

    fn point(&self, conn: &mut DbConn, code: &str) -> Result<Option<ScanPoint>, AppError> {
        let points = self.points.get(
            |ps: &Vec<ScanPoint>| ps.iter().any(|p| p.code == code),
            || store::list_points(conn),
        )?;
        Ok(points.iter().find(|p| p.code == code).cloned())
    }

    fn zones(
        &self,
        conn: &mut DbConn,
        needed: Option<&str>,
    ) -> Result<std::sync::Arc<Vec<crate::passes::Zone>>, AppError> {
        Ok(self.zones.get(
            |zs: &Vec<crate::passes::Zone>| {
                needed.is_none_or(|code| zs.iter().any(|z| z.code == code))
            },
            || crate::passes::list_zones(conn),
        )?)
    }
}

/// Whether `user` may scan at `point`.
pub fn may_scan_at(user: &CurrentUser, point: &ScanPoint) -> bool {
    let scope = user.scope.as_deref().unwrap_or("");
    match user.role {
        Role::Admin | Role::Security => true,
        Role::Checkpoint => scope.split(',').map(str::trim).any(|c| c == point.code),
        Role::HotelDesk => point.kind == "hotel_desk" && point.target.as_deref() == Some(scope),
        Role::Canteen => point.kind == "canteen" && point.target.as_deref() == Some(scope),
        _ => false,
    }
}

fn unix_to_rfc3339(tz: Tz, t: u32) -> String {
    DateTime::from_timestamp(i64::from(t), 0)
        .map(|d| to_rfc3339(tz, d.naive_utc()))
        .unwrap_or_default()
}

/// A verdict decided and waiting to be logged.
#[derive(Debug)]
pub struct PendingScan {
    response: ScanResponse,
    outcome: Result<(), Reason>,
    pub(super) at: chrono::NaiveDateTime,
    point_id: i64,
    user_id: i64,
    device: Option<String>,
    nonce: Option<String>,
    pub(super) pass_id: Option<i64>,
    pub(super) serial: Option<i32>,
    /// The session whose first entry this admission claims (no re-entry).
    pub(super) claims_session: Option<i64>,
    /// The meal a canteen scan claims.
    pub(super) claims_meal: Option<crate::meals::canteen::MealClaim>,
    lang: Lang,
    tz: Tz,
    /// Decided on a device with the network down and uploaded later.
    pub(super) offline: Option<OfflineFacts>,
}

impl PendingScan {
    /// Marks the scan as decided offline. A device that turned the holder away used nothing,
    /// whatever the service would have said, so its scan claims no entry and no meal.
    pub fn decided_offline(&mut self, facts: OfflineFacts) {
        if facts.device_verdict != "accept" {
            self.claims_session = None;
            self.claims_meal = None;
        }
        self.offline = Some(facts);
    }

    /// What a scan would be answered, without logging it or claiming anything (a lookup by
    /// name): an entry or a meal taken already counts, as it would at the gate.
    pub fn answer_without_logging(&self, conn: &mut DbConn) -> Result<ScanResponse, AppError> {
        let mut r = self.response.clone();
        let mut outcome = self.outcome;
        if let (Ok(()), Some(session), Some(pass)) = (outcome, self.claims_session, self.pass_id) {
            if store::session_use(conn, pass, session)?.is_some() {
                outcome = Err(Reason::AlreadyUsed);
            }
        }
        if let (Ok(()), Some(claim)) = (outcome, &self.claims_meal) {
            if crate::meals::find_use(conn, &claim.eater, claim.day, claim.service.as_str())?
                .is_some()
            {
                outcome = Err(Reason::AlreadyUsed);
            }
        }
        match outcome {
            Ok(()) => {
                r.verdict = "accept".into();
                r.reason = None;
                r.message = self.lang.pick("通过", "Accepted").into();
            }
            Err(reason) => {
                r.verdict = "reject".into();
                r.reason = Some(reason.as_str().into());
                r.message = reason.message(self.lang).into();
            }
        }
        Ok(r)
    }
}

/// What a scan needs next: either the answer given before to the same nonce, or a log write.
#[derive(Debug)]
pub enum Prepared {
    /// The first answer to this nonce.
    Replay(Box<ScanResponse>),
    /// A verdict to log (and, for an admission, its first entry to claim).
    Log(Box<PendingScan>),
}

/// Verifies the payload's signature where no database is needed, when the key ring's cache
/// is fresh: the key it holds under, to hand to [`prepare`] so the scan log's single writer
/// does not spend its time on Ed25519. `None` when it could not be checked here or is bad
/// (`prepare` then checks it and says why).
pub fn verify_signature(keys: &KeyRing, payload: Option<&str>) -> Option<VerifyingKey> {
    let decoded = token::decode(payload?).ok()?;
    let key = keys.cached(decoded.record.key_id)??;
    decoded.verify(&key).then_some(key)
}

/// Everything before the write: who may scan where, the nonce, the verdict. `verified` is
/// the key [`verify_signature`] found the payload signed with, if it was called.
#[allow(clippy::too_many_arguments)]
pub fn prepare(
    conn: &mut DbConn,
    keys: &KeyRing,
    cache: &ScanCache,
    user: &CurrentUser,
    req: &ScanRequest,
    verified: Option<&VerifyingKey>,
    lang: Lang,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Prepared, AppError> {
    let (Some(payload), Some(point_code)) =
        (req.payload.as_deref(), req.point.as_deref().map(str::trim))
    else {
        return Err(AppError::invalid(
            "a scan needs payload and point",
            json!([{"field": "payload"}, {"field": "point"}]),
        ));
    };
    let point = cache
        .point(conn, point_code)?
        .ok_or(AppError::NotFound("scan point"))?;
    if !may_scan_at(user, &point) {
        return Err(AppError::Forbidden);
    }
    // At most 100 characters: a longer one is refused at the edge (`crate::http::rule_for`).
    let nonce = req.nonce.as_deref().filter(|n| !n.is_empty());
    if let Some(n) = nonce {
        if let Some(first) = store::find_by_nonce(conn, user.id, n)? {
            return replay(first.id, &first.response).map(|r| Prepared::Replay(Box::new(r)));
        }
    }
    let mut response = ScanResponse {
        verdict: "reject".into(),
        reason: None,
        message: String::new(),
        scan_id: 0,
        pass: None,
        holder: None,
        vehicle: None,
        first_use: None,
        lodging: None,
        meal: None,
    };
    let mut claims_meal = None;
    let outcome = judge(
        conn,
        keys,
        cache,
        &point,
        payload,
        verified,
        tz,
        now,
        &mut response,
        &mut claims_meal,
    )?;
    let (pass_id, serial) = response
        .pass
        .as_ref()
        .map_or((None, None), |p| (Some(p.id), Some(i32::from(p.serial))));
    let claims_session = match (&outcome, &response.pass, point.session_id) {
        (Ok(()), Some(p), Some(session)) if p.kind == PassKind::Admission.as_str() => {
            let reentry =
                crate::passes::find_session(conn, session)?.is_some_and(|s| s.allow_reentry);
            (!reentry).then_some(session)
        }
        _ => None,
    };
    use chrono::SubsecRound;
    Ok(Prepared::Log(Box::new(PendingScan {
        response,
        outcome,
        at: now.naive_utc().trunc_subsecs(6),
        point_id: point.id,
        user_id: user.id,
        device: req.device.clone(),
        nonce: nonce.map(str::to_string),
        pass_id,
        serial,
        claims_session,
        claims_meal,
        lang,
        tz,
        offline: None,
    })))
}

/// Writes a decided scan: claims the admission's first entry (the unique key decides
/// "already used", inside a savepoint so a conflict does not spoil the transaction on
/// PostgreSQL), then appends the log row. Call inside a write transaction.
pub fn log(conn: &mut DbConn, pending: &PendingScan) -> Result<ScanResponse, AppError> {
    let (lang, tz) = (pending.lang, pending.tz);
    let mut outcome = pending.outcome;
    let mut response = pending.response.clone();
    let mut clash: Option<reconcile::Clash> = None;
    if let (Some(session_id), Some(pass_id)) = (pending.claims_session, pending.pass_id) {
        let used = diesel::Connection::transaction(conn, |c| {
            store::insert_use(c, pass_id, session_id, 0, pending.at)
        });
        if let Err(e) = used {
            if !matches!(
                e,
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _
                )
            ) {
                return Err(e.into());
            }
            let held = store::session_use(conn, pass_id, session_id)?;
            match held {
                Some((at, scan)) if reconcile::accepted_offline(pending) && pending.at < at => {
                    clash = Some(reconcile::Clash::TakeOver { lost: Some(scan) });
                }
                _ => {
                    outcome = Err(Reason::AlreadyUsed);
                    if reconcile::accepted_offline(pending) {
                        clash = Some(reconcile::Clash::Second {
                            kept: held.map(|h| h.1),
                        });
                    }
                    response.first_use =
                        store::first_use(conn, pass_id, session_id)?.map(|(t, point, device)| {
                            FirstUse {
                                at: to_rfc3339(tz, t),
                                point,
                                device,
                            }
                        });
                }
            }
        }
    }
    if let (Some(claim), Ok(())) = (&pending.claims_meal, outcome) {
        let service = claim.service.as_str();
        if !crate::meals::claim_use(
            conn,
            &claim.eater,
            claim.day,
            service,
            claim.point_id,
            claim.halal,
            pending.at,
        )? {
            // One read for when and where the meal was had; the scan that had it matters
            // only to an offline accept coming home.
            let held = crate::meals::find_use(conn, &claim.eater, claim.day, service)?;
            let offline = reconcile::accepted_offline(pending);
            let held_scan = match &held {
                Some((at, point_id, _)) if offline => {
                    store::accepted_scan_at(conn, *point_id, *at)?
                }
                _ => None,
            };
            match held {
                Some((at, _, _)) if offline && pending.at < at => {
                    clash = Some(reconcile::Clash::TakeOver { lost: held_scan });
                }
                _ => {
                    outcome = Err(Reason::AlreadyUsed);
                    if offline {
                        clash = Some(reconcile::Clash::Second { kept: held_scan });
                    }
                    if let Some((at, _, point)) = held {
                        response.first_use = Some(FirstUse {
                            at: to_rfc3339(tz, at),
                            point: point.unwrap_or_default(),
                            device: None,
                        });
                    }
                }
            }
        }
    }
    match outcome {
        Ok(()) => {
            response.verdict = "accept".into();
            response.reason = None;
            response.message = match &response.meal {
                // The canteen sends halal guests to the halal counter.
                Some(m) if m.halal => lang.pick("通过 · 清真 Halal", "Accepted · Halal").into(),
                _ => lang.pick("通过", "Accepted").into(),
            };
        }
        Err(reason) => {
            response.verdict = "reject".into();
            response.reason = Some(reason.as_str().into());
            response.message = match (&response.first_use, reason) {
                (Some(f), Reason::AlreadyUsed) => {
                    format!("{} ({}, {})", reason.message(lang), f.at, f.point)
                }
                (_, Reason::WrongPoint) => match response
                    .meal
                    .as_ref()
                    .and_then(|m| m.right_point_name.as_ref())
                {
                    Some(name) => format!("{}: {name}", reason.message(lang)),
                    None => reason.message(lang).into(),
                },
                (_, Reason::OutsideWindow) => {
                    match response.meal.as_ref().and_then(|m| m.next.as_ref()) {
                        Some(n) => {
                            let service = crate::meals::rules::Service::parse(&n.service)
                                .map_or(n.service.as_str(), |s| s.label(lang == Lang::Zh));
                            format!(
                                "{} ({} {} {})",
                                reason.message(lang),
                                lang.pick("下一餐", "next"),
                                service,
                                n.start
                            )
                        }
                        None => reason.message(lang).into(),
                    }
                }
                (_, Reason::WrongHotel) => match &response.lodging {
                    Some(l) => format!("{}: {} ({})", reason.message(lang), l.hotel_name, l.hotel),
                    None => reason.message(lang).into(),
                },
                _ => reason.message(lang).into(),
            };
        }
    }
    let stored = serde_json::to_string(&response).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = store::insert_scan(
        conn,
        &NewScan {
            at: pending.at,
            point_id: pending.point_id,
            user_id: pending.user_id,
            device: pending.device.as_deref(),
            nonce: pending.nonce.as_deref(),
            pass_id: pending.pass_id,
            serial: pending.serial,
            verdict: &response.verdict,
            reason: response.reason.as_deref(),
            response: &stored,
            device_id: pending.offline.as_ref().map(|o| o.device_id),
            device_verdict: pending.offline.as_ref().map(|o| o.device_verdict.as_str()),
            device_reason: pending
                .offline
                .as_ref()
                .and_then(|o| o.device_reason.as_deref()),
            received_at: pending.offline.as_ref().map(|o| o.received_at),
        },
    )?;
    if let Some(pass_id) = pending.pass_id {
        reconcile::record(conn, pending, clash, outcome, pass_id, id)?;
    }
    if let (Some(session_id), Some(pass_id), Ok(())) =
        (pending.claims_session, pending.pass_id, outcome)
    {
        store::set_use_scan(conn, pass_id, session_id, id)?;
    }
    response.scan_id = id;
    Ok(response)
}

/// The answer for a logged scan; when the same nonce raced in twice, the first one's.
pub fn settle(
    conn: &mut DbConn,
    pending: &PendingScan,
    result: Result<ScanResponse, AppError>,
) -> Result<ScanResponse, AppError> {
    match (result, pending.nonce.as_deref()) {
        (Err(AppError::Conflict { .. }), Some(nonce)) => {
            let first = store::find_by_nonce(conn, pending.user_id, nonce)?
                .ok_or(AppError::NotFound("scan"))?;
            replay(first.id, &first.response)
        }
        (other, _) => other,
    }
}

fn replay(id: i64, stored: &str) -> Result<ScanResponse, AppError> {
    let mut response: ScanResponse =
        serde_json::from_str(stored).map_err(|e| AppError::Internal(e.to_string()))?;
    response.scan_id = id;
    Ok(response)
}

/// Everything up to the verdict that needs no write: decode, verify, the pass's facts and
/// holder, the rules. Fills what the response shows.
#[allow(clippy::too_many_arguments)]
fn judge(
    conn: &mut DbConn,
    keys: &KeyRing,
    cache: &ScanCache,
    point: &ScanPoint,
    payload: &str,
    verified: Option<&VerifyingKey>,
    tz: Tz,
    now: DateTime<Utc>,
    response: &mut ScanResponse,
    claim: &mut Option<crate::meals::canteen::MealClaim>,
) -> Result<Result<(), Reason>, AppError> {
    let Ok(decoded) = token::decode(payload) else {
        return Ok(Err(Reason::Malformed));
    };
    let record = decoded.record;
    let Some(key) = keys.get(conn, record.key_id)? else {
        return Ok(Err(Reason::UnknownKey));
    };
    // The same key the worker verified it under (not retired since): checked already.
    if verified != Some(&key) && !decoded.verify(&key) {
        return Ok(Err(Reason::BadSignature));
    }
    let pass_id = i64::from(record.pass_id);
    let (facts, holder) = match store::pass_facts(conn, pass_id)? {
        Some((facts, holder)) => (Some(facts), holder),
        None => (None, None),
    };
    let zones = cache.zones(conn, point.zone.as_deref())?;
    response.pass = Some(ScannedPass {
        id: pass_id,
        kind: record.kind.as_str().into(),
        serial: record.serial,
        zones: match record.kind {
            PassKind::Credential | PassKind::Vehicle => zones
                .iter()
                .filter(|z| z.bit >= 0 && z.bit < 64 && record.access & (1u64 << z.bit) != 0)
                .map(|z| z.code.clone())
                .collect(),
            _ => Vec::new(),
        },
        valid_from: unix_to_rfc3339(tz, record.valid_from),
        valid_until: unix_to_rfc3339(tz, record.valid_until),
    });
    if let Some((_, _, _, guest_id, plate, stream, driver)) = &facts {
        if let (Some(id), Some((name, name_latin, category, delegation, organization, photo))) =
            (guest_id, holder)
        {
            let photo_hash = photo
                .as_deref()
                .and_then(|h| h.get(..8))
                .and_then(|h| u32::from_str_radix(h, 16).ok());
            response.holder = Some(Holder {
                photo_url: photo.as_ref().map(|_| format!("/api/v1/guests/{id}/photo")),
                photo_matches: photo_hash.is_some_and(|h| h == record.photo),
                name,
                name_latin,
                category,
                delegation,
                organization,
            });
        }
        if let Some(plate) = plate {
            response.vehicle = Some(Vehicle {
                plate: plate.clone(),
                stream: stream.clone().unwrap_or_default(),
                driver: driver.clone(),
            });
        }
    }
    let state = facts
        .as_ref()
        .map(|(serial, status, _, _, _, _, _)| PassState {
            serial: u16::try_from(*serial).unwrap_or(u16::MAX),
            revoked: status == "revoked",
        });
    let kind = PointKind::parse(&point.kind)
        .ok_or_else(|| AppError::Internal(format!("point kind {}", point.kind)))?;
    let view = PointView {
        kind,
        zone_bit: point
            .zone
            .as_deref()
            .and_then(|code| zones.iter().find(|z| z.code == code))
            .and_then(|z| u8::try_from(z.bit).ok()),
        session_id: point.session_id,
    };
    let today = now.with_timezone(&tz).date_naive();
    let now_local = now.with_timezone(&tz).naive_local();
    let now = u32::try_from(now.timestamp()).unwrap_or(u32::MAX);
    let verdict = rules::decide(&record, &view, state.as_ref(), now);
    let guest_id = facts.as_ref().and_then(|f| f.3);
    match (verdict, kind, guest_id, point.target.as_deref()) {
        (Ok(()), PointKind::HotelDesk, Some(guest), Some(hotel)) => {
            let (desk, mut lodging) =
                crate::hotels::desk::lodging_at_desk(conn, guest, hotel, today, tz)?;
            if desk != DeskVerdict::BookedHere {
                // Another hotel's desk learns where to send the guest, not their room.
                if let Some(l) = lodging.as_mut() {
                    l.room_no = None;
                    l.roommates.clear();
                }
            }
            response.lodging = lodging;
            Ok(match desk {
                DeskVerdict::BookedHere => Ok(()),
                DeskVerdict::WrongHotel => Err(Reason::WrongHotel),
                DeskVerdict::NoBooking => Err(Reason::NoBooking),
            })
        }
        (Ok(()), PointKind::HotelDesk, _, _) => Ok(Err(Reason::NoBooking)),
        (Ok(()), PointKind::Canteen, _, Some(dining)) => {
            use crate::meals::canteen::{decide, Eater, Refusal};
            let eater = match (record.kind, guest_id) {
                (PassKind::MealCoupon, _) => Eater::Coupon(pass_id),
                (_, Some(guest)) => Eater::Guest(guest),
                _ => return Ok(Err(Reason::NotEntitled)),
            };
            let catalog = cache.meal_catalog(conn, dining)?;
            let local = now_local;
            let decision = decide(conn, &catalog, dining, eater, local, tz)?;
            response.meal = Some(decision.info);
            *claim = decision.claim;
            Ok(decision.verdict.map_err(|r| match r {
                Refusal::NotEntitled => Reason::NotEntitled,
                Refusal::WrongPoint => Reason::WrongPoint,
                Refusal::OutsideWindow => Reason::OutsideWindow,
            }))
        }
        // A canteen point that names no dining point serves nobody.
        (Ok(()), PointKind::Canteen, _, None) => Ok(Err(Reason::NotEntitled)),
        (other, _, _, _) => Ok(other),
    }
}
