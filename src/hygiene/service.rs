//! Use cases of food hygiene's planning: inspectors, the roster's rules, and the roster itself
//! (generated, edited by hand under the rules, and its coverage). What inspectors record —
//! inspections and incidents — is in `reports`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::hygiene::roster::{self, Demand, Rules, Shift};
use crate::hygiene::store::{self, InspectorRow, ShiftRow};
use crate::meals::catalog::MealCatalog;
use crate::time::{to_local, to_rfc3339, to_utc};

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(message, json!([{ "field": field }]))
}

// --- inspectors --------------------------------------------------------------------------

/// An inspector as the API shows and takes it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default)]
pub struct Inspector {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    pub phone: Option<String>,
    #[serde(default)]
    pub certificate_no: String,
    #[serde(default)]
    pub languages: Vec<String>,
    /// Where their roster is mailed.
    #[serde(default)]
    pub email: Option<String>,
}

fn inspector_response(r: &InspectorRow) -> Inspector {
    Inspector {
        id: r.id,
        name: r.name.clone(),
        unit: r.unit.clone(),
        phone: r.phone.clone(),
        certificate_no: r.certificate_no.clone(),
        languages: r
            .languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        email: r.email.clone(),
    }
}

pub fn list_inspectors(conn: &mut DbConn) -> Result<Vec<Inspector>, AppError> {
    Ok(store::list_inspectors(conn)?
        .iter()
        .map(inspector_response)
        .collect())
}

/// Adds (no id) or changes an inspector.
pub fn save_inspector(
    tx: &mut Tx,
    user: &CurrentUser,
    id: Option<i64>,
    req: &Inspector,
) -> Result<Inspector, AppError> {
    let now = tx.now();
    if req.name.trim().is_empty() {
        return Err(invalid("name", "name is required"));
    }
    if req.certificate_no.trim().is_empty() {
        return Err(invalid(
            "certificate_no",
            "the health certificate number is required",
        ));
    }
    let email =
        crate::outbox::address::optional(req.email.as_deref()).map_err(|e| invalid("email", &e))?;
    if let Some(id) = id {
        store::find_inspector(tx, id)?.ok_or(AppError::NotFound("inspector"))?;
    }
    let id = store::upsert_inspector(
        tx,
        id,
        req.name.trim(),
        req.unit.trim(),
        req.phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty()),
        req.certificate_no.trim(),
        &req.languages.join(","),
        email.as_deref(),
        now,
    )?;
    audit::record(
        tx,
        &user.actor(),
        "save",
        "inspector",
        id,
        json!({"name": req.name}),
    )?;
    let row = store::find_inspector(tx, id)?.ok_or(AppError::NotFound("inspector"))?;
    Ok(inspector_response(&row))
}

/// The inspector a user is (an `inspector` user's scope is their inspector id).
pub fn inspector_of(user: &CurrentUser) -> Result<i64, AppError> {
    user.scope
        .as_deref()
        .and_then(|s| s.parse().ok())
        .ok_or(AppError::Forbidden)
}

// --- settings ----------------------------------------------------------------------------

/// The roster's rules, as health sets them.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct HygieneSettings {
    pub max_minutes_per_day: i32,
    pub min_rest_minutes: i32,
    pub travel_minutes: i32,
    /// Raw food arrives this long before a service.
    pub lead_minutes: i32,
    /// A point's own lead time (dining point code → minutes), where it differs.
    #[serde(default)]
    pub point_leads: BTreeMap<String, i32>,
}

pub fn settings(conn: &mut DbConn) -> Result<HygieneSettings, AppError> {
    let stored: BTreeMap<String, i32> = store::list_settings(conn)?.into_iter().collect();
    let get = |k: &str, d: i32| stored.get(k).copied().unwrap_or(d);
    Ok(HygieneSettings {
        max_minutes_per_day: get("max_minutes_per_day", 600),
        min_rest_minutes: get("min_rest_minutes", 60),
        travel_minutes: get("travel_minutes", 30),
        lead_minutes: get("lead_minutes", 60),
        point_leads: stored
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("lead_minutes:")
                    .map(|code| (code.to_string(), *v))
            })
            .collect(),
    })
}

