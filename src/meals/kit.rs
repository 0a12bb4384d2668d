//! A canteen's part of the offline kit: who may eat here, which services on which days, halal
//! and diet — decided here by the same rules as online (`rules::entitled`), so the device
//! only looks the answer up. One hex digit per eater per day keeps 20,000 eaters over two
//! weeks well under a megabyte.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{guests, meal_coupons, meal_uses, passes};
use crate::db::DbConn;
use crate::error::AppError;
use crate::meals::canteen::{eating_days, usual_points};
use crate::meals::catalog::MealCatalog;
use crate::meals::rules::{self, Diner, Mode, Override, Service};
use crate::meals::store;

/// The longest stretch of days a kit covers.
const MAX_DAYS: i64 = 40;

/// The bit of a service in a day's hex digit.
pub fn service_bit(service: Service) -> u8 {
    match service {
        Service::Breakfast => 1,
        Service::Lunch => 2,
        Service::Dinner => 4,
        Service::NightSnack => 8,
    }
}

/// A canteen's lists.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CanteenKit {
    /// The dining point's code and name.
    pub point: String,
    pub point_name: String,
    /// Day 0 of every mask.
    pub first_day: NaiveDate,
    pub days: u32,
    /// The point's service windows, minutes of the local day.
    pub windows: Vec<KitWindow>,
    /// `[pass_id, mask, halal, diet, name]`: mask has one hex digit per day from `first_day`,
    /// bits 1 breakfast, 2 lunch, 4 dinner, 8 night snack. Meal coupons too (name empty).
    pub eaters: Vec<(i64, String, u8, Option<String>, String)>,
    /// Meals already taken from yesterday on: `[pass_id, day, service]`.
    pub used: Vec<(i64, NaiveDate, String)>,
}

/// A service window: `end` may be 1440, or before `start` when it runs past midnight (it then
/// belongs to the day it starts).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct KitWindow {
    pub service: String,
    pub start: u32,
    pub end: u32,
}

/// The kit of dining point `code`, or `None` when there is no such point.
pub fn canteen(
    conn: &mut DbConn,
    code: &str,
    today: NaiveDate,
    tz: Tz,
) -> Result<Option<CanteenKit>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let Some(point) = catalog.point(code).cloned() else {
        return Ok(None);
    };
    let guests_list = store::list_meal_guests(conn)?;
    let eating: Vec<_> = guests_list.iter().map(|g| eating_days(g, tz)).collect();
    let earliest = eating.iter().flatten().map(|d| *d.start()).min();
    let latest = eating.iter().flatten().map(|d| *d.end()).max();
    let first_day = earliest.map_or(today, |e| e.max(today - Duration::days(1)));
    let last_day = latest
        .unwrap_or(first_day)
        .min(first_day + Duration::days(MAX_DAYS - 1));
    let days = u32::try_from((last_day - first_day).num_days() + 1).unwrap_or(0);

    let credential: HashMap<i64, i64> = passes::table
        .filter(passes::kind.eq("credential"))
        .filter(passes::guest_id.is_not_null())
        .select((passes::guest_id.assume_not_null(), passes::id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let names: HashMap<i64, String> = guests::table
        .select((guests::id, guests::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut overrides: HashMap<(i64, NaiveDate, String), Override> = HashMap::new();
    let mut with_overrides = std::collections::HashSet::new();
    for (guest, day, service, allowed, point_id) in
        store::list_overrides(conn, None, (first_day, last_day))?
    {
        with_overrides.insert(guest);
        overrides.insert(
            (guest, day, service),
            Override {
                allowed,
                point: point_id,
            },
        );
    }

    let mut eaters = Vec::new();
    for (g, days_of) in guests_list.iter().zip(&eating) {
        let Some(&pass_id) = credential.get(&g.id) else {
            continue;
        };
        let (mode, services) = catalog.policy(g.category.as_deref());
        let diner = Diner {
            days: days_of.clone(),
            points: usual_points(g, &catalog),
        };
        let may_eat_here = match mode {
            Mode::Any => true,
            Mode::Hotel => diner.points.contains(&point.id),
            Mode::None => false,
        };
        if !may_eat_here && !with_overrides.contains(&g.id) {
            continue; // cheap skip: most guests eat at one other point
        }
        let mut mask = String::with_capacity(days as usize);
        let mut any = false;
        for d in 0..i64::from(days) {
            let day = first_day + Duration::days(d);
            let mut digit = 0u8;
            for service in Service::ALL {
                let exception = overrides
                    .get(&(g.id, day, service.as_str().to_string()))
                    .copied();
                if rules::entitled(&diner, mode, &services, exception, day, service, point.id)
                    .is_ok()
                {
                    digit |= service_bit(service);
                }
            }
            any |= digit != 0;
            mask.push(char::from_digit(u32::from(digit), 16).unwrap_or('0'));
        }
        if any {
            eaters.push((
                pass_id,
                mask,
                u8::from(g.halal),
                g.diet.clone(),
                names.get(&g.id).cloned().unwrap_or_default(),
            ));
        }
    }
    let coupons: Vec<(i64, NaiveDate, String)> = meal_coupons::table
        .filter(meal_coupons::point_id.eq(point.id))
        .filter(meal_coupons::day.between(first_day, last_day))
        .select((
            meal_coupons::pass_id,
            meal_coupons::day,
            meal_coupons::service,
        ))
        .load(conn)?;
    for (pass_id, day, service) in coupons {
        let Some(service) = Service::parse(&service) else {
            continue;
        };
        let index = usize::try_from((day - first_day).num_days()).unwrap_or(0);
        let mask: String = (0..days as usize)
            .map(|i| if i == index { service_bit(service) } else { 0 })
            .map(|d| char::from_digit(u32::from(d), 16).unwrap_or('0'))
            .collect();
        eaters.push((pass_id, mask, 0, None, String::new()));
    }
    eaters.sort_by_key(|e| e.0);

    let by_guest: HashMap<String, i64> = credential
        .iter()
        .map(|(guest, pass)| (format!("g{guest}"), *pass))
        .collect();
    let used = meal_uses::table
        .filter(meal_uses::day.ge(today - Duration::days(1)))
        .select((meal_uses::eater, meal_uses::day, meal_uses::service))
        .load::<(String, NaiveDate, String)>(conn)?
        .into_iter()
        .filter_map(|(eater, day, service)| {
            let pass = match eater.strip_prefix('c') {
                Some(coupon) => coupon.parse().ok()?,
                None => *by_guest.get(&eater)?,
            };
            Some((pass, day, service))
        })
        .collect();
    Ok(Some(CanteenKit {
        point: point.code.clone(),
        point_name: point.name.clone(),
        first_day,
        days,
        windows: catalog
            .windows_for(&point)
            .into_iter()
            .map(|w| KitWindow {
                service: w.service.as_str().into(),
                start: w.start,
                end: w.end,
            })
            .collect(),
        eaters,
        used,
    }))
}
