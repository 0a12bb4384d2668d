//! The field kit through the API: a device registers at its point and downloads a signed
//! kit; offline scans come home in batches — idempotent by nonce, bounded in time, refused
//! from a retired device — and two devices that let one ticket or meal through while apart
//! make exactly one conflict, the earlier scan keeping the use.

use chrono::{Duration, SecondsFormat, Utc};
use ed25519_dalek::Verifier;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{send, TestApp, TestResult};
use crate::on_both_backends;
use crate::passes::{ceremony_ticket, credential, event};

async fn register(app: &TestApp, token: &str, name: &str, point: &str) -> i64 {
    let (s, d) = send(
        app,
        Method::POST,
        "/api/v1/devices",
        token,
        Some(json!({"name": name, "point": point})),
    )
    .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["point"], point);
    d["id"].as_i64().expect("device id")
}

/// The kit's body, after checking its signature against the published keys.
async fn kit(app: &TestApp, token: &str, device: i64, since: Option<i64>) -> Value {
    let query = since.map_or(String::new(), |s| format!("?since={s}"));
    let (s, signed) = app
        .get_json(&format!("/api/v1/devices/{device}/kit{query}"), token)
        .await;
    assert_eq!(s, 200, "{signed}");
    let (_, keys) = app.get_json("/api/v1/passes/keys", token).await;
    let key_id = signed["key_id"].as_i64().expect("key id");
    let public = keys["keys"]
        .as_array()
        .and_then(|k| k.iter().find(|k| k["key_id"] == key_id))
        .and_then(|k| k["public_key"].as_str())
        .and_then(yingbin::passes::token::verifying_key_from_hex)
        .expect("the kit's key is published");
    let body = signed["body"].as_str().expect("body text");
    let signature = ed25519_dalek::Signature::from_slice(
        &hex::decode(signed["signature"].as_str().expect("signature")).expect("hex"),
    )
    .expect("64 bytes");
    public
        .verify(format!("yingbin-kit-v1\n{body}").as_bytes(), &signature)
        .expect("the kit verifies under the published key");
    let mut tampered = body.replace("\"full\":true", "\"full\":false");
    tampered.push(' ');
    assert!(public
        .verify(format!("yingbin-kit-v1\n{tampered}").as_bytes(), &signature)
        .is_err());
    serde_json::from_str(body).expect("kit body")
}

