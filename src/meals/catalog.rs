//! Dining points, their service windows and the meal policy — the small tables the canteen
//! reads on every scan, held as one [`MealCatalog`] for a few seconds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::fields::Category;
use crate::meals::model::{DiningPoint, PointFields, PointResponse, WindowEntry};
use crate::meals::rules::{self, Mode, Service, Window};
use crate::meals::store;

/// Everything the meal rules read that changes rarely.
#[derive(Debug, Default)]
pub struct MealCatalog {
    pub points: Vec<DiningPoint>,
    /// Windows by point id; 0 holds the event's defaults.
    pub windows: BTreeMap<i64, Vec<Window>>,
    /// Mode and services by category code.
    pub policies: BTreeMap<String, (Mode, Vec<Service>)>,
    /// Hotels that host journalists.
    pub press_hotels: Vec<i64>,
}

impl MealCatalog {
    pub fn load(conn: &mut DbConn) -> Result<MealCatalog, AppError> {
        let mut windows: BTreeMap<i64, Vec<Window>> = BTreeMap::new();
        for (point, service, start, end) in store::list_windows(conn)? {
            if let (Some(service), Ok(start), Ok(end)) = (
                Service::parse(&service),
                u32::try_from(start),
                u32::try_from(end),
            ) {
                windows.entry(point).or_default().push(Window {
                    service,
                    start,
                    end,
                });
            }
        }
        let policies = store::list_policies(conn)?
            .into_iter()
            .filter_map(|(c, m, s)| {
                Some((
                    c,
                    (
                        Mode::parse(&m)?,
                        s.split(',').filter_map(Service::parse).collect(),
                    ),
                ))
            })
            .collect();
        let press_hotels = crate::hotels::list_hotels(conn)?
            .into_iter()
            .filter(|h| h.categories.split(',').any(|c| c == "journalist"))
            .map(|h| h.id)
            .collect();
        Ok(MealCatalog {
            points: store::list_points(conn)?,
            windows,
            policies,
            press_hotels,
        })
    }

    pub fn point(&self, code: &str) -> Option<&DiningPoint> {
        self.points.iter().find(|p| p.code == code)
    }

    pub fn point_by_id(&self, id: i64) -> Option<&DiningPoint> {
        self.points.iter().find(|p| p.id == id)
    }

    /// The windows in force at a point: its own; else the event's, with the press-hotel
    /// breakfast until 10:00 and night snack where journalists stay.
    pub fn windows_for(&self, point: &DiningPoint) -> Vec<Window> {
        if let Some(own) = self.windows.get(&point.id).filter(|w| !w.is_empty()) {
            return own.clone();
        }
        let defaults = self
            .windows
            .get(&0)
            .filter(|w| !w.is_empty())
            .cloned()
            .unwrap_or_else(rules::default_windows);
        if point
            .hotel_id
            .is_some_and(|h| self.press_hotels.contains(&h))
        {
            rules::press_hotel_windows(&defaults)
        } else {
            defaults
        }
    }

    /// A category's mode and services.
    pub fn policy(&self, category: Option<&str>) -> (Mode, Vec<Service>) {
        let category = category.unwrap_or("delegate");
        self.policies
            .get(category)
            .cloned()
            .unwrap_or_else(|| (rules::default_mode(category), Service::ALL.to_vec()))
    }

    /// The points of a hotel.
    pub fn hotel_points(&self, hotel: i64) -> Vec<i64> {
        self.points
            .iter()
            .filter(|p| p.hotel_id == Some(hotel))
            .map(|p| p.id)
            .collect()
    }
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(message, json!([{ "field": field }]))
}

fn window_entries(w: &[Window]) -> Vec<WindowEntry> {
    w.iter()
        .map(|w| WindowEntry {
            service: w.service.as_str().into(),
            start: rules::format_minute(w.start),
            end: rules::format_minute(w.end),
        })
        .collect()
}