pub fn set_settings(
    tx: &mut Tx,
    user: &CurrentUser,
    s: &HygieneSettings,
) -> Result<HygieneSettings, AppError> {
    for (name, value, max) in [
        ("max_minutes_per_day", s.max_minutes_per_day, 1440),
        ("min_rest_minutes", s.min_rest_minutes, 720),
        ("travel_minutes", s.travel_minutes, 480),
        ("lead_minutes", s.lead_minutes, 240),
    ] {
        if !(0..=max).contains(&value) {
            return Err(invalid(name, format!("{name} must be 0–{max}")));
        }
    }
    if let Some((code, _)) = s.point_leads.iter().find(|(_, m)| !(0..=240).contains(*m)) {
        return Err(invalid(
            "point_leads",
            format!("{code}: a lead time is 0–240 minutes"),
        ));
    }
    let catalog = MealCatalog::load(tx)?;
    if let Some(code) = s.point_leads.keys().find(|c| catalog.point(c).is_none()) {
        return Err(invalid(
            "point_leads",
            format!("unknown dining point {code}"),
        ));
    }
    for (name, _) in store::list_settings(tx)? {
        if name.starts_with("lead_minutes:") {
            store::delete_setting(tx, &name)?;
        }
    }
    for (code, minutes) in &s.point_leads {
        store::put_setting(tx, &format!("lead_minutes:{code}"), *minutes)?;
    }
    store::put_setting(tx, "max_minutes_per_day", s.max_minutes_per_day)?;
    store::put_setting(tx, "min_rest_minutes", s.min_rest_minutes)?;
    store::put_setting(tx, "travel_minutes", s.travel_minutes)?;
    store::put_setting(tx, "lead_minutes", s.lead_minutes)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "hygiene_settings",
        0,
        json!({}),
    )?;
    settings(tx)
}

fn rules(s: &HygieneSettings) -> Rules {
    Rules {
        per_window: 2,
        max_minutes_per_day: i64::from(s.max_minutes_per_day),
        min_rest: i64::from(s.min_rest_minutes),
        travel: i64::from(s.travel_minutes),
    }
}

// --- the roster --------------------------------------------------------------------------

/// Minutes on the event's local clock.
fn clock(tz: Tz, utc: NaiveDateTime) -> i64 {
    let local = to_local(tz, utc);
    local.date().signed_duration_since(epoch()).num_days() * 1440
        + i64::from(local.hour() * 60 + local.minute())
}

fn from_clock(tz: Tz, minutes: i64) -> NaiveDateTime {
    let local = epoch().and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(minutes);
    to_utc(tz, local)
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// A window that needs inspectors, as the coverage view shows it.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct CoverageCell {
    pub point: String,
    pub point_name: String,
    pub day: NaiveDate,
    pub service: String,
    /// From the raw food's arrival to the service's end.
    pub starts_at: String,
    pub ends_at: String,
    pub on_duty: usize,
    pub need: usize,
}

/// The food-handling windows of every point over some days: (point id, day, service, demand).
fn demands(
    catalog: &MealCatalog,
    days: (NaiveDate, NaiveDate),
    s: &HygieneSettings,
) -> Vec<(i64, NaiveDate, String, Demand)> {
    let mut out = Vec::new();
    let mut day = days.0;
    while day <= days.1 {
        let base = day.signed_duration_since(epoch()).num_days() * 1440;
        for p in &catalog.points {
            let lead = i64::from(
                s.point_leads
                    .get(&p.code)
                    .copied()
                    .unwrap_or(s.lead_minutes),
            );
            for w in catalog.windows_for(p) {
                let end = if w.end > w.start {
                    i64::from(w.end)
                } else {
                    i64::from(w.end) + 1440
                };
                out.push((
                    p.id,
                    day,
                    w.service.as_str().to_string(),
                    Demand {
                        point: p.id,
                        start: base + i64::from(w.start) - lead,
                        end: base + end,
                    },
                ));
            }
        }
        day += Duration::days(1);
    }
    out
}

/// What generating did.
#[derive(Serialize, ToSchema, Debug)]
pub struct GenerateResult {
    pub shifts: usize,
    pub gaps: usize,
    /// Set when there are simply too few inspectors: the busiest day's minutes asked and the
    /// minutes the inspectors may give in a day.
    pub too_few: Option<TooFew>,
    pub ms: u128,
}

