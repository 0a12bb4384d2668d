//! The checkpoint screen in a real browser: a guard signs in on the phone screen, a
//! handheld scanner "types" a pass's token followed by Enter into `#scan-input`, and the
//! full-screen verdict says 通过 or 拒绝 with the holder's name or the reason in words.
//!
//! Everything the guard needs is set up over the API first (a zone, a gate, a guest with a
//! photo and an ID number, an approved credential, a checkpoint account scoped to the gate);
//! the browser only does what the guard does. Uses the WebDriver client of `browser.rs`.

use std::io::Cursor;
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::common::{resident_id, spawn_app, TestApp, USER_PASSWORD};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type BoxError = Box<dyn std::error::Error>;

/// WebDriver's Enter key, as a keyboard-wedge scanner sends it after the code.
const ENTER: char = '\u{E007}';
/// How long the page may take to show a verdict.
const VERDICT_WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

#[tokio::test]
async fn a_scanned_credential_is_accepted_and_a_tampered_or_revoked_one_rejected() -> TestResult {
    // Arrange: zone A, gate G1 into it, 张伟 with a photo and an approved credential for A,
    // and the guard's account for G1.
    let app = spawn_app().await;
    let admin = app.admin().await;
    let pass = issued_credential(&app, &admin).await?;
    let token = pass["token"]
        .as_str()
        .ok_or_else(|| format!("an approved credential has a token: {pass}"))?
        .to_owned();
    let pass_id = pass["id"].as_i64().ok_or("the pass has an id")?;
    app.user(&admin, "gate1", "checkpoint", Some("G1")).await;

    let browser = Browser::start().await?;
    sign_in_as_guard(&browser, &app.address, "gate1").await?;
    browser
        .wait_for(
            "#point-name",
            "the guard's only gate, chosen by itself",
            |t| t == "1号门",
        )
        .await?;

    // Act: the scanner types the token and Enter.
    browser
        .send_keys("#scan-input", &format!("{token}{ENTER}"))
        .await?;

    // Assert: green, with the holder's name.
    let first = wait_for_verdict(&browser, 1).await?;
    assert!(
        first.class.split_whitespace().any(|c| c == "accept"),
        "a valid credential at its own zone's gate must be accepted; #verdict is {first:?}"
    );
    assert!(
        first.name.contains("张伟"),
        "the verdict must name the holder 张伟; #verdict-name reads {:?}",
        first.name
    );
    assert!(
        first.title.contains("通过"),
        "the Chinese verdict title reads 通过, not {:?}",
        first.title
    );

    // Act: a forged card — the same token with one character changed.
    browser
        .send_keys("#scan-input", &format!("{}{ENTER}", tampered(&token)))
        .await?;

    // Assert: red, with a reason.
    let second = wait_for_verdict(&browser, 2).await?;
    assert!(
        second.class.split_whitespace().any(|c| c == "reject"),
        "a token with one character changed must be rejected; #verdict is {second:?}"
    );
    assert!(
        !second.reason.trim().is_empty(),
        "a rejection must say why; #verdict-reason is empty in {second:?}"
    );

    // Act: security revokes the credential (lost), and the real card is scanned again.
    let response = app
        .req(
            Method::POST,
            &format!("/api/v1/passes/{pass_id}/revoke"),
            Some(&admin),
        )
        .json(&json!({"reason": "lost", "note": "reported at the desk"}))
        .send()
        .await?;
    assert!(
        response.status().is_success(),
        "revoking the credential: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    browser
        .send_keys("#scan-input", &format!("{token}{ENTER}"))
        .await?;

    // Assert: red, and the reason says the card was revoked (注销).
    let third = wait_for_verdict(&browser, 3).await?;
    assert!(
        third.class.split_whitespace().any(|c| c == "reject"),
        "a revoked credential must be rejected; #verdict is {third:?}"
    );
    assert!(
        third.reason.contains("注销"),
        "the reason for a revoked card must say 注销; #verdict-reason reads {:?}",
        third.reason
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Arrange over the API
// ---------------------------------------------------------------------------------------------

/// Zone A, gate G1, one journalist with a photo and an ID number, and an approved credential
/// for zone A valid from today (in the event's time zone) for five days. Returns the pass.
async fn issued_credential(app: &TestApp, admin: &str) -> Result<Value, BoxError> {
    post_ok(
        app,
        admin,
        "/api/v1/zones",
        json!({"code": "A", "name": "主场馆", "name_en": "Main venue", "color": "#c0392b"}),
    )
    .await?;
    post_ok(
        app,
        admin,
        "/api/v1/scan-points",
        json!({"code": "G1", "name": "1号门", "kind": "person_gate", "zone": "A"}),
    )
    .await?;

    let csv = format!(
        "编号,姓名,英文名,类别,邀请部门,工作单位,证件号码\n\
         CP-0001,张伟,ZHANG Wei,记者,宣传部,新华社,{}\n",
        resident_id("51010419900101123")
    );
    let (status, report) = app.import(admin, csv, false).await;
    assert_eq!(status, 200, "importing the guest: {report}");
    let (status, page) = app.get_json("/api/v1/guests?q=CP-0001", admin).await;
    assert_eq!(status, 200, "finding the guest: {page}");
    let guest_id = page["items"][0]["id"]
        .as_i64()
        .ok_or_else(|| format!("the imported guest is listed: {page}"))?;

    let photo = app
        .req(
            Method::PUT,
            &format!("/api/v1/guests/{guest_id}/photo"),
            Some(admin),
        )
        .header("Content-Type", "image/png")
        .body(png(300, 400)?)
        .send()
        .await?;
    assert!(
        photo.status().is_success(),
        "uploading the photo: {} {}",
        photo.status(),
        photo.text().await.unwrap_or_default()
    );

    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let until = today + chrono::Days::new(5);
    let created = post_ok(
        app,
        admin,
        "/api/v1/credentials",
        json!({
            "guest_id": guest_id,
            "zones": ["A"],
            "valid_from": today.to_string(),
            "valid_to": until.to_string(),
        }),
    )
    .await?;
    let pass_id = created["id"]
        .as_i64()
        .ok_or_else(|| format!("the new credential has an id: {created}"))?;
    post_ok(
        app,
        admin,
        &format!("/api/v1/passes/{pass_id}/approve"),
        json!({}),
    )
    .await?;
    let (status, pass) = app
        .get_json(&format!("/api/v1/passes/{pass_id}"), admin)
        .await;
    assert_eq!(status, 200, "reading the approved pass: {pass}");
    Ok(pass)
}

/// POST JSON as `token`, insist on a 2xx, return the body (Null when empty).
async fn post_ok(app: &TestApp, token: &str, path: &str, body: Value) -> Result<Value, BoxError> {
    let response = app
        .req(Method::POST, path, Some(token))
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        return Err(format!("POST {path} answered {status}: {text}").into());
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A small PNG, as a phone camera would never make but the photo endpoint accepts.
fn png(width: u32, height: u32) -> Result<Vec<u8>, BoxError> {
    let img = ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img).write_to(&mut out, ImageFormat::Png)?;
    Ok(out.into_inner())
}

/// The token with one character in the middle changed (to another character of the same
/// alphabet), so it still looks like a token but its signature no longer matches.
fn tampered(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let i = chars.len() / 2;
    if let Some(c) = chars.get_mut(i) {
        *c = if *c == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// In the browser
// ---------------------------------------------------------------------------------------------

/// Sign in through the login form and land on the checkpoint screen.
async fn sign_in_as_guard(browser: &Browser, address: &str, username: &str) -> TestResult {
    browser
        .goto(&format!("{address}/login/?next=/checkpoint/"))
        .await?;
    browser.send_keys("#username", username).await?;
    browser.send_keys("#password", USER_PASSWORD).await?;
    browser.click("#login-submit").await?;
    Ok(())
}

/// What the verdict overlay shows, read from the DOM (text content, so an overlay that has
/// already faded out after its 2.5 s still reads the same).
#[derive(Debug)]
struct Verdict {
    class: String,
    title: String,
    name: String,
    reason: String,
}

/// Wait until the page has answered `n` scans (the recent list has `n` entries) and read
/// the verdict of the last one.
async fn wait_for_verdict(browser: &Browser, n: u64) -> Result<Verdict, BoxError> {
    const READ: &str =
        "const text = (id) => (document.getElementById(id) || {}).textContent || ''; \
        return { count: document.querySelectorAll('#recent > li').length, \
                 class: document.getElementById('verdict').className, \
                 title: text('verdict-title'), name: text('verdict-name'), \
                 reason: text('verdict-reason') };";
    let deadline = Instant::now() + VERDICT_WAIT;
    loop {
        let value = browser
            .command(
                Method::POST,
                "/execute/sync",
                Some(json!({ "script": READ, "args": [] })),
            )
            .await?;
        if value["count"].as_u64() == Some(n) {
            let field = |k: &str| value[k].as_str().unwrap_or_default().to_owned();
            return Ok(Verdict {
                class: field("class"),
                title: field("title"),
                name: field("name"),
                reason: field("reason"),
            });
        }
        if Instant::now() >= deadline {
            let url = browser.current_url().await.unwrap_or_default();
            return Err(format!(
                "waited {VERDICT_WAIT:?} for the verdict of scan {n} on {url}; it shows {value}"
            )
            .into());
        }
        tokio::time::sleep(POLL).await;
    }
}
