//! The shared test vectors of offline decisions: `docs/vectors/offline-decisions.json`.
//! Made here from fixed keys with the expected verdict written by hand beside each case;
//! the file must equal what this makes (`YINGBIN_WRITE_VECTORS=1 cargo test vectors` rewrites
//! it), and `decide` must reach every `expect`. The browser runs the same file
//! (`static/js/offline/vectors.js`, tests/api/browser_offline.rs).

use std::collections::HashSet;

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::decide;
use crate::passes::token::{self, PassKind, PassRecord};
use crate::scan::kit::{KitBody, KitDesk, KitKey, KitPoint, KitRevocation, KitSession};

const FILE: &str = "docs/vectors/offline-decisions.json";
/// 2027-05-14 00:00 +08:00 and 2027-05-24 00:00 +08:00, as in docs/pass-format.md §8.
const FROM: u32 = 1_810_224_000;
const UNTIL: u32 = 1_811_088_000;
const DAY: i64 = 86_400;
/// 2027-05-15 07:00 +08:00: breakfast on the second day.
const BREAKFAST: i64 = FROM as i64 + DAY + 7 * 3600;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Vectors {
    about: String,
    keys: Vec<KitKey>,
    cases: Vec<Case>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Case {
    name: String,
    token: String,
    point: KitPoint,
    revocations: Vec<KitRevocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<KitSession>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    canteen: Option<crate::meals::kit::CanteenKit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    desk: Option<KitDesk>,
    tz_offset_minutes: i32,
    first_use: Vec<String>,
    now: i64,
    expect: String,
}

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn record(kind: PassKind, pass_id: u32, serial: u16, access: u64) -> PassRecord {
    PassRecord {
        kind,
        key_id: 1,
        pass_id,
        serial,
        valid_from: FROM,
        valid_until: UNTIL,
        access,
        photo: 0,
    }
}

fn point(kind: &str, zone_bit: Option<u8>, session_id: Option<i64>) -> KitPoint {
    KitPoint {
        code: "P1".into(),
        name: "P1".into(),
        kind: kind.into(),
        zone_bit,
        session_id,
    }
}

fn revoked(pass_id: i64, min_serial: i32, revoked: bool) -> Vec<KitRevocation> {
    vec![KitRevocation {
        pass_id,
        min_serial,
        revoked,
    }]
}

fn canteen() -> crate::meals::kit::CanteenKit {
    serde_json::from_value(json!({
        "point": "DP1", "point_name": "一号餐厅", "first_day": "2027-05-14", "days": 3,
        "windows": [
            {"service": "breakfast", "start": 390, "end": 540},
            {"service": "lunch", "start": 690, "end": 810},
            {"service": "dinner", "start": 1050, "end": 1200},
            {"service": "night_snack", "start": 1320, "end": 60}
        ],
        "eaters": [[12, "f9f", 1, "素食", "张伟"], [900, "010", 0, null, ""]],
        "used": [[12, "2027-05-14", "breakfast"]]
    }))
    .expect("canteen kit")
}

fn desk() -> KitDesk {
    serde_json::from_value(json!({"hotel": "H01", "hotel_name": "国宾馆",
        "bookings": [[12, "张伟", "1208", "2027-05-14", "2027-05-16"]]}))
    .expect("desk kit")
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    let k1 = key(1);
    let cred = record(PassKind::Credential, 12, 1, 0b1001);
    let good = token::sign(&cred, &k1);
    let mut flipped = good.clone().into_bytes();
    flipped[60] = if flipped[60] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    let mut other = cred;
    other.key_id = 2;
    let by_key_2 = token::sign(&other, &key(2));
    // docs/pass-format.md §8 `version_2`: the credential record with byte 0 set to 2.
    let v2 = "AIAQAAIAAAAAYAABNPS5HADL6MBIAAAAAAAAAAAABHA44ASQ62C6BOMKU4GJ5NTUEJ5QRGQWCL4QNC7IT5KJ\
              QPNUYWME4CGEB63EK7ZDS5DZCXEXAAC2BTS636OS4IHLLN3E6HJQZLBSQUQIZFY6CDI";
    let car = token::sign(&record(PassKind::Vehicle, 305, 2, 0b10_0010), &k1);
    let ticket = token::sign(&record(PassKind::Admission, 4711, 1, 42), &k1);
    let coupon = token::sign(&record(PassKind::MealCoupon, 900, 1, 0), &k1);
    let session = |allow_reentry, used: Vec<i64>| KitSession {
        id: 42,
        name: "开幕式".into(),
        allow_reentry,
        used,
    };
    let base = |name: &str, token: &str, point: KitPoint, expect: &str| Case {
        name: name.into(),
        token: token.into(),
        point,
        revocations: Vec::new(),
        session: None,
        canteen: None,
        desk: None,
        tz_offset_minutes: 480,
        first_use: Vec::new(),
        now: i64::from(FROM) + DAY,
        expect: expect.into(),
    };
    let gate = |bit| point("person_gate", bit, None);
    let dining = || point("canteen", None, None);
    let at_desk = || point("hotel_desk", None, None);
    let session_gate = |id| point("session_gate", None, Some(id));
    vec![
        base("gate_accepts_its_zone", &good, gate(Some(3)), "accept"),
        base(
            "gate_accepts_lowercase",
            &good.to_lowercase(),
            gate(Some(3)),
            "accept",
        ),
        base("gate_without_zone_accepts_any", &good, gate(None), "accept"),
        base(
            "gate_denies_other_zone",
            &good,
            gate(Some(1)),
            "zone_denied",
        ),
        base("forged_signature", &flipped, gate(Some(3)), "bad_signature"),
        base("unknown_key", &by_key_2, gate(Some(3)), "unknown_key"),
        base("not_a_token", "HELLO", gate(Some(3)), "malformed"),
        base("unsupported_version", v2, gate(Some(3)), "malformed"),
        Case {
            revocations: revoked(12, 1, true),
            ..base("revoked", &good, gate(Some(3)), "revoked")
        },
        Case {
            revocations: revoked(12, 2, false),
            ..base("superseded", &good, gate(Some(3)), "superseded")
        },
        Case {
            revocations: revoked(12, 2, true),
            ..base(
                "revoked_wins_over_superseded",
                &good,
                gate(Some(3)),
                "revoked",
            )
        },
        Case {
            revocations: revoked(12, 1, false),
            ..base(
                "entry_with_same_serial_is_live",
                &good,
                gate(Some(3)),
                "accept",
            )
        },
        Case {
            revocations: revoked(12, 1, true),
            ..base(
                "revoked_at_a_vehicle_gate",
                &good,
                point("vehicle_gate", None, None),
                "revoked",
            )
        },
        base(
            "credential_at_vehicle_gate",
            &good,
            point("vehicle_gate", None, None),
            "wrong_kind",
        ),
        Case {
            now: i64::from(FROM) - 1,
            ..base("before_valid_from", &good, gate(Some(3)), "not_yet_valid")
        },
        Case {
            now: i64::from(FROM),
            ..base("valid_from_is_inclusive", &good, gate(Some(3)), "accept")
        },
        Case {
            now: i64::from(UNTIL),
            ..base("valid_until_is_exclusive", &good, gate(Some(3)), "expired")
        },
        Case {
            now: i64::from(UNTIL),
            ..base(
                "expired_before_wrong_kind",
                &good,
                point("vehicle_gate", None, None),
                "expired",
            )
        },
        base(
            "vehicle_with_zone",
            &car,
            point("vehicle_gate", Some(5), None),
            "accept",
        ),
        base(
            "vehicle_without_zone",
            &car,
            point("vehicle_gate", Some(2), None),
            "zone_denied",
        ),
        Case {
            session: Some(session(false, vec![])),
            ..base("ticket_at_its_session", &ticket, session_gate(42), "accept")
        },
        Case {
            session: Some(session(false, vec![])),
            ..base(
                "ticket_at_other_session",
                &ticket,
                session_gate(43),
                "zone_denied",
            )
        },
        Case {
            session: Some(session(false, vec![4711])),
            ..base(
                "ticket_used_online",
                &ticket,
                session_gate(42),
                "already_used",
            )
        },
        Case {
            session: Some(session(false, vec![])),
            first_use: vec!["session:4711:42".into()],
            ..base(
                "ticket_used_on_this_device",
                &ticket,
                session_gate(42),
                "already_used",
            )
        },
        Case {
            session: Some(session(true, vec![4711])),
            ..base("ticket_with_reentry", &ticket, session_gate(42), "accept")
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST,
            ..base("canteen_breakfast", &good, dining(), "accept")
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST + 3 * 3600,
            ..base(
                "canteen_between_services",
                &good,
                dining(),
                "outside_window",
            )
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST - DAY,
            ..base("canteen_eaten_already", &good, dining(), "already_used")
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST,
            first_use: vec!["meal:12:2027-05-15:breakfast".into()],
            ..base(
                "canteen_eaten_on_this_device",
                &good,
                dining(),
                "already_used",
            )
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST + 5 * 3600,
            ..base("canteen_lunch_not_in_mask", &good, dining(), "not_entitled")
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST,
            ..base(
                "canteen_unknown_eater",
                &token::sign(&record(PassKind::Credential, 13, 1, 1), &k1),
                dining(),
                "not_entitled",
            )
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST,
            ..base("canteen_coupon", &coupon, dining(), "accept")
        },
        Case {
            canteen: Some(canteen()),
            now: BREAKFAST + DAY,
            ..base(
                "canteen_coupon_other_day",
                &coupon,
                dining(),
                "not_entitled",
            )
        },
        Case {
            canteen: Some(canteen()),
            // 00:30 on 2027-05-16: the night snack of the 15th, still running.
            now: BREAKFAST + DAY - 6 * 3600 - 1800,
            ..base(
                "canteen_night_snack_past_midnight",
                &good,
                dining(),
                "accept",
            )
        },
        base(
            "canteen_takes_no_vehicle_pass",
            &car,
            dining(),
            "wrong_kind",
        ),
        Case {
            desk: Some(desk()),
            ..base("desk_booked", &good, at_desk(), "accept")
        },
        Case {
            desk: Some(desk()),
            now: i64::from(FROM) + 2 * DAY,
            ..base("desk_departure_day_counts", &good, at_desk(), "accept")
        },
        Case {
            desk: Some(desk()),
            now: i64::from(FROM) + 3 * DAY,
            ..base("desk_after_departure", &good, at_desk(), "no_booking")
        },
    ]
}

fn kit_of(case: &Case, keys: &[KitKey]) -> KitBody {
    KitBody {
        device_id: 0,
        generated_at: String::new(),
        generated_at_unix: 0,
        full: true,
        cursor: 0,
        max_age_seconds: 1800,
        tz_offset_minutes: case.tz_offset_minutes,
        point: case.point.clone(),
        keys: keys.to_vec(),
        revocations: case.revocations.clone(),
        zones: Vec::new(),
        session: case.session.clone(),
        canteen: case.canteen.clone(),
        desk: case.desk.clone(),
    }
}

fn made() -> Vectors {
    Vectors {
        about: "Offline decisions (docs/pass-format.md §6 and the point's list): each case is a \
                token, the point, the lists a device holds, its own first uses and the time \
                (Unix seconds); expect is accept or the reason. Made by src/scan/offline/vectors.rs."
            .into(),
        keys: vec![KitKey {
            key_id: 1,
            public_key: hex::encode(key(1).verifying_key().as_bytes()),
        }],
        cases: cases(),
    }
}

#[test]
fn the_vectors_file_is_what_the_cases_make() {
    let text = serde_json::to_string_pretty(&made()).expect("json") + "\n";
    if std::env::var_os("YINGBIN_WRITE_VECTORS").is_some() {
        std::fs::write(FILE, &text).expect("write vectors");
    }
    let stored = std::fs::read_to_string(FILE).expect("docs/vectors/offline-decisions.json");
    let stored: Value = serde_json::from_str(&stored).expect("vectors parse");
    let made: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        stored, made,
        "rewrite with YINGBIN_WRITE_VECTORS=1 cargo test vectors"
    );
}

#[test]
fn rust_reaches_every_expected_verdict() {
    let vectors = made();
    let mut wrong = Vec::new();
    for case in &vectors.cases {
        let first_use: HashSet<String> = case.first_use.iter().cloned().collect();
        let got = decide(
            &kit_of(case, &vectors.keys),
            &case.token,
            case.now,
            &first_use,
        );
        let got = got
            .outcome
            .map_or_else(|r| r.as_str().to_string(), |()| "accept".into());
        if got != case.expect {
            wrong.push(format!(
                "{}: expected {}, got {got}",
                case.name, case.expect
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(vectors.cases.len() >= 30);
}
