//! The inspectors' roster, generated and checked. Pure: times are minutes on the event's local
//! clock (day = minute ÷ 1440), no database.
//!
//! Coverage: every window in which food is handled at a dining point (from the raw-food lead
//! time before a service to the service's end) has [`Rules::per_window`] inspectors on duty.
//! Rules, never broken: no inspector in two places at once; between two shifts at least the
//! minimum rest (and, between points, the travel time); at most the daily maximum on duty.
//! A point's windows closer together than the rest are one continuous duty (fewer shifts).
//! When coverage cannot be met the roster says where (gaps), and whether there are simply too
//! few inspectors for what is asked.

use std::collections::BTreeMap;

/// A window that needs inspectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Demand {
    pub point: i64,
    pub start: i64,
    pub end: i64,
}

/// The roster's rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    pub per_window: usize,
    pub max_minutes_per_day: i64,
    pub min_rest: i64,
    pub travel: i64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            per_window: 2,
            max_minutes_per_day: 10 * 60,
            min_rest: 60,
            travel: 30,
        }
    }
}

/// An inspector on duty.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shift {
    pub inspector: i64,
    pub point: i64,
    pub start: i64,
    pub end: i64,
}

/// A window short of inspectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub point: i64,
    pub start: i64,
    pub end: i64,
    pub have: usize,
    pub need: usize,
}

/// A generated roster.
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    pub shifts: Vec<Shift>,
    pub gaps: Vec<Gap>,
    /// Set when the inspectors' hours cannot cover the demand at all.
    pub too_few: Option<(i64, i64)>,
}

/// A broken rule.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterViolation {
    pub inspector: i64,
    /// `overlap`, `travel`, `rest`, `hours`, `empty`.
    pub rule: &'static str,
    pub detail: String,
}

fn day(minute: i64) -> i64 {
    minute.div_euclid(1440)
}

/// Minutes of a shift on each day it touches.
fn minutes_by_day(s: &Shift) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut t = s.start;
    while t < s.end {
        let next = ((day(t) + 1) * 1440).min(s.end);
        out.push((day(t), next - t));
        t = next;
    }
    out
}

/// The gap needed between two shifts.
fn gap_needed(a: &Shift, b_point: i64, rules: &Rules) -> i64 {
    if a.point == b_point {
        rules.min_rest
    } else {
        rules.min_rest.max(rules.travel)
    }
}

/// Every rule the shifts break.
pub fn violations(shifts: &[Shift], rules: &Rules) -> Vec<RosterViolation> {
    let mut by_inspector: BTreeMap<i64, Vec<&Shift>> = BTreeMap::new();
    for s in shifts {
        by_inspector.entry(s.inspector).or_default().push(s);
    }
    let mut out = Vec::new();
    for (inspector, mut list) in by_inspector {
        // In time order: a pair of neighbours is where a clash would show.
        list.sort_by_key(|s| (s.start, s.end, s.point));
        let mut per_day: BTreeMap<i64, i64> = BTreeMap::new();
        for s in &list {
            if s.end <= s.start {
                out.push(RosterViolation {
                    inspector,
                    rule: "empty",
                    detail: format!("shift at {} ends before it starts", s.start),
                });
            }
            for (d, m) in minutes_by_day(s) {
                *per_day.entry(d).or_default() += m;
            }
        }
        for pair in list.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if b.start < a.end {
                out.push(RosterViolation {
                    inspector,
                    rule: "overlap",
                    detail: format!("points {} and {} at once", a.point, b.point),
                });
            } else if b.start - a.end < gap_needed(a, b.point, rules) {
                let rule = if a.point != b.point && b.start - a.end < rules.travel {
                    "travel"
                } else {
                    "rest"
                };
                out.push(RosterViolation {
                    inspector,
                    rule,
                    detail: format!("{} minutes between shifts", b.start - a.end),
                });
            }
        }
        for (d, m) in per_day {
            if m > rules.max_minutes_per_day {
                out.push(RosterViolation {
                    inspector,
                    rule: "hours",
                    detail: format!("{m} minutes on day {d}"),
                });
            }
        }
    }
    out
}

