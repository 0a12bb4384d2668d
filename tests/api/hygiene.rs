//! Food hygiene end to end: inspectors, a generated roster with two inspectors on every window,
//! gaps named when there are too few, hand edits checked against the rules, inspections with
//! the checklist, and incidents reaching reception's screen at once.

use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{send, TestApp, TestResult};
use crate::on_both_backends;

fn png() -> Vec<u8> {
    let img = image::ImageBuffer::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 30])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(offset))
    .to_string()
}

/// Two dining points (P1 serves halal) on the event's default windows, a health officer and
/// `n` inspectors. Returns (admin, health, inspector ids).
async fn setup(app: &TestApp, n: usize) -> (String, String, Vec<i64>) {
    let admin = app.admin().await;
    for (code, halal) in [("P1", true), ("P2", false)] {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/dining-points",
            &admin,
            Some(
                json!({"code": code, "name": format!("{code}餐厅"), "seats": 100, "halal": halal}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    let health = app.user(&admin, "health1", "health", None).await;
    let (s, b) = send(
        app,
        Method::POST,
        "/api/v1/inspectors",
        &health,
        Some(json!({"name": "无证", "unit": "卫生监督所"})),
    )
    .await;
    assert_eq!(s, 422, "a certificate number is required: {b}");
    let mut ids = Vec::new();
    for i in 0..n {
        let (s, b) = send(app, Method::POST, "/api/v1/inspectors", &health,
            Some(json!({"name": format!("检查员{i}"), "unit": "卫生监督所", "phone": "13900000000", "certificate_no": format!("WS-{i:04}"), "languages": ["zh"]}))).await;
        assert_eq!(s, 201, "{b}");
        ids.push(b["id"].as_i64().unwrap_or_default());
    }
    (admin, health, ids)
}

async fn a_roster_puts_two_inspectors_on_every_window_and_edits_keep_the_rules(
    app: TestApp,
) -> TestResult {
    let (_admin, health, ids) = setup(&app, 4).await;
    let (s, b) = send(&app, Method::PUT, "/api/v1/hygiene/settings", &health, Some(json!({"max_minutes_per_day": 5000, "min_rest_minutes": 60, "travel_minutes": 30, "lead_minutes": 60}))).await;
    assert_eq!(s, 422, "{b}");
    let (s, r) = send(
        &app,
        Method::POST,
        &format!(
            "/api/v1/hygiene/roster/generate?from={}&to={}",
            day(1),
            day(1)
        ),
        &health,
        None,
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["gaps"].as_i64(), r["too_few"].is_null()),
        (Some(0), true),
        "{r}"
    );
    let (_, cells) = app
        .get_json(
            &format!("/api/v1/hygiene/coverage?from={}&to={}", day(1), day(1)),
            &health,
        )
        .await;
    let cells = cells.as_array().cloned().unwrap_or_default();
    assert_eq!(cells.len(), 6, "two points × breakfast, lunch, dinner");
    assert!(
        cells.iter().all(|c| c["on_duty"].as_u64() >= Some(2)),
        "{cells:?}"
    );
    let breakfast = cells
        .iter()
        .find(|c| c["point"] == "P1" && c["service"] == "breakfast")
        .cloned()
        .unwrap_or_default();
    assert!(
        breakfast["starts_at"]
            .as_str()
            .unwrap_or_default()
            .contains("T05:30"),
        "from the raw food's arrival, an hour before: {breakfast}"
    );

    // Hand edits: a shift moved onto another of the same inspector is refused, naming the rule.
    let (_, roster) = app
        .get_json(
            &format!("/api/v1/hygiene/roster?from={}&to={}", day(1), day(1)),
            &health,
        )
        .await;
    let shifts = roster.as_array().cloned().unwrap_or_default();
    let first = shifts[0].clone();
    let later = shifts
        .iter()
        .find(|s| s["inspector_id"] == first["inspector_id"] && s["id"] != first["id"])
        .cloned()
        .unwrap_or_default();
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hygiene/shifts/{}", later["id"]),
        &health,
        Some(json!({"starts_at": first["starts_at"], "ends_at": first["ends_at"], "point": "P2"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["details"][0]["rule"], "overlap", "{b}");
    // Swapping two inspectors at the same time at different points keeps every rule.
    let other = shifts
        .iter()
        .find(|s| s["starts_at"] == first["starts_at"] && s["point"] != first["point"])
        .cloned()
        .unwrap_or_default();
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hygiene/shifts/{}", first["id"]),
        &health,
        Some(json!({"with_shift": other["id"]})),
    )
    .await;
    assert_eq!(s, 200, "{b}");

    // An inspector sees only their own shifts.
    let me = ids[0];
    let inspector = app
        .user(&_admin, "inspector0", "inspector", Some(&me.to_string()))
        .await;
    let (_, mine) = app
        .get_json(
            &format!("/api/v1/hygiene/roster?from={}&to={}", day(1), day(1)),
            &inspector,
        )
        .await;
    assert!(
        mine.as_array()
            .is_some_and(|m| !m.is_empty() && m.iter().all(|s| s["inspector_id"] == me)),
        "{mine}"
    );
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/hygiene/roster/generate",
        &inspector,
        None,
    )
    .await;
    assert_eq!(s, 403);

    // A point's own lead time: P2's raw food comes two hours ahead.
    let (s, set) = send(&app, Method::PUT, "/api/v1/hygiene/settings", &health,
        Some(json!({"max_minutes_per_day": 600, "min_rest_minutes": 60, "travel_minutes": 30, "lead_minutes": 60, "point_leads": {"P2": 120}}))).await;
    assert_eq!(
        (s, set["point_leads"]["P2"].as_i64()),
        (200, Some(120)),
        "{set}"
    );
    let (_, cells) = app
        .get_json(
            &format!("/api/v1/hygiene/coverage?from={}&to={}", day(1), day(1)),
            &health,
        )
        .await;
    let p2 = cells
        .as_array()
        .and_then(|c| {
            c.iter()
                .find(|c| c["point"] == "P2" && c["service"] == "breakfast")
        })
        .cloned()
        .unwrap_or_default();
    assert!(
        p2["starts_at"]
            .as_str()
            .unwrap_or_default()
            .contains("T04:30"),
        "{p2}"
    );
    let (s, _) = send(&app, Method::PUT, "/api/v1/hygiene/settings", &health,
        Some(json!({"max_minutes_per_day": 600, "min_rest_minutes": 60, "travel_minutes": 30, "lead_minutes": 60, "point_leads": {"NOPE": 30}}))).await;
    assert_eq!(s, 422, "an unknown point");

    // Too few inspectors for the coverage: gaps are named, no rule is broken.
    let (s, _) = send(&app, Method::PUT, "/api/v1/hygiene/settings", &health, Some(json!({"max_minutes_per_day": 240, "min_rest_minutes": 60, "travel_minutes": 30, "lead_minutes": 60}))).await;
    assert_eq!(s, 200);
    let (_, r) = send(
        &app,
        Method::POST,
        &format!(
            "/api/v1/hygiene/roster/generate?from={}&to={}",
            day(1),
            day(1)
        ),
        &health,
        None,
    )
    .await;
    assert!(r["gaps"].as_i64() > Some(0), "{r}");
    assert!(
        r["too_few"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("too few inspectors"),
        "{r}"
    );
    let (_, cells) = app
        .get_json(
            &format!("/api/v1/hygiene/coverage?from={}&to={}", day(1), day(1)),
            &health,
        )
        .await;
    assert!(
        cells
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["on_duty"].as_u64() < Some(2)),
        "the gaps show: {cells}"
    );
    Ok(())
}
on_both_backends!(
    hygiene_roster,
    a_roster_puts_two_inspectors_on_every_window_and_edits_keep_the_rules
);

async fn inspections_follow_the_checklist_and_incidents_reach_reception_at_once(
    app: TestApp,
) -> TestResult {
    let (admin, health, ids) = setup(&app, 2).await;
    let inspector = app
        .user(&admin, "inspector0", "inspector", Some(&ids[0].to_string()))
        .await;
    let reception = app.user(&admin, "reception1", "reception", None).await;
    let all: Vec<Value> = [
        "supplier_certificates",
        "raw_food",
        "storage_temperature",
        "cooking",
        "tableware_disinfection",
        "sample_retention_48h",
        "staff_health_certificates",
    ]
    .iter()
    .map(|i| json!({"item": i, "ok": true}))
    .collect();
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/inspections",
        &inspector,
        Some(json!({"point": "P1", "items": all})),
    )
    .await;
    assert_eq!(
        s, 422,
        "a halal point's check includes halal separation: {b}"
    );
    let mut items = all.clone();
    items.push(json!({"item": "halal_separation", "ok": false}));
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/inspections",
        &inspector,
        Some(json!({"point": "P1", "items": items})),
    )
    .await;
    assert_eq!(s, 422, "a failed item needs a note: {b}");
    items.pop();
    items.push(json!({"item": "halal_separation", "ok": false, "note": "清真灶具与普通灶具混用", "photo": "not base64!"}));
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/inspections",
        &inspector,
        Some(json!({"point": "P1", "items": items})),
    )
    .await;
    assert_eq!(s, 422, "a bad photo refuses the whole inspection: {b}");
    items.pop();
    let photo = format!(
        "data:image/png;base64,{}",
        data_encoding::BASE64.encode(&png())
    );
    items.push(json!({"item": "halal_separation", "ok": false, "note": "清真灶具与普通灶具混用", "photo": photo}));
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/inspections",
        &inspector,
        Some(json!({"point": "P1", "items": items, "note": "已要求整改"})),
    )
    .await;
    assert_eq!((s, b["failed"].as_i64()), (201, Some(1)), "{b}");
    let url = b["items"]
        .as_array()
        .and_then(|i| i.iter().find(|x| x["item"] == "halal_separation"))
        .and_then(|x| x["photo_url"].as_str())
        .unwrap_or_default()
        .to_string();
    let jpeg = app.req(Method::GET, &url, Some(&health)).send().await?;
    assert_eq!(
        jpeg.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/jpeg"),
        "{url}"
    );
    assert!(
        jpeg.bytes().await?.starts_with(&[0xFF, 0xD8]),
        "stored as JPEG"
    );
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/inspections",
        &health,
        Some(json!({"point": "P2", "items": all})),
    )
    .await;
    assert_eq!(s, 403, "only inspectors log inspections");
    let (_, list) = app
        .get_json(&format!("/api/v1/inspections?from={}", day(0)), &health)
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let csv = app
        .req(
            Method::GET,
            &format!("/api/v1/inspections.csv?from={}", day(0)),
            Some(&health),
        )
        .send()
        .await?
        .bytes()
        .await?;
    assert!(
        csv.starts_with(&[0xEF, 0xBB, 0xBF])
            && String::from_utf8_lossy(&csv).contains("halal_separation,fail")
    );

    // Reception's screen is open; an inspector raises an incident; it arrives within a second.
    let mut events = app
        .req(Method::GET, "/api/v1/board/events", Some(&reception))
        .send()
        .await?;
    assert_eq!(events.status(), 200);
    tokio::time::timeout(Duration::from_secs(2), events.chunk()).await??;
    let sent = Instant::now();
    let (s, incident) = send(&app, Method::POST, "/api/v1/incidents", &inspector,
        Some(json!({"point": "P2", "kind": "suspected_poisoning", "description": "午餐后三人腹泻", "stops_service": true}))).await;
    assert_eq!(s, 201, "{incident}");
    let mut heard = String::new();
    while !heard.contains("\"kind\":\"incident\"") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), events.chunk())
            .await??
            .unwrap_or_default();
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "heard after {:?}",
        sent.elapsed()
    );
    drop(events);
    let (_, open) = app
        .get_json("/api/v1/incidents?status=open", &reception)
        .await;
    assert_eq!(open[0]["kind"], "suspected_poisoning");
    let id = incident["id"].as_i64().unwrap_or_default();
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/incidents/{id}/follow-up"),
        &reception,
        Some(json!({"note": "x"})),
    )
    .await;
    assert_eq!(s, 403, "health follows up");
    let (s, closed) = send(
        &app,
        Method::POST,
        &format!("/api/v1/incidents/{id}/follow-up"),
        &health,
        Some(json!({"note": "留样送检，未检出致病菌", "close": true})),
    )
    .await;
    assert_eq!(
        (s, closed["status"].as_str()),
        (200, Some("closed")),
        "{closed}"
    );
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/incidents/{id}/follow-up"),
        &health,
        Some(json!({"note": "again"})),
    )
    .await;
    assert_eq!(s, 409);
    Ok(())
}
on_both_backends!(
    hygiene_inspections,
    inspections_follow_the_checklist_and_incidents_reach_reception_at_once
);
