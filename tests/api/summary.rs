//! One page per guest: `GET /guests/{id}/summary` answers the guest's whole story — record,
//! passes as printed with their last scans, room and roommates, rides, meals, emails, scans
//! and the timeline — and admits exactly whom the guest record admits.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::arrangements::{event, Event};
use crate::common::{send, TestApp, TestResult};
use crate::on_both_backends;

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + Duration::days(offset))
    .to_string()
}

/// The arrangements event (D1: a delegate with a signed credential, a room at TEAM in the
/// published plan, arrival and departure at CTU, an email), plus: a dining point serving
/// lunch all day where D1 eats and has eaten; D1 scanned at gate G-C; a car and runs
/// planned both ways; a third guest, of another department, for the scope check.
pub(crate) struct SummaryEvent {
    pub e: Event,
    /// D1's credential id.
    pub pass_id: i64,
}

async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (s, b) = send(app, method, path, token, body).await;
    assert!((200..300).contains(&s), "{path}: {s} {b}");
    b
}

pub(crate) async fn summary_event(app: &TestApp) -> SummaryEvent {
    let e = event(app).await;
    let admin = e.admin.clone();
    // D1's card.
    let (_, list) = app
        .get_json(&format!("/api/v1/credentials?limit=100&q={}", e.d1), &admin)
        .await;
    let pass_id = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["guest"]["id"] == e.d1)
        .filter_map(|p| p["id"].as_i64())
        .max()
        .unwrap_or_default();
    let (_, pass) = app
        .get_json(&format!("/api/v1/passes/{pass_id}"), &admin)
        .await;
    let token = pass["token"].as_str().unwrap_or_default().to_string();
    assert!(!token.is_empty(), "D1's credential is signed: {pass}");

    // Meals: lunch all day at TEAM-D, where D1 eats; D1 has lunch.
    ok(
        app,
        Method::POST,
        "/api/v1/dining-points",
        &admin,
        Some(json!({"code": "TEAM-D", "name": "运动员村餐厅", "seats": 200, "halal": false})),
    )
    .await;
    ok(
        app,
        Method::PUT,
        "/api/v1/dining-points/TEAM-D/windows",
        &admin,
        Some(json!([{"service": "lunch", "start": "00:00", "end": "24:00"}])),
    )
    .await;
    ok(
        app,
        Method::POST,
        "/api/v1/scan-points",
        &admin,
        Some(json!({"code": "C-TEAM-D", "name": "运动员村餐厅", "kind": "canteen", "target": "TEAM-D"})),
    )
    .await;
    ok(
        app,
        Method::PUT,
        &format!("/api/v1/guests/{}/meal-point", e.d1),
        &admin,
        Some(json!({"point": "TEAM-D"})),
    )
    .await;
    let canteen = app
        .user(&admin, "canteen_team", "canteen", Some("TEAM-D"))
        .await;
    let meal = ok(
        app,
        Method::POST,
        "/api/v1/scans",
        &canteen,
        Some(json!({"payload": token, "point": "C-TEAM-D"})),
    )
    .await;
    assert_eq!(meal["verdict"], "accept", "D1 has lunch: {meal}");

    // A gate: D1's delegate card opens zone C.
    let guard = app.user(&admin, "gate_c", "checkpoint", Some("G-C")).await;
    let gate = ok(
        app,
        Method::POST,
        "/api/v1/scans",
        &guard,
        Some(json!({"payload": token, "point": "G-C"})),
    )
    .await;
    assert_eq!(gate["verdict"], "accept", "zone C: {gate}");

    // A car, and runs both ways.
    ok(
        app,
        Method::POST,
        "/api/v1/vehicles",
        &admin,
        Some(
            json!({"plate": "川A12345", "seats": 4, "vehicle_type": "sedan",
                    "driver_name": "张师傅", "driver_phone": "13800000000"}),
        ),
    )
    .await;
    for (direction, date) in [("arrival", day(0)), ("departure", day(3))] {
        let plan = ok(
            app,
            Method::POST,
            "/api/v1/runs/plan",
            &admin,
            Some(json!({"hub": "CTU", "date": date, "direction": direction})),
        )
        .await;
        assert!(plan["guests"].as_i64() >= Some(1), "{direction}: {plan}");
    }

    // A guest of another department, so that department exists for a scoped user.
    let (s, b) = app
        .import(
            &admin,
            "ref,name,department\nW1,王强,外事办\n".to_string(),
            false,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    SummaryEvent { e, pass_id }
}

