//! Pure decisions of pickups: which step may follow which, what a trip update file says, when
//! a return pick-up must leave, and which situations reception must see as exceptions.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Arrival (hub → hotel) or departure (hotel → hub).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Arrival,
    Departure,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Arrival => "arrival",
            Direction::Departure => "departure",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        match s.trim() {
            "arrival" | "" => Some(Direction::Arrival),
            "departure" => Some(Direction::Departure),
            _ => None,
        }
    }
}

/// The main chain of a guest's pickup, in order, per direction.
fn chain(direction: Direction) -> &'static [&'static str] {
    match direction {
        Direction::Arrival => &["expected", "landed", "met", "in_vehicle", "at_hotel"],
        Direction::Departure => &["expected", "in_vehicle", "at_hub"],
    }
}

/// Off the chain: the guest did not come, or came by their own means.
const ASIDE: [&str; 2] = ["no_show", "own_transport"];

/// Whether `status` is a step of `direction`.
pub fn is_status(direction: Direction, status: &str) -> bool {
    chain(direction).contains(&status) || ASIDE.contains(&status)
}

/// Whether a pickup may go from `from` to `to`: forward along the chain (steps may be skipped:
/// a greeter who meets a guest has seen them land), one step back to undo a wrong tap, aside
/// before the guest is in a car, and back from aside when the guest turns up after all.
pub fn may_move(direction: Direction, from: &str, to: &str) -> bool {
    let steps = chain(direction);
    let rank = |s: &str| steps.iter().position(|x| *x == s);
    let seated = rank("in_vehicle").unwrap_or(usize::MAX);
    match (
        rank(from),
        rank(to),
        ASIDE.contains(&from),
        ASIDE.contains(&to),
    ) {
        _ if from == to => true,
        (Some(a), Some(b), _, _) => b > a || b + 1 == a,
        (Some(a), None, _, true) => a < seated,
        (None, Some(b), true, _) => b < seated,
        (None, None, true, true) => true,
        _ => false,
    }
}

/// A trip's status as updates give it.
pub const TRIP_STATUSES: [&str; 5] = ["scheduled", "delayed", "landed", "cancelled", "departed"];

/// A trip status from its English code or the Chinese a dispatcher writes.
pub fn parse_trip_status(s: &str) -> Option<&'static str> {
    let s = s.trim();
    TRIP_STATUSES
        .iter()
        .copied()
        .find(|x| x.eq_ignore_ascii_case(s))
        .or(match s {
            "正常" | "计划" => Some("scheduled"),
            "延误" | "晚点" => Some("delayed"),
            "落地" | "到达" | "已到达" | "已落地" => Some("landed"),
            "取消" | "已取消" => Some("cancelled"),
            "起飞" | "已起飞" | "发车" | "已发车" => Some("departed"),
            _ => None,
        })
}

/// One line of a trip update feed.
#[derive(Clone, Debug, PartialEq)]
pub struct TripLine {
    pub line: usize,
    pub number: String,
    pub date: NaiveDate,
    pub hub: String,
    /// Local time of day (or a full local time) the trip is now expected.
    pub new_time: Option<NaiveDateTime>,
    pub status: Option<&'static str>,
}

