//! What kitchens need: the headcount forecast per point, day and service (regular, halal and
//! each special diet), the kitchen sheet for tomorrow, forecast against actual, and the unified
//! menu with its dish cards.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::csv_format::guard;
use crate::i18n::Lang;
use crate::meals::canteen::{expected_days, usual_points};
use crate::meals::catalog::MealCatalog;
use crate::meals::model::{MenuEntry, MenuItem};
use crate::meals::rules::{self, Headcount, Mode, Service};
use crate::meals::store;

/// One point, day and service of the forecast.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct ForecastRow {
    pub point: String,
    pub day: NaiveDate,
    pub service: String,
    pub regular: i64,
    pub halal: i64,
    /// Special diets (病号饭, 素食, allergies…) with their counts.
    pub diets: BTreeMap<String, i64>,
    pub total: i64,
    /// Meals actually served (so far).
    pub actual: i64,
}

/// The forecast over `days` (inclusive), for one point or all. Guests count where they are
/// entitled to eat, over the days they are in house (the desk's dates when they have a booking);
/// journalists, who may eat anywhere, are spread by where journalists have been eating.
pub fn forecast(
    conn: &mut DbConn,
    catalog: &MealCatalog,
    days: (NaiveDate, NaiveDate),
    only: Option<i64>,
    tz: Tz,
) -> Result<Vec<ForecastRow>, AppError> {
    let (from, to) = days;
    let n_days = usize::try_from((to - from).num_days() + 1)
        .unwrap_or(0)
        .min(366);
    let points: Vec<&crate::meals::model::DiningPoint> = catalog.points.iter().collect();
    let index: BTreeMap<i64, usize> = points.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let open: Vec<Vec<Service>> = points
        .iter()
        .map(|p| catalog.windows_for(p).iter().map(|w| w.service).collect())
        .collect();
    let slot = |p: usize, d: usize, s: Service| (p * n_days + d) * 4 + s as usize;
    let mut cells = vec![Headcount::default(); points.len() * n_days * 4];
    let guests = store::list_meal_guests(conn)?;
    let category: BTreeMap<i64, Option<String>> =
        guests.iter().map(|g| (g.id, g.category.clone())).collect();
    let overrides: BTreeMap<(i64, NaiveDate, String), (bool, Option<i64>)> =
        store::list_overrides(conn, None, days)?
            .into_iter()
            .map(|(g, d, s, a, p)| ((g, d, s), (a, p)))
            .collect();
    // Where journalists ate over the last three days.
    let mut history: BTreeMap<i64, u64> = BTreeMap::new();
    let mut actual: BTreeMap<(i64, NaiveDate, String), i64> = BTreeMap::new();
    for (point, day, service, eater) in store::list_uses(conn, (from - Duration::days(3), to))? {
        if day >= from {
            *actual.entry((point, day, service)).or_default() += 1;
        } else if eater
            .strip_prefix('g')
            .and_then(|g| g.parse::<i64>().ok())
            .and_then(|g| category.get(&g).cloned().flatten())
            .as_deref()
            == Some("journalist")
        {
            *history.entry(point).or_default() += 1;
        }
    }
    let press_points: Vec<i64> = points
        .iter()
        .filter(|p| {
            p.hotel_id
                .is_some_and(|h| catalog.press_hotels.contains(&h))
        })
        .map(|p| p.id)
        .collect();
    let fallback: Vec<i64> = if press_points.is_empty() {
        points.iter().map(|p| p.id).collect()
    } else {
        press_points
    };
    let floating = rules::float_shares(&history, &fallback);
    for g in &guests {
        let (mode, services) = catalog.policy(g.category.as_deref());
        let Some(stay) = expected_days(g, tz) else {
            continue;
        };
        let usual = usual_points(g, catalog);
        let usual_shares: Vec<(i64, f64)> = usual
            .iter()
            .map(|p| (*p, 1.0 / usual.len() as f64))
            .collect();
        let first = (*stay.start()).max(from);
        let last = (*stay.end()).min(to);
        let mut day = first;
        while day <= last {
            let d = usize::try_from((day - from).num_days()).unwrap_or(0);
            for service in &services {
                let exception = overrides.get(&(g.id, day, service.as_str().to_string()));
                let one: [(i64, f64); 1];
                let shares: &[(i64, f64)] = match (exception, mode) {
                    (Some((false, _)), _) => &[],
                    (Some((true, Some(p))), _) => {
                        one = [(*p, 1.0)];
                        &one
                    }
                    (_, Mode::None) => &[],
                    (_, Mode::Any) => &floating,
                    (_, Mode::Hotel) => &usual_shares,
                };
                for (point, share) in shares {
                    let Some(&p) = index.get(point) else { continue };
                    if only.is_some_and(|o| o != *point) || !open[p].contains(service) {
                        continue;
                    }
                    cells[slot(p, d, *service)].add(*share, g.halal, g.diet.as_deref());
                }
            }
            day += Duration::days(1);
        }
    }
    let mut rows = Vec::new();
    for (p, point) in points.iter().enumerate() {
        if only.is_some_and(|o| o != point.id) {
            continue;
        }
        for d in 0..n_days {
            let day = from + Duration::days(d as i64);
            for service in &open[p] {
                let c = &cells[slot(p, d, *service)];
                let (regular, halal) = (c.regular.round() as i64, c.halal.round() as i64);
                rows.push(ForecastRow {
                    point: point.code.clone(),
                    day,
                    service: service.as_str().into(),
                    regular,
                    halal,
                    diets: c
                        .diets
                        .iter()
                        .map(|(k, v)| (k.clone(), v.round() as i64))
                        .filter(|(_, v)| *v > 0)
                        .collect(),
                    total: regular + halal,
                    actual: actual
                        .get(&(point.id, day, service.as_str().to_string()))
                        .copied()
                        .unwrap_or(0),
                });
            }
        }
    }
    Ok(rows)
}

