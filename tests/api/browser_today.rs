//! Today at a glance in a real browser: a receptionist signs in and lands on it; the cards say
//! what `GET /reception/today` says, in Chinese and English, at 1280 px and on a 360-px phone
//! where nothing scrolls sideways and no card's text is cut; and a guest met at the airport
//! moves the "not met" count on the open page, without a reload, through the live feed. One
//! browser for the whole walk.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::common::{send, spawn_app_with, Backend, TestApp, USER_PASSWORD};

type BoxError = Box<dyn std::error::Error>;

/// What the page shows: each card's count and label, the unmet list, the chart, the widths.
const PAGE: &str = "const out = {cards: {}, clipped: []}; \
    if (!document.getElementById('today-cards')) { out.error = ''; out.url = location.href; return out; } \
    for (const a of document.querySelectorAll('#today-cards .today-card')) { \
      const c = a.querySelector('.today-count'), l = a.querySelector('.today-label'); \
      out.cards[a.id] = {count: Number(c.textContent), label: l.textContent, href: a.getAttribute('href')}; \
      for (const e of [a, c, l]) if (e.scrollWidth > e.clientWidth + 1) out.clipped.push(a.id); } \
    out.unmet = document.getElementById('today-unmet').textContent; \
    out.bars = document.querySelectorAll('#today-charts .today-col').length; \
    out.nav = document.querySelector('.topbar .nav a') ? document.querySelector('.topbar .nav a').id : ''; \
    const d = document.scrollingElement; out.scroll = d.scrollWidth; out.client = d.clientWidth; \
    const e = document.getElementById('today-error'); out.error = e && !e.hidden ? e.textContent : ''; \
    out.marker = window.__stillHere === true; \
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

