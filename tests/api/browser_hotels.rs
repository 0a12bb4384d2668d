//! The hotel desk and the occupancy grid in a real browser. The desk clerk signs in on the
//! tablet screen, a handheld scanner types a guest's credential and Enter into
//! `#desk-scan-input`, the verdict shows the booking, and the clerk checks the guest in with a
//! room number. Reception then sees the hotel's night filled on the heat map.
//!
//! The event is set up over the API (a press hotel with twins, a journalist with an approved
//! credential and two nights from today, a plan proposed, submitted and approved); the
//! browser only does what the clerk and reception do.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::common::{json_of, TestApp, USER_PASSWORD};
use crate::passes::{credential, event};

type BoxError = Box<dyn std::error::Error>;

const ENTER: char = '\u{E007}';
const WAIT: Duration = Duration::from_secs(10);

fn day(offset: i64) -> String {
    (chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(offset))
    .to_string()
}

async fn ok(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
) -> Result<Value, BoxError> {
    let (status, body) = json_of(
        app.req(method, path, Some(token))
            .json(&body)
            .send()
            .await?,
    )
    .await;
    if !(200..300).contains(&status) {
        return Err(format!("{path} answered {status}: {body}").into());
    }
    Ok(body)
}

#[tokio::test]
async fn a_desk_clerk_scans_a_guest_in_and_reception_sees_the_room_taken() -> Result<(), BoxError> {
    // Arrange over the API.
    let app = crate::common::spawn_app().await;
    let (admin, zhang, _) = event(&app).await;
    ok(
        &app,
        &admin,
        Method::PATCH,
        &format!("/api/v1/guests/{zhang}"),
        json!({"gender": "M", "stay_from": day(0), "stay_to": day(2)}),
    )
    .await?;
    ok(&app, &admin, Method::POST, "/api/v1/hotels",
        json!({"code": "PRESS", "name": "新闻大厦酒店", "categories": ["journalist"], "halal": true, "venue_minutes": 15})).await?;
    ok(&app, &admin, Method::POST, "/api/v1/hotels/PRESS/blocks",
        json!({"room_type": "twin", "nights_from": day(-1), "nights_to": day(5), "rooms": 4, "rate": 480})).await?;
    ok(
        &app,
        &admin,
        Method::POST,
        "/api/v1/scan-points",
        json!({"code": "H-PRESS", "name": "新闻大厦前台", "kind": "hotel_desk", "target": "PRESS"}),
    )
    .await?;
    app.user(&admin, "desk_press", "hotel_desk", Some("PRESS"))
        .await;
    let committee = app.user(&admin, "committee1", "committee", None).await;
    let plan = ok(
        &app,
        &admin,
        Method::POST,
        "/api/v1/allocations/propose",
        json!({}),
    )
    .await?;
    let id = plan["id"].as_i64().ok_or("plan id")?;
    ok(
        &app,
        &admin,
        Method::POST,
        &format!("/api/v1/allocations/{id}/submit"),
        json!({}),
    )
    .await?;
    ok(
        &app,
        &committee,
        Method::POST,
        &format!("/api/v1/allocations/{id}/approve"),
        json!({}),
    )
    .await?;
    let (_, token) = credential(&app, &admin, zhang, &["A"], -1, 5).await;

    // Act: the clerk signs in and the scanner types the credential.
    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/desk/", "desk_press", USER_PASSWORD)
        .await?;
    browser
        .wait_script(
            "the desk's scan point chosen",
            "const s = document.getElementById('desk-point'); return s ? s.value : '';",
            |v| v == "H-PRESS",
        )
        .await?;
    browser
        .send_keys("#desk-scan-input", &format!("{token}{ENTER}"))
        .await?;

    // Assert: accepted, with the booking shown.
    let verdict = browser.wait_script("the verdict",
        "const v = document.getElementById('verdict'); return v ? {kind: v.dataset.verdict || '', text: v.textContent} : {};",
        |v| matches!(v["kind"].as_str(), Some("accept" | "reject" | "error"))).await?;
    assert_eq!(
        verdict["kind"], "accept",
        "a guest booked here today is accepted: {verdict}"
    );
    let text = verdict["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("张伟"),
        "the verdict names the guest: {text:?}"
    );

    // Act: check in to room 0808 from the verdict.
    browser.send_keys("#checkin-room", "0808").await?;
    browser.click("#checkin-submit").await?;

    // Assert: the stay is in house in room 0808, and the page lists it in house.
    let deadline = Instant::now() + WAIT;
    loop {
        let (_, stay) = app
            .get_json(&format!("/api/v1/stays/{zhang}"), &admin)
            .await;
        if stay["status"] == "in_house" {
            assert_eq!(stay["room_no"], "0808", "{stay}");
            break;
        }
        if Instant::now() >= deadline {
            return Err(format!("the check-in never reached the server: {stay}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.click("#tab-in_house").await?;
    browser.wait_script("the guest in the in-house list",
        &format!("return document.querySelectorAll('#desk-list li.stay[data-guest-id=\"{zhang}\"][data-status=\"in_house\"]').length;"),
        |v| v.as_u64() == Some(1)).await?;

    // Reception's heat map: tonight at PRESS has one room allocated and one checked in.
    let reception_browser = browser;
    reception_browser
        .sign_in(
            &app.address,
            "/hotels/",
            "admin",
            crate::common::ADMIN_PASSWORD,
        )
        .await?;
    let cell = reception_browser.wait_script("tonight's cell for PRESS",
        &format!("const c = document.querySelector('#occupancy-grid .occ-cell[data-hotel=\"PRESS\"][data-night=\"{}\"]'); \
                  return c ? {{held: c.dataset.held, allocated: c.dataset.allocated, checked: c.dataset.checkedIn}} : null;", day(0)),
        |v| !v.is_null()).await?;
    assert_eq!(
        (
            cell["held"].as_str(),
            cell["allocated"].as_str(),
            cell["checked"].as_str()
        ),
        (Some("4"), Some("1"), Some("1")),
        "{cell}"
    );
    Ok(())
}
