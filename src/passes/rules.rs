//! The decisions about passes, as pure functions: which state change is allowed, what a
//! credential lacks before approval, the validity window a token carries, who may request
//! which vehicle stream.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::auth::Role;
use crate::passes::model::{PassStatus, Stream};

/// What someone wants to do to a pass.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Security approves and signs.
    Approve,
    /// The badge was printed.
    Print,
    /// The holder collected it.
    Collect,
    /// Withdraw it.
    Revoke,
    /// A new card with a new serial; the old one is superseded.
    Reissue,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Print => "mark printed",
            Action::Collect => "mark collected",
            Action::Revoke => "revoke",
            Action::Reissue => "reissue",
        }
    }
}

/// The status after `action`, or why it is not allowed from `from`.
pub fn transition(from: PassStatus, action: Action) -> Result<PassStatus, String> {
    use PassStatus::*;
    let to = match (from, action) {
        (Requested, Action::Approve) => Issued,
        (Issued | Printed, Action::Print) => Printed,
        (Issued | Printed | Collected, Action::Collect) => Collected,
        (Requested | Issued | Printed | Collected, Action::Revoke) => Revoked,
        (Issued | Printed | Collected | Revoked, Action::Reissue) => Issued,
        _ => {
            return Err(format!(
                "cannot {} a pass that is {}",
                action.as_str(),
                from.as_str()
            ));
        }
    };
    Ok(to)
}

/// What a credential still needs before security may approve it.
pub fn missing_for_approval(has_photo: bool, has_id_number: bool) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !has_photo {
        missing.push("photo");
    }
    if !has_id_number {
        missing.push("id_number");
    }
    missing
}

/// A validity of whole event days (`from` to `to`, both included, in the event's time zone)
/// as the token's Unix-second window: from `from` 00:00 to the day after `to` 00:00.
pub fn validity_window(from: NaiveDate, to: NaiveDate, tz: Tz) -> (u32, u32) {
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.timestamp())
            .unwrap_or(0)
    };
    let clamp = |s: i64| s.clamp(0, i64::from(u32::MAX)) as u32;
    (clamp(start(from)), clamp(start(to + Duration::days(1))))
}

/// Who may request vehicle passes of a stream (security and admin may do all).
pub fn stream_requesters(stream: Stream) -> &'static [Role] {
    match stream {
        Stream::TransportPool => &[Role::Admin, Role::Security, Role::Transport],
        Stream::DelegationCar | Stream::SupplyMedical => {
            &[Role::Admin, Role::Security, Role::Reception]
        }
        Stream::LeaderCar => &[Role::Admin, Role::Security, Role::Office],
    }
}

/// The lowest bit no zone uses yet (a token has 64).
pub fn next_zone_bit(used: &[i32]) -> Option<i32> {
    (0..64).find(|b| !used.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requested_credential_is_approved_into_issued_and_cannot_be_approved_twice() {
        assert_eq!(
            transition(PassStatus::Requested, Action::Approve),
            Ok(PassStatus::Issued)
        );
        assert!(transition(PassStatus::Issued, Action::Approve).is_err());
    }

    #[test]
    fn a_revoked_pass_can_only_be_reissued() {
        for action in [
            Action::Approve,
            Action::Print,
            Action::Collect,
            Action::Revoke,
        ] {
            assert!(
                transition(PassStatus::Revoked, action).is_err(),
                "{action:?}"
            );
        }
        assert_eq!(
            transition(PassStatus::Revoked, Action::Reissue),
            Ok(PassStatus::Issued)
        );
    }

    #[test]
    fn a_requested_pass_cannot_be_printed_or_reissued_before_approval() {
        assert!(transition(PassStatus::Requested, Action::Print).is_err());
        assert!(transition(PassStatus::Requested, Action::Reissue).is_err());
    }

    #[test]
    fn approval_needs_a_photo_and_an_id_number() {
        assert_eq!(
            missing_for_approval(false, false),
            vec!["photo", "id_number"]
        );
        assert_eq!(missing_for_approval(true, false), vec!["id_number"]);
        assert!(missing_for_approval(true, true).is_empty());
    }

    #[test]
    fn validity_covers_whole_days_in_event_time() {
        let d = |day| NaiveDate::from_ymd_opt(2027, 5, day).unwrap();
        let (from, until) = validity_window(d(14), d(16), chrono_tz::Asia::Shanghai);
        // 2027-05-14 00:00 +08:00 = 2027-05-13 16:00 UTC.
        assert_eq!(from, 1_810_224_000);
        assert_eq!(until - from, 3 * 86_400);
    }

    #[test]
    fn each_stream_is_requested_by_its_department() {
        assert!(stream_requesters(Stream::TransportPool).contains(&Role::Transport));
        assert!(stream_requesters(Stream::LeaderCar).contains(&Role::Office));
        assert!(!stream_requesters(Stream::LeaderCar).contains(&Role::Reception));
        assert!(stream_requesters(Stream::SupplyMedical).contains(&Role::Reception));
    }

    #[test]
    fn zone_bits_are_reused_lowest_first_and_run_out_at_64() {
        assert_eq!(next_zone_bit(&[0, 1, 3]), Some(2));
        let all: Vec<i32> = (0..64).collect();
        assert_eq!(next_zone_bit(&all), None);
    }
}
