//! Pure decisions of lodging outside the allocation engine: rooms held after releases, the
//! plan's approval steps, the desk's verdict on a scanned guest, stay changes and who pays
//! which night. No database and no clock: callers pass today's date.

use std::ops::Range;

use chrono::NaiveDate;

/// Rooms held on one night: the blocks covering it, less the releases granted for it.
/// Each tuple is `(nights, rooms)` for one room type.
pub fn held_rooms(
    blocks: &[(Range<NaiveDate>, i32)],
    granted: &[(Range<NaiveDate>, i32)],
    night: NaiveDate,
) -> u32 {
    let sum = |list: &[(Range<NaiveDate>, i32)]| -> i64 {
        list.iter()
            .filter(|(nights, _)| nights.contains(&night))
            .map(|(_, rooms)| i64::from(*rooms))
            .sum()
    };
    u32::try_from((sum(blocks) - sum(granted)).max(0)).unwrap_or(0)
}

/// What a reviewer does to a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanAction {
    /// Reception edits it (move, swap, lock) or proposes it again.
    Edit,
    /// Reception sends it to the committee.
    Submit,
    /// The committee approves it: it is published.
    Approve,
    /// The committee sends it back with comments.
    Return,
}

/// The status a plan moves to, or `None` when the action is not open in `status`.
pub fn plan_transition(status: &str, action: PlanAction) -> Option<&'static str> {
    match (status, action) {
        ("draft" | "returned", PlanAction::Edit) => Some("draft"),
        ("draft" | "returned", PlanAction::Submit) => Some("submitted"),
        ("submitted", PlanAction::Approve) => Some("published"),
        ("submitted", PlanAction::Return) => Some("returned"),
        _ => None,
    }
}

/// What the desk's scan finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskVerdict {
    /// Booked here, and today falls in the stay (arrival day to departure day).
    BookedHere,
    /// Booked at another hotel (or here, but not today).
    WrongHotel,
    /// Not booked anywhere today.
    NoBooking,
}

/// The verdict of a hotel desk on a guest whose booking is `(hotel, nights)`.
pub fn desk_verdict(
    booking: Option<(i64, Range<NaiveDate>)>,
    desk_hotel: i64,
    today: NaiveDate,
) -> DeskVerdict {
    match booking {
        // The departure morning counts: the guest comes to the desk to check out.
        Some((hotel, nights)) if today >= nights.start && today <= nights.end => {
            if hotel == desk_hotel {
                DeskVerdict::BookedHere
            } else {
                DeskVerdict::WrongHotel
            }
        }
        Some((hotel, _)) if hotel != desk_hotel => DeskVerdict::WrongHotel,
        _ => DeskVerdict::NoBooking,
    }
}

/// A stay's step at the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StayAction {
    CheckIn,
    CheckOut,
    ChangeDates,
}

/// The status after `action`, or why it is refused.
pub fn stay_transition(status: &str, action: StayAction) -> Result<&'static str, &'static str> {
    match (status, action) {
        ("booked", StayAction::CheckIn) => Ok("in_house"),
        ("in_house", StayAction::CheckIn) => Err("already_checked_in"),
        ("in_house", StayAction::CheckOut) => Ok("checked_out"),
        ("booked", StayAction::CheckOut) => Err("not_checked_in"),
        ("booked", StayAction::ChangeDates) => Ok("booked"),
        ("in_house", StayAction::ChangeDates) => Ok("in_house"),
        _ => Err("checked_out"),
    }
}

/// Every night in `nights`.
pub fn each_night(nights: &Range<NaiveDate>) -> impl Iterator<Item = NaiveDate> {
    let end = nights.end;
    nights.start.iter_days().take_while(move |d| *d < end)
}

/// Nights of the stay outside the entitlement — early arrival or late departure — which the
/// guest pays.
pub fn self_paid_nights(
    stay: &Range<NaiveDate>,
    entitled: Option<&Range<NaiveDate>>,
) -> Vec<NaiveDate> {
    each_night(stay)
        .filter(|n| !entitled.is_some_and(|e| e.contains(n)))
        .collect()
}

/// Who pays a night.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payer {
    Event,
    Guest,
}

/// One night on a guest's folio.
#[derive(Clone, Debug, PartialEq)]
pub struct FolioNight {
    pub night: NaiveDate,
    /// The room's nightly rate, in cents.
    pub rate_cents: i64,
    /// This guest's share of the room: the rate split between those sleeping there that night.
    pub share_cents: i64,
    pub payer: Payer,
}

/// A guest's folio: each night of the stay at the block's rate, split between roommates that
/// night, paid by the event inside the entitlement and by the guest outside it. `rate` gives the
/// room's rate for a night; `sleepers` how many share the room that night (at least this guest).
pub fn folio(
    stay: &Range<NaiveDate>,
    entitled: Option<&Range<NaiveDate>>,
    rate: impl Fn(NaiveDate) -> i64,
    sleepers: impl Fn(NaiveDate) -> u32,
) -> Vec<FolioNight> {
    each_night(stay)
        .map(|night| {
            let rate_cents = rate(night);
            let share = i64::from(sleepers(night).max(1));
            FolioNight {
                night,
                rate_cents,
                // Round half up so two halves of an odd rate never lose the hotel a fen.
                share_cents: (rate_cents + share - 1) / share,
                payer: if entitled.is_some_and(|e| e.contains(&night)) {
                    Payer::Event
                } else {
                    Payer::Guest
                },
            }
        })
        .collect()
}

