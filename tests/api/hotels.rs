//! Lodging end to end: hotels and blocks, releases, the occupancy grid, a plan from proposal
//! through committee review to publication, rooming lists, revisions and the hotel desk.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{json_of, send, TestApp, TestResult};
use crate::on_both_backends;
use crate::passes::{credential, event, scan};

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + Duration::days(offset))
    .to_string()
}

async fn hotel(
    app: &TestApp,
    token: &str,
    code: &str,
    categories: &[&str],
    halal: bool,
    minutes: i32,
) {
    let (s, body) = send(
        app,
        Method::POST,
        "/api/v1/hotels",
        token,
        Some(json!({"code": code, "name": format!("{code}宾馆"), "address": "成都", "categories": categories,
                    "halal": halal, "venue_minutes": minutes, "email": "desk@hotel.example.com"})),
    )
    .await;
    assert_eq!(s, 201, "{body}");
}

async fn block(
    app: &TestApp,
    token: &str,
    code: &str,
    room_type: &str,
    rooms: i32,
    rate: f64,
) -> i64 {
    let (s, body) = send(
        app,
        Method::POST,
        &format!("/api/v1/hotels/{code}/blocks"),
        token,
        Some(json!({"room_type": room_type, "nights_from": day(-3), "nights_to": day(7), "rooms": rooms, "rate": rate})),
    )
    .await;
    assert_eq!(s, 201, "{body}");
    body["id"].as_i64().unwrap_or_default()
}

/// The guests' ids by ref.
async fn ids(app: &TestApp, token: &str) -> std::collections::BTreeMap<String, i64> {
    let (_, page) = app.get_json("/api/v1/guests?limit=1000", token).await;
    page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                g["ref"].as_str().unwrap_or_default().to_string(),
                g["id"].as_i64().unwrap_or_default(),
            )
        })
        .collect()
}