fn at(minutes_ago: i64) -> String {
    (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Now, to the microsecond, a few milliseconds after the last call (devices register first,
/// and an offline scan cannot be older than its device).
async fn moment() -> String {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn offline(nonce: &str, payload: &str, point: &str, scanned_at: &str, verdict: &str) -> Value {
    json!({"nonce": nonce, "payload": payload, "point": point, "scanned_at": scanned_at,
           "verdict": verdict, "reason": if verdict == "accept" { Value::Null } else { json!("bad_signature") }})
}

async fn upload(app: &TestApp, token: &str, device: i64, scans: Vec<Value>) -> (u16, Value) {
    send(
        app,
        Method::POST,
        "/api/v1/scans/batch",
        token,
        Some(json!({"device_id": device, "scans": scans})),
    )
    .await
}

async fn a_device_gets_a_signed_kit_for_its_point_and_a_retired_one_gets_nothing(
    app: TestApp,
) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (pass, _) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let guard = app.user(&admin, "guard_a", "checkpoint", Some("G-A")).await;

    // A guard registers only where they may scan.
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/devices",
        &guard,
        Some(json!({"name": "东门2号机", "point": "G-B"})),
    )
    .await;
    assert_eq!(s, 403);
    let device = register(&app, &guard, "东门2号机", "G-A").await;

    // The whole kit: the point's rule, the keys, the lists' limit.
    let full = kit(&app, &guard, device, None).await;
    assert_eq!(full["full"], true);
    assert_eq!(full["point"]["kind"], "person_gate");
    assert_eq!(
        full["point"]["zone_bit"], 0,
        "zone A is the first zone: bit 0"
    );
    assert_eq!(full["max_age_seconds"], 1800);
    assert_eq!(full["tz_offset_minutes"], 480);
    assert!(!full["keys"].as_array().expect("keys").is_empty());
    let cursor = full["cursor"].as_i64().expect("cursor");

    // A revocation arrives in the next incremental kit, and only it.
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/passes/{pass}/revoke"),
            Some(&admin),
        )
        .json(&json!({"reason": "lost"}))
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    let next = kit(&app, &guard, device, Some(cursor)).await;
    assert_eq!(next["full"], false);
    assert_eq!(
        next["revocations"],
        json!([{"pass_id": pass, "min_serial": 1, "revoked": true}])
    );

    // A supervisor allows this gate's phones two hours of old lists (a basement gate).
    let (_, points) = app.get_json("/api/v1/scan-points", &admin).await;
    let point_id = points
        .as_array()
        .and_then(|p| p.iter().find(|p| p["code"] == "G-A"))
        .and_then(|p| p["id"].as_i64())
        .expect("G-A");
    let (s, _) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/scan-points/{point_id}"),
        &admin,
        Some(json!({"name": "G-A", "zone": "A", "offline_max_age_minutes": 0})),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/scan-points/{point_id}"),
        &admin,
        Some(json!({"name": "G-A", "zone": "A", "offline_max_age_minutes": 120})),
    )
    .await;
    assert_eq!(s, 204);
    let longer = kit(&app, &guard, device, None).await;
    assert_eq!(longer["max_age_seconds"], 7200);

    // Security sees the device, its last sync and how old its lists are.
    let (s, list) = app.get_json("/api/v1/devices", &admin).await;
    assert_eq!(s, 200);
    let row = &list["devices"][0];
    assert_eq!(row["name"], "东门2号机");
    assert_eq!(row["point_name"], "G-A");
    assert!(row["last_sync_at"].is_string(), "{row}");
    assert!(row["lists_age_seconds"].as_i64().expect("age") < 60);
    // Another guard cannot use this device; nor can the guard list devices.
    let other = app.user(&admin, "guard_b", "checkpoint", Some("G-A")).await;
    let (s, _) = app
        .get_json(&format!("/api/v1/devices/{device}/kit"), &other)
        .await;
    assert_eq!(s, 403);
    let (s, _) = app.get_json("/api/v1/devices", &guard).await;
    assert_eq!(s, 403);

    // Retired (lost phone): its kit and its uploads are refused, in the caller's language.
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/devices/{device}/retire"),
            Some(&admin),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    let (s, body) = app
        .get_json(&format!("/api/v1/devices/{device}/kit"), &guard)
        .await;
    assert_eq!((s, body["error"].as_str()), (409, Some("device_retired")));
    let (s, body) = upload(&app, &guard, device, vec![]).await;
    assert_eq!((s, body["error"].as_str()), (409, Some("device_retired")));
    let r = app
        .req(
            Method::GET,
            &format!("/api/v1/devices/{device}/kit"),
            Some(&guard),
        )
        .header("Accept-Language", "zh-CN")
        .send()
        .await?;
    let body: Value = r.json().await?;
    assert!(
        body["message"].as_str().unwrap_or("").contains("停用"),
        "{body}"
    );
    Ok(())
}
on_both_backends!(
    device_kit,
    a_device_gets_a_signed_kit_for_its_point_and_a_retired_one_gets_nothing
);