/// Too few inspectors for the coverage asked.
#[derive(Serialize, ToSchema, Debug)]
pub struct TooFew {
    pub minutes_needed: i64,
    pub minutes_available: i64,
    pub message: String,
}

/// Generates the roster for some days, replacing the shifts that start in them.
pub fn generate(
    tx: &mut Tx,
    user: &CurrentUser,
    days: (NaiveDate, NaiveDate),
    tz: Tz,
) -> Result<GenerateResult, AppError> {
    let now = tx.now();
    if days.1 < days.0 || (days.1 - days.0).num_days() > 60 {
        return Err(invalid("to", "to must be on or after from, within 60 days"));
    }
    let started = Instant::now();
    let catalog = MealCatalog::load(tx)?;
    let s = settings(tx)?;
    let inspectors: Vec<i64> = store::list_inspectors(tx)?.iter().map(|i| i.id).collect();
    let wanted: Vec<Demand> = demands(&catalog, days, &s)
        .into_iter()
        .map(|d| d.3)
        .collect();
    let roster = roster::generate(&wanted, &inspectors, &rules(&s));
    let (from, to) = span(days, tz);
    let rows: Vec<store::NewShift> = roster
        .shifts
        .iter()
        .map(|sh| {
            (
                sh.inspector,
                sh.point,
                from_clock(tz, sh.start),
                from_clock(tz, sh.end),
            )
        })
        .collect();
    store::delete_shifts_between(tx, from, to)?;
    store::insert_shifts(tx, &rows, now)?;
    crate::live::record(tx, None, "roster", format!("{}..{}", days.0, days.1))?;
    // Every inspector with an address is mailed their coming shifts.
    crate::hygiene::letters::rosters(tx, &user.username)?;
    audit::record(
        tx,
        &user.actor(),
        "generate",
        "roster",
        0,
        json!({"from": days.0, "to": days.1, "shifts": rows.len(), "gaps": roster.gaps.len()}),
    )?;
    Ok(GenerateResult {
        shifts: rows.len(),
        gaps: roster.gaps.len(),
        too_few: roster.too_few.map(|(needed, available)| TooFew {
            minutes_needed: needed,
            minutes_available: available,
            message: format!(
                "too few inspectors: the busiest day needs {} inspector-hours, the {} inspectors may give {}",
                needed / 60,
                inspectors.len(),
                available / 60
            ),
        }),
        ms: started.elapsed().as_millis(),
    })
}

fn span(days: (NaiveDate, NaiveDate), tz: Tz) -> (NaiveDateTime, NaiveDateTime) {
    // A day's shifts start on that day: the lead time is at most four hours, so even the first
    // breakfast's raw food arrives after midnight, and the night snack starts before it.
    let at = |d: NaiveDate| to_utc(tz, d.and_hms_opt(0, 0, 0).unwrap_or_default());
    (at(days.0), at(days.1 + Duration::days(1)))
}

/// A shift as the API shows it.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct ShiftResponse {
    pub id: i64,
    pub inspector_id: i64,
    pub inspector: String,
    pub point: String,
    pub point_name: String,
    pub starts_at: String,
    pub ends_at: String,
}

fn shift_responses(
    conn: &mut DbConn,
    rows: &[ShiftRow],
    tz: Tz,
) -> Result<Vec<ShiftResponse>, AppError> {
    let names: BTreeMap<i64, String> = store::list_inspectors(conn)?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let catalog = MealCatalog::load(conn)?;
    Ok(rows
        .iter()
        .map(|r| {
            let p = catalog.point_by_id(r.point_id);
            ShiftResponse {
                id: r.id,
                inspector_id: r.inspector_id,
                inspector: names.get(&r.inspector_id).cloned().unwrap_or_default(),
                point: p.map(|p| p.code.clone()).unwrap_or_default(),
                point_name: p.map(|p| p.name.clone()).unwrap_or_default(),
                starts_at: to_rfc3339(tz, r.starts_at),
                ends_at: to_rfc3339(tz, r.ends_at),
            }
        })
        .collect())
}