/// A point's windows closer than the rest merge into one duty.
fn blocks(demands: &[Demand], rules: &Rules) -> Vec<Demand> {
    let mut by_point: BTreeMap<i64, Vec<&Demand>> = BTreeMap::new();
    for d in demands.iter().filter(|d| d.end > d.start) {
        by_point.entry(d.point).or_default().push(d);
    }
    let mut out = Vec::new();
    for (point, mut list) in by_point {
        list.sort_by_key(|d| (d.start, d.end));
        let mut current: Option<Demand> = None;
        for d in list {
            match &mut current {
                Some(c) if d.start - c.end < rules.min_rest => c.end = c.end.max(d.end),
                _ => {
                    if let Some(c) = current.take() {
                        out.push(c);
                    }
                    current = Some(Demand {
                        point,
                        start: d.start,
                        end: d.end,
                    });
                }
            }
        }
        out.extend(current);
    }
    out.sort_by_key(|d| (d.start, d.point));
    out
}

/// Generates a roster: windows in time order, each given the inspectors who can take it without
/// breaking a rule — one already at that point that day first (fewer moves), then the fewest
/// minutes so far (fair), then by id (deterministic).
pub fn generate(demands: &[Demand], inspectors: &[i64], rules: &Rules) -> Roster {
    let blocks = blocks(demands, rules);
    let mut shifts_of: BTreeMap<i64, Vec<Shift>> =
        inspectors.iter().map(|i| (*i, Vec::new())).collect();
    let mut worked: BTreeMap<i64, i64> = inspectors.iter().map(|i| (*i, 0)).collect();
    let mut day_minutes: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut shifts = Vec::new();
    let mut gaps = Vec::new();
    for b in &blocks {
        let candidate = Shift {
            inspector: 0,
            point: b.point,
            start: b.start,
            end: b.end,
        };
        let mut free: Vec<(bool, i64, i64)> = inspectors
            .iter()
            .filter(|i| {
                let fits_day = minutes_by_day(&candidate).iter().all(|(d, m)| {
                    day_minutes.get(&(**i, *d)).copied().unwrap_or(0) + m
                        <= rules.max_minutes_per_day
                });
                let list = &shifts_of[*i];
                // Shifts are added in start order: only the recent ones can clash.
                let clear = list
                    .iter()
                    .rev()
                    .take_while(|s| s.start > b.start - 2 * 1440)
                    .all(|s| {
                        b.start - s.end >= gap_needed(s, b.point, rules)
                            || s.start - b.end >= gap_needed(&candidate, s.point, rules)
                    });
                fits_day && clear
            })
            .map(|i| {
                // Staying at a point through the day saves moves; a new day starts fair.
                let here = shifts_of[i]
                    .last()
                    .is_some_and(|s| s.point == b.point && day(s.start) == day(b.start));
                (!here, worked[i], *i)
            })
            .collect();
        free.sort();
        let chosen: Vec<i64> = free.iter().take(rules.per_window).map(|f| f.2).collect();
        for i in &chosen {
            let s = Shift {
                inspector: *i,
                ..candidate.clone()
            };
            for (d, m) in minutes_by_day(&s) {
                *day_minutes.entry((*i, d)).or_default() += m;
            }
            *worked.entry(*i).or_default() += s.end - s.start;
            shifts_of.entry(*i).or_default().push(s.clone());
            shifts.push(s);
        }
        if chosen.len() < rules.per_window {
            gaps.push(Gap {
                point: b.point,
                start: b.start,
                end: b.end,
                have: chosen.len(),
                need: rules.per_window,
            });
        }
    }
    // Too few at all: the hours asked against the hours the inspectors may give on the busiest day.
    let mut asked: BTreeMap<i64, i64> = BTreeMap::new();
    for b in &blocks {
        for (d, m) in minutes_by_day(&Shift {
            inspector: 0,
            point: b.point,
            start: b.start,
            end: b.end,
        }) {
            *asked.entry(d).or_default() += m * rules.per_window as i64;
        }
    }
    let available = inspectors.len() as i64 * rules.max_minutes_per_day;
    let peak = asked.values().copied().max().unwrap_or(0);
    shifts.sort();
    Roster {
        shifts,
        gaps,
        too_few: (peak > available).then_some((peak, available)),
    }
}