async fn hotels_hold_rooms_and_release_them_only_when_reception_grants(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let reception = app.user(&admin, "reception1", "reception", None).await;
    hotel(&app, &reception, "VIP1", &["vip", "entourage"], true, 6).await;
    hotel(&app, &reception, "TEAM", &["delegate"], false, 20).await;

    // Bad hotels and blocks are refused with the field named; nothing is written.
    for (label, body, status) in [
        (
            "unknown category",
            json!({"code": "X1", "name": "x", "categories": ["tourist"]}),
            422,
        ),
        (
            "no category",
            json!({"code": "X1", "name": "x", "categories": []}),
            422,
        ),
        (
            "bad code",
            json!({"code": "A B", "name": "x", "categories": ["vip"]}),
            422,
        ),
        (
            "duplicate",
            json!({"code": "vip1", "name": "x", "categories": ["vip"]}),
            409,
        ),
        (
            "bad email",
            json!({"code": "X2", "name": "x", "categories": ["vip"], "email": "nope"}),
            422,
        ),
    ] {
        let (s, b) = send(&app, Method::POST, "/api/v1/hotels", &reception, Some(body)).await;
        assert_eq!(s, status, "{label}: {b}");
    }
    for (label, body) in [
        (
            "room type",
            json!({"room_type": "dorm", "nights_from": day(0), "nights_to": day(2), "rooms": 3}),
        ),
        (
            "nights backwards",
            json!({"room_type": "twin", "nights_from": day(2), "nights_to": day(2), "rooms": 3}),
        ),
        (
            "no rooms",
            json!({"room_type": "twin", "nights_from": day(0), "nights_to": day(2), "rooms": 0}),
        ),
        (
            "negative rate",
            json!({"room_type": "twin", "nights_from": day(0), "nights_to": day(2), "rooms": 3, "rate": -1}),
        ),
    ] {
        let (s, b) = send(
            &app,
            Method::POST,
            "/api/v1/hotels/TEAM/blocks",
            &reception,
            Some(body),
        )
        .await;
        assert_eq!(s, 422, "{label}: {b}");
    }
    block(&app, &reception, "TEAM", "twin", 10, 380.0).await;
    block(&app, &reception, "VIP1", "suite", 4, 1200.0).await;
    let (_, blocks) = app.get_json("/api/v1/hotels/TEAM/blocks", &reception).await;
    assert_eq!(blocks.as_array().map(Vec::len), Some(1), "{blocks}");
    assert_eq!(blocks[0]["rate"], 380.0);

    // The grid: 10 nights, TEAM holds 10 rooms each night.
    let (s, grid) = app.get_json("/api/v1/occupancy", &reception).await;
    assert_eq!(s, 200, "{grid}");
    assert_eq!(grid["nights"].as_array().map(Vec::len), Some(10));
    let team = grid["hotels"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["code"] == "TEAM"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(team["held"][3], 10);
    assert_eq!(team["allocated"][3], 0);

    // The hotel asks to release 4 twins for two nights; its desk sees only its own hotel.
    let desk = app
        .user(&admin, "desk_team", "hotel_desk", Some("TEAM"))
        .await;
    let (_, hotels) = app.get_json("/api/v1/hotels", &desk).await;
    assert_eq!(
        hotels.as_array().map(Vec::len),
        Some(1),
        "a desk sees its own hotel: {hotels}"
    );
    let (s, _) = send(&app, Method::POST, "/api/v1/hotels/VIP1/releases", &desk,
        Some(json!({"room_type": "suite", "nights_from": day(0), "nights_to": day(2), "rooms": 1, "reason": "x"}))).await;
    assert_eq!(s, 403, "a desk cannot speak for another hotel");
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/hotels/TEAM/releases",
        &desk,
        Some(json!({"room_type": "twin", "nights_from": day(0), "nights_to": day(2), "rooms": 4})),
    )
    .await;
    assert_eq!(s, 422, "a release needs a reason: {b}");
    let (s, release) = send(&app, Method::POST, "/api/v1/hotels/TEAM/releases", &desk,
        Some(json!({"room_type": "twin", "nights_from": day(0), "nights_to": day(2), "rooms": 4, "reason": "婚宴"}))).await;
    assert_eq!(s, 201, "{release}");
    assert_eq!(release["status"], "pending");
    let (_, grid) = app.get_json("/api/v1/occupancy", &reception).await;
    assert_eq!(grid["hotels"][0]["code"], "TEAM");
    assert_eq!(
        grid["hotels"][0]["held"][3], 10,
        "pending: the block is whole"
    );

    let id = release["id"].as_i64().unwrap_or_default();
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/grant"),
        &desk,
        None,
    )
    .await;
    assert_eq!(s, 403, "the hotel cannot grant itself");
    let (s, granted) = send(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/grant"),
        &reception,
        Some(json!({"comment": "同意"})),
    )
    .await;
    assert_eq!(s, 200, "{granted}");
    assert_eq!(granted["status"], "granted");
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/releases/{id}/refuse"),
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 409, "decided once");
    let (_, grid) = app.get_json("/api/v1/occupancy", &reception).await;
    assert_eq!(grid["hotels"][0]["held"][3], 6, "granted nights shrink");
    assert_eq!(grid["hotels"][0]["held"][5], 10, "other nights do not");
    let (_, list) = app.get_json("/api/v1/releases?status=granted", &desk).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    Ok(())
}
on_both_backends!(
    hotel_blocks_and_releases,
    hotels_hold_rooms_and_release_them_only_when_reception_grants
);

