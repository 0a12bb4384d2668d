//! One guest, one truth: a change to a guest flows through pass, room, meals, rides and mail in
//! one transaction; withdraw, restore and delete; the validations around them.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{json_of, resident_id, send, TestApp, TestResult};
use crate::on_both_backends;

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + Duration::days(offset))
    .to_string()
}

/// The event every scenario here starts from.
pub(crate) struct Event {
    pub admin: String,
    pub reception: String,
    pub committee: String,
    /// A delegate with a photo, an ID number, an email, a signed credential, a room at TEAM
    /// in the published plan, and an arrival and departure at CTU.
    pub d1: i64,
    /// A delegate with nothing but a record.
    pub d2: i64,
}

/// Zones A (main venue), B (press centre), C (village) with gates; the zone policy (delegates
/// A+C, journalists A+B); a team hotel and a press hotel; two delegates; D1's credential
/// signed; a plan proposed, submitted and published.
pub(crate) async fn event(app: &TestApp) -> Event {
    let admin = app.admin().await;
    let reception = app.user(&admin, "reception1", "reception", None).await;
    let committee = app.user(&admin, "committee1", "committee", None).await;
    for (code, name) in [("A", "主场馆"), ("B", "新闻中心"), ("C", "运动员村")] {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/zones",
            &admin,
            Some(json!({"code": code, "name": name, "color": "#c0392b"})),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    for (code, zone) in [("G-B", "B"), ("G-C", "C")] {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/scan-points",
            &admin,
            Some(json!({"code": code, "name": code, "kind": "person_gate", "zone": zone})),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    let (s, b) = send(
        app,
        Method::PUT,
        "/api/v1/zone-policy",
        &admin,
        Some(json!([
            {"category": "delegate", "zones": ["A", "C"]},
            {"category": "journalist", "zones": ["A", "B"]},
        ])),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    for (code, categories) in [
        ("TEAM", json!(["delegate"])),
        ("PRESS", json!(["journalist"])),
    ] {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/hotels",
            &reception,
            Some(
                json!({"code": code, "name": format!("{code}宾馆"), "address": "成都",
                        "categories": categories, "halal": false, "venue_minutes": 10}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        for room_type in ["twin", "single"] {
            let (s, b) = send(
                app,
                Method::POST,
                &format!("/api/v1/hotels/{code}/blocks"),
                &reception,
                Some(
                    json!({"room_type": room_type, "nights_from": day(-2), "nights_to": day(8),
                            "rooms": 3, "rate": 400.0}),
                ),
            )
            .await;
            assert_eq!(s, 201, "{b}");
        }
    }
    let csv = format!(
        "ref,name,category,gender,department,delegation,email,id_number,stay_from,stay_to,\
         arrival_mode,arrival_no,arrival_hub,arrival_time,departure_mode,departure_no,departure_hub,departure_time\n\
         D1,李娜,delegate,F,体育局,四川,d1@example.com,{},{},{},flight,3U8001,CTU,{} 10:00,flight,3U8002,CTU,{} 15:00\n\
         D2,赵敏,delegate,F,体育局,四川,,,{},{},,,,,,,,\n",
        resident_id("51010419900101123"), day(0), day(3), day(0), day(3), day(0), day(3),
    );
    let (s, b) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{b}");
    let (_, page) = app.get_json("/api/v1/guests", &admin).await;
    let id_of = |r: &str| {
        page["items"]
            .as_array()
            .and_then(|a| a.iter().find(|g| g["ref"] == r))
            .and_then(|g| g["id"].as_i64())
            .unwrap_or_default()
    };
    let (d1, d2) = (id_of("D1"), id_of("D2"));
    let r = app
        .req(
            Method::PUT,
            &format!("/api/v1/guests/{d1}/photo"),
            Some(&admin),
        )
        .body(crate::passes::photo())
        .send()
        .await
        .expect("photo");
    assert_eq!(r.status(), 200);
    // No zones given: the category's, from the zone policy.
    let (s, pass) = send(
        app,
        Method::POST,
        "/api/v1/credentials",
        &admin,
        Some(json!({"guest_id": d1, "valid_from": day(-1), "valid_to": day(3)})),
    )
    .await;
    assert_eq!(s, 201, "{pass}");
    assert_eq!(
        pass["zones"],
        json!(["A", "C"]),
        "a delegate's zones, by the policy"
    );
    let pass_id = pass["id"].as_i64().unwrap_or_default();
    let (s, b) = send(
        app,
        Method::POST,
        &format!("/api/v1/passes/{pass_id}/approve"),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, plan) = send(
        app,
        Method::POST,
        "/api/v1/allocations/propose",
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 201, "{plan}");
    let id = plan["id"].as_i64().unwrap_or_default();
    let (s, b) = send(
        app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/submit"),
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/approve"),
        &committee,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    Event {
        admin,
        reception,
        committee,
        d1,
        d2,
    }
}

async fn credential_of(app: &TestApp, token: &str, guest: i64) -> Value {
    let (_, list) = app
        .get_json(&format!("/api/v1/credentials?limit=100&q={guest}"), token)
        .await;
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["guest"]["id"] == guest)
        .max_by_key(|p| p["id"].as_i64())
        .cloned()
        .unwrap_or(Value::Null)
}

async fn pass(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_json(&format!("/api/v1/passes/{id}"), token).await.1
}

async fn plans(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json("/api/v1/allocations", token)
        .await
        .1
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn revocations(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json("/api/v1/passes/revocations?since=0", token)
        .await
        .1["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn a_delegate_becomes_a_journalist_and_everything_follows(app: TestApp) -> TestResult {
    let e = event(&app).await;
    let old = credential_of(&app, &e.admin, e.d1).await;
    let pass_id = old["id"].as_i64().unwrap_or_default();
    let old_token = pass(&app, &e.admin, pass_id).await["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let plans_before = plans(&app, &e.reception).await.len();

    // The preview: the same change, rolled back.
    let path = format!("/api/v1/guests/{}/changes", e.d1);
    let (s, preview) = send(
        &app,
        Method::POST,
        &format!("{path}?dry_run=true"),
        &e.reception,
        Some(json!({"category": "journalist"})),
    )
    .await;
    assert_eq!(s, 200, "{preview}");
    let p = &preview["arrangements"];
    assert_eq!(p["dry_run"], true);
    assert_eq!(p["pass"]["action"], "reissued", "{p}");
    assert_eq!(p["pass"]["zones_after"], json!(["A", "B"]));
    assert_eq!(p["room"]["action"], "moved", "{p}");
    assert_eq!(p["room"]["after"]["hotel"], "PRESS宾馆");
    assert_eq!(
        p["meals"]["after"]["mode"], "any",
        "journalists eat anywhere"
    );
    assert!(
        p["attention"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["code"] == "committee"),
        "{p}"
    );
    let (_, guest) = app
        .get_json(&format!("/api/v1/guests/{}", e.d1), &e.reception)
        .await;
    assert_eq!(guest["category"], "delegate", "a preview writes nothing");
    assert_eq!(pass(&app, &e.admin, pass_id).await["serial"], 1);
    assert_eq!(
        plans(&app, &e.reception).await.len(),
        plans_before,
        "no revision from a preview"
    );

    // The change.
    let (s, done) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"category": "journalist"})),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["guest"]["category"], "journalist");
    let a = &done["arrangements"];
    assert_eq!(
        (
            &a["pass"],
            &a["room"]["action"],
            &a["meals"]["after"]["mode"]
        ),
        (
            &p["pass"],
            &p["room"]["action"],
            &p["meals"]["after"]["mode"]
        ),
        "the preview told the truth"
    );
    // Pass: reissued with the new zones; the old card superseded in the signed list.
    let now = pass(&app, &e.admin, pass_id).await;
    assert_eq!(
        (now["serial"].as_i64(), &now["zones"]),
        (Some(2), &json!(["A", "B"]))
    );
    let list = revocations(&app, &e.admin).await;
    assert!(
        list.iter()
            .any(|r| r["pass_id"] == pass_id && r["min_serial"] == 2 && r["revoked"] == false),
        "the old card is superseded in the signed list: {list:?}"
    );
    let g = app
        .user(&e.admin, "gate_b", "checkpoint", Some("G-B"))
        .await;
    let verdict = crate::passes::scan(&app, &g, &old_token, "G-B").await;
    assert_eq!(verdict["reason"], "superseded", "{verdict}");
    let new_token = now["token"].as_str().unwrap_or_default();
    let verdict = crate::passes::scan(&app, &g, new_token, "G-B").await;
    assert_eq!(
        verdict["verdict"], "accept",
        "the press centre opens now: {verdict}"
    );
    // Room: in a new draft revision, at the press hotel, for the committee.
    let all = plans(&app, &e.reception).await;
    let draft = all
        .iter()
        .find(|p| p["status"] == "draft")
        .cloned()
        .unwrap_or_default();
    let draft_id = draft["id"].as_i64().unwrap_or_default();
    let (_, rows) = app
        .get_json(
            &format!("/api/v1/allocations/{draft_id}/assignments?per_page=100"),
            &e.reception,
        )
        .await;
    let mine = rows["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["guest_id"] == e.d1)
        .cloned();
    assert_eq!(
        mine.map(|r| r["hotel"].clone()),
        Some(json!("PRESS")),
        "{rows}"
    );
    // The committee approves it: the press hotel hears of it in its diff.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{draft_id}/submit"),
        &e.reception,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{draft_id}/approve"),
        &e.committee,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let desk = app
        .user(&e.admin, "press_desk", "hotel_desk", Some("PRESS"))
        .await;
    let (_, changes) = app.get_json("/api/v1/hotels/PRESS/changes", &desk).await;
    assert!(changes.to_string().contains(&e.d1.to_string()), "{changes}");
    // The audit log names who changed what.
    let (_, audit) = app
        .get_json(
            &format!("/api/v1/audit?entity=pass&entity_id={pass_id}"),
            &e.admin,
        )
        .await;
    assert!(audit.to_string().contains("reissued"), "{audit}");
    Ok(())
}
on_both_backends!(
    recategorize,
    a_delegate_becomes_a_journalist_and_everything_follows
);

async fn a_guest_withdraws_is_restored_and_cannot_be_deleted(app: TestApp) -> TestResult {
    let e = event(&app).await;
    let old = credential_of(&app, &e.admin, e.d1).await;
    let pass_id = old["id"].as_i64().unwrap_or_default();
    let token = pass(&app, &e.admin, pass_id).await["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (s, session) = send(
        &app,
        Method::POST,
        "/api/v1/event-sessions",
        &e.reception,
        Some(json!({
        "code": "OPEN", "name": "开幕式", "starts_at": format!("{} 19:30", day(1)),
        "ends_at": format!("{} 22:00", day(1)), "gates": "东门", "allow_reentry": false})),
    )
    .await;
    assert_eq!(s, 201, "{session}");
    let ticket = json!({"session_id": session["id"], "guest_id": e.d1, "section": "A"});
    let (s, admission) = send(
        &app,
        Method::POST,
        "/api/v1/admissions",
        &e.reception,
        Some(ticket.clone()),
    )
    .await;
    assert_eq!(s, 201, "{admission}");
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/admissions",
        &e.reception,
        Some(ticket.clone()),
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (409, Some("has_admission")),
        "one ticket a session: {b}"
    );

    let path = format!("/api/v1/guests/{}/withdraw", e.d1);
    let (s, b) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"reason": " "})),
    )
    .await;
    assert_eq!(s, 422, "a withdrawal says why: {b}");
    let (s, report) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"reason": "代表团取消行程"})),
    )
    .await;
    assert_eq!(s, 200, "{report}");
    let revoked: Vec<i64> = report["pass"]["revoked"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    assert!(
        revoked.contains(&pass_id)
            && revoked.contains(&admission["id"].as_i64().unwrap_or_default()),
        "credential and ticket revoked: {report}"
    );
    assert_eq!(report["room"]["action"], "released", "{report}");
    // Every revoked pass is in the signed list, so an offline scanner refuses it too.
    let list = revocations(&app, &e.admin).await;
    for id in &revoked {
        assert!(
            list.iter()
                .any(|r| r["pass_id"] == *id && r["revoked"] == true),
            "pass {id} in {list:?}"
        );
    }
    let g = app
        .user(&e.admin, "gate_c", "checkpoint", Some("G-C"))
        .await;
    assert_eq!(
        crate::passes::scan(&app, &g, &token, "G-C").await["reason"],
        "revoked"
    );
    let (_, guest) = app
        .get_json(&format!("/api/v1/guests/{}", e.d1), &e.reception)
        .await;
    assert!(
        guest["withdrawn_at"].is_string(),
        "kept on record, marked: {guest}"
    );
    assert_eq!(guest["withdrawn_reason"], "代表团取消行程");
    let (_, withdrawn) = app
        .get_json("/api/v1/guests?status=withdrawn", &e.reception)
        .await;
    assert_eq!(withdrawn["total"], 1);
    let (_, meals) = app
        .get_json(&format!("/api/v1/guests/{}/meals", e.d1), &e.reception)
        .await;
    assert!(
        meals
            .as_array()
            .is_none_or(|m| m.iter().all(|x| x["allowed"] == false)),
        "a withdrawn guest eats nowhere: {meals}"
    );
    let (s, b) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"reason": "again"})),
    )
    .await;
    assert_eq!(s, 409, "{b}");

    // Delete: refused for a pass holder, possible for a guest with no history.
    let (s, b) = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/guests/{}", e.d1),
        &e.reception,
        None,
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (409, Some("withdraw_instead")),
        "{b}"
    );
    let (s, _) = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/guests/{}", e.d2),
        &e.reception,
        None,
    )
    .await;
    assert_eq!(s, 204);

    // Restore: the credential and the ticket asked for again, a room sought again.
    let (s, report) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{}/restore", e.d1),
        &e.reception,
        None,
    )
    .await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["pass"]["action"], "requested", "{report}");
    let kinds: Vec<&str> = report["pass"]["requested"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["credential", "admission"], "{report}");
    assert!(
        matches!(report["room"]["action"].as_str(), Some("placed")),
        "{report}"
    );
    let again = credential_of(&app, &e.admin, e.d1).await;
    assert_eq!(
        (again["status"].as_str(), &again["zones"]),
        (Some("requested"), &json!(["A", "C"])),
        "a new request, for security to sign: {again}"
    );
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{}/restore", e.d1),
        &e.reception,
        None,
    )
    .await;
    assert_eq!(s, 409, "{b}");
    Ok(())
}
on_both_backends!(
    withdraw_restore_delete,
    a_guest_withdraws_is_restored_and_cannot_be_deleted
);