/// How many inspectors are on duty through the whole of each demand window.
pub fn coverage(demands: &[Demand], shifts: &[Shift]) -> Vec<usize> {
    demands
        .iter()
        .map(|d| {
            shifts
                .iter()
                .filter(|s| s.point == d.point && s.start <= d.start && s.end >= d.end)
                .count()
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(point: i64, start: i64, end: i64) -> Demand {
        Demand { point, start, end }
    }

    #[test]
    fn every_window_gets_two_inspectors_when_there_are_enough() {
        let demands = vec![d(1, 330, 540), d(1, 630, 810), d(2, 330, 540)];
        let r = generate(&demands, &[1, 2, 3, 4], &Rules::default());
        assert!(r.gaps.is_empty(), "{:?}", r.gaps);
        assert_eq!(coverage(&demands, &r.shifts), vec![2, 2, 2]);
        assert!(violations(&r.shifts, &Rules::default()).is_empty());
    }

    #[test]
    fn too_few_inspectors_give_named_gaps_not_broken_rules() {
        let demands = vec![d(1, 330, 540), d(2, 330, 540)];
        let r = generate(&demands, &[1, 2, 3], &Rules::default());
        assert_eq!(r.gaps.len(), 1);
        assert_eq!((r.gaps[0].have, r.gaps[0].need), (1, 2));
        assert!(violations(&r.shifts, &Rules::default()).is_empty());
        let r = generate(
            &demands,
            &[1],
            &Rules {
                max_minutes_per_day: 60,
                ..Rules::default()
            },
        );
        assert!(
            r.too_few.is_some(),
            "one inspector for an hour a day cannot cover 14 hours"
        );
    }

    #[test]
    fn windows_closer_than_the_rest_are_one_duty() {
        let r = generate(
            &[d(1, 330, 540), d(1, 570, 700)],
            &[1, 2],
            &Rules::default(),
        );
        assert_eq!(r.shifts.len(), 2, "{:?}", r.shifts);
        assert_eq!((r.shifts[0].start, r.shifts[0].end), (330, 700));
    }

    #[test]
    fn the_checker_sees_overlap_travel_rest_and_hours() {
        let rules = Rules::default();
        let s = |point, start, end| Shift {
            inspector: 1,
            point,
            start,
            end,
        };
        let rule = |list: Vec<Shift>| violations(&list, &rules).first().map(|v| v.rule);
        assert_eq!(rule(vec![s(1, 0, 100), s(2, 50, 150)]), Some("overlap"));
        assert_eq!(rule(vec![s(1, 0, 100), s(2, 110, 200)]), Some("travel"));
        assert_eq!(rule(vec![s(1, 0, 100), s(1, 130, 200)]), Some("rest"));
        assert_eq!(rule(vec![s(1, 0, 700)]), Some("hours"));
        assert_eq!(rule(vec![s(1, 0, 100), s(2, 200, 300)]), None);
        assert_eq!(
            rule(vec![s(2, 0, 100), s(1, 200, 300)]),
            None,
            "points in any order"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn a_generated_roster_never_breaks_a_rule(
            windows in proptest::collection::vec((0i64..6, 0i64..3, 0i64..1400, 30i64..400), 0..40),
            inspectors in 0usize..12,
            max in 120i64..900,
            rest in 0i64..120,
            travel in 0i64..90,
        ) {
            let demands: Vec<Demand> = windows.iter().map(|(p, day, start, len)| d(*p, day * 1440 + start, day * 1440 + start + len)).collect();
            let ids: Vec<i64> = (1..=inspectors as i64).collect();
            let rules = Rules { per_window: 2, max_minutes_per_day: max, min_rest: rest, travel };
            let r = generate(&demands, &ids, &rules);
            prop_assert!(violations(&r.shifts, &rules).is_empty(), "{:?}", violations(&r.shifts, &rules));
            // Every merged window is either covered twice or reported as a gap.
            for b in blocks(&demands, &rules) {
                let have = coverage(std::slice::from_ref(&b), &r.shifts)[0];
                let gap = r.gaps.iter().any(|g| g.point == b.point && g.start == b.start && g.end == b.end);
                prop_assert!(have >= 2 || gap, "{:?} has {} and no gap", b, have);
            }
        }
    }
}