async fn an_upload_records_each_scan_once_at_its_time_and_refuses_impossible_times(
    app: TestApp,
) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (_, good) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let guard = app.user(&admin, "guard_a", "checkpoint", Some("G-A")).await;
    let device = register(&app, &guard, "东门2号机", "G-A").await;
    let mut forged = good.clone().into_bytes();
    forged[80] = if forged[80] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged)?;
    let scans = vec![
        offline("n-1", &good, "G-A", &at(0), "accept"),
        offline("n-2", &forged, "G-A", &at(0), "reject"),
        offline(
            "n-3",
            &good,
            "G-A",
            &(Utc::now() + Duration::hours(1)).to_rfc3339(),
            "accept",
        ),
        offline("n-4", &good, "G-A", &at(24 * 60), "accept"),
        offline("n-5", &good, "G-B", &at(0), "accept"),
        offline("n-6", &good, "G-A", "yesterday", "accept"),
    ];
    let (s, first) = upload(&app, &guard, device, scans.clone()).await;
    assert_eq!(s, 200, "{first}");
    let status: Vec<(&str, &str)> = first["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap_or(""),
                r["error"]
                    .as_str()
                    .or(r["server_verdict"].as_str())
                    .unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        status,
        vec![
            ("recorded", "accept"),
            ("recorded", "reject"),
            ("refused", "scanned_at_in_future"),
            ("refused", "scanned_at_before_registration"),
            ("refused", "not_the_devices_point"),
            ("refused", "bad_scanned_at"),
        ]
    );
    assert_eq!(first["results"][1]["server_reason"], "bad_signature");

    // The same batch again (a retry after a lost answer) changes nothing.
    let (s, again) = upload(&app, &guard, device, scans).await;
    assert_eq!(s, 200);
    assert_eq!(again["results"][0]["status"], "duplicate");
    assert_eq!(
        again["results"][0]["scan_id"],
        first["results"][0]["scan_id"]
    );
    assert_eq!(again["results"][1]["status"], "duplicate");
    let (_, log) = app.get_json("/api/v1/scans?point=G-A", &admin).await;
    assert_eq!(log["total"], 2, "{log}");
    assert_eq!(log["items"][0]["device"], "东门2号机");

    // Over 500 in one upload: 422, nothing recorded.
    let many: Vec<Value> = (0..501)
        .map(|i| offline(&format!("m-{i}"), &good, "G-A", &at(0), "accept"))
        .collect();
    let (s, _) = upload(&app, &guard, device, many).await;
    assert_eq!(s, 422);
    let (_, log) = app.get_json("/api/v1/scans?point=G-A", &admin).await;
    assert_eq!(log["total"], 2);
    Ok(())
}
on_both_backends!(
    batch_upload,
    an_upload_records_each_scan_once_at_its_time_and_refuses_impossible_times
);

async fn two_devices_that_let_one_ticket_in_while_apart_make_one_conflict(
    app: TestApp,
) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let ticket = ceremony_ticket(&app, &admin, zhang, "S-OPEN").await;
    let east = app
        .user(&admin, "guard_e", "checkpoint", Some("S-OPEN"))
        .await;
    let west = app
        .user(&admin, "guard_w", "checkpoint", Some("S-OPEN"))
        .await;
    let d_east = register(&app, &east, "东门1号机", "S-OPEN").await;
    let d_west = register(&app, &west, "西门1号机", "S-OPEN").await;

    // Both let the ticket in, the east gate first; both uploads race.
    let (t_east, t_west) = (moment().await, moment().await);
    let (a, b) = tokio::join!(
        upload(
            &app,
            &west,
            d_west,
            vec![offline("w-1", &ticket, "S-OPEN", &t_west, "accept")]
        ),
        upload(
            &app,
            &east,
            d_east,
            vec![offline("e-1", &ticket, "S-OPEN", &t_east, "accept")]
        ),
    );
    assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);
    // Whichever upload came second learns of the conflict.
    assert!(
        a.1["results"][0]["conflict"] == true || b.1["results"][0]["conflict"] == true,
        "{} {}",
        a.1,
        b.1
    );
    // The earlier keeps the use, whichever upload came first.
    assert_eq!(b.1["results"][0]["server_verdict"], "accept", "{}", b.1);

    let security = app.user(&admin, "sec", "security", None).await;
    let (s, list) = app.get_json("/api/v1/scans/conflicts", &security).await;
    assert_eq!(s, 200);
    let conflicts = list["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{list}");
    let c = &conflicts[0];
    assert_eq!(c["kind"], "double_use");
    assert_eq!(c["holder"], "张伟");
    assert_eq!(c["kept"]["device"], "东门1号机");
    assert_eq!(c["lost"]["device"], "西门1号机");
    assert_eq!(c["kept"]["scan_id"], b.1["results"][0]["scan_id"]);

    // Online now: the ticket is used.
    let v = crate::passes::scan(&app, &east, &ticket, "S-OPEN").await;
    assert_eq!(v["reason"], "already_used");
    // A retried upload adds no second conflict.
    let _ = upload(
        &app,
        &west,
        d_west,
        vec![offline("w-1", &ticket, "S-OPEN", &t_west, "accept")],
    )
    .await;
    let (_, list) = app.get_json("/api/v1/scans/conflicts", &security).await;
    assert_eq!(list["conflicts"].as_array().map(Vec::len), Some(1));
    // A guard does not read conflicts.
    let (s, _) = app.get_json("/api/v1/scans/conflicts", &east).await;
    assert_eq!(s, 403);
    Ok(())
}
on_both_backends!(
    offline_conflict,
    two_devices_that_let_one_ticket_in_while_apart_make_one_conflict
);