async fn changes_are_checked_before_anything_moves(app: TestApp) -> TestResult {
    let e = event(&app).await;
    let sports = app
        .user(&e.admin, "sports", "department", Some("体育局"))
        .await;
    let path = format!("/api/v1/guests/{}", e.d1);
    // Departure before arrival.
    let (s, b) = send(
        &app,
        Method::PATCH,
        &path,
        &e.reception,
        Some(json!({"departure_time": format!("{}T08:00:00+08:00", day(0))})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["details"][0]["field"], "departure_time", "{b}");
    // A department does not create hubs or delegations by typing a name.
    let (s, b) = send(
        &app,
        Method::PATCH,
        &path,
        &sports,
        Some(json!({"arrival_hub": "XYZ"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(
        b["message"].as_str().unwrap_or_default().contains("XYZ"),
        "names the hub: {b}"
    );
    let (_, hubs) = app.get_json("/api/v1/hubs", &e.reception).await;
    assert!(!hubs.to_string().contains("XYZ"), "no hub created: {hubs}");
    let csv =
        "ref,name,category,department,delegation,arrival_hub\nN1,新人,delegate,体育局,火星队,MIG\n";
    let (s, b) = app.import(&sports, csv, false).await;
    assert_eq!(s, 422, "{b}");
    let text = b["errors"].to_string();
    assert!(
        text.contains("火星队") && text.contains("MIG"),
        "names each unknown one: {b}"
    );
    let (s, b) = app.import(&sports, csv, true).await;
    assert_eq!(s, 422, "a dry run says the same: {b}");
    assert_eq!(
        b["new_hubs"],
        json!(["MIG"]),
        "and lists what would be created"
    );
    // Reception still may.
    let (s, b) = send(
        &app,
        Method::PATCH,
        &path,
        &e.reception,
        Some(json!({"arrival_hub": "XYZ"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // Unknown list parameters are named; the departures filters work.
    let (s, b) = app
        .get_json(
            &format!("/api/v1/guests?departure_datex={}", day(3)),
            &e.reception,
        )
        .await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(b["details"][0]["field"], "departure_datex", "{b}");
    let (_, leaving) = app
        .get_json(
            &format!("/api/v1/guests?departure_date={}&departure_hub=CTU", day(3)),
            &e.reception,
        )
        .await;
    assert_eq!(leaving["total"], 1, "{leaving}");
    let (_, none) = app
        .get_json(
            &format!("/api/v1/guests?departure_date={}", day(2)),
            &e.reception,
        )
        .await;
    assert_eq!(none["total"], 0, "{none}");
    // One live pass per plate and stream.
    let transport = app.user(&e.admin, "fleet", "transport", None).await;
    let car = |stream: &str| {
        json!({"plate": "川A12345", "stream": stream, "vehicle_type": "sedan",
        "zones": ["A"], "valid_from": day(0), "valid_to": day(3)})
    };
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/vehicle-passes",
        &transport,
        Some(car("transport_pool")),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/vehicle-passes",
        &transport,
        Some(car("transport_pool")),
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (409, Some("plate_has_pass")),
        "{b}"
    );
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/vehicle-passes",
        &e.reception,
        Some(car("delegation_car")),
    )
    .await;
    assert_eq!(s, 201, "another stream is another pass: {b}");
    Ok(())
}
on_both_backends!(validation, changes_are_checked_before_anything_moves);

async fn rides_follow_the_flight_and_locked_runs_are_left_with_a_word(app: TestApp) -> TestResult {
    let e = event(&app).await;
    let transport = app.user(&e.admin, "fleet2", "transport", None).await;
    let (s, plan) = send(
        &app,
        Method::POST,
        "/api/v1/runs/plan",
        &transport,
        Some(json!({"hub": "CTU", "date": day(0)})),
    )
    .await;
    assert_eq!(s, 200, "{plan}");
    let path = format!("/api/v1/guests/{}/changes", e.d1);
    // A later flight: the run of 10:00 no longer fits; no other run does: a car is needed.
    let (s, b) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"arrival_no": "3U8011", "arrival_time": format!("{} 16:00", day(0))})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let arrival = b["arrangements"]["rides"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["direction"] == "arrival")
        .cloned()
        .unwrap_or_default();
    assert_eq!(arrival["action"], "needs_car", "{b}");
    assert!(arrival["before"].is_object(), "it had a run: {b}");
    assert_eq!(b["arrangements"]["travel"][0]["after"]["number"], "3U8011");
    // Planned again, then locked: a change leaves it and says so.
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/runs/plan",
        &transport,
        Some(json!({"hub": "CTU", "date": day(0)})),
    )
    .await;
    assert_eq!(s, 200);
    let ctu = app.hub(&e.reception, "CTU").await["id"]
        .as_i64()
        .unwrap_or_default();
    let (_, runs) = app
        .get_json(
            &format!("/api/v1/runs?hub={ctu}&date={}", day(0)),
            &transport,
        )
        .await;
    let run = runs
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r.to_string().contains(&format!("\"guest_id\":{}", e.d1)))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_default();
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{run}/lock"),
        &transport,
        Some(json!({"locked": true})),
    )
    .await;
    assert_eq!(s, 200);
    let (s, b) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"arrival_time": format!("{} 20:30", day(0))})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let arrival = b["arrangements"]["rides"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["direction"] == "arrival")
        .cloned()
        .unwrap_or_default();
    assert_eq!(arrival["action"], "locked", "{b}");
    assert!(
        b["arrangements"]["attention"]
            .to_string()
            .contains("locked_run"),
        "{b}"
    );
    Ok(())
}
on_both_backends!(
    rides,
    rides_follow_the_flight_and_locked_runs_are_left_with_a_word
);

