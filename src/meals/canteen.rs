//! The canteen's verdict on a scanned credential or coupon: the service running here now, the
//! guest's entitlement, and the meal to claim. The claim itself is written with the scan log
//! row (`scan::service::log`): a unique key on (eater, day, service) decides "eaten already",
//! so two canteens scanning one card at the same instant cannot both serve it.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::AppError;
use crate::meals::catalog::MealCatalog;
use crate::meals::rules::{self, Denial, Diner, Override, Service};
use crate::meals::store;
use crate::time::to_local;

/// What the canteen screen shows of the meal.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct MealInfo {
    /// The service running now (none outside every window).
    pub service: Option<String>,
    pub day: Option<NaiveDate>,
    pub point: String,
    pub point_name: String,
    /// Send to the halal counter.
    pub halal: bool,
    pub diet: Option<String>,
    /// Where the guest should eat (wrong point).
    pub right_point: Option<String>,
    pub right_point_name: Option<String>,
    /// The next window (outside every window).
    pub next: Option<NextWindow>,
}

/// The next service window.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct NextWindow {
    pub service: String,
    pub day: NaiveDate,
    /// `HH:MM`.
    pub start: String,
}

/// A meal to claim with the scan.
#[derive(Clone, Debug, PartialEq)]
pub struct MealClaim {
    /// `g<guest id>` or `c<coupon pass id>`.
    pub eater: String,
    pub day: NaiveDate,
    pub service: Service,
    pub point_id: i64,
    pub halal: bool,
}

/// Why the canteen refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotEntitled,
    WrongPoint,
    OutsideWindow,
}

/// Who is eating.
pub enum Eater {
    Guest(i64),
    Coupon(i64),
}

/// The eating days of a guest: arrival day to departure day (the registry's stay dates, else
/// the arrival and departure times).
pub fn eating_days(g: &store::MealGuest, tz: Tz) -> Option<std::ops::RangeInclusive<NaiveDate>> {
    match (g.stay_from, g.stay_to, g.arrival_at, g.departure_at) {
        (Some(a), Some(b), _, _) if b >= a => Some(a..=b),
        (_, _, Some(a), Some(b)) => Some(to_local(tz, a).date()..=to_local(tz, b).date()),
        _ => None,
    }
}

/// The days a guest is expected at meals: the nights the hotel desk has them for (so an early
/// arrival, an extension or an early check-out counts), else their eating days.
pub fn expected_days(g: &store::MealGuest, tz: Tz) -> Option<std::ops::RangeInclusive<NaiveDate>> {
    match (g.stay_nights_from, g.stay_nights_to) {
        (Some(a), Some(b)) if b >= a => Some(a..=b),
        _ => eating_days(g, tz),
    }
}

/// A guest's usual points: the one reception assigned, else their hotel's.
pub fn usual_points(g: &store::MealGuest, catalog: &MealCatalog) -> Vec<i64> {
    match (g.point_id, g.hotel_id) {
        (Some(p), _) => vec![p],
        (None, Some(h)) => catalog.hotel_points(h),
        _ => Vec::new(),
    }
}

/// A canteen's verdict: refused or not, what to show, and the meal to claim.
pub struct Decision {
    pub verdict: Result<(), Refusal>,
    pub info: MealInfo,
    pub claim: Option<MealClaim>,
}