/// A bad line of a trip update feed.
#[derive(Clone, Debug, PartialEq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// Reads a trip update feed: `number,date,hub,new_time,status` with a header row (English or
/// Chinese headers: 航班车次,日期,机场车站,新时间,状态). Every bad line is reported with its number.
pub fn parse_trip_feed(text: &str) -> Result<Vec<TripLine>, Vec<LineError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let err = |line: usize, message: String| LineError { line, message };
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![err(1, format!("unreadable header: {e}"))]),
    };
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(ci_number), Some(ci_date), Some(ci_hub)) = (
        find(&["number", "航班车次", "航班", "车次"]),
        find(&["date", "日期"]),
        find(&["hub", "机场车站", "机场", "车站"]),
    ) else {
        return Err(vec![err(
            1,
            "the header needs number, date and hub (航班车次,日期,机场车站)".into(),
        )]);
    };
    let ci_time = find(&["new_time", "新时间", "预计时间"]);
    let ci_status = find(&["status", "状态"]);
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(line, format!("unreadable line: {e}")));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let number = cell(Some(ci_number)).to_uppercase().replace(' ', "");
        if number.is_empty() {
            errors.push(err(line, "number is empty".into()));
            continue;
        }
        let Ok(date) = NaiveDate::parse_from_str(&cell(Some(ci_date)), "%Y-%m-%d") else {
            errors.push(err(
                line,
                format!("date {:?} is not YYYY-MM-DD", cell(Some(ci_date))),
            ));
            continue;
        };
        let hub = cell(Some(ci_hub));
        if hub.is_empty() {
            errors.push(err(line, "hub is empty".into()));
            continue;
        }
        let time_text = cell(ci_time);
        let new_time = if time_text.is_empty() {
            None
        } else {
            match parse_local_time(date, &time_text) {
                Some(t) => Some(t),
                None => {
                    errors.push(err(
                        line,
                        format!("new_time {time_text:?} is not HH:MM or YYYY-MM-DD HH:MM"),
                    ));
                    continue;
                }
            }
        };
        let status_text = cell(ci_status);
        let status = if status_text.is_empty() {
            None
        } else {
            match parse_trip_status(&status_text) {
                Some(s) => Some(s),
                None => {
                    errors.push(err(
                        line,
                        format!(
                            "status {status_text:?} is not one of {}",
                            TRIP_STATUSES.join(", ")
                        ),
                    ));
                    continue;
                }
            }
        };
        if new_time.is_none() && status.is_none() {
            errors.push(err(line, "give a new time, a status or both".into()));
            continue;
        }
        rows.push(TripLine {
            line,
            number,
            date,
            hub,
            new_time,
            status,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// `HH:MM` on `date`, or a full `YYYY-MM-DD HH:MM` (a trip delayed past midnight).
pub fn parse_local_time(date: NaiveDate, text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M")
        .ok()
        .map(|t| date.and_time(t))
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").ok())
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok())
}

/// Minutes to be at the hub before a departure: airports want longer than stations.
pub fn check_in_buffer(hub_kind: &str) -> i64 {
    match hub_kind {
        "airport" => 120,
        "station" => 45,
        _ => 60,
    }
}

/// When a return run must leave the hotel: the departure less the check-in buffer and the
/// travel minutes.
pub fn pickup_time(departure: NaiveDateTime, hub_kind: &str, travel_minutes: i64) -> NaiveDateTime {
    departure - chrono::Duration::minutes(check_in_buffer(hub_kind) + travel_minutes)
}

/// Minutes after landing before an unmet guest is an exception.
pub const NOT_MET_AFTER: i64 = 30;

/// Whether a guest who landed at `landed` and is still `status` at `now` is "not met".
pub fn not_met(status: &str, landed: NaiveDateTime, now: NaiveDateTime) -> bool {
    matches!(status, "expected" | "landed")
        && now - landed > chrono::Duration::minutes(NOT_MET_AFTER)
}

/// How long a rider may wait for a run, as the planner's default: arrivals ready at most this
/// long before the car leaves; returns picked up at most this long before they must leave.
pub const RUN_WAIT_MINUTES: i64 = 45;

/// A run as far as fitting a rider goes.
#[derive(Clone, Debug, PartialEq)]
pub struct RideFit {
    pub hub: i64,
    pub hotel: Option<i64>,
    pub depart_at: NaiveDateTime,
}

/// What a rider needs: the hub, the hotel, and when they are ready (landed, for arrivals;
/// the latest time to leave the hotel, for returns).
#[derive(Clone, Debug, PartialEq)]
pub struct RideNeed {
    pub hub: i64,
    pub hotel: Option<i64>,
    pub ready_at: NaiveDateTime,
    pub direction: Direction,
}

/// Why a run does not fit a rider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misfit {
    OtherHub,
    OtherHotel,
    /// Arrivals: the car leaves before the guest lands, or they would wait too long.
    /// Returns: the car leaves after the guest must, or far too early.
    Time,
}