async fn the_guest_is_told_once_for_a_burst_of_changes(app: TestApp) -> TestResult {
    let e = event(&app).await;
    // D1 was sent their itinerary: they are told of what changes.
    let (s, b) = send(&app, Method::POST, "/api/v1/mail/send", &e.reception, Some(json!({
        "kind": "itinerary", "filter": {"guest_ids": [e.d1]}, "unsent_only": false, "dry_run": false}))).await;
    assert_eq!(s, 200, "{b}");
    let sent = |m: &Value| m["kind"] == "itinerary" && m["status"] == "sent";
    let mut told = false;
    for _ in 0..100 {
        let (_, list) = app
            .get_json(
                &format!("/api/v1/mail/messages?guest_id={}", e.d1),
                &e.reception,
            )
            .await;
        if list["messages"].as_array().into_iter().flatten().any(sent) {
            told = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(told, "the itinerary went out");
    let path = format!("/api/v1/guests/{}/changes", e.d1);
    let (s, first) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"category": "journalist"})),
    )
    .await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(first["arrangements"]["mail"]["action"], "queued", "{first}");
    let (s, second) = send(
        &app,
        Method::POST,
        &path,
        &e.reception,
        Some(json!({"departure_time": format!("{} 18:00", day(3))})),
    )
    .await;
    assert_eq!(s, 200, "{second}");
    assert_eq!(
        second["arrangements"]["mail"]["action"], "folded",
        "{second}"
    );
    let (_, list) = app
        .get_json(
            &format!("/api/v1/mail/messages?guest_id={}", e.d1),
            &e.reception,
        )
        .await;
    let changes: Vec<&Value> = list["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["kind"] == "arrangements_changed")
        .collect();
    assert_eq!(changes.len(), 1, "one message, not one per change: {list}");
    assert_eq!(changes[0]["status"], "queued", "held briefly: {list}");
    // D2 has no address: nothing is queued, and the report says why.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{}/changes", e.d2),
        &e.reception,
        Some(json!({"category": "journalist"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["arrangements"]["mail"]["action"], "none");
    Ok(())
}
on_both_backends!(told_once, the_guest_is_told_once_for_a_burst_of_changes);

/// The scope holds: a department changes only its own guests.
#[tokio::test]
async fn a_department_cannot_change_or_withdraw_another_departments_guest() -> TestResult {
    let app = crate::common::spawn_app().await;
    let e = event(&app).await;
    let (s, b) = json_of(
        app.req(Method::POST, "/api/v1/departments", Some(&e.admin))
            .json(&json!({"name": "外事办"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let other = app
        .user(&e.admin, "foreign", "department", Some("外事办"))
        .await;
    for (method, path, body) in [
        (
            Method::POST,
            format!("/api/v1/guests/{}/changes", e.d1),
            json!({"category": "vip"}),
        ),
        (
            Method::POST,
            format!("/api/v1/guests/{}/withdraw", e.d1),
            json!({"reason": "x"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/guests/{}", e.d1),
            json!({"phone": "13800000000"}),
        ),
    ] {
        let (s, b) = send(&app, method, &path, &other, Some(body)).await;
        assert_eq!(s, 403, "{path}: {b}");
    }
    let gate = app.user(&e.admin, "gate9", "checkpoint", Some("G-B")).await;
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{}/withdraw", e.d1),
        &gate,
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(s, 403);
    Ok(())
}
