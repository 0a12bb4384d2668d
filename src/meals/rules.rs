//! Pure decisions of meals: which service is running at a point and for which day, who may
//! eat where, and the kitchen's numbers. No database and no clock: callers pass local times.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};

/// A meal service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Breakfast,
    Lunch,
    Dinner,
    NightSnack,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::Breakfast,
        Service::Lunch,
        Service::Dinner,
        Service::NightSnack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::Breakfast => "breakfast",
            Service::Lunch => "lunch",
            Service::Dinner => "dinner",
            Service::NightSnack => "night_snack",
        }
    }

    pub fn parse(s: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Service::Breakfast, true) => "早餐",
            (Service::Lunch, true) => "午餐",
            (Service::Dinner, true) => "晚餐",
            (Service::NightSnack, true) => "夜宵",
            (Service::Breakfast, false) => "breakfast",
            (Service::Lunch, false) => "lunch",
            (Service::Dinner, false) => "dinner",
            (Service::NightSnack, false) => "night snack",
        }
    }
}

/// A service window in minutes of the local day. `end` may be 1440 (midnight), or before
/// `start` when the window runs past midnight; either way it belongs to the day it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub service: Service,
    pub start: u32,
    pub end: u32,
}

/// `HH:MM` (or `24:00`) → minutes.
pub fn parse_minute(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Minutes → `HH:MM`.
pub fn format_minute(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// The event's default windows.
pub fn default_windows() -> Vec<Window> {
    vec![
        Window {
            service: Service::Breakfast,
            start: 6 * 60 + 30,
            end: 9 * 60,
        },
        Window {
            service: Service::Lunch,
            start: 11 * 60 + 30,
            end: 13 * 60 + 30,
        },
        Window {
            service: Service::Dinner,
            start: 17 * 60 + 30,
            end: 20 * 60,
        },
    ]
}

/// At a hotel hosting journalists: breakfast until 10:00 and a night snack 22:00–24:00.
pub fn press_hotel_windows(defaults: &[Window]) -> Vec<Window> {
    let mut w: Vec<Window> = defaults
        .iter()
        .map(|w| match w.service {
            Service::Breakfast => Window {
                end: w.end.max(10 * 60),
                ..*w
            },
            _ => *w,
        })
        .filter(|w| w.service != Service::NightSnack)
        .collect();
    w.push(Window {
        service: Service::NightSnack,
        start: 22 * 60,
        end: 24 * 60,
    });
    w
}

/// The service running at `local` and the day it belongs to.
pub fn service_at(windows: &[Window], local: NaiveDateTime) -> Option<(Service, NaiveDate)> {
    let minute = local.hour() * 60 + local.minute();
    let today = local.date();
    windows.iter().find_map(|w| {
        if w.start < w.end {
            (w.start..w.end)
                .contains(&minute)
                .then_some((w.service, today))
        } else if minute >= w.start {
            Some((w.service, today))
        } else if minute < w.end {
            // Past midnight: yesterday's window still running.
            Some((w.service, today - Duration::days(1)))
        } else {
            None
        }
    })
}

/// The next window to open after `local` (today or tomorrow).
pub fn next_window(windows: &[Window], local: NaiveDateTime) -> Option<(Service, NaiveDate, u32)> {
    let minute = local.hour() * 60 + local.minute();
    let mut sorted: Vec<&Window> = windows.iter().collect();
    sorted.sort_by_key(|w| w.start);
    sorted
        .iter()
        .find(|w| w.start > minute)
        .map(|w| (w.service, local.date(), w.start))
        .or_else(|| {
            sorted
                .first()
                .map(|w| (w.service, local.date() + Duration::days(1), w.start))
        })
}

/// Where a category eats by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// At the dining point of their hotel (or the one reception assigns).
    Hotel,
    /// At any point (journalists).
    Any,
    /// No meals.
    None,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hotel => "hotel",
            Mode::Any => "any",
            Mode::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        [Mode::Hotel, Mode::Any, Mode::None]
            .into_iter()
            .find(|m| m.as_str() == s.trim())
    }
}

/// The default policy: journalists eat anywhere, everyone else at their hotel; all services.
pub fn default_mode(category: &str) -> Mode {
    if category == "journalist" {
        Mode::Any
    } else {
        Mode::Hotel
    }
}

/// A guest as the meal rules see them.
#[derive(Clone, Debug, Default)]
pub struct Diner {
    /// The days they eat: arrival day to departure day.
    pub days: Option<RangeInclusive<NaiveDate>>,
    /// Their points (the assigned one, else their hotel's), empty when none.
    pub points: Vec<i64>,
}

/// Reception's exception for a day and service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Override {
    pub allowed: bool,
    /// Only this point (`None`: the usual ones, or any for `Any`).
    pub point: Option<i64>,
}

/// Why a guest may not eat here now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denial {
    NotEntitled,
    /// Should eat at these points.
    WrongPoint(Vec<i64>),
}

/// May `diner` eat `service` on `day` at `point`?
pub fn entitled(
    diner: &Diner,
    mode: Mode,
    services: &[Service],
    exception: Option<Override>,
    day: NaiveDate,
    service: Service,
    point: i64,
) -> Result<(), Denial> {
    if let Some(o) = exception {
        if !o.allowed {
            return Err(Denial::NotEntitled);
        }
        return match o.point {
            Some(p) if p != point => Err(Denial::WrongPoint(vec![p])),
            Some(_) => Ok(()),
            None => at_point(diner, mode, point),
        };
    }
    if mode == Mode::None
        || !services.contains(&service)
        || !diner.days.as_ref().is_some_and(|d| d.contains(&day))
    {
        return Err(Denial::NotEntitled);
    }
    at_point(diner, mode, point)
}

