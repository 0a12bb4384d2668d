//! The committee's daily report: one day of the event in numbers — guests by category and
//! status (registered, withdrawn, in house), credentials by status, rooms used per night
//! against those held, meals served against the forecast, hygiene incidents — as JSON for the
//! print page and as CSV for the committee's own sheets.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{guests, incidents, passes, stays};
use crate::db::DbConn;
use crate::error::AppError;
use crate::time::{to_rfc3339, to_utc};

/// Guests of one category.
#[derive(Serialize, ToSchema, Debug, Default, Clone, PartialEq)]
pub struct CategoryLine {
    pub category: String,
    /// Registered and not withdrawn.
    pub active: i64,
    pub withdrawn: i64,
    /// Booked or checked in for the night of the day.
    pub in_house: i64,
}

/// A count by status.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub status: String,
    pub count: i64,
}

/// Rooms on one night, over every hotel.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq)]
pub struct NightLine {
    pub night: NaiveDate,
    pub held: u32,
    pub allocated: u32,
    pub checked_in: u32,
}

/// One meal service of the day, over every dining point.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq)]
pub struct MealLine {
    pub service: String,
    pub forecast: i64,
    pub served: i64,
}

/// Hygiene incidents.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq)]
pub struct IncidentLine {
    /// Open at the end of the day (or now, for today).
    pub open: i64,
    pub raised: i64,
    pub closed: i64,
}

/// The report.
#[derive(Serialize, ToSchema, Debug)]
pub struct DailyReport {
    pub day: NaiveDate,
    pub generated_at: String,
    pub categories: Vec<CategoryLine>,
    pub credentials: Vec<StatusLine>,
    pub rooms: Vec<NightLine>,
    pub meals: Vec<MealLine>,
    pub incidents: IncidentLine,
}

/// The report of `day` (event-local).
pub fn daily_report(
    conn: &mut DbConn,
    day: NaiveDate,
    tz: Tz,
    now: NaiveDateTime,
) -> Result<DailyReport, AppError> {
    let mut categories: BTreeMap<String, CategoryLine> = BTreeMap::new();
    let rows: Vec<(i64, Option<String>, Option<NaiveDateTime>)> = guests::table
        .select((guests::id, guests::category, guests::withdrawn_at))
        .load(conn)?;
    let in_house: std::collections::HashSet<i64> = stays::table
        .filter(stays::nights_from.le(day))
        .filter(stays::nights_to.gt(day))
        .filter(stays::status.ne("checked_out"))
        .select(stays::guest_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    for (id, category, withdrawn) in rows {
        let key = category.unwrap_or_else(|| "-".into());
        let line = categories
            .entry(key.clone())
            .or_insert_with(|| CategoryLine {
                category: key,
                ..Default::default()
            });
        if withdrawn.is_some() {
            line.withdrawn += 1;
        } else {
            line.active += 1;
            line.in_house += i64::from(in_house.contains(&id));
        }
    }
    let mut credentials: BTreeMap<String, i64> = BTreeMap::new();
    for status in passes::table
        .filter(passes::kind.eq("credential"))
        .select(passes::status)
        .load::<String>(conn)?
    {
        *credentials.entry(status).or_default() += 1;
    }
    let grid = crate::hotels::catalog::occupancy(conn)?;
    let rooms = grid
        .nights
        .iter()
        .enumerate()
        .map(|(i, night)| NightLine {
            night: *night,
            held: grid
                .hotels
                .iter()
                .map(|h| h.held.get(i).copied().unwrap_or(0))
                .sum(),
            allocated: grid
                .hotels
                .iter()
                .map(|h| h.allocated.get(i).copied().unwrap_or(0))
                .sum(),
            checked_in: grid
                .hotels
                .iter()
                .map(|h| h.checked_in.get(i).copied().unwrap_or(0))
                .sum(),
        })
        .collect();
    let catalog = crate::meals::catalog::MealCatalog::load(conn)?;
    let mut meals: BTreeMap<String, MealLine> = BTreeMap::new();
    for row in crate::meals::kitchen::forecast(conn, &catalog, (day, day), None, tz)? {
        let line = meals
            .entry(row.service.clone())
            .or_insert_with(|| MealLine {
                service: row.service.clone(),
                forecast: 0,
                served: 0,
            });
        line.forecast += row.total;
        line.served += row.actual;
    }
    let mut meals: Vec<MealLine> = meals.into_values().collect();
    meals.sort_by_key(|m| crate::meals::rules::Service::parse(&m.service).map_or(9, |s| s as u8));
    let start = to_utc(tz, day.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = to_utc(
        tz,
        (day + chrono::Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let cutoff = end.min(now);
    let raised: i64 = incidents::table
        .filter(incidents::created_at.ge(start))
        .filter(incidents::created_at.lt(end))
        .count()
        .get_result(conn)?;
    let closed: i64 = incidents::table
        .filter(incidents::closed_at.ge(start))
        .filter(incidents::closed_at.lt(end))
        .count()
        .get_result(conn)?;
    let open: i64 = incidents::table
        .filter(incidents::created_at.lt(cutoff))
        .filter(
            incidents::closed_at
                .is_null()
                .or(incidents::closed_at.ge(cutoff)),
        )
        .count()
        .get_result(conn)?;
    Ok(DailyReport {
        day,
        generated_at: to_rfc3339(tz, now),
        categories: categories.into_values().collect(),
        credentials: credentials
            .into_iter()
            .map(|(status, count)| StatusLine { status, count })
            .collect(),
        rooms,
        meals,
        incidents: IncidentLine {
            open,
            raised,
            closed,
        },
    })
}

/// The report as CSV: `section,item,figure,value`, one line per number, UTF-8 with a BOM so
/// a spreadsheet opens the Chinese right.
pub fn csv(report: &DailyReport) -> String {
    let mut out = String::from("\u{feff}section,item,figure,value\n");
    let mut line = |section: &str, item: &str, figure: &str, value: String| {
        let quote = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        out.push_str(&format!(
            "{},{},{},{}\n",
            quote(section),
            quote(item),
            quote(figure),
            quote(&value)
        ));
    };
    line("report", "day", "date", report.day.to_string());
    for c in &report.categories {
        line("guests", &c.category, "active", c.active.to_string());
        line("guests", &c.category, "withdrawn", c.withdrawn.to_string());
        line("guests", &c.category, "in_house", c.in_house.to_string());
    }
    for s in &report.credentials {
        line("credentials", &s.status, "count", s.count.to_string());
    }
    for n in &report.rooms {
        let night = n.night.to_string();
        line("rooms", &night, "held", n.held.to_string());
        line("rooms", &night, "allocated", n.allocated.to_string());
        line("rooms", &night, "checked_in", n.checked_in.to_string());
    }
    for m in &report.meals {
        line("meals", &m.service, "forecast", m.forecast.to_string());
        line("meals", &m.service, "served", m.served.to_string());
    }
    line(
        "incidents",
        "open",
        "count",
        report.incidents.open.to_string(),
    );
    line(
        "incidents",
        "raised",
        "count",
        report.incidents.raised.to_string(),
    );
    line(
        "incidents",
        "closed",
        "count",
        report.incidents.closed.to_string(),
    );
    out
}
