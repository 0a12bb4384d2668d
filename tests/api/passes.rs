//! Passes end to end: request, approve, print, collect, revoke, reissue, and every reason a
//! gate rejects a pass for.

use std::io::Cursor;

use chrono::{Duration, Utc};
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use reqwest::Method;
use serde_json::{json, Value};
use yingbin::passes::token::{self, PassKind, PassRecord};

use crate::common::{json_of, resident_id, TestApp, TestResult};
use crate::on_both_backends;

pub(crate) fn photo() -> Vec<u8> {
    let img = ImageBuffer::from_fn(300, 400, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + Duration::days(offset))
    .to_string()
}

/// An event with zones A and B, gates G-A (zone A) and G-B (zone B), a vehicle gate V1, and
/// two guests: 张伟 (photo and ID number) and 李娜 (neither). Returns the admin token and
/// the guests' ids.
pub async fn event(app: &TestApp) -> (String, i64, i64) {
    let admin = app.admin().await;
    for (code, name) in [("A", "主场馆"), ("B", "新闻中心")] {
        let (s, body) = json_of(
            app.req(Method::POST, "/api/v1/zones", Some(&admin))
                .json(&json!({"code": code, "name": name, "color": "#c0392b"}))
                .send()
                .await
                .expect("zone"),
        )
        .await;
        assert_eq!(s, 201, "{body}");
    }
    for (code, kind, zone) in [
        ("G-A", "person_gate", Some("A")),
        ("G-B", "person_gate", Some("B")),
        ("V1", "vehicle_gate", Some("A")),
    ] {
        let (s, body) = json_of(
            app.req(Method::POST, "/api/v1/scan-points", Some(&admin))
                .json(&json!({"code": code, "name": code, "kind": kind, "zone": zone}))
                .send()
                .await
                .expect("point"),
        )
        .await;
        assert_eq!(s, 201, "{body}");
    }
    let csv = format!("ref,name,category,department,organization,id_number\nP1,张伟,journalist,宣传部,新华社,{}\nP2,李娜,journalist,宣传部,新华社,\n", resident_id("51010419900101123"));
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (_, page) = app.get_json("/api/v1/guests", &admin).await;
    let id_of = |r: &str| {
        page["items"]
            .as_array()
            .and_then(|a| a.iter().find(|g| g["ref"] == r))
            .and_then(|g| g["id"].as_i64())
            .unwrap_or_default()
    };
    let (zhang, li) = (id_of("P1"), id_of("P2"));
    let r = app
        .req(
            Method::PUT,
            &format!("/api/v1/guests/{zhang}/photo"),
            Some(&admin),
        )
        .body(photo())
        .send()
        .await
        .expect("photo");
    assert_eq!(r.status(), 200);
    (admin, zhang, li)
}

/// Requests and approves a credential; returns (pass id, token).
pub async fn credential(
    app: &TestApp,
    admin: &str,
    guest: i64,
    zones: &[&str],
    from: i64,
    to: i64,
) -> (i64, String) {
    let (s, pass) = json_of(app.req(Method::POST, "/api/v1/credentials", Some(admin))
        .json(&json!({"guest_id": guest, "zones": zones, "valid_from": day(from), "valid_to": day(to)})).send().await.expect("request")).await;
    assert_eq!(s, 201, "{pass}");
    let id = pass["id"].as_i64().unwrap_or_default();
    let (s, issued) = json_of(
        app.req(
            Method::POST,
            &format!("/api/v1/passes/{id}/approve"),
            Some(admin),
        )
        .send()
        .await
        .expect("approve"),
    )
    .await;
    assert_eq!(s, 200, "{issued}");
    (id, issued["token"].as_str().unwrap_or_default().to_string())
}

