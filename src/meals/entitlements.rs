//! Reception's hand on who eats where: a guest's designated point, per-day exceptions (extra
//! meals, another point, no meals), a guest's meals at a glance, and meal coupon batches.

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::meals::canteen::{eating_days, usual_points};
use crate::meals::catalog::MealCatalog;
use crate::meals::rules::{self, Diner, Override, Service};
use crate::meals::store;
use crate::time::to_rfc3339;

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(message, json!([{ "field": field }]))
}

/// A guest's designated point.
#[derive(Deserialize, ToSchema, Debug)]
pub struct MealPointRequest {
    /// Dining point code; `null`: back to their hotel's.
    pub point: Option<String>,
}

pub fn set_meal_point(
    tx: &mut Tx,
    user: &CurrentUser,
    guest: i64,
    req: &MealPointRequest,
) -> Result<(), AppError> {
    store::find_meal_guest(tx, guest)?.ok_or(AppError::NotFound("guest"))?;
    let point = match req.point.as_deref().filter(|p| !p.is_empty()) {
        Some(code) => Some(
            store::find_point(tx, code)?
                .ok_or_else(|| invalid("point", format!("unknown dining point {code}")))?
                .id,
        ),
        None => None,
    };
    store::set_guest_point(tx, guest, point)?;
    audit::record(
        tx,
        &user.actor(),
        "meal_point",
        "guest",
        guest,
        json!({"point": req.point}),
    )?;
    Ok(())
}

/// Exceptions over some days.
#[derive(Deserialize, ToSchema, Debug)]
pub struct OverrideRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub services: Vec<String>,
    /// Only at this point (code).
    pub point: Option<String>,
    /// `false`: no meals.
    pub allowed: bool,
}

pub fn set_overrides(
    tx: &mut Tx,
    user: &CurrentUser,
    guest: i64,
    req: &OverrideRequest,
) -> Result<usize, AppError> {
    if req.to < req.from || (req.to - req.from).num_days() > 60 {
        return Err(invalid("to", "to must be on or after from, within 60 days"));
    }
    let services: Vec<Service> = req
        .services
        .iter()
        .map(|s| {
            Service::parse(s).ok_or_else(|| invalid("services", format!("unknown service {s}")))
        })
        .collect::<Result<_, _>>()?;
    if services.is_empty() {
        return Err(invalid("services", "name at least one service"));
    }
    store::find_meal_guest(tx, guest)?.ok_or(AppError::NotFound("guest"))?;
    let point = match req.point.as_deref().filter(|p| !p.is_empty()) {
        Some(code) => Some(
            store::find_point(tx, code)?
                .ok_or_else(|| invalid("point", format!("unknown dining point {code}")))?
                .id,
        ),
        None => None,
    };
    let mut n = 0;
    let mut day = req.from;
    while day <= req.to {
        for s in &services {
            store::put_override(tx, guest, day, s.as_str(), req.allowed, point)?;
            n += 1;
        }
        day += Duration::days(1);
    }
    audit::record(
        tx,
        &user.actor(),
        "meal_override",
        "guest",
        guest,
        json!({"from": req.from, "to": req.to, "services": req.services, "point": req.point, "allowed": req.allowed}),
    )?;
    Ok(n)
}

/// One of a guest's meals.
#[derive(Serialize, ToSchema, Debug)]
pub struct GuestMeal {
    pub day: NaiveDate,
    pub service: String,
    /// Where (code); none: any point.
    pub point: Option<String>,
    pub allowed: bool,
    pub eaten_at: Option<String>,
    pub eaten_point: Option<String>,
}

/// A guest's meals over some days: where they may eat each service, and what they ate.
pub fn guest_meals(
    conn: &mut DbConn,
    guest: i64,
    days: (NaiveDate, NaiveDate),
    tz: Tz,
) -> Result<Vec<GuestMeal>, AppError> {
    let g = store::find_meal_guest(conn, guest)?.ok_or(AppError::NotFound("guest"))?;
    let catalog = MealCatalog::load(conn)?;
    let (mode, services) = catalog.policy(g.category.as_deref());
    let diner = Diner {
        days: eating_days(&g, tz),
        points: usual_points(&g, &catalog),
    };
    let overrides = store::list_overrides(conn, Some(guest), days)?;
    let mut out = Vec::new();
    let mut day = days.0;
    while day <= days.1 && (day - days.0).num_days() <= 60 {
        for service in Service::ALL {
            let exception = overrides
                .iter()
                .find(|o| o.1 == day && o.2 == service.as_str())
                .map(|o| Override {
                    allowed: o.3,
                    point: o.4,
                });
            // Entitled somewhere? Ask at the usual point (or any) the rules would accept.
            let probe = exception
                .and_then(|o| o.point)
                .or(diner.points.first().copied())
                .unwrap_or(0);
            let allowed = rules::entitled(&diner, mode, &services, exception, day, service, probe)
                .is_ok()
                || (mode == rules::Mode::Any
                    && rules::entitled(&diner, mode, &services, exception, day, service, 0)
                        .is_ok());
            let eaten = store::find_use(conn, &format!("g{guest}"), day, service.as_str())?;
            if !allowed && eaten.is_none() {
                continue;
            }
            let point = match (exception.and_then(|o| o.point), mode) {
                (Some(p), _) => catalog.point_by_id(p).map(|p| p.code.clone()),
                (None, rules::Mode::Any) => None,
                (None, _) => diner
                    .points
                    .first()
                    .and_then(|p| catalog.point_by_id(*p))
                    .map(|p| p.code.clone()),
            };
            out.push(GuestMeal {
                day,
                service: service.as_str().into(),
                point,
                allowed,
                eaten_at: eaten.as_ref().map(|(at, _, _)| to_rfc3339(tz, *at)),
                eaten_point: eaten
                    .and_then(|(_, p, _)| catalog.point_by_id(p))
                    .map(|p| p.code.clone()),
            });
        }
        day += Duration::days(1);
    }
    Ok(out)
}