async fn every_section_of_a_guest_is_filled_from_one_request(app: TestApp) -> TestResult {
    let SummaryEvent { e, pass_id } = summary_event(&app).await;
    let (s, sum) = app
        .get_json(&format!("/api/v1/guests/{}/summary", e.d1), &e.reception)
        .await;
    assert_eq!(s, 200, "{sum}");

    // The record, ID number masked for reception.
    assert_eq!(sum["guest"]["ref"], "D1");
    assert_eq!(sum["guest"]["name"], "李娜");
    let id_number = sum["guest"]["id_number"].as_str().unwrap_or_default();
    assert!(
        id_number.contains('*') && !id_number.contains("51010419900101"),
        "masked for reception: {id_number}"
    );

    // The pass, as printed, with its last scans.
    let passes = sum["passes"].as_array().cloned().unwrap_or_default();
    assert_eq!(passes.len(), 1, "{sum}");
    let p = &passes[0];
    assert_eq!(p["id"], pass_id);
    assert_eq!(p["kind"], "credential");
    assert_eq!(p["number"], format!("No. {pass_id}-1"));
    assert_eq!(p["status"], "issued", "{p}");
    assert_eq!(p["zones"], json!(["A", "C"]));
    assert_eq!(p["qr"], true, "reception may see the QR");
    assert!(p.get("token").is_none(), "the token is not in the summary");
    let last: Vec<&str> = p["last_scans"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["point"].as_str())
        .collect();
    assert_eq!(last, vec!["G-C", "C-TEAM-D"], "newest first: {p}");

    // The room in the published plan: hotel, type, nights; the stay booked.
    let room = &sum["room"];
    assert_eq!(room["stay"]["hotel"], "TEAM", "{room}");
    assert_eq!(room["stay"]["hotel_name"], "TEAM宾馆");
    assert_eq!(room["stay"]["status"], "booked");
    assert_eq!(room["stay"]["nights_from"], day(0));
    assert_eq!(room["stay"]["nights_to"], day(3));
    assert_eq!(room["stay"]["nights"], 3);
    assert_eq!(room["stay"]["self_paid_nights"], json!([]));
    assert_eq!(room["planned"]["plan_status"], "published", "{room}");
    assert_eq!(room["planned"]["hotel"], "TEAM");
    assert_eq!(room["pending_change"], false);
    // D2 (same gender, delegation and dates) shares the twin, if the engine paired them.
    if room["stay"]["room_type"] == "twin" {
        assert_eq!(
            room["stay"]["roommates"][0]["name"], "赵敏",
            "the roommate by name: {room}"
        );
    }

    // The rides both ways, with the car.
    let rides = sum["rides"].as_array().cloned().unwrap_or_default();
    assert_eq!(rides.len(), 2, "{sum}");
    assert_eq!(rides[0]["direction"], "arrival");
    assert_eq!(rides[1]["direction"], "departure");
    for r in &rides {
        assert_eq!(r["run"]["hub"], "CTU", "{r}");
        assert_eq!(r["run"]["vehicle"]["plate"], "川A12345", "{r}");
        assert_eq!(r["run"]["vehicle"]["driver_name"], "张师傅");
        assert_eq!(r["run"]["status"], "planned");
        assert_eq!(r["status"], "expected");
    }

    // Meals: the entitlement and the lunch taken.
    let meals = &sum["meals"];
    assert_eq!(meals["entitlement"]["mode"], "hotel", "{meals}");
    assert_eq!(meals["entitlement"]["points"], json!(["TEAM-D"]));
    assert_eq!(meals["entitlement"]["eaten"], 1);
    let taken = meals["taken"].as_array().cloned().unwrap_or_default();
    assert_eq!(taken.len(), 1, "{meals}");
    assert_eq!(taken[0]["service"], "lunch");
    assert_eq!(taken[0]["point"], "TEAM-D");
    assert_eq!(taken[0]["point_name"], "运动员村餐厅");
    assert!(
        taken[0]["at"]
            .as_str()
            .is_some_and(|t| t.ends_with("+08:00")),
        "in the event's time zone: {meals}"
    );

    // Emails: the pass mail to D1.
    let emails = sum["emails"].as_array().cloned().unwrap_or_default();
    assert!(!emails.is_empty(), "{sum}");
    assert!(
        emails.iter().all(|m| m["to"] == "d1@example.com"),
        "{emails:?}"
    );
    assert!(emails.iter().all(|m| m["status"].is_string()));

    // The scan history: the gate, then the canteen.
    let scans: Vec<(String, String)> = sum["scans"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["point_kind"].as_str().unwrap_or_default().to_string(),
                s["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        scans,
        vec![
            ("person_gate".to_string(), "accept".to_string()),
            ("canteen".to_string(), "accept".to_string())
        ]
    );
    assert_eq!(sum["scans"][0]["number"], format!("No. {pass_id}-1"));

    // The timeline: who did what to the pass, in event time.
    let timeline = sum["timeline"].as_array().cloned().unwrap_or_default();
    assert!(
        timeline
            .iter()
            .any(|t| t["entity"] == "pass" && t["who"] == "admin"),
        "the pass's approval by admin: {timeline:?}"
    );
    assert!(
        timeline.iter().any(|t| t["entity"] == "guest"),
        "the meal point set on the guest: {timeline:?}"
    );
    assert!(timeline
        .iter()
        .all(|t| t["at"].as_str().is_some_and(|a| a.ends_with("+08:00"))));

    // Admin sees the ID number whole.
    let (_, whole) = app
        .get_json(&format!("/api/v1/guests/{}/summary", e.d1), &e.admin)
        .await;
    assert!(
        !whole["guest"]["id_number"]
            .as_str()
            .unwrap_or_default()
            .contains('*'),
        "{}",
        whole["guest"]
    );
    Ok(())
}
on_both_backends!(
    every_section,
    every_section_of_a_guest_is_filled_from_one_request
);

async fn the_summary_admits_whom_the_guest_record_admits(app: TestApp) -> TestResult {
    let SummaryEvent { e, .. } = summary_event(&app).await;
    let path = format!("/api/v1/guests/{}/summary", e.d1);
    let own = app
        .user(&e.admin, "dept_sport", "department", Some("体育局"))
        .await;
    let other = app
        .user(&e.admin, "dept_foreign", "department", Some("外事办"))
        .await;
    let greeter = app
        .user(&e.admin, "greeter_ctu", "greeter", Some("CTU"))
        .await;
    for (label, token, want) in [
        ("its own department", &own, 200),
        ("another department", &other, 403),
        ("a greeter (not a reader)", &greeter, 403),
    ] {
        let (s, b) = app.get_json(&path, token).await;
        assert_eq!(s, want, "{label}: {b}");
        let (s_record, _) = app
            .get_json(&format!("/api/v1/guests/{}", e.d1), token)
            .await;
        assert_eq!(s, s_record, "{label}: as the guest record");
    }
    let (s, b) = app
        .get_json("/api/v1/guests/999999/summary", &e.reception)
        .await;
    assert_eq!(s, 404, "{b}");
    assert_eq!(b["error"], "not_found", "{b}");
    let (s, _) = app
        .get_json("/api/v1/guests/abc/summary", &e.reception)
        .await;
    assert!((400..500).contains(&s), "a bad id is a 4xx: {s}");
    let anonymous = app.req(Method::GET, &path, None).send().await?;
    assert_eq!(anonymous.status(), 401);
    Ok(())
}
on_both_backends!(scope, the_summary_admits_whom_the_guest_record_admits);
