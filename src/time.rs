//! Time: stored instants are UTC `NaiveDateTime`s truncated to microseconds (both backends
//! then keep the same value); people read and type the event's local time (`YINGBIN_TIMEZONE`).
//!
//! The clock is read once per request or job, by whoever opens the transaction
//! ([`crate::db::write_tx`] carries it as `Tx::now`); services and rules take it from there.

use chrono::{NaiveDate, NaiveDateTime, SubsecRound, TimeZone};
use chrono_tz::Tz;

/// The current instant, truncated to microseconds so both backends store the same value.
pub fn now_utc() -> NaiveDateTime {
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// Local event time → UTC instant (the earlier reading when a clock change repeats an hour).
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> NaiveDateTime {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or(local)
}

/// UTC instant → local event time.
pub fn to_local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// UTC instant → RFC 3339 in the event's offset.
pub fn to_rfc3339(tz: Tz, utc: NaiveDateTime) -> String {
    tz.from_utc_datetime(&utc).to_rfc3339()
}

/// The event-local date of a UTC instant: "today" is `local_date(tz, now)`.
pub fn local_date(tz: Tz, utc: NaiveDateTime) -> NaiveDate {
    to_local(tz, utc).date()
}

/// The UTC instants of a local day's start and the next day's start.
pub fn day_bounds(tz: Tz, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = to_utc(tz, day.and_time(chrono::NaiveTime::MIN));
    let next = day
        .succ_opt()
        .map_or(start + chrono::Duration::days(1), |d| {
            to_utc(tz, d.and_time(chrono::NaiveTime::MIN))
        });
    (start, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn beijing_time_is_eight_hours_ahead_of_utc() {
        let tz: Tz = "Asia/Shanghai".parse().expect("tz");
        assert_eq!(to_utc(tz, at("2027-05-14 08:00")), at("2027-05-14 00:00"));
        assert_eq!(to_local(tz, at("2027-05-14 00:00")), at("2027-05-14 08:00"));
        assert_eq!(
            to_rfc3339(tz, at("2027-05-14 00:00")),
            "2027-05-14T08:00:00+08:00"
        );
    }

    #[test]
    fn a_late_evening_in_utc_is_the_next_day_in_beijing() {
        let tz: Tz = "Asia/Shanghai".parse().expect("tz");
        let today = local_date(tz, at("2027-05-14 17:00"));
        assert_eq!(today, NaiveDate::from_ymd_opt(2027, 5, 15).expect("date"));
        assert_eq!(
            day_bounds(tz, today),
            (at("2027-05-14 16:00"), at("2027-05-15 16:00"))
        );
    }
}