/// A point's kitchen sheet for a day.
#[derive(Serialize, ToSchema, Debug)]
pub struct KitchenSheet {
    pub point: String,
    pub point_name: String,
    pub day: NaiveDate,
    pub services: Vec<SheetService>,
}

/// One service on the sheet.
#[derive(Serialize, ToSchema, Debug)]
pub struct SheetService {
    pub service: String,
    /// `HH:MM–HH:MM`.
    pub window: String,
    pub regular: i64,
    pub halal: i64,
    pub diets: BTreeMap<String, i64>,
    pub total: i64,
}

pub fn kitchen_sheet(
    conn: &mut DbConn,
    code: &str,
    day: NaiveDate,
    tz: Tz,
) -> Result<KitchenSheet, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let point = catalog
        .point(code)
        .ok_or(AppError::NotFound("dining point"))?;
    let windows = catalog.windows_for(point);
    let rows = forecast(conn, &catalog, (day, day), Some(point.id), tz)?;
    Ok(KitchenSheet {
        point: point.code.clone(),
        point_name: point.name.clone(),
        day,
        services: rows
            .into_iter()
            .map(|r| {
                let w = windows.iter().find(|w| w.service.as_str() == r.service);
                SheetService {
                    window: w
                        .map(|w| {
                            format!(
                                "{}–{}",
                                rules::format_minute(w.start),
                                rules::format_minute(w.end)
                            )
                        })
                        .unwrap_or_default(),
                    service: r.service,
                    regular: r.regular,
                    halal: r.halal,
                    diets: r.diets,
                    total: r.total,
                }
            })
            .collect(),
    })
}