/// The roster over some days (an inspector: their own).
pub fn list_roster(
    conn: &mut DbConn,
    user: &CurrentUser,
    days: (NaiveDate, NaiveDate),
    tz: Tz,
) -> Result<Vec<ShiftResponse>, AppError> {
    let only = match user.role {
        Role::Inspector => Some(inspector_of(user)?),
        _ => None,
    };
    let (from, to) = span(days, tz);
    let mut rows = store::list_shifts(conn, from, to, only)?;
    // A dining point sees who inspects it.
    if user.role == Role::Canteen {
        let catalog = MealCatalog::load(conn)?;
        let point = user
            .scope
            .as_deref()
            .and_then(|c| catalog.point(c))
            .map(|p| p.id);
        rows.retain(|r| Some(r.point_id) == point);
    }
    shift_responses(conn, &rows, tz)
}

/// Each point × day × service with the inspectors on duty through it; fewer than two is a gap.
pub fn coverage(
    conn: &mut DbConn,
    days: (NaiveDate, NaiveDate),
    tz: Tz,
) -> Result<Vec<CoverageCell>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let s = settings(conn)?;
    let cells = demands(&catalog, days, &s);
    let (from, to) = span(days, tz);
    let shifts: Vec<Shift> = store::list_shifts(conn, from - Duration::days(1), to, None)?
        .iter()
        .map(|r| Shift {
            inspector: r.inspector_id,
            point: r.point_id,
            start: clock(tz, r.starts_at),
            end: clock(tz, r.ends_at),
        })
        .collect();
    let wanted: Vec<Demand> = cells.iter().map(|c| c.3.clone()).collect();
    let counts = roster::coverage(&wanted, &shifts);
    Ok(cells
        .into_iter()
        .zip(counts)
        .map(|((point, day, service, d), on_duty)| {
            let p = catalog.point_by_id(point);
            CoverageCell {
                point: p.map(|p| p.code.clone()).unwrap_or_default(),
                point_name: p.map(|p| p.name.clone()).unwrap_or_default(),
                day,
                service,
                starts_at: to_rfc3339(tz, from_clock(tz, d.start)),
                ends_at: to_rfc3339(tz, from_clock(tz, d.end)),
                on_duty,
                need: 2,
            }
        })
        .collect())
}

/// A hand edit of the roster.
#[derive(Deserialize, ToSchema, Debug, Default)]
pub struct ShiftRequest {
    pub inspector_id: Option<i64>,
    /// Dining point code.
    pub point: Option<String>,
    /// RFC 3339 or `YYYY-MM-DD HH:MM` (event time).
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// Swap: the other shift.
    pub with_shift: Option<i64>,
}

fn parse_time(field: &str, t: &str, tz: Tz) -> Result<NaiveDateTime, AppError> {
    chrono::DateTime::parse_from_rfc3339(t.trim())
        .map(|d| d.naive_utc())
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%d %H:%M")
                .ok()
                .map(|l| to_utc(tz, l))
        })
        .ok_or_else(|| {
            invalid(
                field,
                format!("{field} must be YYYY-MM-DD HH:MM or RFC 3339"),
            )
        })
}

