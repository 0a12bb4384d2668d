//! The greeter's board in a real browser, on a phone-sized window: a greeter signs in, sees the
//! flight due in an hour with its guest, the flight is delayed by reception over the API and the
//! open board shows it by itself (Server-Sent Events), and one tap marks the guest met.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::browser::Browser;
use crate::common::{json_of, spawn_app, USER_PASSWORD};

type BoxError = Box<dyn std::error::Error>;

#[tokio::test]
async fn a_greeter_sees_a_delay_arrive_live_and_marks_the_guest_met() -> Result<(), BoxError> {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let due = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .naive_local()
        + chrono::Duration::hours(1);
    let csv = format!(
        "ref,name,category,department,delegation,phone,arrival_mode,arrival_no,arrival_hub,arrival_time\n\
         A1,王贵宾,vip,组委会办公室,四川,13800000001,flight,3U8888,CTU,{}\n",
        due.format("%Y-%m-%d %H:%M")
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (_, page) = app.get_json("/api/v1/guests", &admin).await;
    let guest = page["items"][0]["id"].as_i64().ok_or("guest id")?;
    app.user(&admin, "greeter_ctu", "greeter", Some("CTU"))
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
        .sign_in(&app.address, "/greeter/", "greeter_ctu", USER_PASSWORD)
        .await?;

    // The board shows the flight and its guest.
    let trip_status = "const t = Array.from(document.querySelectorAll('#board .trip')).find(e => e.textContent.includes('3U8888')); return t ? t.dataset.status : null;";
    let first = browser
        .wait_script("3U8888 on the board", trip_status, |v| v.is_string())
        .await?;
    assert_eq!(first, "scheduled");
    let guest_status = format!("const g = document.querySelector('#board .board-guest[data-guest-id=\"{guest}\"]'); return g ? g.dataset.status : null;");
    browser
        .wait_script("the guest under the flight", &guest_status, |v| {
            v == "expected"
        })
        .await?;

    // Reception reports the delay; the open board changes by itself. The new time carries its
    // date: late in the evening, fifty minutes later is tomorrow.
    let (s, b) = json_of(
        app.req(Method::POST, "/api/v1/trips/update", Some(&admin))
            .json(&json!({"number": "3U8888", "date": due.date().to_string(), "hub": "CTU", "expected_time": (due + chrono::Duration::minutes(50)).format("%Y-%m-%d %H:%M").to_string()}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let seen = Instant::now();
    browser
        .wait_script("the delay on the open board", trip_status, |v| {
            v == "delayed"
        })
        .await?;
    assert!(
        seen.elapsed() < Duration::from_secs(5),
        "the board took {:?}",
        seen.elapsed()
    );
    let heard = browser
        .wait_script(
            "when the board last heard the server",
            "const e = document.getElementById('last-heard'); return e ? e.textContent : '';",
            |v| v.as_str().is_some_and(|s| !s.trim().is_empty()),
        )
        .await?;
    assert!(
        heard
            .as_str()
            .is_some_and(|s| s.chars().any(|c| c.is_ascii_digit())),
        "{heard}"
    );

    // One tap: met.
    browser
        .click(&format!(
            "#board .board-guest[data-guest-id=\"{guest}\"] .mark-met"
        ))
        .await?;
    browser
        .wait_script("the guest marked met", &guest_status, |v| v == "met")
        .await?;
    let (_, history) = app
        .get_json(&format!("/api/v1/pickups/{guest}/history"), &admin)
        .await;
    assert_eq!(
        (history[0]["status"].as_str(), history[0]["by"].as_str()),
        (Some("met"), Some("greeter_ctu")),
        "{history}"
    );
    Ok(())
}
