//! Meals end to end: canteen verdicts from the meal rules, exactly once across points (even
//! under 16 simultaneous scans), coupons, exceptions, the live count, the forecast, the
//! kitchen sheet and the menu.

use std::io::Cursor;

use chrono::{Timelike, Utc};
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{resident_id, send, TestApp, TestResult};
use crate::on_both_backends;
use crate::passes::credential;

fn day(offset: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(offset))
    .to_string()
}

fn png() -> Vec<u8> {
    let img = ImageBuffer::from_fn(300, 400, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

async fn scan(app: &TestApp, token: &str, payload: &str, point: &str) -> Value {
    let (s, v) = send(
        app,
        Method::POST,
        "/api/v1/scans",
        token,
        Some(json!({"payload": payload, "point": point})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Three dining points serving lunch all day (TEAM-D, MAIN) or two hours from now (LATE);
/// three guests with credentials: 马丽 (halal delegate, eats at TEAM-D), 张伟 (journalist, any
/// point), 刘洋 (delegate at TEAM-D); canteen scan points and their staff.
pub(crate) struct Canteens {
    pub(crate) admin: String,
    pub(crate) team: String,
    pub(crate) main: String,
    pub(crate) ids: std::collections::BTreeMap<String, i64>,
    pub(crate) tokens: std::collections::BTreeMap<String, String>,
}

pub(crate) async fn canteens(app: &TestApp) -> Canteens {
    let admin = app.admin().await;
    let (s, b) = send(
        app,
        Method::POST,
        "/api/v1/zones",
        &admin,
        Some(json!({"code": "A", "name": "主场馆", "color": "#c0392b"})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (d0, d2) = (day(0), day(2));
    let csv = format!(
        "ref,name,category,gender,department,delegation,organization,id_number,halal,diet,stay_from,stay_to\n\
         M1,马丽,delegate,F,体育局,宁夏,,{},yes,,{d0},{d2}\n\
         M2,张伟,journalist,M,宣传部,,新华社,{},no,花生过敏,{d0},{d2}\n\
         M3,刘洋,delegate,M,体育局,四川,,{},no,,{d0},{d2}\n",
        resident_id("51010419900101123"),
        resident_id("51010419900101124"),
        resident_id("51010419900101125"),
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (_, page) = app.get_json("/api/v1/guests", &admin).await;
    let ids: std::collections::BTreeMap<String, i64> = page["items"]
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
    let mut tokens = std::collections::BTreeMap::new();
    for (r, id) in &ids {
        let up = app
            .req(
                Method::PUT,
                &format!("/api/v1/guests/{id}/photo"),
                Some(&admin),
            )
            .body(png())
            .send()
            .await
            .expect("photo");
        assert_eq!(up.status(), 200);
        tokens.insert(
            r.clone(),
            credential(app, &admin, *id, &["A"], -1, 5).await.1,
        );
    }
    let now = Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .naive_local();
    let minute = now.hour() * 60 + now.minute();
    let late_start = (minute + 120) % 1440;
    let hhmm = |m: u32| {
        if m == 0 {
            "24:00".to_string()
        } else {
            format!("{:02}:{:02}", m / 60, m % 60)
        }
    };
    for (code, name, halal, windows) in [
        (
            "TEAM-D",
            "运动员村餐厅",
            true,
            json!([{"service": "lunch", "start": "00:00", "end": "24:00"}]),
        ),
        (
            "MAIN",
            "主场馆餐厅",
            false,
            json!([{"service": "lunch", "start": "00:00", "end": "24:00"}]),
        ),
        (
            "LATE",
            "晚开餐厅",
            false,
            json!([{"service": "dinner", "start": format!("{:02}:{:02}", late_start / 60, late_start % 60), "end": hhmm((late_start + 60) % 1440)}]),
        ),
    ] {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/dining-points",
            &admin,
            Some(json!({"code": code, "name": name, "seats": 200, "halal": halal})),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        let (s, b) = send(
            app,
            Method::PUT,
            &format!("/api/v1/dining-points/{code}/windows"),
            &admin,
            Some(windows),
        )
        .await;
        assert_eq!(s, 204, "{b}");
        let (s, b) = send(app, Method::POST, "/api/v1/scan-points", &admin, Some(json!({"code": format!("C-{code}"), "name": name, "kind": "canteen", "target": code}))).await;
        assert_eq!(s, 201, "{b}");
    }
    for r in ["M1", "M3"] {
        let (s, b) = send(
            app,
            Method::PUT,
            &format!("/api/v1/guests/{}/meal-point", ids[r]),
            &admin,
            Some(json!({"point": "TEAM-D"})),
        )
        .await;
        assert_eq!(s, 204, "{b}");
    }
    let team = app
        .user(&admin, "canteen_team", "canteen", Some("TEAM-D"))
        .await;
    let main = app
        .user(&admin, "canteen_main", "canteen", Some("MAIN"))
        .await;
    Canteens {
        admin,
        team,
        main,
        ids,
        tokens,
    }
}

fn reason(v: &Value) -> &str {
    v["reason"].as_str().unwrap_or("accept")
}

async fn a_guest_eats_each_service_once_at_their_point_and_journalists_anywhere(
    app: TestApp,
) -> TestResult {
    let c = canteens(&app).await;
    // The halal delegate at her point: accepted, sent to the halal counter.
    let v = scan(&app, &c.team, &c.tokens["M1"], "C-TEAM-D").await;
    assert_eq!(v["verdict"], "accept", "{v}");
    assert_eq!(
        (v["meal"]["service"].as_str(), v["meal"]["halal"].as_bool()),
        (Some("lunch"), Some(true))
    );
    assert!(
        v["message"].as_str().unwrap_or_default().contains("清真"),
        "{v}"
    );
    // Again, here or elsewhere: already eaten, saying when and where.
    let v = scan(&app, &c.team, &c.tokens["M1"], "C-TEAM-D").await;
    assert_eq!(reason(&v), "already_used", "{v}");
    assert_eq!(v["first_use"]["point"], "运动员村餐厅");
    // At another point: the rules name her point.
    let v = scan(&app, &c.main, &c.tokens["M3"], "C-MAIN").await;
    assert_eq!(reason(&v), "wrong_point", "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .contains("运动员村餐厅"),
        "{v}"
    );
    // The journalist eats anywhere, once.
    let v = scan(&app, &c.main, &c.tokens["M2"], "C-MAIN").await;
    assert_eq!(v["verdict"], "accept", "{v}");
    assert_eq!(
        v["meal"]["diet"], "花生过敏",
        "the diet shows at the counter"
    );
    let v = scan(&app, &c.team, &c.tokens["M2"], "C-TEAM-D").await;
    assert_eq!(
        (reason(&v), v["first_use"]["point"].as_str()),
        ("already_used", Some("主场馆餐厅")),
        "{v}"
    );
    // Outside every window: the next one is named.
    let v = scan(&app, &c.admin, &c.tokens["M3"], "C-LATE").await;
    assert_eq!(reason(&v), "outside_window", "{v}");
    assert_eq!(v["meal"]["next"]["service"], "dinner");
    // A canteen scans only at its own point.
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/scans",
        &c.main,
        Some(json!({"payload": c.tokens["M3"], "point": "C-TEAM-D"})),
    )
    .await;
    assert_eq!(s, 403);
    // Reception says no meals today for 刘洋.
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/guests/{}/meal-overrides", c.ids["M3"]),
        &c.admin,
        Some(json!({"from": day(0), "to": day(0), "services": ["lunch"], "allowed": false})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let v = scan(&app, &c.team, &c.tokens["M3"], "C-TEAM-D").await;
    assert_eq!(reason(&v), "not_entitled", "{v}");

    // The live count: one halal meal served at TEAM-D.
    let (s, count) = app
        .get_json("/api/v1/meals/count?point=TEAM-D", &c.team)
        .await;
    assert_eq!(s, 200, "{count}");
    assert_eq!(
        (
            count["served"].as_i64(),
            count["halal_served"].as_i64(),
            count["service"].as_str()
        ),
        (Some(1), Some(1), Some("lunch")),
        "{count}"
    );
    let (s, _) = app
        .get_json("/api/v1/meals/count?point=MAIN", &c.team)
        .await;
    assert_eq!(s, 403, "a canteen counts only its own point");

    // Forecast: at TEAM-D tomorrow, 马丽 (halal) and 刘洋 eat lunch; the kitchen sheet says so.
    let (s, f) = app
        .get_json(
            &format!(
                "/api/v1/meals/forecast?from={}&to={}&point=TEAM-D",
                day(1),
                day(1)
            ),
            &c.admin,
        )
        .await;
    assert_eq!(s, 200, "{f}");
    let lunch = f["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["service"] == "lunch"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (lunch["regular"].as_i64(), lunch["halal"].as_i64()),
        (Some(1), Some(1)),
        "{f}"
    );
    let response = app
        .req(
            Method::GET,
            &format!(
                "/api/v1/dining-points/TEAM-D/kitchen-sheet.csv?day={}",
                day(1)
            ),
            Some(&c.team),
        )
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await?;
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(String::from_utf8_lossy(&bytes).contains("清真 Halal"));

    // The menu: a halal-counter dish must be halal.
    let (s, _) = send(&app, Method::POST, "/api/v1/menu", &c.admin, Some(json!({"day": day(1), "service": "lunch", "name_zh": "红烧肉", "halal_counter": true, "halal": false}))).await;
    assert_eq!(s, 422);
    let (s, dish) = send(&app, Method::POST, "/api/v1/menu", &c.admin, Some(json!({"day": day(1), "service": "lunch", "name_zh": "手抓羊肉", "name_en": "Hand-pulled mutton", "halal_counter": true, "halal": true, "allergens": []}))).await;
    assert_eq!(s, 201, "{dish}");
    let (_, menu) = app
        .get_json(
            &format!("/api/v1/menu?day={}&service=lunch", day(1)),
            &c.team,
        )
        .await;
    assert_eq!(menu[0]["name_en"], "Hand-pulled mutton", "{menu}");
    Ok(())
}
on_both_backends!(
    canteen_rules,
    a_guest_eats_each_service_once_at_their_point_and_journalists_anywhere
);

async fn sixteen_canteens_scanning_one_card_at_once_serve_it_once(app: TestApp) -> TestResult {
    let c = canteens(&app).await;
    let mut handles = Vec::new();
    for i in 0..16 {
        let (client, url, token, payload) = (
            app.client.clone(),
            format!("{}/api/v1/scans", app.address),
            c.admin.clone(),
            c.tokens["M2"].clone(),
        );
        handles.push(tokio::spawn(async move {
            let point = if i % 2 == 0 { "C-MAIN" } else { "C-TEAM-D" };
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"payload": payload, "point": point}))
                .send()
                .await
                .expect("scan");
            r.json::<Value>().await.expect("verdict")
        }));
    }
    let mut verdicts = Vec::new();
    for h in handles {
        verdicts.push(h.await?);
    }
    let accepted = verdicts.iter().filter(|v| v["verdict"] == "accept").count();
    let used = verdicts
        .iter()
        .filter(|v| v["reason"] == "already_used")
        .count();
    assert_eq!((accepted, used), (1, 15), "{verdicts:?}");

    // Coupons: single use, at their point only.
    let (s, batch) = send(
        &app,
        Method::POST,
        "/api/v1/meal-coupons",
        &c.admin,
        Some(json!({"point": "MAIN", "day": day(0), "service": "lunch", "count": 2})),
    )
    .await;
    assert_eq!(s, 201, "{batch}");
    let id = batch["ids"][0].as_i64().unwrap_or_default();
    let (_, pass) = app
        .get_json(&format!("/api/v1/passes/{id}"), &c.admin)
        .await;
    let coupon = pass["token"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        scan(&app, &c.team, &coupon, "C-TEAM-D").await["reason"],
        "wrong_point"
    );
    assert_eq!(
        scan(&app, &c.main, &coupon, "C-MAIN").await["verdict"],
        "accept"
    );
    assert_eq!(
        scan(&app, &c.main, &coupon, "C-MAIN").await["reason"],
        "already_used"
    );
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/meal-coupons",
        &c.admin,
        Some(json!({"point": "MAIN", "day": day(0), "service": "brunch", "count": 2})),
    )
    .await;
    assert_eq!(s, 422);
    Ok(())
}
on_both_backends!(
    meals_exactly_once,
    sixteen_canteens_scanning_one_card_at_once_serve_it_once
);
