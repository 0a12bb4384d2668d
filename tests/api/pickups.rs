//! Pickups end to end: trips moved by one update (API, phone, CSV feed), the greeter's board
//! and its live feed, each guest's steps, the vehicle pool, planned runs and reception's day.

use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{json_of, send, TestApp, TestResult};
use crate::on_both_backends;

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(offset))
    .to_string()
}

/// Five guests at CTU: a VIP and two delegates of 四川 on 3U8888 at 10:00 today, a delegate on
/// CA4101 at 10:20, and one on 3U8888 tomorrow (another trip). Returns admin token, guest ids
/// by ref, and CTU's id.
async fn arrivals(app: &TestApp) -> (String, std::collections::BTreeMap<String, i64>, i64) {
    let admin = app.admin().await;
    let (d0, d1) = (day(0), day(1));
    let csv = format!(
        "ref,name,category,gender,department,delegation,phone,halal,arrival_mode,arrival_no,arrival_hub,arrival_time\n\
         G1,王贵宾,vip,M,组委会办公室,四川,13800000001,no,flight,3U8888,CTU,{d0} 10:00\n\
         G2,李娜,delegate,F,体育局,四川,13800000002,yes,flight,3U8888,CTU,{d0} 10:00\n\
         G3,赵敏,delegate,F,体育局,四川,13800000003,no,flight,3U8888,CTU,{d0} 10:00\n\
         G4,张伟,delegate,M,体育局,重庆,13800000004,no,flight,CA4101,CTU,{d0} 10:20\n\
         G5,刘洋,delegate,M,体育局,重庆,13800000005,no,flight,3U8888,CTU,{d1} 10:00\n\
         G6,陈静,delegate,F,体育局,重庆,13800000006,no,train,G8501,成都东站,{d0} 11:00\n"
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (_, page) = app.get_json("/api/v1/guests?limit=100", &admin).await;
    let ids = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                g["ref"].as_str().unwrap_or_default().to_string(),
                g["id"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    let ctu = app.hub(&admin, "CTU").await["id"]
        .as_i64()
        .unwrap_or_default();
    (admin, ids, ctu)
}

fn board_from() -> String {
    format!("{}T00:00:00%2B08:00", day(0))
}

fn trip<'a>(board: &'a Value, number: &str) -> &'a Value {
    board["trips"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["number"] == number))
        .unwrap_or(&Value::Null)
}

