//! The canteen screen in a real browser: the canteen's staff sign in, a handheld scanner types
//! a halal guest's credential and Enter, the verdict is green with 清真 Halal in large type, the
//! live count says one served, and the same card again is refused as eaten already.

use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use reqwest::Method;
use serde_json::json;

use crate::browser::Browser;
use crate::common::{json_of, resident_id, spawn_app, USER_PASSWORD};
use crate::passes::credential;

type BoxError = Box<dyn std::error::Error>;

const ENTER: char = '\u{E007}';

fn png() -> Result<Vec<u8>, BoxError> {
    let img = ImageBuffer::from_fn(300, 400, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 60]));
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img).write_to(&mut out, ImageFormat::Png)?;
    Ok(out.into_inner())
}

#[tokio::test]
async fn a_halal_guest_is_served_once_and_sent_to_the_halal_counter() -> Result<(), BoxError> {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let post = |path: &str, body: serde_json::Value| {
        let req = app.req(Method::POST, path, Some(&admin)).json(&body);
        async move { json_of(req.send().await.expect("post")).await }
    };
    assert_eq!(
        post(
            "/api/v1/zones",
            json!({"code": "A", "name": "主场馆", "color": "#c0392b"})
        )
        .await
        .0,
        201
    );
    let csv = format!(
        "ref,name,category,department,delegation,id_number,halal,stay_from,stay_to\nH1,马丽,delegate,体育局,宁夏,{},yes,{today},{}\n",
        resident_id("51010419900101123"),
        today + chrono::Duration::days(2)
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (_, page) = app.get_json("/api/v1/guests", &admin).await;
    let guest = page["items"][0]["id"].as_i64().ok_or("guest id")?;
    let up = app
        .req(
            Method::PUT,
            &format!("/api/v1/guests/{guest}/photo"),
            Some(&admin),
        )
        .body(png()?)
        .send()
        .await?;
    assert_eq!(up.status(), 200);
    let (_, token) = credential(&app, &admin, guest, &["A"], -1, 5).await;
    let (s, b) = post(
        "/api/v1/dining-points",
        json!({"code": "MAIN", "name": "主场馆餐厅", "seats": 300, "halal": true}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let windows = app
        .req(
            Method::PUT,
            "/api/v1/dining-points/MAIN/windows",
            Some(&admin),
        )
        .json(&json!([{"service": "lunch", "start": "00:00", "end": "24:00"}]))
        .send()
        .await?;
    assert_eq!(windows.status(), 204);
    let (s, b) = post(
        "/api/v1/scan-points",
        json!({"code": "C-MAIN", "name": "主场馆餐厅", "kind": "canteen", "target": "MAIN"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = app
        .req(
            Method::PUT,
            &format!("/api/v1/guests/{guest}/meal-point"),
            Some(&admin),
        )
        .json(&json!({"point": "MAIN"}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))?;
    assert_eq!(s, 204, "{b:?}");
    app.user(&admin, "canteen_main", "canteen", Some("MAIN"))
        .await;

    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/canteen/", "canteen_main", USER_PASSWORD)
        .await?;
    browser
        .send_keys("#canteen-scan-input", &format!("{token}{ENTER}"))
        .await?;

    let verdict = "const v = document.getElementById('verdict'); const h = document.getElementById('verdict-halal'); \
                   return v ? {kind: v.dataset.verdict || '', text: v.textContent, halal: !!h && !h.hidden && h.offsetParent !== null && h.textContent.includes('清真')} : {};";
    let first = browser
        .wait_script("the verdict", verdict, |v| {
            matches!(v["kind"].as_str(), Some("accept" | "reject" | "error"))
        })
        .await?;
    assert_eq!(first["kind"], "accept", "{first}");
    assert_eq!(
        first["halal"], true,
        "清真 Halal shows for a halal guest: {first}"
    );
    browser
        .wait_script("one served on the count", "const e = document.getElementById('count-served'); return e ? e.textContent.trim() : '';", |v| v == "1")
        .await?;

    // The same card again: refused, eaten already.
    browser
        .send_keys("#canteen-scan-input", &format!("{token}{ENTER}"))
        .await?;
    let second = browser
        .wait_script("the second verdict", verdict, |v| v["kind"] == "reject")
        .await?;
    assert!(
        second["text"]
            .as_str()
            .unwrap_or_default()
            .contains("已使用")
            || second["text"]
                .as_str()
                .unwrap_or_default()
                .contains("主场馆餐厅"),
        "{second}"
    );
    Ok(())
}