/// The verdict at `point` at local time `now`.
pub fn decide(
    conn: &mut DbConn,
    catalog: &MealCatalog,
    point_code: &str,
    eater: Eater,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Decision, AppError> {
    let point = catalog
        .point(point_code)
        .ok_or(AppError::NotFound("dining point"))?;
    let mut info = MealInfo {
        point: point.code.clone(),
        point_name: point.name.clone(),
        ..Default::default()
    };
    let windows = catalog.windows_for(point);
    let Some((service, day)) = rules::service_at(&windows, now) else {
        info.next = rules::next_window(&windows, now).map(|(s, d, m)| NextWindow {
            service: s.as_str().into(),
            day: d,
            start: rules::format_minute(m),
        });
        return Ok(Decision {
            verdict: Err(Refusal::OutsideWindow),
            info,
            claim: None,
        });
    };
    info.service = Some(service.as_str().into());
    info.day = Some(day);
    let (eater_key, halal, verdict) = match eater {
        Eater::Coupon(pass) => {
            let Some((coupon_point, coupon_day, coupon_service)) = store::find_coupon(conn, pass)?
            else {
                return Ok(Decision {
                    verdict: Err(Refusal::NotEntitled),
                    info,
                    claim: None,
                });
            };
            let verdict = if coupon_point != point.id {
                if let Some(p) = catalog.point_by_id(coupon_point) {
                    info.right_point = Some(p.code.clone());
                    info.right_point_name = Some(p.name.clone());
                }
                Err(Refusal::WrongPoint)
            } else if coupon_day != day || coupon_service != service.as_str() {
                Err(Refusal::NotEntitled)
            } else {
                Ok(())
            };
            (format!("c{pass}"), false, verdict)
        }
        Eater::Guest(id) => {
            let Some((g, exception)) = store::find_meal_guest_for(conn, id, day, service.as_str())?
            else {
                return Ok(Decision {
                    verdict: Err(Refusal::NotEntitled),
                    info,
                    claim: None,
                });
            };
            info.halal = g.halal;
            info.diet = g.diet.clone();
            let (mode, services) = catalog.policy(g.category.as_deref());
            let diner = Diner {
                days: eating_days(&g, tz),
                points: usual_points(&g, catalog),
            };
            let exception = exception.map(|(allowed, point)| Override { allowed, point });
            let verdict =
                match rules::entitled(&diner, mode, &services, exception, day, service, point.id) {
                    Ok(()) => Ok(()),
                    Err(Denial::NotEntitled) => Err(Refusal::NotEntitled),
                    Err(Denial::WrongPoint(points)) => {
                        if let Some(p) = points.first().and_then(|p| catalog.point_by_id(*p)) {
                            info.right_point = Some(p.code.clone());
                            info.right_point_name = Some(p.name.clone());
                        }
                        Err(Refusal::WrongPoint)
                    }
                };
            (format!("g{id}"), g.halal, verdict)
        }
    };
    let claim = verdict.is_ok().then_some(MealClaim {
        eater: eater_key,
        day,
        service,
        point_id: point.id,
        halal,
    });
    Ok(Decision {
        verdict,
        info,
        claim,
    })
}

/// The live count of a point's current (or last) service.
#[derive(Serialize, ToSchema, Debug)]
pub struct MealCount {
    pub point: String,
    pub day: Option<NaiveDate>,
    pub service: Option<String>,
    pub served: i64,
    pub halal_served: i64,
    pub expected: i64,
    pub halal_expected: i64,
}

/// Served and expected now at a point (the forecast gives the expected).
pub fn count(
    conn: &mut DbConn,
    point_code: &str,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<MealCount, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let point = catalog
        .point(point_code)
        .ok_or(AppError::NotFound("dining point"))?;
    let Some((service, day)) = rules::service_at(&catalog.windows_for(point), now) else {
        return Ok(MealCount {
            point: point.code.clone(),
            day: None,
            service: None,
            served: 0,
            halal_served: 0,
            expected: 0,
            halal_expected: 0,
        });
    };
    let (regular, halal) = store::count_uses(conn, point.id, day, service.as_str())?;
    let forecast = crate::meals::kitchen::forecast(conn, &catalog, (day, day), Some(point.id), tz)?;
    let f = forecast.iter().find(|r| r.service == service.as_str());
    Ok(MealCount {
        point: point.code.clone(),
        day: Some(day),
        service: Some(service.as_str().into()),
        served: regular + halal,
        halal_served: halal,
        expected: f.map_or(0, |f| f.total),
        halal_expected: f.map_or(0, |f| f.halal),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn guest() -> store::MealGuest {
        store::MealGuest {
            id: 1,
            category: Some("delegate".into()),
            halal: false,
            diet: None,
            stay_from: NaiveDate::from_ymd_opt(2027, 6, 16),
            stay_to: NaiveDate::from_ymd_opt(2027, 6, 19),
            arrival_at: None,
            departure_at: None,
            hotel_id: Some(3),
            stay_nights_from: None,
            stay_nights_to: None,
            point_id: None,
        }
    }

    #[test]
    fn kitchens_expect_guests_on_the_desks_dates_and_entitlement_stays_the_registrys() {
        let tz = chrono_tz::Asia::Shanghai;
        let d = |day| NaiveDate::from_ymd_opt(2027, 6, day).unwrap();
        let mut g = guest();
        assert_eq!(expected_days(&g, tz), Some(d(16)..=d(19)));
        // Checked out a day early at the desk: the kitchen stops counting them.
        g.stay_nights_from = Some(d(16));
        g.stay_nights_to = Some(d(18));
        assert_eq!(expected_days(&g, tz), Some(d(16)..=d(18)));
        assert_eq!(
            eating_days(&g, tz),
            Some(d(16)..=d(19)),
            "the entitlement is the registry's"
        );
    }
}