/// Two hotels and six guests: a VIP; two women and a man of one delegation; a halal delegate
/// (no team hotel serves halal) and a delegate who needs an accessible room.
async fn lodging_event(
    app: &TestApp,
) -> (
    String,
    String,
    String,
    std::collections::BTreeMap<String, i64>,
) {
    let admin = app.admin().await;
    let reception = app.user(&admin, "reception1", "reception", None).await;
    let committee = app.user(&admin, "committee1", "committee", None).await;
    hotel(app, &reception, "VIP1", &["vip", "entourage"], true, 6).await;
    hotel(app, &reception, "TEAM", &["delegate"], false, 20).await;
    block(app, &reception, "VIP1", "suite", 2, 1200.0).await;
    block(app, &reception, "TEAM", "twin", 2, 380.0).await;
    block(app, &reception, "TEAM", "single", 1, 320.0).await;
    block(app, &reception, "TEAM", "accessible", 1, 380.0).await;
    let (from, to) = (day(0), day(3));
    let csv = format!(
        "ref,name,category,gender,department,delegation,halal,accessible,stay_from,stay_to,arrival_mode,arrival_no,arrival_time\n\
         V1,王贵宾,vip,M,组委会办公室,四川,no,no,{from},{to},flight,CA4101,{from} 10:30\n\
         D1,李娜,delegate,F,体育局,四川,no,no,{from},{to},flight,3U8888,{from} 09:00\n\
         D2,赵敏,delegate,F,体育局,四川,no,no,{from},{to},,,\n\
         D3,张伟,delegate,M,体育局,四川,no,no,{from},{to},,,\n\
         D4,马哈麦提,delegate,M,体育局,新疆,yes,no,{from},{to},,,\n\
         D5,周轮椅,delegate,M,体育局,重庆,no,yes,{from},{to},,,\n"
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let ids = ids(app, &admin).await;
    (admin, reception, committee, ids)
}

fn assignment(page: &Value, guest: i64) -> &Value {
    page["items"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["guest_id"] == guest))
        .unwrap_or(&Value::Null)
}