/// A ceremony under way now with a session gate `gate`, and a ticket for `guest`: its token.
pub async fn ceremony_ticket(app: &TestApp, admin: &str, guest: i64, gate: &str) -> String {
    let now = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai);
    let (s, session) = json_of(
        app.req(Method::POST, "/api/v1/event-sessions", Some(admin))
            .json(&json!({
        "code": "OPEN", "name": "开幕式", "name_en": "Opening ceremony",
        "starts_at": (now - Duration::hours(1)).to_rfc3339(),
        "ends_at": (now + Duration::hours(3)).to_rfc3339(), "gates": "东门"}))
            .send()
            .await
            .expect("session"),
    )
    .await;
    assert_eq!(s, 201, "{session}");
    let sid = session["id"].as_i64().unwrap_or_default();
    let (s, point) = json_of(
        app.req(Method::POST, "/api/v1/scan-points", Some(admin))
            .json(&json!({"code": gate, "name": "东门", "kind": "session_gate", "session_id": sid}))
            .send()
            .await
            .expect("point"),
    )
    .await;
    assert_eq!(s, 201, "{point}");
    let (s, ticket) = json_of(
        app.req(Method::POST, "/api/v1/admissions", Some(admin))
            .json(&json!({"session_id": sid, "guest_id": guest, "section": "A", "seat": "12"}))
            .send()
            .await
            .expect("ticket"),
    )
    .await;
    assert_eq!(s, 201, "{ticket}");
    ticket["token"].as_str().unwrap_or_default().to_string()
}

