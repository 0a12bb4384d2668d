//! The verdict of a scan, as a pure function over what the token says, what the point is,
//! what the server knows of the pass, and the time. Signature and key checks come first
//! (they need the key ring); "already used" comes last (the database decides it exactly).

use serde::Serialize;

use crate::passes::token::{PassKind, PassRecord};

/// What kind of place a scan point is; each kind decides in its own arm of `decide`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointKind {
    /// A gate for people: credentials with the point's zone.
    PersonGate,
    /// A gate for vehicles: vehicle passes with the point's zone.
    VehicleGate,
    /// A ceremony or banquet gate: admissions to the point's session.
    SessionGate,
    /// A hotel front desk: credentials (lodging rules join in with the hotels part).
    HotelDesk,
    /// A canteen: credentials and meal coupons (meal rules join in with the meals part).
    Canteen,
}

impl PointKind {
    /// Every kind.
    pub const ALL: [PointKind; 5] = [
        Self::PersonGate,
        Self::VehicleGate,
        Self::SessionGate,
        Self::HotelDesk,
        Self::Canteen,
    ];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PersonGate => "person_gate",
            Self::VehicleGate => "vehicle_gate",
            Self::SessionGate => "session_gate",
            Self::HotelDesk => "hotel_desk",
            Self::Canteen => "canteen",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<PointKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn accepts(self, kind: PassKind) -> bool {
        match self {
            Self::PersonGate | Self::HotelDesk => kind == PassKind::Credential,
            Self::VehicleGate => kind == PassKind::Vehicle,
            Self::SessionGate => kind == PassKind::Admission,
            Self::Canteen => matches!(kind, PassKind::Credential | PassKind::MealCoupon),
        }
    }
}

/// Why a scan is rejected.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Not a token at all.
    Malformed,
    /// The signature does not match: forged or damaged.
    BadSignature,
    /// Signed by a key this event does not know (or has retired).
    UnknownKey,
    /// Revoked (lost, stolen, withdrawn).
    Revoked,
    /// An older card of a reissued pass.
    Superseded,
    /// Past its validity.
    Expired,
    /// Before its validity.
    NotYetValid,
    /// Not for this zone or session.
    ZoneDenied,
    /// Not the kind of pass this point takes.
    WrongKind,
    /// Used before (admissions without re-entry).
    AlreadyUsed,
    /// A hotel desk: the guest is booked at another hotel.
    WrongHotel,
    /// A hotel desk: the guest has no booking for today.
    NoBooking,
    /// A canteen: no meal here for this guest or coupon today.
    NotEntitled,
    /// A canteen: the guest eats at another point.
    WrongPoint,
    /// A canteen: no service is running.
    OutsideWindow,
}

impl Reason {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Malformed => "malformed",
            Reason::BadSignature => "bad_signature",
            Reason::UnknownKey => "unknown_key",
            Reason::Revoked => "revoked",
            Reason::Superseded => "superseded",
            Reason::Expired => "expired",
            Reason::NotYetValid => "not_yet_valid",
            Reason::ZoneDenied => "zone_denied",
            Reason::WrongKind => "wrong_kind",
            Reason::AlreadyUsed => "already_used",
            Reason::WrongHotel => "wrong_hotel",
            Reason::NoBooking => "no_booking",
            Reason::NotEntitled => "not_entitled",
            Reason::WrongPoint => "wrong_point",
            Reason::OutsideWindow => "outside_window",
        }
    }

    /// For the person at the gate.
    pub fn message(self, lang: crate::i18n::Lang) -> &'static str {
        let (zh, en) = match self {
            Reason::Malformed => ("无法识别的二维码", "Not a pass code"),
            Reason::BadSignature => ("伪造或损坏的证件", "Forged or damaged pass"),
            Reason::UnknownKey => ("未知签发密钥", "Issued with an unknown key"),
            Reason::Revoked => ("证件已注销", "Pass revoked"),
            Reason::Superseded => ("证件已补办，旧证作废", "Replaced by a newer card"),
            Reason::Expired => ("证件已过期", "Pass expired"),
            Reason::NotYetValid => ("证件尚未生效", "Pass not yet valid"),
            Reason::ZoneDenied => ("无权进入此区域", "Not valid for this area"),
            Reason::WrongKind => (
                "此处不接受该类证件",
                "This kind of pass is not for this point",
            ),
            Reason::AlreadyUsed => ("已使用", "Already used"),
            Reason::WrongHotel => ("不住本宾馆", "Booked at another hotel"),
            Reason::NoBooking => ("今日无住宿安排", "No booking for today"),
            Reason::NotEntitled => ("无此餐次就餐资格", "Not entitled to this meal"),
            Reason::WrongPoint => ("请到指定就餐点就餐", "Eats at another dining point"),
            Reason::OutsideWindow => ("不在供餐时间", "No meal is being served now"),
        };
        lang.pick(zh, en)
    }
}

/// What a point checks.
#[derive(Clone, Debug)]
pub struct PointView {
    /// Kind.
    pub kind: PointKind,
    /// The zone bit a gate guards (`None`: any zone).
    pub zone_bit: Option<u8>,
    /// The session a session gate admits to.
    pub session_id: Option<i64>,
}

/// What the server knows of the pass.
#[derive(Clone, Debug)]
pub struct PassState {
    /// The current serial (tokens with a lower one are superseded).
    pub serial: u16,
    /// Revoked.
    pub revoked: bool,
}