/// Whether a run fits a rider: same hub, same hotel (a run or rider without a hotel yet fits
/// any), and a time within the wait.
pub fn ride_fits(run: &RideFit, need: &RideNeed) -> Result<(), Misfit> {
    if run.hub != need.hub {
        return Err(Misfit::OtherHub);
    }
    if let (Some(a), Some(b)) = (run.hotel, need.hotel) {
        if a != b {
            return Err(Misfit::OtherHotel);
        }
    }
    let wait = match need.direction {
        Direction::Arrival => (run.depart_at - need.ready_at).num_minutes(),
        Direction::Departure => (need.ready_at - run.depart_at).num_minutes(),
    };
    if (0..=RUN_WAIT_MINUTES).contains(&wait) {
        Ok(())
    } else {
        Err(Misfit::Time)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_pickup_moves_forward_undoes_one_step_and_goes_aside_before_the_car() {
        let a = Direction::Arrival;
        assert!(
            may_move(a, "expected", "met"),
            "meeting a guest implies the landing"
        );
        assert!(
            may_move(a, "met", "landed"),
            "one step back undoes a wrong tap"
        );
        assert!(!may_move(a, "at_hotel", "expected"));
        assert!(may_move(a, "landed", "no_show"));
        assert!(
            !may_move(a, "in_vehicle", "no_show"),
            "a guest in the car showed up"
        );
        assert!(
            may_move(a, "no_show", "met"),
            "the guest turned up after all"
        );
        assert!(!may_move(Direction::Departure, "expected", "at_hotel"));
        assert!(is_status(Direction::Departure, "at_hub"));
    }

    #[test]
    fn a_trip_feed_is_read_in_english_or_chinese_and_bad_lines_are_numbered() {
        let rows = parse_trip_feed("number,date,hub,new_time,status\n3U8888,2027-06-16,CTU,14:35,delayed\nca4101,2027-06-16,CTU,,cancelled\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].new_time.unwrap().to_string(), "2027-06-16 14:35:00");
        assert_eq!(
            (rows[1].number.as_str(), rows[1].status),
            ("CA4101", Some("cancelled"))
        );
        let zh = parse_trip_feed(
            "航班车次,日期,机场车站,新时间,状态\nG8501,2027-06-16,成都东站,2027-06-17 00:20,延误\n",
        )
        .unwrap();
        assert_eq!(zh[0].status, Some("delayed"));
        let errors = parse_trip_feed("number,date,hub,new_time,status\n3U1,06/16,CTU,14:35,\n3U2,2027-06-16,CTU,25:99,\n3U3,2027-06-16,CTU,,\n3U4,2027-06-16,CTU,,maybe\n").unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![2, 3, 4, 5]
        );
        assert!(parse_trip_feed("flight,when\nx,y\n").is_err());
    }

    #[test]
    fn a_return_leaves_early_enough_for_check_in_and_the_road() {
        let dep = NaiveDate::from_ymd_opt(2027, 6, 20)
            .unwrap()
            .and_hms_opt(14, 0, 0)
            .unwrap();
        assert_eq!(
            pickup_time(dep, "airport", 40).to_string(),
            "2027-06-20 11:20:00"
        );
        assert_eq!(
            pickup_time(dep, "station", 20).to_string(),
            "2027-06-20 12:55:00"
        );
    }

    #[test]
    fn a_guest_is_not_met_thirty_minutes_after_landing() {
        let landed = NaiveDate::from_ymd_opt(2027, 6, 20)
            .unwrap()
            .and_hms_opt(14, 0, 0)
            .unwrap();
        assert!(!not_met(
            "landed",
            landed,
            landed + chrono::Duration::minutes(30)
        ));
        assert!(not_met(
            "landed",
            landed,
            landed + chrono::Duration::minutes(31)
        ));
        assert!(!not_met(
            "met",
            landed,
            landed + chrono::Duration::minutes(90)
        ));
    }

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 5, 14)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("time")
    }

    #[test]
    fn an_arrival_fits_a_run_leaving_after_the_landing_within_the_wait() {
        let run = RideFit {
            hub: 1,
            hotel: Some(7),
            depart_at: at(10, 30),
        };
        let need = |h, m, hotel| RideNeed {
            hub: 1,
            hotel,
            ready_at: at(h, m),
            direction: Direction::Arrival,
        };
        assert_eq!(ride_fits(&run, &need(10, 0, Some(7))), Ok(()));
        assert_eq!(
            ride_fits(&run, &need(9, 40, Some(7))),
            Err(Misfit::Time),
            "would wait 50 min"
        );
        assert_eq!(
            ride_fits(&run, &need(10, 40, Some(7))),
            Err(Misfit::Time),
            "lands after the car left"
        );
        assert_eq!(
            ride_fits(&run, &need(10, 0, Some(8))),
            Err(Misfit::OtherHotel)
        );
        assert_eq!(
            ride_fits(&run, &need(10, 0, None)),
            Ok(()),
            "no hotel yet fits any"
        );
        let other_hub = RideNeed {
            hub: 2,
            ..need(10, 0, Some(7))
        };
        assert_eq!(ride_fits(&run, &other_hub), Err(Misfit::OtherHub));
    }

    #[test]
    fn a_return_fits_a_run_leaving_before_the_guest_must_within_the_wait() {
        let run = RideFit {
            hub: 1,
            hotel: Some(7),
            depart_at: at(8, 0),
        };
        let need = |h, m| RideNeed {
            hub: 1,
            hotel: Some(7),
            ready_at: at(h, m),
            direction: Direction::Departure,
        };
        assert_eq!(ride_fits(&run, &need(8, 30)), Ok(()));
        assert_eq!(
            ride_fits(&run, &need(7, 50)),
            Err(Misfit::Time),
            "the car leaves too late"
        );
        assert_eq!(
            ride_fits(&run, &need(9, 0)),
            Err(Misfit::Time),
            "an hour early is too early"
        );
    }
}
