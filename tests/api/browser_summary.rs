//! The guest page in a real browser tells a guest's whole story from the one summary request:
//! passes with their QR and last scans, the room, the rides, the meals, the emails, the scan
//! history and the timeline — every section filled for a guest with a pass, a room, a car,
//! a lunch and an email; in Chinese and English; at 1280 px and on a 360-px phone, where
//! nothing scrolls sideways and no text is cut. One browser for all four views.

use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::common::{spawn_app_with, Backend, USER_PASSWORD};
use crate::summary::{summary_event, SummaryEvent};

type BoxError = Box<dyn std::error::Error>;

/// What the page shows: each section's count and text, the QR image's state, the page width.
const PAGE: &str = "const out = {}; \
    for (const k of ['passes','room','rides','meals','emails','scans','timeline']) { \
      const s = document.getElementById('sum-' + k); \
      out[k] = s ? {count: Number(s.dataset.count || 0), text: s.textContent, \
                    title: s.querySelector('h2') ? s.querySelector('h2').firstChild.textContent : ''} : null; } \
    const qr = document.querySelector('#sum-passes img.sum-qr'); \
    out.qr = qr ? {done: qr.complete, width: qr.naturalWidth} : null; \
    const d = document.scrollingElement; out.scroll = d.scrollWidth; out.client = d.clientWidth; \
    out.clipped = [...document.querySelectorAll('#guest-summary *')] \
      .filter((x) => x.clientWidth > 0 && x.scrollWidth > x.clientWidth + 1) \
      .map((x) => x.className || x.tagName); \
    const e = document.getElementById('guest-error'); out.error = e && !e.hidden ? e.textContent : ''; \
    return out;";

async fn resize(browser: &Browser, width: u32) {
    browser
        .command(
            Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": 900})),
        )
        .await
        .ok();
}

fn text<'a>(page: &'a Value, section: &str) -> &'a str {
    page[section]["text"].as_str().unwrap_or_default()
}

/// Waits until every section is filled, and checks what each says.
async fn every_section_filled(
    browser: &Browser,
    label: &str,
    pass_id: i64,
    lang_title: &str,
) -> Result<Value, BoxError> {
    let page = browser
        .wait_script(&format!("{label}: every section filled"), PAGE, |v| {
            v["error"] != ""
                || ([
                    "passes", "room", "rides", "meals", "emails", "scans", "timeline",
                ]
                .iter()
                .all(|k| v[k]["count"].as_i64().unwrap_or(0) > 0)
                    && v["qr"]["done"] == true
                    && v["passes"]["title"] == lang_title)
        })
        .await?;
    assert_eq!(page["error"], "", "{label}: {page}");
    assert!(
        text(&page, "passes").contains(&format!("No. {pass_id}-1")),
        "{label}: the pass as printed: {page}"
    );
    assert!(
        page["qr"]["width"].as_i64() > Some(0),
        "{label}: the QR image loads: {page}"
    );
    assert!(
        text(&page, "room").contains("TEAM宾馆"),
        "{label}: the hotel: {page}"
    );
    assert!(
        text(&page, "rides").contains("川A12345") && text(&page, "rides").contains("张师傅"),
        "{label}: the car and driver: {page}"
    );
    assert!(
        text(&page, "meals").contains("运动员村餐厅"),
        "{label}: the lunch taken: {page}"
    );
    assert!(
        text(&page, "emails").contains("d1@example.com"),
        "{label}: the email: {page}"
    );
    assert_eq!(
        page["scans"]["count"], 2,
        "{label}: the gate and the canteen"
    );
    assert!(
        text(&page, "timeline").contains("admin"),
        "{label}: who changed what: {page}"
    );
    assert_eq!(
        page["clipped"],
        json!([]),
        "{label}: no text cut in the sections"
    );
    assert!(
        page["scroll"].as_i64() <= page["client"].as_i64(),
        "{label}: nothing scrolls sideways: {} > {}",
        page["scroll"],
        page["client"]
    );
    Ok(page)
}

#[tokio::test]
async fn the_guest_page_shows_every_section_in_both_languages_and_on_a_phone(
) -> Result<(), BoxError> {
    let app = spawn_app_with(Backend::Sqlite, &[]).await.ok_or("app")?;
    let SummaryEvent { e, pass_id } = summary_event(&app).await;
    let browser = Browser::start().await?;
    resize(&browser, 1280).await;
    browser
        .sign_in(
            &app.address,
            &format!("/reception/guest.html?id={}", e.d1),
            "reception1",
            USER_PASSWORD,
        )
        .await?;

    // Chinese, 1280 px.
    let page = every_section_filled(&browser, "zh 1280", pass_id, "证件").await?;
    assert!(
        text(&page, "room").contains("双床间") || text(&page, "room").contains("单人间"),
        "the room type in Chinese: {page}"
    );
    assert!(text(&page, "meals").contains("午餐"), "{page}");

    // Chinese, 360 px.
    resize(&browser, 360).await;
    every_section_filled(&browser, "zh 360", pass_id, "证件").await?;

    // English, 360 px, then 1280 px.
    browser.click("#lang-toggle").await?;
    let page = every_section_filled(&browser, "en 360", pass_id, "Passes").await?;
    assert!(text(&page, "meals").contains("Lunch"), "{page}");
    assert!(
        page["rides"]["title"] == "Rides" && text(&page, "rides").contains("Pickup"),
        "{page}"
    );
    resize(&browser, 1280).await;
    every_section_filled(&browser, "en 1280", pass_id, "Passes").await?;
    Ok(())
}