/// The rate of a room type on a night: the block covering it, else the dearest block of that
/// type (an extension past the blocks is still billed), else nothing.
pub fn rate_on(blocks: &[(Range<NaiveDate>, i64)], night: NaiveDate) -> i64 {
    blocks
        .iter()
        .find(|(nights, _)| nights.contains(&night))
        .or_else(|| blocks.iter().max_by_key(|(_, rate)| *rate))
        .map_or(0, |(_, rate)| *rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 6, day).unwrap_or_default()
    }

    #[test]
    fn held_rooms_add_blocks_and_subtract_granted_releases() {
        let blocks = [(d(10)..d(20), 30), (d(15)..d(18), 5)];
        let granted = [(d(16)..d(17), 8)];
        assert_eq!(held_rooms(&blocks, &granted, d(9)), 0);
        assert_eq!(held_rooms(&blocks, &granted, d(10)), 30);
        assert_eq!(held_rooms(&blocks, &granted, d(15)), 35);
        assert_eq!(held_rooms(&blocks, &granted, d(16)), 27);
        assert_eq!(
            held_rooms(&blocks, &granted, d(20)),
            0,
            "the check-out date is no night"
        );
    }

    #[test]
    fn a_plan_goes_draft_submitted_published_or_back_to_reception() {
        assert_eq!(
            plan_transition("draft", PlanAction::Submit),
            Some("submitted")
        );
        assert_eq!(
            plan_transition("submitted", PlanAction::Approve),
            Some("published")
        );
        assert_eq!(
            plan_transition("submitted", PlanAction::Return),
            Some("returned")
        );
        assert_eq!(plan_transition("returned", PlanAction::Edit), Some("draft"));
        assert_eq!(
            plan_transition("submitted", PlanAction::Edit),
            None,
            "frozen under review"
        );
        assert_eq!(plan_transition("published", PlanAction::Edit), None);
        assert_eq!(
            plan_transition("draft", PlanAction::Approve),
            None,
            "not submitted yet"
        );
    }

    #[test]
    fn the_desk_accepts_only_its_own_guests_on_their_days() {
        let booking = Some((7, d(10)..d(13)));
        assert_eq!(
            desk_verdict(booking.clone(), 7, d(10)),
            DeskVerdict::BookedHere
        );
        assert_eq!(
            desk_verdict(booking.clone(), 7, d(13)),
            DeskVerdict::BookedHere
        );
        assert_eq!(
            desk_verdict(booking.clone(), 8, d(11)),
            DeskVerdict::WrongHotel
        );
        assert_eq!(
            desk_verdict(booking.clone(), 7, d(14)),
            DeskVerdict::NoBooking
        );
        assert_eq!(desk_verdict(booking, 8, d(20)), DeskVerdict::WrongHotel);
        assert_eq!(desk_verdict(None, 7, d(10)), DeskVerdict::NoBooking);
    }

    #[test]
    fn a_stay_is_checked_in_once_and_out_once() {
        assert_eq!(
            stay_transition("booked", StayAction::CheckIn),
            Ok("in_house")
        );
        assert_eq!(
            stay_transition("in_house", StayAction::CheckIn),
            Err("already_checked_in")
        );
        assert_eq!(
            stay_transition("booked", StayAction::CheckOut),
            Err("not_checked_in")
        );
        assert_eq!(
            stay_transition("in_house", StayAction::CheckOut),
            Ok("checked_out")
        );
        assert_eq!(
            stay_transition("checked_out", StayAction::ChangeDates),
            Err("checked_out")
        );
    }

    #[test]
    fn early_arrival_and_late_departure_are_self_paid() {
        let entitled = d(10)..d(13);
        assert_eq!(
            self_paid_nights(&(d(9)..d(14)), Some(&entitled)),
            vec![d(9), d(13)]
        );
        assert!(self_paid_nights(&(d(10)..d(12)), Some(&entitled)).is_empty());
        assert_eq!(self_paid_nights(&(d(10)..d(11)), None), vec![d(10)]);
    }

    #[test]
    fn a_shared_rooms_rate_is_split_between_those_sleeping_there() {
        let nights = folio(
            &(d(9)..d(11)),
            Some(&(d(10)..d(12))),
            |_| 45_001,
            |n| if n == d(9) { 1 } else { 2 },
        );
        assert_eq!(nights.len(), 2);
        assert_eq!(nights[0].payer, Payer::Guest);
        assert_eq!(nights[0].share_cents, 45_001, "alone the first night");
        assert_eq!(nights[1].payer, Payer::Event);
        assert_eq!(nights[1].share_cents, 22_501, "halves round up");
    }

    #[test]
    fn an_extension_past_the_blocks_is_billed_at_the_dearest_rate() {
        let blocks = [(d(10)..d(15), 40_000), (d(15)..d(20), 50_000)];
        assert_eq!(rate_on(&blocks, d(12)), 40_000);
        assert_eq!(rate_on(&blocks, d(25)), 50_000);
        assert_eq!(rate_on(&[], d(25)), 0);
    }
}
