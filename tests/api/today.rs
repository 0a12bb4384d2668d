//! Today at a glance (`GET /reception/today`): arrivals and departures by hub and hour, the
//! unmet guests grouped by flight, the open incidents, and who may look.

use std::collections::BTreeMap;

use chrono::Utc;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{send, TestApp, TestResult};
use crate::on_both_backends;

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(offset))
    .to_string()
}

/// The instant the dashboard is asked about: today at noon, event time.
fn noon() -> String {
    format!("{}T12:00:00%2B08:00", day(0))
}

/// Six guests: 3U8888 at CTU 10:00 (two), CA4101 at CTU 11:00, G8501 at the east station 09:00,
/// MU5401 at CTU 11:45, and one tomorrow; one leaves tomorrow from CTU. Returns the admin's
/// token and the guest ids by ref.
async fn event(app: &TestApp) -> (String, BTreeMap<String, i64>) {
    let admin = app.admin().await;
    let (d0, d1) = (day(0), day(1));
    let csv = format!(
        "ref,name,category,gender,department,delegation,phone,halal,arrival_mode,arrival_no,arrival_hub,arrival_time,departure_mode,departure_no,departure_hub,departure_time\n\
         G1,王贵宾,vip,M,组委会办公室,四川,13800000001,no,flight,3U8888,CTU,{d0} 10:00,flight,3U8889,CTU,{d1} 16:00\n\
         G2,李娜,delegate,F,体育局,四川,13800000002,no,flight,3U8888,CTU,{d0} 10:00,,,,\n\
         G3,赵敏,delegate,F,体育局,四川,13800000003,no,flight,CA4101,CTU,{d0} 11:00,,,,\n\
         G4,张伟,delegate,M,体育局,重庆,13800000004,no,train,G8501,成都东站,{d0} 09:00,,,,\n\
         G5,刘洋,delegate,M,体育局,重庆,13800000005,no,flight,MU5401,CTU,{d0} 11:45,,,,\n\
         G6,陈静,delegate,F,体育局,重庆,13800000006,no,flight,3U8888,CTU,{d1} 10:00,,,,\n"
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
    (admin, ids)
}

fn hub_counts(day: &Value) -> Vec<(String, i64, i64)> {
    day["hubs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            (
                h["hub"].as_str().unwrap_or_default().to_string(),
                h["arrivals"].as_i64().unwrap_or(-1),
                h["departures"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

fn hours(day: &Value) -> Vec<(u64, String, i64)> {
    day["hours"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            (
                h["hour"].as_u64().unwrap_or(99),
                h["hub"].as_str().unwrap_or_default().to_string(),
                h["arrivals"].as_i64().unwrap_or(-1) * 100 + h["departures"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

async fn the_day_counts_arrivals_by_hub_and_hour_and_groups_the_unmet_by_flight(
    app: TestApp,
) -> TestResult {
    let (admin, g) = event(&app).await;
    // Zhao Min (CA4101) is met; everyone else is still expected.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/pickups/{}/status", g["G3"]),
        &admin,
        Some(json!({"status": "met"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // An open hygiene incident at a dining point.
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/dining-points",
        &admin,
        Some(json!({"code": "P1", "name": "一号餐厅", "seats": 100, "halal": false})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/incidents",
        &admin,
        Some(json!({"point": "P1", "kind": "other", "description": "冷柜温度偏高", "stops_service": false})),
    )
    .await;
    assert_eq!(s, 201, "{b}");

    let (s, today) = app
        .get_json(&format!("/api/v1/reception/today?at={}", noon()), &admin)
        .await;
    assert_eq!(s, 200, "{today}");
    assert_eq!(today["now"], format!("{}T12:00:00+08:00", day(0)));

    let (d0, d1) = (&today["days"][0], &today["days"][1]);
    assert_eq!(
        (d0["date"].as_str(), d1["date"].as_str()),
        (Some(day(0).as_str()), Some(day(1).as_str()))
    );
    assert_eq!(d0["arrivals"]["count"], 5, "{d0}");
    assert_eq!(
        d0["arrivals"]["link"],
        format!("/reception/?arrival_date={}", day(0))
    );
    assert_eq!(d0["departures"]["count"], 0, "{d0}");
    assert_eq!(
        hub_counts(d0),
        vec![("CTU".to_string(), 4, 0), ("成都东站".to_string(), 1, 0)],
        "today by hub"
    );
    assert_eq!(
        hours(d0),
        vec![
            (9, "成都东站".to_string(), 100),
            (10, "CTU".to_string(), 200),
            (11, "CTU".to_string(), 200),
        ],
        "today by hour: (hour, hub, arrivals×100 + departures)"
    );
    assert_eq!(d1["arrivals"]["count"], 1, "{d1}");
    assert_eq!(
        d1["departures"]["count"], 1,
        "the return to the airport: {d1}"
    );
    assert_eq!(
        hours(d1),
        vec![(10, "CTU".to_string(), 100), (16, "CTU".to_string(), 1)],
        "tomorrow by hour"
    );

    // Not met at noon: G8501 (09:00, one guest) and 3U8888 (10:00, two); CA4101's guest is met
    // and MU5401 landed only 15 minutes ago.
    let unmet = &today["unmet"];
    assert_eq!(unmet["count"], 3, "{unmet}");
    let trips: Vec<(String, String, i64, Vec<String>)> = unmet["trips"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["number"].as_str().unwrap_or_default().to_string(),
                t["hub"].as_str().unwrap_or_default().to_string(),
                t["count"].as_i64().unwrap_or(-1),
                t["names"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        trips,
        vec![
            (
                "G8501".to_string(),
                "成都东站".to_string(),
                1,
                vec!["张伟".to_string()]
            ),
            (
                "3U8888".to_string(),
                "CTU".to_string(),
                2,
                vec!["李娜".to_string(), "王贵宾".to_string()]
            ),
        ],
        "grouped by trip, the longest waiting first"
    );
    assert_eq!(
        unmet["trips"][1]["scheduled_at"],
        format!("{}T10:00:00+08:00", day(0))
    );
    assert!(
        unmet["trips"][1]["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("/greeter/?hub=")),
        "{unmet}"
    );

    assert_eq!(
        today["incidents_open"],
        json!({"count": 1, "link": "/hygiene/"})
    );
    assert_eq!(today["mail_failed"], json!({"count": 0, "link": "/mail/"}));
    assert_eq!(today["unplaced"]["count"], 0);
    assert_eq!(today["check_ins"]["count"], 0);
    assert_eq!(today["passes_waiting_photo"]["count"], 0);

    // One more guest met moves the count.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/pickups/{}/status", g["G1"]),
        &admin,
        Some(json!({"status": "landed"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/pickups/{}/status", g["G2"]),
        &admin,
        Some(json!({"status": "met"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (_, today) = app
        .get_json(&format!("/api/v1/reception/today?at={}", noon()), &admin)
        .await;
    assert_eq!(
        today["unmet"]["count"], 2,
        "landed is not met: {}",
        today["unmet"]
    );
    assert_eq!(today["unmet"]["trips"][1]["names"], json!(["王贵宾"]));
    Ok(())
}
on_both_backends!(
    the_day_at_a_glance,
    the_day_counts_arrivals_by_hub_and_hour_and_groups_the_unmet_by_flight
);

async fn reception_and_the_committee_see_the_day_and_a_department_does_not(
    app: TestApp,
) -> TestResult {
    let admin = app.admin().await;
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/departments",
        &admin,
        Some(json!({"name": "体育局"})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let department = app
        .user(&admin, "dept1", "department", Some("体育局"))
        .await;
    let committee = app.user(&admin, "committee1", "committee", None).await;
    let reception = app.user(&admin, "reception1", "reception", None).await;
    let (s, b) = app.get_json("/api/v1/reception/today", &department).await;
    assert_eq!(s, 403, "{b}");
    for (who, token) in [("committee", &committee), ("reception", &reception)] {
        let (s, b) = app.get_json("/api/v1/reception/today", token).await;
        assert_eq!(s, 200, "{who}: {b}");
        assert_eq!(b["days"].as_array().map(Vec::len), Some(2), "{who}: {b}");
        assert_eq!(b["unmet"]["count"], 0, "{who}: {b}");
    }
    let (s, b) = app
        .get_json("/api/v1/reception/today?at=yesterday", &reception)
        .await;
    assert_eq!(s, 400, "a bad instant is the caller's mistake: {b}");
    Ok(())
}
on_both_backends!(
    who_sees_the_day,
    reception_and_the_committee_see_the_day_and_a_department_does_not
);

async fn the_committee_gets_the_days_numbers_as_json_and_csv(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let csv = format!(
        "ref,name,category,department,stay_from,stay_to\n\
         R1,张伟,journalist,宣传部,{d0},{d2}\n\
         R2,李娜,journalist,宣传部,{d0},{d2}\n\
         R3,王芳,vip,宣传部,{d0},{d2}\n",
        d0 = day(0),
        d2 = day(2)
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (_, page) = app.get_json("/api/v1/guests?q=R2", &admin).await;
    let li = page["items"][0]["id"].as_i64().unwrap_or_default();
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{li}/withdraw"),
        &admin,
        Some(json!({"reason": "行程取消"})),
    )
    .await;
    assert!(s == 200 || s == 204, "{b}");
    let committee = app.user(&admin, "cmte", "committee", None).await;

    let (s, report) = app
        .get_json(
            &format!("/api/v1/reception/report?day={}", day(0)),
            &committee,
        )
        .await;
    assert_eq!(s, 200, "{report}");
    let line = |c: &str| {
        report["categories"]
            .as_array()
            .and_then(|a| a.iter().find(|l| l["category"] == c))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        (
            line("journalist")["active"].as_i64(),
            line("journalist")["withdrawn"].as_i64()
        ),
        (Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(line("vip")["active"], 1);
    assert_eq!(report["incidents"]["open"], 0);
    assert_eq!(report["day"], day(0));

    let r = app
        .req(
            Method::GET,
            &format!("/api/v1/reception/report.csv?day={}", day(0)),
            Some(&committee),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()?
        .starts_with("text/csv"));
    let text = r.text().await?;
    assert!(
        text.starts_with("\u{feff}section,item,figure,value\n"),
        "{text}"
    );
    assert!(text.contains("guests,journalist,withdrawn,1\n"), "{text}");

    // Only admin, reception and the committee; a day that is not a date is refused.
    let guard = app.user(&admin, "gd", "security", None).await;
    let (s, _) = app.get_json("/api/v1/reception/report", &guard).await;
    assert_eq!(s, 403);
    let (s, _) = app
        .get_json("/api/v1/reception/report?day=tomorrow", &committee)
        .await;
    assert!((400..500).contains(&s), "{s}");
    Ok(())
}
on_both_backends!(
    daily_report,
    the_committee_gets_the_days_numbers_as_json_and_csv
);