/// A batch of coupons to issue.
#[derive(Deserialize, ToSchema, Debug)]
pub struct CouponRequest {
    /// Dining point code.
    pub point: String,
    pub day: NaiveDate,
    pub service: String,
    pub count: usize,
}

/// What a batch made.
#[derive(Serialize, ToSchema, Debug)]
pub struct CouponBatch {
    pub ids: Vec<i64>,
    pub count: usize,
}

/// Issues single-use coupons for a point, day and service.
pub fn issue_coupons(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &CouponRequest,
    tz: Tz,
) -> Result<CouponBatch, AppError> {
    let service = Service::parse(&req.service).ok_or_else(|| {
        invalid(
            "service",
            "service must be breakfast, lunch, dinner or night_snack",
        )
    })?;
    if !(1..=500).contains(&req.count) {
        return Err(invalid("count", "count must be 1–500"));
    }
    let point = store::find_point(tx, &req.point)?.ok_or(AppError::NotFound("dining point"))?;
    let ids = crate::passes::tickets::issue_meal_coupons(tx, req.count, req.day, tz)?;
    for id in &ids {
        store::insert_coupon(tx, *id, point.id, req.day, service.as_str())?;
    }
    audit::record(
        tx,
        &user.actor(),
        "issue",
        "meal_coupons",
        point.id,
        json!({"day": req.day, "service": service.as_str(), "count": ids.len()}),
    )?;
    Ok(CouponBatch {
        count: ids.len(),
        ids,
    })
}

/// A coupon as lists show it.
#[derive(Serialize, ToSchema, Debug)]
pub struct CouponResponse {
    pub id: i64,
    pub point: String,
    pub day: NaiveDate,
    pub service: String,
    pub used_at: Option<String>,
}

pub fn list_coupons(
    conn: &mut DbConn,
    point: &str,
    day: NaiveDate,
    tz: Tz,
) -> Result<Vec<CouponResponse>, AppError> {
    let p = store::find_point(conn, point)?.ok_or(AppError::NotFound("dining point"))?;
    let mut out = Vec::new();
    for (id, service) in store::list_coupons(conn, p.id, day)? {
        let used = store::find_use(conn, &format!("c{id}"), day, &service)?;
        out.push(CouponResponse {
            id,
            point: p.code.clone(),
            day,
            service,
            used_at: used.map(|(at, _, _)| to_rfc3339(tz, at)),
        });
    }
    Ok(out)
}

/// A guest's meal entitlement in a few words: how a change shows it before and after.
#[derive(Serialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct Entitlement {
    /// `hotel` (at their usual point), `any` (any point: journalists) or `none`.
    pub mode: String,
    /// The services the category eats.
    pub services: Vec<String>,
    /// Their usual dining points (codes); empty for `any`.
    pub points: Vec<String>,
    /// First and last eating day.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// Halal.
    pub halal: bool,
    /// Meals already eaten (they stay, whatever changes).
    pub eaten: usize,
}

/// What the guest may eat now, by the category policy and their dates; `None` for a guest
/// who eats nowhere (withdrawn, or unknown).
pub fn entitlement(conn: &mut DbConn, guest: i64, tz: Tz) -> Result<Option<Entitlement>, AppError> {
    let Some(g) = store::find_meal_guest(conn, guest)? else {
        return Ok(None);
    };
    let catalog = MealCatalog::load(conn)?;
    let (mode, services) = catalog.policy(g.category.as_deref());
    let points = match mode {
        rules::Mode::Hotel => usual_points(&g, &catalog)
            .into_iter()
            .filter_map(|p| catalog.point_by_id(p).map(|p| p.code.clone()))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Some(Entitlement {
        mode: mode.as_str().into(),
        services: services.iter().map(|s| s.as_str().to_string()).collect(),
        points,
        days: eating_days(&g, tz).map(|d| (*d.start(), *d.end())),
        halal: g.halal,
        eaten: store::count_eaten(conn, &format!("g{guest}"))?,
    }))
}

/// A meal a guest has had.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq)]
pub struct MealTaken {
    /// The eating day (a late window belongs to the day it starts).
    pub day: NaiveDate,
    /// `breakfast`, `lunch`, `dinner`, `night_snack`.
    pub service: String,
    /// Dining point code.
    pub point: String,
    /// Dining point name.
    pub point_name: String,
    /// When it was served, RFC 3339 in the event's time zone.
    pub at: String,
}

/// Every meal the guest has had, in the order eaten (meals stay, whatever changes).
pub fn meals_taken(conn: &mut DbConn, guest: i64, tz: Tz) -> Result<Vec<MealTaken>, AppError> {
    let uses = store::list_eater_uses(conn, &format!("g{guest}"))?;
    if uses.is_empty() {
        return Ok(Vec::new());
    }
    let points: std::collections::HashMap<i64, (String, String)> = store::list_points(conn)?
        .into_iter()
        .map(|p| (p.id, (p.code, p.name)))
        .collect();
    Ok(uses
        .into_iter()
        .map(|(day, service, point, at)| {
            let (code, name) = points.get(&point).cloned().unwrap_or_default();
            MealTaken {
                day,
                service,
                point: code,
                point_name: name,
                at: to_rfc3339(tz, at),
            }
        })
        .collect())
}