/// Event-local "YYYY-MM-DD HH:MM", `minutes` from now.
fn local_in(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Three guests landed an hour ago and nobody met them (two on 3U8888, one on G8501); one
/// more lands in two hours. Returns the admin's token and 3U8888's first guest.
async fn landed_unmet(app: &TestApp) -> Result<(String, i64), BoxError> {
    let admin = app.admin().await;
    let (ago, later) = (local_in(-60), local_in(120));
    let csv = format!(
        "ref,name,category,gender,department,phone,arrival_mode,arrival_no,arrival_hub,arrival_time\n\
         T1,王贵宾,vip,M,组委会办公室,13800000001,flight,3U8888,CTU,{ago}\n\
         T2,李娜,delegate,F,体育局,13800000002,flight,3U8888,CTU,{ago}\n\
         T3,张伟,delegate,M,体育局,13800000003,train,G8501,成都东站,{ago}\n\
         T4,刘洋,delegate,M,体育局,13800000004,flight,MU5401,CTU,{later}\n"
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (_, page) = app.get_json("/api/v1/guests?q=T1", &admin).await;
    let t1 = page["items"][0]["id"].as_i64().ok_or("T1")?;
    app.user(&admin, "reception1", "reception", None).await;
    Ok((admin, t1))
}

/// Waits until the cards show what the API says now, and checks the page fits.
async fn cards_match_the_api(
    browser: &Browser,
    app: &TestApp,
    admin: &str,
    label: &str,
    unmet_label: &str,
) -> Result<Value, BoxError> {
    let (s, want) = app.get_json("/api/v1/reception/today", admin).await;
    assert_eq!(s, 200, "{want}");
    let expected = [
        ("card-arrivals-today", &want["days"][0]["arrivals"]),
        ("card-departures-today", &want["days"][0]["departures"]),
        ("card-arrivals-tomorrow", &want["days"][1]["arrivals"]),
        ("card-unmet", &want["unmet"]),
        ("card-checkins", &want["check_ins"]),
        ("card-unplaced", &want["unplaced"]),
        ("card-passes-photo", &want["passes_waiting_photo"]),
        ("card-incidents", &want["incidents_open"]),
        ("card-mail-failed", &want["mail_failed"]),
    ];
    let page = browser
        .wait_script(&format!("{label}: the cards filled"), PAGE, |v| {
            v["error"] != ""
                || (v["cards"]["card-unmet"]["label"] == unmet_label
                    && expected
                        .iter()
                        .all(|(id, w)| v["cards"][*id]["count"] == w["count"]))
        })
        .await?;
    assert_eq!(page["error"], "", "{label}: {page}");
    for (id, w) in expected {
        assert_eq!(
            page["cards"][id]["href"], w["link"],
            "{label}: {id} links to its list"
        );
    }
    assert_eq!(page["bars"], 48, "{label}: 24 hours for today and tomorrow");
    assert_eq!(page["nav"], "nav-today", "{label}: first in the menu");
    assert!(
        page["scroll"].as_i64() <= page["client"].as_i64(),
        "{label}: nothing scrolls sideways: {} > {}",
        page["scroll"],
        page["client"]
    );
    assert_eq!(page["clipped"], json!([]), "{label}: no card's text is cut");
    Ok(page)
}

#[tokio::test]
async fn the_day_at_a_glance_follows_a_landing_live_in_both_languages_and_on_a_phone(
) -> Result<(), BoxError> {
    let app = spawn_app_with(Backend::Sqlite, &[]).await.ok_or("app")?;
    let (admin, t1) = landed_unmet(&app).await?;
    let browser = Browser::start().await?;
    resize(&browser, 1280).await;

    // A receptionist signs in with no page asked for and lands on the day at a glance.
    browser.goto(&format!("{}/login/", app.address)).await?;
    browser.send_keys("#username", "reception1").await?;
    browser.send_keys("#password", USER_PASSWORD).await?;
    browser.click("#login-submit").await?;

    // Chinese, 1280 px: three guests not met, by flight.
    let page = cards_match_the_api(&browser, &app, &admin, "zh 1280", "落地 30 分钟未接到").await?;
    assert_eq!(page["cards"]["card-unmet"]["count"], 3, "{page}");
    let unmet = page["unmet"].as_str().unwrap_or_default();
    assert!(
        unmet.contains("3U8888") && unmet.contains("G8501") && unmet.contains("2 人"),
        "the unmet list by flight: {unmet}"
    );
    assert!(
        unmet.contains("李娜") && unmet.contains("王贵宾"),
        "{unmet}"
    );

    // Chinese, 360 px.
    resize(&browser, 360).await;
    cards_match_the_api(&browser, &app, &admin, "zh 360", "落地 30 分钟未接到").await?;

    // English, 360 px, then 1280 px.
    browser.click("#lang-toggle").await?;
    let page = cards_match_the_api(
        &browser,
        &app,
        &admin,
        "en 360",
        "Not met 30 min after landing",
    )
    .await?;
    assert!(
        page["unmet"]
            .as_str()
            .is_some_and(|u| u.contains("2 guests")),
        "{page}"
    );
    resize(&browser, 1280).await;
    cards_match_the_api(
        &browser,
        &app,
        &admin,
        "en 1280",
        "Not met 30 min after landing",
    )
    .await?;

    // A greeter's tap, through the API: 王贵宾 is met. The open page moves without a reload.
    browser
        .wait_script(
            "a marker on the open page",
            "window.__stillHere = true; return true;",
            |v| v == true,
        )
        .await?;
    let (s, b) = send(
        &app,
        Method::POST,
        &format!("/api/v1/pickups/{t1}/status"),
        &admin,
        Some(json!({"status": "met"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let page = browser
        .wait_script("the unmet count down to 2", PAGE, |v| {
            v["cards"]["card-unmet"]["count"] == 2
        })
        .await?;
    assert_eq!(page["marker"], true, "the page was not reloaded: {page}");
    assert!(
        !page["unmet"]
            .as_str()
            .unwrap_or_default()
            .contains("王贵宾"),
        "the met guest left the list: {page}"
    );
    Ok(())
}
