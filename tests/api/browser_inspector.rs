//! The inspector's phone screen in a real browser, 360 px wide: an inspector signs in, arrives
//! at a halal dining point, answers the checklist (halal separation included), fails the
//! 48-hour sample retention with a note, and the inspection reaches health.

use reqwest::Method;
use serde_json::json;

use crate::browser::Browser;
use crate::common::{json_of, spawn_app, USER_PASSWORD};

type BoxError = Box<dyn std::error::Error>;

#[tokio::test]
async fn an_inspector_logs_the_checklist_from_the_phone() -> Result<(), BoxError> {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (s, b) = json_of(
        app.req(Method::POST, "/api/v1/dining-points", Some(&admin))
            .json(&json!({"code": "P1", "name": "运动员村餐厅", "seats": 100, "halal": true}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, inspector) = json_of(
        app.req(Method::POST, "/api/v1/inspectors", Some(&admin))
            .json(&json!({"name": "王检查", "unit": "卫生监督所", "certificate_no": "WS-0001"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 201, "{inspector}");
    let id = inspector["id"].as_i64().ok_or("inspector id")?;
    app.user(&admin, "inspector1", "inspector", Some(&id.to_string()))
        .await;

    let browser = Browser::start().await?;
    browser
        .command(
            Method::POST,
            "/window/rect",
            Some(json!({"width": 360, "height": 780})),
        )
        .await
        .ok();
    browser
        .sign_in(&app.address, "/inspector/", "inspector1", USER_PASSWORD)
        .await?;
    browser
        .wait_script("P1 among the points", "const s = document.getElementById('arrive-point'); return s ? Array.from(s.options).map(o => o.value) : [];", |v| {
            v.as_array().is_some_and(|a| a.iter().any(|x| x == "P1"))
        })
        .await?;
    browser
        .command(Method::POST, "/execute/sync", Some(json!({"script": "const s = document.getElementById('arrive-point'); s.value = 'P1'; s.dispatchEvent(new Event('change', {bubbles: true}));", "args": []})))
        .await?;
    browser.click("#arrive-go").await?;
    let items = browser
        .wait_script("the checklist", "return Array.from(document.querySelectorAll('#checklist li[data-item]')).map(li => li.dataset.item);", |v| {
            v.as_array().is_some_and(|a| !a.is_empty())
        })
        .await?;
    assert!(
        items
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i == "halal_separation") && a.len() == 8),
        "a halal point has 8 items: {items}"
    );

    // Everything passes but the sample retention, which fails with a note.
    browser
        .command(
            Method::POST,
            "/execute/sync",
            // Each answer redraws the list: find every row afresh.
            Some(json!({"script": "const items = Array.from(document.querySelectorAll('#checklist li[data-item]')).map(li => li.dataset.item); \
                for (const item of items) { const v = item === 'sample_retention_48h' ? 'fail' : 'pass'; \
                  document.querySelector(`#checklist input[name=\"ck-${item}\"][value=\"${v}\"]`).click(); } \
                return items.length;", "args": []})),
        )
        .await?;
    browser
        .send_keys("#ck-sample_retention_48h-note", "两道菜未留样")
        .await?;
    // A photo of the sample shelf, as the phone's camera would give it.
    let shelf = tempfile::Builder::new().suffix(".png").tempfile()?;
    let img = image::ImageBuffer::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 30])
    });
    image::DynamicImage::ImageRgb8(img).save_with_format(shelf.path(), image::ImageFormat::Png)?;
    browser
        .send_keys(
            "#ck-sample_retention_48h-photo",
            &shelf.path().to_string_lossy(),
        )
        .await?;
    browser
        .wait_script("the photo taken", "const e = document.querySelector('#checklist li[data-item=\"sample_retention_48h\"] .in-photo span'); return e ? e.textContent : '';", |v| {
            v.as_str().is_some_and(|s| s.contains("已添加"))
        })
        .await?;
    browser.click("#inspection-submit").await?;
    browser
        .wait_script("the result", "const e = document.getElementById('inspection-result'); return e && !e.hidden ? e.textContent : '';", |v| {
            v.as_str().is_some_and(|s| !s.trim().is_empty())
        })
        .await?;
    let (_, list) = app.get_json("/api/v1/inspections", &admin).await;
    assert_eq!(list[0]["failed"], 1, "{list}");
    assert!(
        list[0]["items"].as_array().is_some_and(|i| i
            .iter()
            .any(|x| x["item"] == "sample_retention_48h"
                && x["note"] == "两道菜未留样"
                && x["photo_url"].is_string())),
        "{list}"
    );
    Ok(())
}