/// The points a user sees (a canteen: its own).
pub fn list_points(conn: &mut DbConn, user: &CurrentUser) -> Result<Vec<PointResponse>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let hotels: BTreeMap<i64, crate::hotels::Hotel> = crate::hotels::list_hotels(conn)?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    Ok(catalog
        .points
        .iter()
        .filter(|p| user.role != Role::Canteen || user.scope.as_deref() == Some(&p.code))
        .map(|p| PointResponse {
            code: p.code.clone(),
            name: p.name.clone(),
            name_en: p.name_en.clone(),
            hotel: p
                .hotel_id
                .and_then(|h| hotels.get(&h))
                .map(|h| h.code.clone()),
            hotel_name: p
                .hotel_id
                .and_then(|h| hotels.get(&h))
                .map(|h| h.name.clone()),
            seats: p.seats,
            halal: p.halal,
            email: p.email.clone(),
            windows: window_entries(&catalog.windows_for(p)),
        })
        .collect())
}

fn point_fields(conn: &mut DbConn, req: &PointResponse) -> Result<PointFields, AppError> {
    let code = req.code.trim().to_uppercase();
    if code.is_empty()
        || code.len() > 16
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(invalid("code", "code must be 1–16 letters, digits or -"));
    }
    if req.name.trim().is_empty() {
        return Err(invalid("name", "name is required"));
    }
    if !(0..=10_000).contains(&req.seats) {
        return Err(invalid("seats", "seats must be 0–10000"));
    }
    let hotel = match req
        .hotel
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        None => None,
        Some(h) => Some(
            crate::hotels::find_hotel(conn, h)?
                .ok_or_else(|| invalid("hotel", format!("unknown hotel {h}")))?
                .id,
        ),
    };
    let email =
        crate::outbox::address::optional(req.email.as_deref()).map_err(|e| invalid("email", e))?;
    let name_en = req
        .name_en
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Ok(PointFields {
        code,
        name: req.name.trim().to_string(),
        name_en,
        hotel_id: hotel,
        seats: req.seats,
        halal: req.halal,
        email,
    })
}

pub fn create_point(tx: &mut Tx, user: &CurrentUser, req: &PointResponse) -> Result<(), AppError> {
    let now = tx.now();
    let fields = point_fields(tx, req)?;
    let code = fields.code.clone();
    if store::find_point(tx, &code)?.is_some() {
        return Err(AppError::conflict(
            "point_exists",
            format!("dining point {code} exists"),
        ));
    }
    let id = store::insert_point(tx, &fields, now)?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "dining_point",
        id,
        json!({"code": code}),
    )?;
    Ok(())
}