/// The verdict for a token whose signature has been verified, in the order of
/// docs/pass-format.md §6 (the contract third-party verifiers build on): a dead card is
/// `revoked` or `superseded` wherever it is shown, before its dates, kind or zone are looked at.
/// `state` is `None` when the pass no longer exists (deleted with its guest): treated as revoked.
pub fn decide(
    record: &PassRecord,
    point: &PointView,
    state: Option<&PassState>,
    now: u32,
) -> Result<(), Reason> {
    let state = state.ok_or(Reason::Revoked)?;
    if state.revoked {
        return Err(Reason::Revoked);
    }
    if record.serial < state.serial {
        return Err(Reason::Superseded);
    }
    if now < record.valid_from {
        return Err(Reason::NotYetValid);
    }
    if now >= record.valid_until {
        return Err(Reason::Expired);
    }
    if !point.kind.accepts(record.kind) {
        return Err(Reason::WrongKind);
    }
    // The one place where a kind of point adds its own rule.
    match point.kind {
        PointKind::PersonGate | PointKind::VehicleGate => match point.zone_bit {
            Some(bit) if bit < 64 && record.access & (1u64 << bit) == 0 => Err(Reason::ZoneDenied),
            _ => Ok(()),
        },
        PointKind::SessionGate => match point.session_id {
            Some(s) if u64::try_from(s).ok() == Some(record.access) => Ok(()),
            _ => Err(Reason::ZoneDenied),
        },
        // A valid credential passes here; a hotel desk then checks the booking (the scan
        // service asks the hotels part), and canteens add the meal rules.
        PointKind::HotelDesk | PointKind::Canteen => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential(access: u64) -> PassRecord {
        PassRecord {
            kind: PassKind::Credential,
            key_id: 1,
            pass_id: 9,
            serial: 2,
            valid_from: 1000,
            valid_until: 2000,
            access,
            photo: 0,
        }
    }

    fn gate(zone_bit: Option<u8>) -> PointView {
        PointView {
            kind: PointKind::PersonGate,
            zone_bit,
            session_id: None,
        }
    }

    fn live() -> PassState {
        PassState {
            serial: 2,
            revoked: false,
        }
    }

    #[test]
    fn a_valid_credential_with_the_zone_is_accepted() {
        assert_eq!(
            decide(&credential(0b10), &gate(Some(1)), Some(&live()), 1500),
            Ok(())
        );
    }

    #[test]
    fn a_credential_without_the_gates_zone_is_denied() {
        assert_eq!(
            decide(&credential(0b01), &gate(Some(1)), Some(&live()), 1500),
            Err(Reason::ZoneDenied)
        );
    }

    #[test]
    fn the_validity_window_is_inclusive_at_the_start_and_exclusive_at_the_end() {
        let r = credential(0b10);
        assert_eq!(
            decide(&r, &gate(None), Some(&live()), 999),
            Err(Reason::NotYetValid)
        );
        assert_eq!(decide(&r, &gate(None), Some(&live()), 1000), Ok(()));
        assert_eq!(decide(&r, &gate(None), Some(&live()), 1999), Ok(()));
        assert_eq!(
            decide(&r, &gate(None), Some(&live()), 2000),
            Err(Reason::Expired)
        );
    }

    #[test]
    fn an_older_serial_is_superseded_and_a_revoked_pass_revoked() {
        let newer = PassState {
            serial: 3,
            revoked: false,
        };
        assert_eq!(
            decide(&credential(1), &gate(None), Some(&newer), 1500),
            Err(Reason::Superseded)
        );
        let revoked = PassState {
            serial: 2,
            revoked: true,
        };
        assert_eq!(
            decide(&credential(1), &gate(None), Some(&revoked), 1500),
            Err(Reason::Revoked)
        );
        assert_eq!(
            decide(&credential(1), &gate(None), None, 1500),
            Err(Reason::Revoked)
        );
        // Both hold: the card is withdrawn, whatever its serial (§6 step 4 before 5).
        let both = PassState {
            serial: 3,
            revoked: true,
        };
        assert_eq!(
            decide(&credential(1), &gate(None), Some(&both), 1500),
            Err(Reason::Revoked)
        );
    }

    #[test]
    fn a_dead_card_is_called_dead_at_any_point_before_its_kind_is_looked_at() {
        let vehicle_gate = PointView {
            kind: PointKind::VehicleGate,
            zone_bit: None,
            session_id: None,
        };
        let revoked = PassState {
            serial: 2,
            revoked: true,
        };
        assert_eq!(
            decide(&credential(1), &vehicle_gate, Some(&revoked), 1500),
            Err(Reason::Revoked)
        );
        assert_eq!(
            decide(&credential(1), &vehicle_gate, Some(&live()), 2500),
            Err(Reason::Expired)
        );
    }

    #[test]
    fn each_point_takes_only_its_kind_of_pass() {
        let vehicle_gate = PointView {
            kind: PointKind::VehicleGate,
            zone_bit: None,
            session_id: None,
        };
        assert_eq!(
            decide(&credential(1), &vehicle_gate, Some(&live()), 1500),
            Err(Reason::WrongKind)
        );
        let mut car = credential(1);
        car.kind = PassKind::Vehicle;
        assert_eq!(
            decide(&car, &gate(None), Some(&live()), 1500),
            Err(Reason::WrongKind)
        );
        assert_eq!(decide(&car, &vehicle_gate, Some(&live()), 1500), Ok(()));
    }

    #[test]
    fn an_admission_opens_only_its_own_session() {
        let mut ticket = credential(42);
        ticket.kind = PassKind::Admission;
        let gate = |s| PointView {
            kind: PointKind::SessionGate,
            zone_bit: None,
            session_id: Some(s),
        };
        assert_eq!(decide(&ticket, &gate(42), Some(&live()), 1500), Ok(()));
        assert_eq!(
            decide(&ticket, &gate(43), Some(&live()), 1500),
            Err(Reason::ZoneDenied)
        );
    }
}