async fn one_update_moves_everyone_on_the_trip_and_every_board_hears_it(
    app: TestApp,
) -> TestResult {
    let (admin, g, ctu) = arrivals(&app).await;
    let greeter = app
        .user(&admin, "greeter_ctu", "greeter", Some("CTU"))
        .await;
    let station_greeter = app
        .user(&admin, "greeter_east", "greeter", Some("成都东站"))
        .await;
    let (s, _) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hubs/{ctu}"),
        &admin,
        Some(json!({"meeting_point": "T2 到达厅 B 出口"})),
    )
    .await;
    assert_eq!(s, 204);

    // The greeter's board: today's trips in time order, the guests of each.
    let (s, board) = app
        .get_json(
            &format!("/api/v1/board?from={}&hours=24", board_from()),
            &greeter,
        )
        .await;
    assert_eq!(s, 200, "{board}");
    assert_eq!(board["hub"]["meeting_point"], "T2 到达厅 B 出口");
    let numbers: Vec<&str> = board["trips"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["number"].as_str())
        .collect();
    assert_eq!(
        numbers,
        vec!["3U8888", "CA4101"],
        "tomorrow's 3U8888 is another trip; the station is another hub"
    );
    let first = trip(&board, "3U8888");
    assert_eq!(first["guests"].as_array().map(Vec::len), Some(3));
    let vip = first["guests"]
        .as_array()
        .and_then(|gs| gs.iter().find(|x| x["guest_id"] == g["G1"]))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (vip["vip"].as_bool(), vip["phone"].as_str()),
        (Some(true), Some("13800000001"))
    );
    let (s, _) = app
        .get_json(&format!("/api/v1/board?hub={ctu}"), &station_greeter)
        .await;
    assert_eq!(s, 403, "a greeter sees only their hub");

    // Every open board hears a change within a second.
    let mut events = app
        .req(Method::GET, "/api/v1/board/events", Some(&greeter))
        .send()
        .await?;
    assert_eq!(events.status(), 200);
    assert!(events
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream")));
    let hello = tokio::time::timeout(Duration::from_secs(2), events.chunk())
        .await??
        .unwrap_or_default();
    assert!(String::from_utf8_lossy(&hello).contains("connected"));
    let sent = Instant::now();
    let (s, t) = send(
        &app,
        Method::POST,
        "/api/v1/trips/update",
        &admin,
        Some(json!({"number": "3u 8888", "date": day(0), "hub": "CTU", "expected_time": "14:35"})),
    )
    .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(
        (t["status"].as_str(), t["guest_count"].as_i64()),
        (Some("delayed"), Some(3)),
        "{t}"
    );
    let mut heard = String::new();
    // (A change made just before the board connected may come first: boards just refetch.)
    while !heard.contains("\"kind\":\"trip\"") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), events.chunk())
            .await??
            .unwrap_or_default();
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "the board heard it in {:?}",
        sent.elapsed()
    );
    assert!(heard.contains("event: change"), "{heard}");
    drop(events);

    let (_, board) = app
        .get_json(
            &format!("/api/v1/board?from={}&hours=24", board_from()),
            &greeter,
        )
        .await;
    let moved = trip(&board, "3U8888");
    assert_eq!(moved["status"], "delayed");
    assert!(
        moved["expected_at"]
            .as_str()
            .unwrap_or_default()
            .contains("T14:35:00"),
        "{moved}"
    );
    let numbers: Vec<&str> = board["trips"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["number"].as_str())
        .collect();
    assert_eq!(
        numbers,
        vec!["CA4101", "3U8888"],
        "the delayed trip moves down the board"
    );
    let (_, tomorrow) = app
        .get_json(&format!("/api/v1/trips?hub={ctu}&date={}", day(1)), &admin)
        .await;
    assert_eq!(
        tomorrow[0]["status"], "scheduled",
        "the same number tomorrow is untouched: {tomorrow}"
    );

    // A feed with one bad line changes nothing and names the line.
    let bad = format!(
        "number,date,hub,new_time,status\nCA4101,{},CTU,11:00,delayed\nCA4101,{},NOWHERE,11:00,\n",
        day(0),
        day(0)
    );
    let (s, body) = json_of(
        app.req(Method::POST, "/api/v1/trips/import", Some(&admin))
            .header("Content-Type", "text/csv")
            .body(bad)
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(body["details"][0]["line"], 3, "{body}");
    let (_, trips) = app
        .get_json(&format!("/api/v1/trips?hub={ctu}&date={}", day(0)), &admin)
        .await;
    let ca = trips
        .as_array()
        .and_then(|t| t.iter().find(|t| t["number"] == "CA4101"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(ca["status"], "scheduled", "nothing written");
    let good = format!(
        "航班车次,日期,机场车站,新时间,状态\nCA4101,{},CTU,,落地\n",
        day(0)
    );
    let (s, body) = json_of(
        app.req(Method::POST, "/api/v1/trips/import", Some(&admin))
            .header("Content-Type", "text/csv")
            .body(good)
            .send()
            .await?,
    )
    .await;
    assert_eq!((s, body["updated"].as_i64()), (200, Some(1)), "{body}");

    // Landing marks its guests landed; the greeter meets one and puts them in a car.
    let (_, history) = app
        .get_json(&format!("/api/v1/pickups/{}/history", g["G4"]), &admin)
        .await;
    assert_eq!(history[0]["status"], "landed", "{history}");
    for (status, code) in [
        ("met", 200),
        ("in_vehicle", 200),
        ("no_show", 409),
        ("flying", 422),
    ] {
        let (s, b) = send(
            &app,
            Method::POST,
            &format!("/api/v1/pickups/{}/status", g["G4"]),
            &greeter,
            Some(json!({"status": status})),
        )
        .await;
        assert_eq!(s, code, "{status}: {b}");
    }
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/pickups/{}/status", g["G4"]),
        &station_greeter,
        Some(json!({"status": "met"})),
    )
    .await;
    assert_eq!(s, 403, "another hub's greeter");
    let (_, history) = app
        .get_json(&format!("/api/v1/pickups/{}/history", g["G4"]), &admin)
        .await;
    let steps: Vec<(&str, &str)> = history
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| Some((h["status"].as_str()?, h["by"].as_str()?)))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("landed", "admin"),
            ("met", "greeter_ctu"),
            ("in_vehicle", "greeter_ctu")
        ]
    );
    Ok(())
}
on_both_backends!(
    trips_and_boards,
    one_update_moves_everyone_on_the_trip_and_every_board_hears_it
);