/// Scans and returns the verdict body.
pub async fn scan(app: &TestApp, token: &str, payload: &str, point: &str) -> Value {
    let (s, body) = json_of(
        app.req(Method::POST, "/api/v1/scans", Some(token))
            .json(&json!({"payload": payload, "point": point}))
            .send()
            .await
            .expect("scan"),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    body
}

fn reason(v: &Value) -> &str {
    v["reason"].as_str().unwrap_or("accept")
}

async fn a_credential_goes_from_request_to_collection_and_opens_its_zone(
    app: TestApp,
) -> TestResult {
    let (admin, zhang, li) = event(&app).await;
    // 李娜 has neither photo nor ID number: approval says what is missing.
    let (_, pass) = json_of(
        app.req(Method::POST, "/api/v1/credentials", Some(&admin))
            .json(
                &json!({"guest_id": li, "zones": ["A"], "valid_from": day(0), "valid_to": day(3)}),
            )
            .send()
            .await?,
    )
    .await;
    assert_eq!(pass["status"], "requested");
    assert_eq!(pass["missing"], json!(["photo", "id_number"]));
    let (s, body) = json_of(
        app.req(
            Method::POST,
            &format!("/api/v1/passes/{}/approve", pass["id"]),
            Some(&admin),
        )
        .send()
        .await?,
    )
    .await;
    assert_eq!((s, body["error"].as_str()), (422, Some("incomplete")));
    assert_eq!(body["details"], json!(["photo", "id_number"]));
    // A second credential for the same guest is refused.
    let (s, _) = json_of(
        app.req(Method::POST, "/api/v1/credentials", Some(&admin))
            .json(
                &json!({"guest_id": li, "zones": ["A"], "valid_from": day(0), "valid_to": day(3)}),
            )
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 409);

    let (id, token) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    assert_eq!(token.len(), 151);
    let guard = app
        .user(&admin, "guard1", "checkpoint", Some("G-A,G-B"))
        .await;
    let v = scan(&app, &guard, &token, "G-A").await;
    assert_eq!(v["verdict"], "accept", "{v}");
    assert_eq!(v["holder"]["name"], "张伟");
    assert_eq!(v["holder"]["photo_matches"], true);
    // The holder as the guard sees them, read with the pass in one query.
    assert_eq!(v["holder"]["category"], "journalist");
    assert_eq!(v["holder"]["organization"], "新华社");
    assert_eq!(
        v["holder"]["photo_url"],
        format!("/api/v1/guests/{zhang}/photo")
    );
    assert_eq!(v["pass"]["zones"], json!(["A"]));
    // A keyboard wedge with Caps Lock types lowercase, and Enter.
    let v = scan(
        &app,
        &guard,
        &format!("{}\r\n", token.to_lowercase()),
        "G-A",
    )
    .await;
    assert_eq!(v["verdict"], "accept", "{v}");
    assert_eq!(
        reason(&scan(&app, &guard, &token, "G-B").await),
        "zone_denied"
    );

    for (action, status) in [("printed", "printed"), ("collected", "collected")] {
        let r = app
            .req(
                Method::POST,
                &format!("/api/v1/passes/{id}/{action}"),
                Some(&admin),
            )
            .send()
            .await?;
        assert_eq!(r.status(), 204);
        let (_, p) = app.get_json(&format!("/api/v1/passes/{id}"), &admin).await;
        assert_eq!(p["status"], status);
    }
    // Lost: revoked, then reissued; the old card is superseded, the new one opens.
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/passes/{id}/revoke"),
            Some(&admin),
        )
        .json(&json!({"reason": "lost", "note": "丢在机场"}))
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    assert_eq!(reason(&scan(&app, &guard, &token, "G-A").await), "revoked");
    let (s, again) = json_of(
        app.req(
            Method::POST,
            &format!("/api/v1/passes/{id}/reissue"),
            Some(&admin),
        )
        .send()
        .await?,
    )
    .await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["serial"], 2);
    let new_token = again["token"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        reason(&scan(&app, &guard, &token, "G-A").await),
        "superseded"
    );
    assert_eq!(
        scan(&app, &guard, &new_token, "G-A").await["verdict"],
        "accept"
    );

    // The revocation feed tells offline scanners both, signed.
    let (_, feed) = json_of(
        app.req(Method::GET, "/api/v1/passes/revocations?since=0", None)
            .send()
            .await?,
    )
    .await;
    let entries = feed["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 2, "{feed}");
    assert_eq!(
        (
            entries[0]["revoked"].as_bool(),
            entries[1]["min_serial"].as_i64()
        ),
        (Some(true), Some(2))
    );
    let (_, keys) = json_of(
        app.req(Method::GET, "/api/v1/passes/keys", None)
            .send()
            .await?,
    )
    .await;
    let key =
        token::verifying_key_from_hex(keys["keys"][0]["public_key"].as_str().unwrap_or_default())
            .ok_or("key")?;
    // Rebuilt as docs/pass-format.md says a third party must: members in the documented order.
    let items: Vec<String> = entries
        .iter()
        .map(|e| {
            format!(
                r#"{{"pass_id":{},"kind":{},"min_serial":{},"revoked":{}}}"#,
                e["pass_id"], e["kind"], e["min_serial"], e["revoked"]
            )
        })
        .collect();
    let message = format!(
        "yingbin-revocations-v1\n{{\"generated_at\":{},\"cursor\":{},\"entries\":[{}],\"key_id\":{}}}",
        feed["generated_at"], feed["cursor"], items.join(","), feed["key_id"]
    );
    let signature = feed["signature"].as_str().unwrap_or_default();
    let sig = ed25519_dalek::Signature::from_slice(&hex::decode(signature)?)?;
    assert!(
        key.verify_strict(message.as_bytes(), &sig).is_ok(),
        "the revocation list verifies"
    );
    let (_, later) = json_of(
        app.req(
            Method::GET,
            &format!("/api/v1/passes/revocations?since={}", feed["cursor"]),
            None,
        )
        .send()
        .await?,
    )
    .await;
    assert_eq!(later["entries"], json!([]));

    // Every step is in the audit log.
    let (_, audit) = app
        .get_json(&format!("/api/v1/audit?entity=pass&entity_id={id}"), &admin)
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        actions,
        vec![
            "reissue",
            "revoke",
            "collected",
            "printed",
            "approve",
            "request"
        ]
    );
    Ok(())
}
on_both_backends!(
    credential_lifecycle,
    a_credential_goes_from_request_to_collection_and_opens_its_zone
);