async fn an_offline_accept_of_a_pass_revoked_before_it_is_reported(app: TestApp) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (pass, good) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let guard = app.user(&admin, "guard_a", "checkpoint", Some("G-A")).await;
    let device = register(&app, &guard, "东门2号机", "G-A").await;
    let before = at(0);
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/passes/{pass}/revoke"),
            Some(&admin),
        )
        .json(&json!({"reason": "stolen"}))
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let after = (Utc::now()).to_rfc3339_opts(SecondsFormat::Micros, true);
    let (s, body) = upload(
        &app,
        &guard,
        device,
        vec![
            // Let in before the revocation: right at the time, no conflict.
            offline("r-1", &good, "G-A", &before, "accept"),
            // Let in after it (the device's lists were old): reported.
            offline("r-2", &good, "G-A", &after, "accept"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["results"][0]["conflict"], false, "{body}");
    assert_eq!(body["results"][1]["conflict"], true, "{body}");
    assert_eq!(body["results"][1]["server_reason"], "revoked");
    let (_, list) = app.get_json("/api/v1/scans/conflicts", &admin).await;
    let c = &list["conflicts"][0];
    assert_eq!(c["kind"], "revoked_before");
    assert_eq!(c["lost"]["offline"], true);
    assert!(c["kept"].is_null());
    Ok(())
}
on_both_backends!(
    revoked_before,
    an_offline_accept_of_a_pass_revoked_before_it_is_reported
);

async fn a_canteen_serves_offline_and_the_meals_count_once_uploaded(app: TestApp) -> TestResult {
    let c = crate::meals::canteens(&app).await;
    let device = register(&app, &c.team, "一号窗口", "C-TEAM-D").await;
    let body = kit(&app, &c.team, device, None).await;
    let canteen = &body["canteen"];
    assert_eq!(canteen["point"], "TEAM-D");
    // The halal delegate eats here, with her halal mark; the journalist may eat anywhere.
    let (_, m1) = app
        .get_json("/api/v1/credentials?q=%E9%A9%AC%E4%B8%BD", &c.admin)
        .await;
    let m1_pass = m1["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("M1's pass: {m1}"));
    let row = canteen["eaters"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e[0] == m1_pass))
        .expect("M1 in the canteen kit")
        .clone();
    assert_eq!(row[2], 1, "halal: {row}");
    assert_eq!(row[4], "马丽");
    let today = row[1]
        .as_str()
        .and_then(|m| m.get(..1))
        .and_then(|d| u32::from_str_radix(d, 16).ok());
    assert!(today.is_some_and(|d| d & 2 != 0), "lunch today: {row}");

    // Served offline at 2 minutes ago, uploaded now: counted once, in the live count.
    let (s, up) = upload(
        &app,
        &c.team,
        device,
        vec![offline(
            "c-1",
            &c.tokens["M1"],
            "C-TEAM-D",
            &moment().await,
            "accept",
        )],
    )
    .await;
    assert_eq!(s, 200, "{up}");
    assert_eq!(up["results"][0]["server_verdict"], "accept", "{up}");
    let (_, count) = app
        .get_json("/api/v1/meals/count?point=TEAM-D", &c.team)
        .await;
    assert_eq!(count["served"], 1, "{count}");
    assert_eq!(count["halal_served"], 1);
    // The kitchen's figures count it too: today's lunch at TEAM-D, served 1.
    let today = count["day"].as_str().unwrap_or_default().to_string();
    let (_, f) = app
        .get_json(
            &format!("/api/v1/meals/forecast?from={today}&to={today}&point=TEAM-D"),
            &c.admin,
        )
        .await;
    let lunch = f["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["service"] == "lunch"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(lunch["actual"], 1, "{f}");
    // Online, the same meal is eaten already; a second offline device's accept is a conflict.
    let v = crate::passes::scan(&app, &c.team, &c.tokens["M1"], "C-TEAM-D").await;
    assert_eq!(v["reason"], "already_used", "{v}");
    let other = register(&app, &c.team, "二号窗口", "C-TEAM-D").await;
    let (_, up) = upload(
        &app,
        &c.team,
        other,
        vec![offline(
            "c-2",
            &c.tokens["M1"],
            "C-TEAM-D",
            &moment().await,
            "accept",
        )],
    )
    .await;
    assert_eq!(up["results"][0]["conflict"], true, "{up}");
    let (_, count) = app
        .get_json("/api/v1/meals/count?point=TEAM-D", &c.team)
        .await;
    assert_eq!(count["served"], 1, "{count}");
    // The canteen manager sees their point's conflict.
    let (s, list) = app.get_json("/api/v1/scans/conflicts", &c.team).await;
    assert_eq!(s, 200);
    assert_eq!(
        list["conflicts"].as_array().map(Vec::len),
        Some(1),
        "{list}"
    );
    let (_, list) = app.get_json("/api/v1/scans/conflicts", &c.main).await;
    assert_eq!(
        list["conflicts"].as_array().map(Vec::len),
        Some(0),
        "{list}"
    );
    Ok(())
}
on_both_backends!(
    canteen_offline,
    a_canteen_serves_offline_and_the_meals_count_once_uploaded
);

async fn a_guard_finds_a_guest_who_forgot_the_pass_by_name_and_nothing_is_claimed(
    app: TestApp,
) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (pass, _) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let guard = app.user(&admin, "guard_a", "checkpoint", Some("G-A")).await;
    let ask = |point: &str, q: &str| json!({"point": point, "q": q});
    let (s, found) = send(
        &app,
        Method::POST,
        "/api/v1/scans/lookup",
        &guard,
        Some(ask("G-A", "张伟")),
    )
    .await;
    assert_eq!(s, 200, "{found}");
    let c = &found["candidates"][0];
    assert_eq!(c["name"], "张伟");
    assert_eq!(c["pass"]["id"], pass);
    assert_eq!(c["verdict"], "accept", "{c}");
    assert!(
        c["photo_url"].is_string(),
        "the guard compares the face: {c}"
    );
    // Not a scan: the log is empty; the lookup is in the audit log.
    let (_, log) = app.get_json("/api/v1/scans", &admin).await;
    assert_eq!(log["total"], 0, "{log}");
    let (_, audit) = app
        .get_json("/api/v1/audit?entity=scan_point", &admin)
        .await;
    assert!(audit.to_string().contains("lookup"), "{audit}");
    // Revoked: the lookup says so; another gate's guard may not look up here.
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/passes/{pass}/revoke"),
            Some(&admin),
        )
        .json(&json!({"reason": "lost"}))
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    let (_, found) = send(
        &app,
        Method::POST,
        "/api/v1/scans/lookup",
        &guard,
        Some(ask("G-A", "张伟")),
    )
    .await;
    assert_eq!(found["candidates"][0]["reason"], "revoked", "{found}");
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/scans/lookup",
        &guard,
        Some(ask("G-B", "张伟")),
    )
    .await;
    assert_eq!(s, 403);
    let (s, body) = send(
        &app,
        Method::POST,
        "/api/v1/scans/lookup",
        &guard,
        Some(ask("G-A", " ")),
    )
    .await;
    assert_eq!((s, body["details"][0]["field"].as_str()), (422, Some("q")));
    // Nobody by that name: an empty list, not an error.
    let (s, found) = send(
        &app,
        Method::POST,
        "/api/v1/scans/lookup",
        &guard,
        Some(ask("G-A", "无此人")),
    )
    .await;
    assert_eq!(
        (s, found["candidates"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    Ok(())
}
on_both_backends!(
    lookup_by_name,
    a_guard_finds_a_guest_who_forgot_the_pass_by_name_and_nothing_is_claimed
);