/// The kitchen sheet as CSV (UTF-8 with BOM, Chinese and English headers).
pub fn kitchen_sheet_csv(sheet: &KitchenSheet, lang: Lang) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record([
        "餐别 Service",
        "时间 Window",
        "普通 Regular",
        "清真 Halal",
        "合计 Total",
        "特殊饮食 Special diets",
    ])
    .map_err(err)?;
    for s in &sheet.services {
        let service = Service::parse(&s.service)
            .map_or(s.service.clone(), |x| x.label(lang == Lang::Zh).to_string());
        let diets = s
            .diets
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join("; ");
        w.write_record([
            service,
            s.window.clone(),
            s.regular.to_string(),
            s.halal.to_string(),
            s.total.to_string(),
            guard(&diets),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

// --- the menu ----------------------------------------------------------------------------

fn menu_entry(m: &MenuItem, catalog: &MealCatalog) -> MenuEntry {
    MenuEntry {
        id: m.id,
        day: m.day,
        service: m.service.clone(),
        point: m
            .point_id
            .and_then(|p| catalog.point_by_id(p))
            .map(|p| p.code.clone()),
        halal_counter: m.halal_counter,
        name_zh: m.name_zh.clone(),
        name_en: m.name_en.clone(),
        halal: m.halal,
        allergens: m
            .allergens
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

/// The menu of a day (and service): the unified dishes, with a point's exceptions when asked
/// for a point (a point's exception replaces the unified list for its service).
pub fn menu(
    conn: &mut DbConn,
    day: NaiveDate,
    service: Option<&str>,
    point: Option<&str>,
) -> Result<Vec<MenuEntry>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let point_id = match point.filter(|p| !p.is_empty()) {
        Some(code) => Some(
            catalog
                .point(code)
                .ok_or(AppError::NotFound("dining point"))?
                .id,
        ),
        None => None,
    };
    let items = store::list_menu(conn, day, service)?;
    let has_exception = |svc: &str| {
        point_id.is_some_and(|p| {
            items
                .iter()
                .any(|i| i.point_id == Some(p) && i.service == svc)
        })
    };
    Ok(items
        .iter()
        .filter(|i| match (point_id, i.point_id) {
            (None, None) => true,
            (None, Some(_)) => true,
            (Some(p), Some(q)) => p == q,
            (Some(_), None) => !has_exception(&i.service),
        })
        .map(|i| menu_entry(i, &catalog))
        .collect())
}

pub fn add_dish(tx: &mut Tx, user: &CurrentUser, e: &MenuEntry) -> Result<MenuEntry, AppError> {
    let now = tx.now();
    let invalid = |f: &str, m: &str| AppError::invalid(m.to_string(), json!([{ "field": f }]));
    let service = Service::parse(&e.service).ok_or_else(|| {
        invalid(
            "service",
            "service must be breakfast, lunch, dinner or night_snack",
        )
    })?;
    if e.name_zh.trim().is_empty() {
        return Err(invalid("name_zh", "the dish needs a Chinese name"));
    }
    if e.halal_counter && !e.halal {
        return Err(invalid(
            "halal",
            "a dish on the halal counter must be halal",
        ));
    }
    let catalog = MealCatalog::load(tx)?;
    let point = match e.point.as_deref().filter(|p| !p.is_empty()) {
        Some(code) => Some(
            catalog
                .point(code)
                .ok_or(AppError::NotFound("dining point"))?
                .id,
        ),
        None => None,
    };
    let id = store::insert_menu_item(
        tx,
        e.day,
        service.as_str(),
        point,
        e.halal_counter,
        e.name_zh.trim(),
        e.name_en.trim(),
        e.halal,
        &e.allergens.join(","),
        now,
    )?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "menu_item",
        id,
        json!({"name": e.name_zh}),
    )?;
    Ok(MenuEntry { id, ..e.clone() })
}

pub fn delete_dish(tx: &mut Tx, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    if store::delete_menu_item(tx, id)? == 0 {
        return Err(AppError::NotFound("menu item"));
    }
    audit::record(tx, &user.actor(), "delete", "menu_item", id, json!({}))?;
    Ok(())
}