async fn every_bad_token_is_rejected_with_its_reason(app: TestApp) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (_, good) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let guard = app
        .user(&admin, "guard1", "checkpoint", Some("G-A,V1"))
        .await;
    let decoded = token::decode(&good).map_err(|e| format!("{e:?}"))?;

    // One character changed, anywhere, never passes.
    let mut forged = good.clone().into_bytes();
    forged[60] = if forged[60] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged)?;
    // The same record signed by a key that is not the event's, under the event's key id.
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let other_key = token::sign(&decoded.record, &stranger);
    let unknown_key = token::sign(
        &PassRecord {
            key_id: 999,
            ..decoded.record
        },
        &stranger,
    );
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("bit-flipped", forged, "G-A", "bad_signature"),
        ("truncated", good[..140].to_string(), "G-A", "malformed"),
        ("garbage", "HELLO WORLD".to_string(), "G-A", "malformed"),
        ("empty-ish", "   ".to_string(), "G-A", "malformed"),
        ("other key", other_key, "G-A", "bad_signature"),
        ("unknown key", unknown_key, "G-A", "unknown_key"),
        (
            "person pass at a vehicle gate",
            good.clone(),
            "V1",
            "wrong_kind",
        ),
    ];
    for (label, payload, point, expected) in cases {
        let v = scan(&app, &guard, &payload, point).await;
        assert_eq!(reason(&v), expected, "{label}: {v}");
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{label}"
        );
    }
    // Dates: a credential that ended yesterday, one that starts tomorrow.
    let (_, li_like) = app.get_json("/api/v1/guests?q=P2", &admin).await;
    let li = li_like["items"][0]["id"].as_i64().unwrap_or_default();
    app.req(Method::PATCH, &format!("/api/v1/guests/{li}"), Some(&admin))
        .json(&json!({"id_number": resident_id("51010419900101456")}))
        .send()
        .await?;
    app.req(
        Method::PUT,
        &format!("/api/v1/guests/{li}/photo"),
        Some(&admin),
    )
    .body(photo())
    .send()
    .await?;
    let (_, past) = credential(&app, &admin, li, &["A"], -5, -1).await;
    assert_eq!(reason(&scan(&app, &guard, &past, "G-A").await), "expired");
    let (s, b) = json_of(
        app.req(Method::POST, "/api/v1/passes/999/revoke", Some(&admin))
            .json(&json!({"reason": "bored"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 422, "{b}");
    // Not yet valid: a future credential of a third guest.
    app.import(
        &admin,
        format!(
            "ref,name,department,id_number\nP3,王五,宣传部,{}\n",
            resident_id("51010419800101456")
        ),
        false,
    )
    .await;
    let (_, p3) = app.get_json("/api/v1/guests?q=P3", &admin).await;
    let wang = p3["items"][0]["id"].as_i64().unwrap_or_default();
    app.req(
        Method::PUT,
        &format!("/api/v1/guests/{wang}/photo"),
        Some(&admin),
    )
    .body(photo())
    .send()
    .await?;
    let (_, future) = credential(&app, &admin, wang, &["A"], 2, 4).await;
    assert_eq!(
        reason(&scan(&app, &guard, &future, "G-A").await),
        "not_yet_valid"
    );

    // Requests the endpoint cannot read are 4xx, and a guard cannot scan at another's point.
    let (s, _) = json_of(
        app.req(Method::POST, "/api/v1/scans", Some(&guard))
            .json(&json!({"point": "G-A"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = json_of(
        app.req(Method::POST, "/api/v1/scans", Some(&guard))
            .json(&json!({"payload": good, "point": "G-B"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 403, "G-B is not in the guard's scope");
    // Every scan above was logged, rejected ones too.
    let (_, log) = app
        .get_json("/api/v1/scans?point=G-A&verdict=reject", &admin)
        .await;
    assert!(log["total"].as_i64().unwrap_or(0) >= 8, "{log}");
    Ok(())
}
on_both_backends!(rejections, every_bad_token_is_rejected_with_its_reason);

async fn a_retried_nonce_gets_the_first_answer_and_logs_nothing_new(app: TestApp) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (_, good) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let body =
        json!({"payload": good, "point": "G-A", "nonce": "phone-7-0001", "device": "phone-7"});
    let (_, first) = json_of(
        app.req(Method::POST, "/api/v1/scans", Some(&admin))
            .json(&body)
            .send()
            .await?,
    )
    .await;
    let (_, second) = json_of(
        app.req(Method::POST, "/api/v1/scans", Some(&admin))
            .json(&body)
            .send()
            .await?,
    )
    .await;
    assert_eq!(first, second);
    let (_, log) = app.get_json("/api/v1/scans", &admin).await;
    assert_eq!(log["total"], 1);
    assert_eq!(log["items"][0]["device"], "phone-7");
    assert_eq!(log["items"][0]["who"], "张伟");
    let (_, hourly) = app.get_json("/api/v1/scans/hourly", &admin).await;
    assert_eq!(hourly[0]["accepted"], 1);
    Ok(())
}
on_both_backends!(
    nonce_replay,
    a_retried_nonce_gets_the_first_answer_and_logs_nothing_new
);

async fn a_ceremony_ticket_enters_once_even_when_two_gates_scan_it_together(
    app: TestApp,
) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let now = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai);
    let (s, session) = json_of(app.req(Method::POST, "/api/v1/event-sessions", Some(&admin)).json(&json!({
        "code": "OPEN", "name": "开幕式", "name_en": "Opening ceremony",
        "starts_at": (now - Duration::hours(1)).to_rfc3339(), "ends_at": (now + Duration::hours(3)).to_rfc3339(), "gates": "东门"})).send().await?).await;
    assert_eq!(s, 201, "{session}");
    let sid = session["id"].as_i64().unwrap_or_default();
    for code in ["S1", "S2"] {
        app.req(Method::POST, "/api/v1/scan-points", Some(&admin))
            .json(&json!({"code": code, "name": code, "kind": "session_gate", "session_id": sid}))
            .send()
            .await?;
    }
    let (s, ticket) = json_of(
        app.req(Method::POST, "/api/v1/admissions", Some(&admin))
            .json(&json!({"session_id": sid, "guest_id": zhang, "section": "A", "seat": "12"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 201, "{ticket}");
    assert_eq!(ticket["status"], "issued");
    let token = ticket["token"].as_str().unwrap_or_default().to_string();
    // An invitee of the office.
    let office = app.user(&admin, "office1", "office", None).await;
    let (s, _) = json_of(
        app.req(Method::POST, "/api/v1/admissions", Some(&office))
            .json(&json!({"session_id": sid, "invitee_name": "赵市长", "invitee_org": "市政府"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 201);
    let (s, _) = json_of(
        app.req(Method::POST, "/api/v1/admissions", Some(&office))
            .json(&json!({"session_id": sid, "guest_id": zhang}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 403, "guests' tickets are reception's");

    let a = app
        .req(Method::POST, "/api/v1/scans", Some(&admin))
        .json(&json!({"payload": token, "point": "S1", "device": "east-1"}))
        .send();
    let b = app
        .req(Method::POST, "/api/v1/scans", Some(&admin))
        .json(&json!({"payload": token, "point": "S2", "device": "east-2"}))
        .send();
    let (a, b) = tokio::join!(a, b);
    let (_, a) = json_of(a?).await;
    let (_, b) = json_of(b?).await;
    let mut verdicts = vec![reason(&a).to_string(), reason(&b).to_string()];
    verdicts.sort();
    assert_eq!(verdicts, vec!["accept", "already_used"], "{a} {b}");
    let used = if reason(&a) == "already_used" { &a } else { &b };
    assert!(
        used["first_use"]["device"]
            .as_str()
            .is_some_and(|d| d.starts_with("east-")),
        "{used}"
    );
    assert!(used["first_use"]["at"].is_string());
    // A credential is not a ticket.
    let (_, cred) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    assert_eq!(reason(&scan(&app, &admin, &cred, "S1").await), "wrong_kind");
    Ok(())
}
on_both_backends!(
    admissions_once,
    a_ceremony_ticket_enters_once_even_when_two_gates_scan_it_together
);

async fn vehicle_passes_check_plates_and_streams(app: TestApp) -> TestResult {
    let (admin, _, _) = event(&app).await;
    let transport = app.user(&admin, "fleet", "transport", None).await;
    let office = app.user(&admin, "office1", "office", None).await;
    let car = |plate: &str, stream: &str| json!({"plate": plate, "stream": stream, "vehicle_type": "sedan", "driver_name": "刘师傅", "driver_phone": "13800000000", "zones": ["A"], "valid_from": day(0), "valid_to": day(5)});
    let (s, body) = json_of(
        app.req(Method::POST, "/api/v1/vehicle-passes", Some(&transport))
            .json(&car("川A1234", "transport_pool"))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(body["details"][0]["field"], "plate");
    let (s, _) = json_of(
        app.req(Method::POST, "/api/v1/vehicle-passes", Some(&office))
            .json(&car("川A12345", "transport_pool"))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 403, "the office handles leaders' cars, not the pool");
    let (s, pass) = json_of(
        app.req(Method::POST, "/api/v1/vehicle-passes", Some(&transport))
            .json(&car("川ad 12345", "transport_pool"))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 201, "{pass}");
    assert_eq!(
        pass["vehicle"]["plate"], "川AD12345",
        "new-energy plate, normalized"
    );
    let id = pass["id"].as_i64().unwrap_or_default();
    let (s, issued) = json_of(
        app.req(
            Method::POST,
            &format!("/api/v1/passes/{id}/approve"),
            Some(&admin),
        )
        .send()
        .await?,
    )
    .await;
    assert_eq!(s, 200, "{issued}");
    let v = scan(
        &app,
        &admin,
        issued["token"].as_str().unwrap_or_default(),
        "V1",
    )
    .await;
    assert_eq!(v["verdict"], "accept", "{v}");
    assert_eq!(v["vehicle"]["plate"], "川AD12345");
    assert_eq!(
        reason(
            &scan(
                &app,
                &admin,
                issued["token"].as_str().unwrap_or_default(),
                "G-A"
            )
            .await
        ),
        "wrong_kind"
    );
    Ok(())
}
on_both_backends!(vehicle_passes, vehicle_passes_check_plates_and_streams);

#[tokio::test]
async fn a_pass_qr_png_decodes_back_to_a_token_that_verifies() -> TestResult {
    let app = crate::common::spawn_app().await;
    let (admin, zhang, _) = event(&app).await;
    let (id, token) = credential(&app, &admin, zhang, &["A", "B"], 0, 3).await;
    let png = app
        .req(
            Method::GET,
            &format!("/api/v1/passes/{id}/qr.png?size=400"),
            Some(&admin),
        )
        .send()
        .await?
        .bytes()
        .await?;
    let img = image::load_from_memory(&png)?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (meta, content) = grids[0].decode()?;
    assert_eq!(content, token);
    assert!(meta.version.0 <= 8, "QR version {}", meta.version.0);
    let svg = app
        .req(
            Method::GET,
            &format!("/api/v1/passes/{id}/qr.svg"),
            Some(&admin),
        )
        .send()
        .await?
        .text()
        .await?;
    assert!(svg.contains("<svg"));
    let decoded = token::decode(&content).map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        (decoded.record.kind, i64::from(decoded.record.pass_id)),
        (PassKind::Credential, id)
    );
    // A pass that is not issued has no QR.
    let (_, req) = json_of(app.req(Method::POST, "/api/v1/credentials", Some(&admin)).json(&json!({"guest_id": zhang + 1, "zones": ["A"], "valid_from": day(0), "valid_to": day(1)})).send().await?).await;
    let r = app
        .req(
            Method::GET,
            &format!("/api/v1/passes/{}/qr.png", req["id"]),
            Some(&admin),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 409);
    Ok(())
}

#[tokio::test]
async fn bulk_requests_skip_guests_who_have_one_and_bulk_approval_names_the_incomplete(
) -> TestResult {
    let app = crate::common::spawn_app().await;
    let (admin, zhang, li) = event(&app).await;
    credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let (s, out) = json_of(app.req(Method::POST, "/api/v1/credentials/bulk", Some(&admin))
        .json(&json!({"filter": {"organization": "新华社"}, "zones": ["B"], "valid_from": day(0), "valid_to": day(3)})).send().await?).await;
    assert_eq!(s, 200, "{out}");
    assert_eq!(
        (out["created"].as_i64(), out["skipped"].as_i64()),
        (Some(1), Some(1))
    );
    let (_, out) = json_of(
        app.req(Method::POST, "/api/v1/credentials/approve", Some(&admin))
            .json(&json!({"filter": {"organization": "新华社"}}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(out["approved"], 0);
    assert_eq!(
        out["incomplete"][0]["missing"],
        json!(["photo", "id_number"])
    );
    let (_, list) = app
        .get_json(
            "/api/v1/credentials?organization=新华社&status=requested",
            &admin,
        )
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["guest"]["id"], li);
    // A department sees only its own guests' credentials.
    app.req(Method::POST, "/api/v1/departments", Some(&admin))
        .json(&json!({"name": "体育局"}))
        .send()
        .await?;
    let sports = app
        .user(&admin, "sports", "department", Some("体育局"))
        .await;
    let press = app
        .user(&admin, "press", "department", Some("宣传部"))
        .await;
    assert_eq!(
        app.get_json("/api/v1/credentials", &sports).await.1["total"],
        0
    );
    assert_eq!(
        app.get_json("/api/v1/credentials", &press).await.1["total"],
        2
    );
    let (_, any) = app.get_json("/api/v1/credentials?limit=1", &admin).await;
    let r = app
        .req(
            Method::GET,
            &format!("/api/v1/passes/{}", any["items"][0]["id"]),
            Some(&sports),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 403);
    Ok(())
}

#[tokio::test]
async fn a_rotated_key_signs_new_passes_while_old_ones_still_verify() -> TestResult {
    let app = crate::common::spawn_app().await;
    let (admin, zhang, li) = event(&app).await;
    let (_, old) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let mut conn = app.pool.get()?;
    let new_id = yingbin::db::write_tx(
        &mut conn,
        yingbin::time::now_utc(),
        yingbin::passes::keys::create_key,
    )?;
    drop(conn);
    app.req(Method::PATCH, &format!("/api/v1/guests/{li}"), Some(&admin))
        .json(&json!({"id_number": resident_id("51010419900101456")}))
        .send()
        .await?;
    app.req(
        Method::PUT,
        &format!("/api/v1/guests/{li}/photo"),
        Some(&admin),
    )
    .body(photo())
    .send()
    .await?;
    let (_, new) = credential(&app, &admin, li, &["A"], 0, 3).await;
    assert_eq!(
        token::decode(&new)
            .map_err(|e| format!("{e:?}"))?
            .record
            .key_id,
        new_id as u16
    );
    // The key ring refreshes within seconds; the old key is still valid meanwhile and after.
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(scan(&app, &admin, &old, "G-A").await["verdict"], "accept");
    assert_eq!(scan(&app, &admin, &new, "G-A").await["verdict"], "accept");
    let (_, keys) = json_of(
        app.req(Method::GET, "/api/v1/passes/keys", None)
            .send()
            .await?,
    )
    .await;
    assert_eq!(keys["keys"].as_array().map(Vec::len), Some(2));
    Ok(())
}