pub fn update_point(
    tx: &mut Tx,
    user: &CurrentUser,
    code: &str,
    patch: &serde_json::Value,
) -> Result<(), AppError> {
    let p = store::find_point(tx, code)?.ok_or(AppError::NotFound("dining point"))?;
    let hotel_code = match p.hotel_id {
        Some(h) => crate::hotels::find_hotel_by_id(tx, h)?.map(|h| h.code),
        None => None,
    };
    let mut current = serde_json::to_value(PointResponse {
        code: p.code.clone(),
        name: p.name.clone(),
        name_en: p.name_en.clone(),
        hotel: hotel_code,
        seats: p.seats,
        halal: p.halal,
        email: p.email.clone(),
        ..Default::default()
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    if let (Some(c), Some(patch)) = (current.as_object_mut(), patch.as_object()) {
        for (k, v) in patch {
            if k != "code" {
                c.insert(k.clone(), v.clone());
            }
        }
    }
    let req: PointResponse = serde_json::from_value(current)
        .map_err(|e| AppError::invalid(format!("bad dining point: {e}"), json!([])))?;
    let fields = PointFields {
        code: p.code.clone(),
        ..point_fields(tx, &req)?
    };
    store::update_point(tx, p.id, &fields)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "dining_point",
        p.id,
        patch.clone(),
    )?;
    Ok(())
}

fn parse_windows(entries: &[WindowEntry]) -> Result<Vec<(String, i32, i32)>, AppError> {
    let mut rows: Vec<(String, i32, i32)> = Vec::new();
    for e in entries {
        let service = Service::parse(&e.service)
            .ok_or_else(|| invalid("service", format!("unknown service {}", e.service)))?;
        let (Some(start), Some(end)) = (rules::parse_minute(&e.start), rules::parse_minute(&e.end))
        else {
            return Err(invalid(
                "start",
                format!("{}: times are HH:MM (24:00 for midnight)", e.service),
            ));
        };
        if start == end || start >= 1440 {
            return Err(invalid(
                "end",
                format!("{}: the window is empty", e.service),
            ));
        }
        if rows.iter().any(|r| r.0 == service.as_str()) {
            return Err(invalid("service", format!("{} twice", e.service)));
        }
        rows.push((service.as_str().into(), start as i32, end as i32));
    }
    Ok(rows)
}

/// Sets a point's windows (an empty list: back to the event's).
pub fn set_point_windows(
    tx: &mut Tx,
    user: &CurrentUser,
    code: &str,
    entries: &[WindowEntry],
) -> Result<(), AppError> {
    let rows = parse_windows(entries)?;
    let p = store::find_point(tx, code)?.ok_or(AppError::NotFound("dining point"))?;
    store::replace_windows(tx, p.id, &rows)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "meal_windows",
        p.id,
        json!(entries.len()),
    )?;
    Ok(())
}

pub fn default_windows(conn: &mut DbConn) -> Result<Vec<WindowEntry>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    Ok(window_entries(
        catalog
            .windows
            .get(&0)
            .filter(|w| !w.is_empty())
            .map(Vec::as_slice)
            .unwrap_or(&rules::default_windows()),
    ))
}

pub fn set_default_windows(
    tx: &mut Tx,
    user: &CurrentUser,
    entries: &[WindowEntry],
) -> Result<Vec<WindowEntry>, AppError> {
    let rows = parse_windows(entries)?;
    store::replace_windows(tx, 0, &rows)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "meal_windows",
        0,
        json!(entries.len()),
    )?;
    default_windows(tx)
}

/// One category's meal policy.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct MealPolicyEntry {
    pub category: String,
    /// `hotel`, `any` or `none`.
    pub mode: String,
    pub services: Vec<String>,
}

pub fn policy(conn: &mut DbConn) -> Result<Vec<MealPolicyEntry>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    Ok(Category::ALL
        .iter()
        .map(|c| {
            let (mode, services) = catalog.policy(Some(c.as_str()));
            MealPolicyEntry {
                category: c.as_str().into(),
                mode: mode.as_str().into(),
                services: services.iter().map(|s| s.as_str().to_string()).collect(),
            }
        })
        .collect())
}

pub fn set_policy(
    tx: &mut Tx,
    user: &CurrentUser,
    entries: &[MealPolicyEntry],
) -> Result<Vec<MealPolicyEntry>, AppError> {
    let now = tx.now();
    let mut rows = Vec::new();
    for e in entries {
        let c = Category::parse(&e.category)
            .ok_or_else(|| invalid("category", format!("unknown category {}", e.category)))?;
        let m = Mode::parse(&e.mode)
            .ok_or_else(|| invalid("mode", "mode must be hotel, any or none"))?;
        for s in &e.services {
            Service::parse(s).ok_or_else(|| invalid("services", format!("unknown service {s}")))?;
        }
        rows.push((
            c.as_str().to_string(),
            m.as_str().to_string(),
            e.services.join(","),
        ));
    }
    store::replace_policies(tx, &rows, now)?;
    audit::record(
        tx,
        &user.actor(),
        "update",
        "meal_policy",
        0,
        json!(rows.len()),
    )?;
    policy(tx)
}