/// Adds a shift, changes one (another inspector, point or time), or swaps two shifts'
/// inspectors — each checked against the rules for every inspector it touches; a broken rule
/// is refused (422 `roster_rule`) with the rule named.
pub fn edit_shift(
    tx: &mut Tx,
    user: &CurrentUser,
    id: Option<i64>,
    req: &ShiftRequest,
    tz: Tz,
) -> Result<Vec<ShiftResponse>, AppError> {
    let now = tx.now();
    let s = settings(tx)?;
    let catalog = MealCatalog::load(tx)?;
    let mut changed: Vec<(Option<i64>, store::NewShift)> = Vec::new();
    match (id, req.with_shift) {
        (Some(a), Some(b)) => {
            let (sa, sb) = (
                store::find_shift(tx, a)?.ok_or(AppError::NotFound("shift"))?,
                store::find_shift(tx, b)?.ok_or(AppError::NotFound("shift"))?,
            );
            changed.push((
                Some(a),
                (sb.inspector_id, sa.point_id, sa.starts_at, sa.ends_at),
            ));
            changed.push((
                Some(b),
                (sa.inspector_id, sb.point_id, sb.starts_at, sb.ends_at),
            ));
        }
        (existing, None) => {
            let old = match existing {
                Some(i) => Some(store::find_shift(tx, i)?.ok_or(AppError::NotFound("shift"))?),
                None => None,
            };
            let inspector = req
                .inspector_id
                .or(old.as_ref().map(|o| o.inspector_id))
                .ok_or_else(|| invalid("inspector_id", "inspector_id is required"))?;
            store::find_inspector(tx, inspector)?
                .ok_or_else(|| invalid("inspector_id", "unknown inspector"))?;
            let point = match req.point.as_deref() {
                Some(code) => {
                    catalog
                        .point(code)
                        .ok_or_else(|| invalid("point", format!("unknown dining point {code}")))?
                        .id
                }
                None => old
                    .as_ref()
                    .map(|o| o.point_id)
                    .ok_or_else(|| invalid("point", "point is required"))?,
            };
            let start = match req.starts_at.as_deref() {
                Some(t) => parse_time("starts_at", t, tz)?,
                None => old
                    .as_ref()
                    .map(|o| o.starts_at)
                    .ok_or_else(|| invalid("starts_at", "starts_at is required"))?,
            };
            let end = match req.ends_at.as_deref() {
                Some(t) => parse_time("ends_at", t, tz)?,
                None => old
                    .as_ref()
                    .map(|o| o.ends_at)
                    .ok_or_else(|| invalid("ends_at", "ends_at is required"))?,
            };
            if end <= start || end - start > Duration::hours(16) {
                return Err(invalid(
                    "ends_at",
                    "a shift ends after it starts, within 16 hours",
                ));
            }
            changed.push((existing, (inspector, point, start, end)));
        }
        (None, Some(_)) => return Err(invalid("with_shift", "swap names two shifts")),
    }
    // The touched inspectors' shifts around the change, after it.
    let touched: BTreeSet<i64> = changed.iter().map(|c| c.1 .0).collect();
    let earliest = changed.iter().map(|c| c.1 .2).min().unwrap_or_default();
    let ids: BTreeSet<i64> = changed.iter().filter_map(|c| c.0).collect();
    let mut after: Vec<Shift> = Vec::new();
    for i in &touched {
        for r in store::list_shifts(
            tx,
            earliest - Duration::days(2),
            earliest + Duration::days(2),
            Some(*i),
        )? {
            if !ids.contains(&r.id) {
                after.push(Shift {
                    inspector: r.inspector_id,
                    point: r.point_id,
                    start: clock(tz, r.starts_at),
                    end: clock(tz, r.ends_at),
                });
            }
        }
    }
    after.extend(changed.iter().map(|(_, (i, p, st, en))| Shift {
        inspector: *i,
        point: *p,
        start: clock(tz, *st),
        end: clock(tz, *en),
    }));
    if let Some(v) = roster::violations(&after, &rules(&s)).first() {
        return Err(AppError::Unprocessable {
            code: "roster_rule",
            message: format!("{}: {}", rule_words(v.rule), v.detail),
            details: json!([{"rule": v.rule, "inspector_id": v.inspector, "detail": v.detail}]),
        });
    }
    let mut out_ids = Vec::new();
    for (existing, row) in &changed {
        match existing {
            Some(i) => {
                store::update_shift(tx, *i, row)?;
                out_ids.push(*i);
            }
            None => {
                store::insert_shifts(tx, std::slice::from_ref(row), now)?;
                let (from, to) = (row.2, row.2 + Duration::seconds(1));
                out_ids.extend(
                    store::list_shifts(tx, from, to, Some(row.0))?
                        .iter()
                        .map(|r| r.id),
                );
            }
        }
    }
    crate::live::record(tx, None, "roster", "edit")?;
    audit::record(
        tx,
        &user.actor(),
        "edit",
        "roster",
        0,
        json!({"shifts": out_ids}),
    )?;
    let mut rows = Vec::new();
    for i in out_ids {
        rows.extend(store::find_shift(tx, i)?);
    }
    shift_responses(tx, &rows, tz)
}

fn rule_words(rule: &str) -> &'static str {
    match rule {
        "overlap" => "an inspector cannot be in two places at once",
        "travel" => "not enough time to travel between points",
        "rest" => "not enough rest between shifts",
        "hours" => "more hours in a day than allowed",
        _ => "the shift is empty",
    }
}

pub fn delete_shift(tx: &mut Tx, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    if store::delete_shift(tx, id)? == 0 {
        return Err(AppError::NotFound("shift"));
    }
    crate::live::record(tx, None, "roster", "edit")?;
    audit::record(tx, &user.actor(), "delete", "shift", id, json!({}))?;
    Ok(())
}
