//! Sign-in throttling, as a pure rule.

use chrono::{Duration, NaiveDateTime};

/// Failures allowed before sign-in is slowed down.
pub const FREE_ATTEMPTS: i32 = 5;

/// After `failed` consecutive failures, when may the next attempt come? `None`: at once.
/// Each failure past the free ones doubles the wait, from 2 s up to 15 minutes.
pub fn lock_after_failures(failed: i32, now: NaiveDateTime) -> Option<NaiveDateTime> {
    if failed < FREE_ATTEMPTS {
        return None;
    }
    let exponent = (failed - FREE_ATTEMPTS).min(10) as u32;
    let seconds = (2_i64.pow(exponent + 1)).min(15 * 60);
    Some(now + Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_780_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn the_first_failures_are_free() {
        for n in 0..FREE_ATTEMPTS {
            assert_eq!(lock_after_failures(n, t0()), None, "{n}");
        }
    }

    #[test]
    fn each_further_failure_doubles_the_wait_up_to_fifteen_minutes() {
        assert_eq!(
            lock_after_failures(5, t0()),
            Some(t0() + Duration::seconds(2))
        );
        assert_eq!(
            lock_after_failures(6, t0()),
            Some(t0() + Duration::seconds(4))
        );
        assert_eq!(
            lock_after_failures(40, t0()),
            Some(t0() + Duration::seconds(900))
        );
    }
}