async fn runs_carry_guests_together_within_the_seats_and_reception_sees_the_day(
    app: TestApp,
) -> TestResult {
    let (admin, g, ctu) = arrivals(&app).await;
    let transport = app.user(&admin, "transport1", "transport", None).await;
    let greeter = app
        .user(&admin, "greeter_ctu", "greeter", Some("CTU"))
        .await;
    for (label, body, status) in [
        ("bad plate", json!({"plate": "XYZ", "seats": 4}), 422),
        ("no seats", json!({"plate": "川A12345", "seats": 0}), 422),
        (
            "car",
            json!({"plate": "川A12345", "seats": 4, "vehicle_type": "sedan", "driver_name": "刘师傅", "driver_phone": "13900000001"}),
            201,
        ),
        (
            "van",
            json!({"plate": "川A22222", "seats": 7, "vehicle_type": "van", "driver_name": "陈师傅"}),
            201,
        ),
        (
            "suv",
            json!({"plate": "川A33333", "seats": 5, "vehicle_type": "suv", "driver_name": "张师傅"}),
            201,
        ),
        ("same plate", json!({"plate": "川A12345", "seats": 4}), 409),
    ] {
        let (s, b) = send(
            &app,
            Method::POST,
            "/api/v1/vehicles",
            &transport,
            Some(body),
        )
        .await;
        assert_eq!(s, status, "{label}: {b}");
    }
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/runs/plan",
        &greeter,
        Some(json!({"hub": "CTU", "date": day(0), "max_wait_minutes": 15})),
    )
    .await;
    assert_eq!(s, 403, "greeters do not plan");
    let (s, plan) = send(
        &app,
        Method::POST,
        "/api/v1/runs/plan",
        &transport,
        Some(json!({"hub": "CTU", "date": day(0), "max_wait_minutes": 15})),
    )
    .await;
    assert_eq!(s, 200, "{plan}");
    assert_eq!(
        (plan["runs"].as_i64(), plan["guests"].as_i64()),
        (Some(3), Some(4)),
        "{plan}"
    );
    let (_, runs) = app
        .get_json(
            &format!("/api/v1/runs?hub={ctu}&date={}", day(0)),
            &transport,
        )
        .await;
    let riders = |r: &Value| -> Vec<i64> {
        r["guests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["guest_id"].as_i64())
            .collect()
    };
    let list = runs.as_array().cloned().unwrap_or_default();
    let vip_run = list
        .iter()
        .find(|r| riders(r).contains(&g["G1"]))
        .cloned()
        .unwrap_or_default();
    assert_eq!(riders(&vip_run), vec![g["G1"]], "a VIP rides alone");
    assert_eq!(vip_run["greeter"], "greeter_ctu", "with a named greeter");
    let pair = list
        .iter()
        .find(|r| riders(r).contains(&g["G2"]))
        .cloned()
        .unwrap_or_default();
    let mut pair_riders = riders(&pair);
    pair_riders.sort_unstable();
    assert_eq!(
        pair_riders,
        vec![g["G2"], g["G3"]],
        "the delegation rides together"
    );
    assert!(
        list.iter().all(|r| !r["vehicle"].is_null()),
        "three cars for three runs: {runs}"
    );

    // Lock G4's run and re-plan: it stays as it was.
    let g4_run = list
        .iter()
        .find(|r| riders(r).contains(&g["G4"]))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_default();
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{g4_run}/lock"),
        &transport,
        Some(json!({"locked": true})),
    )
    .await;
    assert_eq!(s, 200);
    let (_, plan) = send(
        &app,
        Method::POST,
        "/api/v1/runs/plan",
        &transport,
        Some(json!({"hub": "CTU", "date": day(0), "max_wait_minutes": 15})),
    )
    .await;
    assert_eq!(
        (plan["kept"].as_i64(), plan["runs"].as_i64()),
        (Some(1), Some(2)),
        "{plan}"
    );
    let (_, runs) = app
        .get_json(
            &format!("/api/v1/runs?hub={ctu}&date={}", day(0)),
            &transport,
        )
        .await;
    assert!(runs
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["id"] == g4_run && riders(r) == vec![g["G4"]]));

    // Merging two runs into the 4-seater works; squeezing a fifth rider in does not.
    let ids: Vec<i64> = runs
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["id"] != g4_run)
        .filter_map(|r| r["id"].as_i64())
        .collect();
    let (s, merged) = send(
        &app,
        Method::POST,
        "/api/v1/runs/merge",
        &transport,
        Some(json!({"ids": ids})),
    )
    .await;
    assert_eq!(s, 200, "{merged}");
    assert_eq!(merged["guests"].as_array().map(Vec::len), Some(3));
    let small = send(&app, Method::GET, "/api/v1/vehicles", &transport, None)
        .await
        .1
        .as_array()
        .and_then(|v| v.iter().find(|v| v["seats"] == 4))
        .and_then(|v| v["id"].as_i64())
        .unwrap_or_default();
    let merged_id = merged["id"].as_i64().unwrap_or_default();
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{merged_id}/vehicle"),
        &transport,
        Some(json!({"vehicle_id": small})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{merged_id}/guests"),
        &transport,
        Some(json!({"add": [g["G4"], g["G5"]]})),
    )
    .await;
    assert_eq!(s, 409, "five riders in four seats: {b}");

    // The greeter sends the run off: its riders are in the car.
    let (s, run) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{merged_id}/status"),
        &greeter,
        Some(json!({"status": "departed"})),
    )
    .await;
    assert_eq!(
        (s, run["status"].as_str()),
        (200, Some("departed")),
        "{run}"
    );
    assert!(
        run["guests"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|x| x["status"] == "in_vehicle"),
        "{run}"
    );
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{merged_id}/status"),
        &greeter,
        Some(json!({"status": "planned"})),
    )
    .await;
    assert_eq!(s, 409, "no going back two steps");

    // Reception's day: arrivals per hour per hub, and the delayed trip as an exception.
    send(
        &app,
        Method::POST,
        "/api/v1/trips/update",
        &admin,
        Some(json!({"number": "CA4101", "date": day(0), "hub": "CTU", "status": "cancelled"})),
    )
    .await;
    let (s, summary) = app.get_json("/api/v1/pickups/summary", &admin).await;
    assert_eq!(s, 200, "{summary}");
    let ctu10: i64 = summary["hours"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["hub"] == "CTU" && h["date"] == day(0) && h["hour"] == "10")
        .filter_map(|h| h["arrivals"].as_i64())
        .sum();
    assert_eq!(ctu10, 4, "{summary}");
    assert!(
        summary["exceptions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["kind"] == "cancelled" && e["trip"] == "CA4101"),
        "{summary}"
    );
    Ok(())
}
on_both_backends!(
    pickup_runs,
    runs_carry_guests_together_within_the_seats_and_reception_sees_the_day
);