fn at_point(diner: &Diner, mode: Mode, point: i64) -> Result<(), Denial> {
    match mode {
        Mode::Any => Ok(()),
        _ if diner.points.contains(&point) => Ok(()),
        _ if diner.points.is_empty() => Err(Denial::NotEntitled),
        _ => Err(Denial::WrongPoint(diner.points.clone())),
    }
}

/// A kitchen's numbers for one point, day and service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headcount {
    pub regular: f64,
    pub halal: f64,
    pub diets: BTreeMap<String, f64>,
}

impl Headcount {
    pub fn add(&mut self, share: f64, halal: bool, diet: Option<&str>) {
        if halal {
            self.halal += share;
        } else {
            self.regular += share;
        }
        if let Some(d) = diet.map(str::trim).filter(|d| !d.is_empty()) {
            *self.diets.entry(d.to_string()).or_default() += share;
        }
    }
}

/// Where a floating guest (a journalist) is expected to eat: by where journalists have eaten
/// (counts per point), else evenly over `fallback`.
pub fn float_shares(history: &BTreeMap<i64, u64>, fallback: &[i64]) -> Vec<(i64, f64)> {
    let total: u64 = history.values().sum();
    if total > 0 {
        history
            .iter()
            .map(|(p, n)| (*p, *n as f64 / total as f64))
            .collect()
    } else if fallback.is_empty() {
        Vec::new()
    } else {
        let share = 1.0 / fallback.len() as f64;
        fallback.iter().map(|p| (*p, share)).collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 6, day)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn the_night_snack_until_midnight_belongs_to_the_day_it_starts() {
        let w = press_hotel_windows(&default_windows());
        assert_eq!(
            service_at(&w, at(16, 23, 59)),
            Some((Service::NightSnack, at(16, 0, 0).date()))
        );
        assert_eq!(service_at(&w, at(17, 0, 0)), None, "24:00 is the end");
        assert_eq!(
            service_at(&w, at(16, 9, 30)),
            Some((Service::Breakfast, at(16, 0, 0).date())),
            "press breakfast until 10:00"
        );
        assert_eq!(service_at(&default_windows(), at(16, 9, 30)), None);
    }

    #[test]
    fn a_window_past_midnight_still_counts_for_the_day_before() {
        let w = [Window {
            service: Service::NightSnack,
            start: 22 * 60,
            end: 60,
        }];
        assert_eq!(
            service_at(&w, at(17, 0, 30)),
            Some((Service::NightSnack, at(16, 0, 0).date()))
        );
        assert_eq!(service_at(&w, at(17, 1, 0)), None);
    }

    #[test]
    fn the_next_window_is_later_today_or_tomorrows_first() {
        let w = default_windows();
        assert_eq!(
            next_window(&w, at(16, 10, 0)),
            Some((Service::Lunch, at(16, 0, 0).date(), 690))
        );
        assert_eq!(
            next_window(&w, at(16, 21, 0)),
            Some((Service::Breakfast, at(17, 0, 0).date(), 390))
        );
    }

    #[test]
    fn times_read_and_write_with_midnight_as_24_00() {
        assert_eq!(parse_minute("24:00"), Some(1440));
        assert_eq!(parse_minute("24:01"), None);
        assert_eq!(parse_minute("7:05"), Some(425));
        assert_eq!(format_minute(1440), "24:00");
    }

    #[test]
    fn guests_eat_at_their_point_journalists_anywhere_within_their_stay() {
        let d = at(16, 0, 0).date();
        let diner = Diner {
            days: Some(d..=d + Duration::days(2)),
            points: vec![7],
        };
        let all = Service::ALL;
        assert_eq!(
            entitled(&diner, Mode::Hotel, &all, None, d, Service::Lunch, 7),
            Ok(())
        );
        assert_eq!(
            entitled(&diner, Mode::Hotel, &all, None, d, Service::Lunch, 8),
            Err(Denial::WrongPoint(vec![7]))
        );
        assert_eq!(
            entitled(&diner, Mode::Any, &all, None, d, Service::Lunch, 8),
            Ok(())
        );
        assert_eq!(
            entitled(
                &diner,
                Mode::Hotel,
                &all,
                None,
                d + Duration::days(3),
                Service::Lunch,
                7
            ),
            Err(Denial::NotEntitled)
        );
        let no = Override {
            allowed: false,
            point: None,
        };
        assert_eq!(
            entitled(&diner, Mode::Hotel, &all, Some(no), d, Service::Lunch, 7),
            Err(Denial::NotEntitled)
        );
        let extra = Override {
            allowed: true,
            point: Some(9),
        };
        assert_eq!(
            entitled(
                &diner,
                Mode::Hotel,
                &all,
                Some(extra),
                d + Duration::days(5),
                Service::Dinner,
                9
            ),
            Ok(())
        );
    }

    #[test]
    fn floating_guests_follow_where_they_have_eaten() {
        let history = BTreeMap::from([(1, 30), (2, 10)]);
        assert_eq!(
            float_shares(&history, &[1, 2, 3]),
            vec![(1, 0.75), (2, 0.25)]
        );
        assert_eq!(
            float_shares(&BTreeMap::new(), &[1, 2]),
            vec![(1, 0.5), (2, 0.5)]
        );
    }
}