async fn a_plan_is_proposed_checked_reviewed_and_published_to_the_hotels(
    app: TestApp,
) -> TestResult {
    let (_admin, reception, committee, g) = lodging_event(&app).await;

    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/allocations/propose",
        &committee,
        None,
    )
    .await;
    assert_eq!(s, 403, "the committee reviews, it does not propose");
    let (s, plan) = send(
        &app,
        Method::POST,
        "/api/v1/allocations/propose",
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 201, "{plan}");
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["placed"], 5, "{plan}");
    assert_eq!(plan["unplaced"], 1);
    // The rules allow no more than five: the shortage is real, not the plan's.
    assert_eq!(plan["bound"], 5, "{plan}");
    assert_eq!(plan["first_fit_placed"], 5, "{plan}");
    let id = plan["id"].as_i64().unwrap_or_default();

    // The halal delegate cannot go where no halal food is served, and the plan says why.
    let (_, detail) = json_of(
        app.req(
            Method::GET,
            &format!("/api/v1/allocations/{id}?lang=en"),
            Some(&reception),
        )
        .send()
        .await?,
    )
    .await;
    assert_eq!(detail["unplaced"][0]["guest_id"], g["D4"], "{detail}");
    let reason = detail["unplaced"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        reason.contains("halal"),
        "the reason names the rule: {reason}"
    );
    assert_eq!(detail["unplaced"][0]["kind"], "no_room", "{detail}");

    let (_, page) = app
        .get_json(&format!("/api/v1/allocations/{id}/assignments"), &reception)
        .await;
    assert_eq!(page["total"], 5);
    let (d1, d2, d3) = (
        assignment(&page, g["D1"]),
        assignment(&page, g["D2"]),
        assignment(&page, g["D3"]),
    );
    assert_eq!(assignment(&page, g["V1"])["hotel"], "VIP1");
    assert_eq!(d1["room_type"], "twin");
    assert_eq!(
        d1["room"], d2["room"],
        "the two women of one delegation share: {page}"
    );
    assert_ne!(d3["room"], d1["room"], "a man never shares with women");
    assert_eq!(assignment(&page, g["D5"])["room_type"], "accessible");

    // Edits that break a hard rule are refused with the rule named; nothing changes.
    for (label, path, body, rule) in [
        (
            "man into the women's room",
            "move",
            json!({"guest_id": g["D3"], "hotel": "TEAM", "room_type": "twin", "with_guest_id": g["D1"]}),
            "gender",
        ),
        (
            "VIP at the team hotel",
            "move",
            json!({"guest_id": g["V1"], "hotel": "TEAM", "room_type": "single"}),
            "category",
        ),
        (
            "swap a man into a woman's bed",
            "swap",
            json!({"guest_a": g["D1"], "guest_b": g["D3"]}),
            "gender",
        ),
    ] {
        let (s, b) = send(
            &app,
            Method::POST,
            &format!("/api/v1/allocations/{id}/{path}"),
            &reception,
            Some(body),
        )
        .await;
        assert_eq!(s, 422, "{label}: {b}");
        assert_eq!(b["error"], "hard_rule", "{label}");
        assert!(
            b["details"]
                .as_array()
                .is_some_and(|d| d.iter().any(|v| v["rule"] == rule)),
            "{label}: {b}"
        );
    }
    let (_, again) = app
        .get_json(&format!("/api/v1/allocations/{id}/assignments"), &reception)
        .await;
    assert_eq!(again, page, "refused edits leave the plan as it was");

    // A lawful edit: lock the VIP so re-proposing keeps him.
    let (s, locked) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/lock"),
        &reception,
        Some(json!({"guest_id": g["V1"], "locked": true})),
    )
    .await;
    assert_eq!(s, 200, "{locked}");
    assert_eq!(locked["locked"], true);

    // Review: approve before submission is refused; returning needs a comment.
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/approve"),
        &committee,
        None,
    )
    .await;
    assert_eq!(s, 409, "not submitted yet");
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/submit"),
        &committee,
        None,
    )
    .await;
    assert_eq!(s, 403);
    let (s, submitted) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/submit"),
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 200, "{submitted}");
    assert_eq!(submitted["status"], "submitted");
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/lock"),
        &reception,
        Some(json!({"guest_id": g["V1"], "locked": false})),
    )
    .await;
    assert_eq!(s, 409, "frozen while the committee reviews it");
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/allocations/propose",
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 409, "no new proposal under review");
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/approve"),
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 403, "reception cannot approve its own plan");
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/return"),
        &committee,
        Some(json!({"comment": " "})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let (s, returned) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/return"),
        &committee,
        Some(json!({"comment": "贵宾请安排套房"})),
    )
    .await;
    assert_eq!(s, 200, "{returned}");
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["comment"], "贵宾请安排套房");

    // Reception proposes again: the locked VIP stays where he was.
    let (s, plan) = send(
        &app,
        Method::POST,
        "/api/v1/allocations/propose",
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 201, "{plan}");
    let id = plan["id"].as_i64().unwrap_or_default();
    let (_, page) = app
        .get_json(&format!("/api/v1/allocations/{id}/assignments"), &reception)
        .await;
    let vip = assignment(&page, g["V1"]);
    assert_eq!(
        (vip["hotel"].as_str(), vip["locked"].as_bool()),
        (Some("VIP1"), Some(true)),
        "{vip}"
    );
    send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/submit"),
        &reception,
        None,
    )
    .await;
    let (s, published) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/approve"),
        &committee,
        Some(json!({"comment": "同意"})),
    )
    .await;
    assert_eq!(s, 200, "{published}");
    assert_eq!(
        (published["status"].as_str(), published["revision"].as_i64()),
        (Some("published"), Some(1))
    );

    // The grid shows the allocation; the hotel gets its rooming list.
    let (_, grid) = app.get_json("/api/v1/occupancy", &committee).await;
    let team = grid["hotels"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["code"] == "TEAM"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        team["allocated"][3], 3,
        "twin, single and accessible rooms: {team}"
    );
    assert_eq!(team["held"][3], 4);

    let desk = app
        .user(&_admin, "desk_team", "hotel_desk", Some("TEAM"))
        .await;
    let response = app
        .req(
            Method::GET,
            "/api/v1/hotels/TEAM/rooming-list.csv",
            Some(&desk),
        )
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv")));
    let bytes = response.bytes().await?;
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 with BOM for Excel"
    );
    let text = String::from_utf8_lossy(&bytes[3..]).to_string();
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    for h in [
        "姓名 Name",
        "房型 Room type",
        "同住 Roommate",
        "航班车次 Flight/train",
        "应享间夜 Entitled nights",
        "清真 Halal",
    ] {
        assert!(header.contains(h), "header has {h}: {header}");
    }
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4, "{text}");
    let lina = rows
        .iter()
        .find(|r| r.starts_with("李娜"))
        .copied()
        .unwrap_or_default();
    assert!(
        lina.contains("赵敏") && lina.contains("3U8888") && lina.contains(",3,3,"),
        "roommate, flight, nights: {lina}"
    );
    let (s, _) = app
        .get_json("/api/v1/hotels/VIP1/rooming-list", &desk)
        .await;
    assert_eq!(s, 403, "a desk reads only its own hotel's list");

    // The hotel sees what is new for it and acknowledges.
    let (_, changes) = app.get_json("/api/v1/hotels/TEAM/changes", &desk).await;
    assert_eq!(changes["revision"], 1);
    assert_eq!(
        changes["added"].as_array().map(Vec::len),
        Some(4),
        "{changes}"
    );
    assert_eq!(changes["acknowledged"], false);
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/hotels/TEAM/acknowledge",
        &desk,
        None,
    )
    .await;
    assert_eq!(s, 204);
    let (_, changes) = app.get_json("/api/v1/hotels/TEAM/changes", &desk).await;
    assert_eq!(changes["acknowledged"], true);

    // A revision: D3 changes room type; the hotel sees D3 moved, nothing else.
    let (s, draft) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/revise"),
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 201, "{draft}");
    let rev = draft["id"].as_i64().unwrap_or_default();
    let (_, page) = app
        .get_json(
            &format!("/api/v1/allocations/{rev}/assignments"),
            &reception,
        )
        .await;
    let was = assignment(&page, g["D3"])["room_type"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let other = if was == "single" { "twin" } else { "single" };
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{rev}/move"),
        &reception,
        Some(json!({"guest_id": g["D3"], "hotel": "TEAM", "room_type": other})),
    )
    .await;
    assert_eq!(s, 200, "a free {other} room: {b}");
    assert_eq!(b["locked"], true, "a hand-made move is kept on re-proposal");
    // Every room of that type is now taken: D2 cannot open another.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{rev}/move"),
        &reception,
        Some(json!({"guest_id": g["D2"], "hotel": "TEAM", "room_type": other})),
    )
    .await;
    assert_eq!(s, 422, "no {other} room left: {b}");
    assert!(
        b["details"]
            .as_array()
            .is_some_and(|d| d.iter().any(|v| v["rule"] == "capacity")),
        "{b}"
    );
    // D3 gave an address meanwhile: the change will be mailed to him.
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/guests/{}", g["D3"]),
        &reception,
        Some(json!({"email": "zhang.wei@example.com"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{rev}/submit"),
        &reception,
        None,
    )
    .await;
    let (s, published) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{rev}/approve"),
        &committee,
        None,
    )
    .await;
    assert_eq!(
        (s, published["revision"].as_i64()),
        (200, Some(2)),
        "{published}"
    );
    let (_, changes) = app.get_json("/api/v1/hotels/TEAM/changes", &desk).await;
    assert_eq!(
        (
            changes["revision"].as_i64(),
            changes["previous_revision"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(
        changes["acknowledged"], false,
        "a new revision wants a new acknowledgement"
    );
    let moved = changes["moved"].as_array().cloned().unwrap_or_default();
    assert_eq!(moved.len(), 1, "{changes}");
    assert_eq!(
        (
            moved[0]["guest_id"].clone(),
            moved[0]["before"]["room_type"].clone()
        ),
        (json!(g["D3"]), json!(was))
    );
    assert_eq!(changes["added"].as_array().map(Vec::len), Some(0));
    let (_, plans) = app.get_json("/api/v1/allocations", &committee).await;
    let statuses: Vec<&str> = plans
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["status"].as_str())
        .collect();
    assert_eq!(statuses, vec!["published", "superseded"], "{plans}");

    // Mail: both hotels got revision 1's list, only TEAM revision 2's (the file transport
    // writes them); D3 is told of his new room type, in the same transaction as the plan.
    let (_, mail) = app
        .get_json("/api/v1/mail/messages?limit=50", &reception)
        .await;
    let messages = mail["messages"].as_array().cloned().unwrap_or_default();
    let lists: Vec<&Value> = messages
        .iter()
        .filter(|m| m["kind"] == "rooming_list")
        .collect();
    assert_eq!(lists.len(), 3, "{mail}");
    assert!(lists.iter().all(|m| m["to"] == "desk@hotel.example.com"));
    let change: Vec<&Value> = messages
        .iter()
        .filter(|m| m["kind"] == "room_change")
        .collect();
    assert_eq!(change.len(), 1, "{mail}");
    assert_eq!(change[0]["guest_id"], json!(g["D3"]));
    Ok(())
}
on_both_backends!(
    allocation_plan,
    a_plan_is_proposed_checked_reviewed_and_published_to_the_hotels
);

async fn the_desk_checks_in_by_scan_and_bills_the_nights_outside_the_entitlement(
    app: TestApp,
) -> TestResult {
    // 张伟 (a journalist with photo and ID) is entitled to two nights from today.
    let (admin, zhang, _) = event(&app).await;
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/guests/{zhang}"),
        &admin,
        Some(json!({"gender": "M", "stay_from": day(0), "stay_to": day(2)})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    hotel(&app, &admin, "PRESS", &["journalist"], true, 10).await;
    hotel(&app, &admin, "OTHER", &["journalist"], false, 30).await;
    block(&app, &admin, "PRESS", "twin", 5, 400.0).await;
    for (code, target) in [("H-PRESS", "PRESS"), ("H-OTHER", "OTHER")] {
        let (s, b) = send(
            &app,
            Method::POST,
            "/api/v1/scan-points",
            &admin,
            Some(json!({"code": code, "name": code, "kind": "hotel_desk", "target": target})),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    let press = app
        .user(&admin, "desk_press", "hotel_desk", Some("PRESS"))
        .await;
    let other = app
        .user(&admin, "desk_other", "hotel_desk", Some("OTHER"))
        .await;
    let committee = app.user(&admin, "committee1", "committee", None).await;
    let (_, token) = credential(&app, &admin, zhang, &["A"], -1, 5).await;

    // Before the plan is published nobody is booked.
    let v = scan(&app, &press, &token, "H-PRESS").await;
    assert_eq!(
        (v["verdict"].as_str(), v["reason"].as_str()),
        (Some("reject"), Some("no_booking")),
        "{v}"
    );
    let (s, _) = json_of(
        app.req(Method::POST, "/api/v1/scans", Some(&press))
            .json(&json!({"payload": token, "point": "H-OTHER"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 403, "a desk scans only at its own hotel");

    let (_, plan) = send(
        &app,
        Method::POST,
        "/api/v1/allocations/propose",
        &admin,
        None,
    )
    .await;
    let id = plan["id"].as_i64().unwrap_or_default();
    send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/submit"),
        &admin,
        None,
    )
    .await;
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/approve"),
        &committee,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");

    let v = scan(&app, &press, &token, "H-PRESS").await;
    assert_eq!(v["verdict"], "accept", "{v}");
    assert_eq!(v["lodging"]["room_type"], "twin");
    assert_eq!(v["lodging"]["nights_to"], day(2));
    assert_eq!(v["lodging"]["guest_id"], zhang);
    let v = scan(&app, &other, &token, "H-OTHER").await;
    assert_eq!(
        (v["verdict"].as_str(), v["reason"].as_str()),
        (Some("reject"), Some("wrong_hotel")),
        "{v}"
    );
    assert!(
        v["message"].as_str().unwrap_or_default().contains("PRESS"),
        "names the right hotel: {v}"
    );
    assert_eq!(
        v["lodging"]["room_no"],
        Value::Null,
        "another hotel does not learn the room"
    );

    // Check-in needs a room number; once only; only at the guest's hotel.
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/check-in"),
        &press,
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/check-in"),
        &other,
        Some(json!({"room_no": "101"})),
    )
    .await;
    assert_eq!(s, 403);
    let (s, stay) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/check-in"),
        &press,
        Some(json!({"room_no": "0808"})),
    )
    .await;
    assert_eq!(s, 200, "{stay}");
    assert_eq!(
        (stay["status"].as_str(), stay["room_no"].as_str()),
        (Some("in_house"), Some("0808"))
    );
    assert_eq!(stay["self_paid_nights"], json!([]));
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/check-in"),
        &press,
        Some(json!({"room_no": "0808"})),
    )
    .await;
    assert_eq!(s, 409, "checked in already");

    // He stays two nights longer: those are his to pay, alone in a twin at 400 a night.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/dates"),
        &press,
        Some(json!({"nights_from": day(0), "nights_to": day(0)})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let (s, stay) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/dates"),
        &press,
        Some(json!({"nights_from": day(0), "nights_to": day(4)})),
    )
    .await;
    assert_eq!(s, 200, "{stay}");
    assert_eq!(stay["self_paid_nights"], json!([day(2), day(3)]));
    let (_, folio) = app
        .get_json(&format!("/api/v1/stays/{zhang}/folio"), &press)
        .await;
    assert_eq!(
        (
            folio["event_nights"].as_i64(),
            folio["self_nights"].as_i64()
        ),
        (Some(2), Some(2)),
        "{folio}"
    );
    assert_eq!(folio["self_amount"], 800.0);
    assert_eq!(folio["event_amount"], 800.0);

    let (_, desk) = app.get_json("/api/v1/hotels/PRESS/desk", &press).await;
    assert_eq!(desk["in_house"][0]["guest_id"], zhang, "{desk}");
    assert_eq!(desk["arrivals"].as_array().map(Vec::len), Some(0));
    let (_, list) = app
        .get_json("/api/v1/hotels/PRESS/rooming-list", &press)
        .await;
    assert_eq!(
        (
            list["rows"][0]["nights"].as_i64(),
            list["rows"][0]["entitled_nights"].as_i64()
        ),
        (Some(4), Some(2)),
        "{list}"
    );

    let response = app
        .req(
            Method::GET,
            "/api/v1/hotels/PRESS/settlement.csv?lang=en",
            Some(&press),
        )
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    let text = response.text().await?;
    assert!(
        text.contains(&format!("event,{},twin,,,1.00,400.00", day(0))),
        "event-paid room night: {text}"
    );
    assert!(
        text.contains(&format!("guest,{} {},,张伟,,2,800.00", day(2), day(3))),
        "self-paid nights: {text}"
    );

    let (s, stay) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/check-out"),
        &press,
        None,
    )
    .await;
    assert_eq!(
        (s, stay["status"].as_str()),
        (200, Some("checked_out")),
        "{stay}"
    );
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/stays/{zhang}/check-out"),
        &press,
        None,
    )
    .await;
    assert_eq!(s, 409, "out once");
    let v = scan(&app, &press, &token, "H-PRESS").await;
    assert_eq!(v["reason"], "no_booking", "checked out: {v}");
    Ok(())
}
on_both_backends!(
    hotel_desk,
    the_desk_checks_in_by_scan_and_bills_the_nights_outside_the_entitlement
);

/// A guest left without a room learns whether rooms exist for them: here the only halal team
/// hotel is taken by a delegate who could sleep elsewhere. The plan names the move that frees
/// it, reception carries it out in one click, and the plan still keeps every hard rule.
async fn an_unplaced_guest_is_placed_by_the_suggested_moves_in_one_click(
    app: TestApp,
) -> TestResult {
    let admin = app.admin().await;
    let reception = app.user(&admin, "reception1", "reception", None).await;
    let committee = app.user(&admin, "committee1", "committee", None).await;
    hotel(&app, &reception, "HALAL", &["delegate"], true, 10).await;
    block(&app, &reception, "HALAL", "single", 1, 300.0).await;
    let (from, to) = (day(0), day(3));
    let csv = format!(
        "ref,name,category,gender,department,delegation,halal,stay_from,stay_to\n\
         X1,张先生,delegate,M,体育局,四川,no,{from},{to}\n\
         Y1,马哈麦提,delegate,M,体育局,新疆,yes,,\n\
         Z1,阿里木,delegate,M,体育局,新疆,yes,,\n"
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let g = ids(&app, &admin).await;

    // The first plan puts 张先生 in the only hotel there is, and is published.
    let (s, plan) = send(
        &app,
        Method::POST,
        "/api/v1/allocations/propose",
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 201, "{plan}");
    assert_eq!(
        (plan["placed"].clone(), plan["bound"].clone()),
        (json!(1), json!(1)),
        "{plan}"
    );
    let first = plan["id"].as_i64().unwrap_or_default();
    for (path, token) in [("submit", &reception), ("approve", &committee)] {
        let (s, b) = send(
            &app,
            Method::POST,
            &format!("/api/v1/allocations/{first}/{path}"),
            token,
            Some(json!({"comment": "ok"})),
        )
        .await;
        assert_eq!(s, 200, "{path}: {b}");
    }

    // A second hotel opens (no halal food); then 马哈麦提 (halal) is given his nights.
    hotel(&app, &reception, "PLAIN", &["delegate"], false, 20).await;
    block(&app, &reception, "PLAIN", "single", 1, 280.0).await;
    let (s, change) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{}/changes?lang=en", g["Y1"]),
        &reception,
        Some(json!({"stay_from": from, "stay_to": to})),
    )
    .await;
    assert_eq!(s, 200, "{change}");
    assert_eq!(
        change["arrangements"]["room"]["action"], "unplaced",
        "{change}"
    );
    let draft = change["arrangements"]["room"]["plan_id"]
        .as_i64()
        .unwrap_or_default();
    assert_ne!(draft, first, "the change goes into the next revision");

    let (_, detail) = app
        .get_json(&format!("/api/v1/allocations/{draft}?lang=en"), &reception)
        .await;
    let y = detail["unplaced"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["guest_id"] == g["Y1"])
        .cloned()
        .unwrap_or_default();
    assert_eq!(y["kind"], "movable", "rooms exist for him: {detail}");
    assert_eq!(y["moves"][0]["guest_id"], g["X1"], "{y}");
    assert_eq!(y["moves"][0]["name"], "张先生", "{y}");
    assert_eq!(
        (
            y["moves"][0]["from_hotel"].as_str(),
            y["moves"][0]["to_hotel"].as_str()
        ),
        (Some("HALAL"), Some("PLAIN")),
        "{y}"
    );

    // Not on the published plan, nor by the committee.
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{first}/unplaced/{}/place", g["Y1"]),
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 409, "the published plan is not edited");
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{draft}/unplaced/{}/place", g["Y1"]),
        &committee,
        None,
    )
    .await;
    assert_eq!(s, 403);

    // One click: 张先生 moves to PLAIN, 马哈麦提 gets the halal room; both locked.
    let (s, placed) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{draft}/unplaced/{}/place", g["Y1"]),
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 200, "{placed}");
    let at = |id: i64| {
        placed
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["guest_id"] == id)
            .map(|a| (a["hotel"].clone(), a["locked"].clone()))
    };
    assert_eq!(at(g["X1"]), Some((json!("PLAIN"), json!(true))), "{placed}");
    assert_eq!(at(g["Y1"]), Some((json!("HALAL"), json!(true))), "{placed}");
    let (_, detail) = app
        .get_json(&format!("/api/v1/allocations/{draft}"), &reception)
        .await;
    assert!(
        detail["unplaced"].as_array().is_some_and(|u| u.is_empty()),
        "{detail}"
    );
    assert_eq!(detail["plan"]["placed"], 2, "{detail}");
    let broken = {
        let mut conn = app.pool.get().expect("conn");
        yingbin::hotels::plans::violations_of(&mut conn, draft).expect("check")
    };
    assert!(broken.is_empty(), "{broken:?}");

    // Placed already: refused. No room left for a third halal guest: the reason, no change.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/allocations/{draft}/unplaced/{}/place", g["Y1"]),
        &reception,
        None,
    )
    .await;
    assert_eq!(
        (s, b["error"].clone()),
        (409, json!("already_placed")),
        "{b}"
    );
    let (s, change) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{}/changes", g["Z1"]),
        &reception,
        Some(json!({"stay_from": from, "stay_to": to})),
    )
    .await;
    assert_eq!(s, 200, "{change}");
    assert_eq!(
        change["arrangements"]["room"]["action"], "unplaced",
        "{change}"
    );
    let (s, b) = send(
        &app,
        Method::POST,
        &format!(
            "/api/v1/allocations/{draft}/unplaced/{}/place?lang=en",
            g["Z1"]
        ),
        &reception,
        None,
    )
    .await;
    assert_eq!((s, b["error"].clone()), (409, json!("no_room")), "{b}");
    assert!(
        b["message"].as_str().is_some_and(|m| m.contains("room")),
        "the reason: {b}"
    );
    let (_, detail) = app
        .get_json(&format!("/api/v1/allocations/{draft}"), &reception)
        .await;
    assert_eq!(detail["plan"]["placed"], 2, "nothing moved: {detail}");
    Ok(())
}

on_both_backends!(
    unplaced_moves,
    an_unplaced_guest_is_placed_by_the_suggested_moves_in_one_click
);
