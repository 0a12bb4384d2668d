//! The field kit in a real browser, with the network cut through the DevTools protocol (the
//! server keeps running): a gate keeps deciding offline — accept, revoked, forged, wrong zone —
//! uploads what it decided when the network returns, and refuses once its lists are older
//! than the limit; two phones let one ceremony ticket in while both are offline and the
//! conflict appears on the conflicts page; a canteen serves offline and the meal counts once
//! uploaded. The browser's decisions are also checked against the shared vectors.

use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::common::{spawn_app, TestApp, USER_PASSWORD};
use crate::passes::{ceremony_ticket, credential, event};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type BoxError = Box<dyn std::error::Error>;

/// WebDriver's Enter key, as a keyboard-wedge scanner sends it after the code.
const ENTER: char = '\u{E007}';

/// What the checkpoint's verdict shows after `n` scans.
const VERDICT: &str = "const t = (id) => (document.getElementById(id) || {}).textContent || ''; \
    const v = document.getElementById('verdict'); \
    const band = document.getElementById('verdict-offline'); \
    return { count: document.querySelectorAll('#recent > li').length, class: v.className, \
             reason: v.dataset.reason || '', text: t('verdict-reason') + t('verdict-title'), \
             offline: !!band && !band.hidden };";

async fn verdict(browser: &Browser, n: u64) -> Result<Value, BoxError> {
    browser
        .wait_script(&format!("verdict number {n}"), VERDICT, |v| {
            v["count"].as_u64() == Some(n)
        })
        .await
}

/// The page has its kit: the lists' age is shown.
async fn kit_ready(browser: &Browser) -> Result<(), BoxError> {
    browser
        .wait_script(
            "the offline lists downloaded",
            "const a = document.getElementById('lists-age'); \
             return !!a && (a.dataset.ageSeconds || '') !== '';",
            |v| v == true,
        )
        .await?;
    Ok(())
}

async fn queued(browser: &Browser, what: &str, n: u64) -> Result<(), BoxError> {
    browser
        .wait_script(
            what,
            "return Number((document.getElementById('queue-count') || {dataset: {}}).dataset.count || 0);",
            |v| v.as_u64() == Some(n),
        )
        .await?;
    Ok(())
}

async fn scan(browser: &Browser, input: &str, token: &str) -> TestResult {
    browser.send_keys(input, &format!("{token}{ENTER}")).await
}

fn forged(token: &str) -> String {
    let mut b = token.as_bytes().to_vec();
    b[80] = if b[80] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap_or_default()
}

async fn revoke(app: &TestApp, admin: &str, pass: i64) -> TestResult {
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/passes/{pass}/revoke"),
            Some(admin),
        )
        .json(&json!({"reason": "lost"}))
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    Ok(())
}

#[tokio::test]
async fn a_gate_decides_offline_uploads_on_reconnect_and_refuses_stale_lists() -> TestResult {
    // Arrange: 张伟 holds a zone-A card; 李娜 a zone-B card and a zone-A card that was lost.
    let app = spawn_app().await;
    let (admin, zhang, _) = event(&app).await;
    let (_, good) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let csv = format!(
        "ref,name,category,department,organization,id_number\n\
         P3,王芳,journalist,宣传部,新华社,{}\nP4,刘洋,journalist,宣传部,新华社,{}\n",
        crate::common::resident_id("51010419900101125"),
        crate::common::resident_id("51010419900101126"),
    );
    let (s, b) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{b}");
    let mut ids = Vec::new();
    for r in ["P3", "P4"] {
        let (_, found) = app.get_json(&format!("/api/v1/guests?q={r}"), &admin).await;
        let id = found["items"][0]["id"].as_i64().ok_or("imported guest")?;
        let up = app
            .req(
                Method::PUT,
                &format!("/api/v1/guests/{id}/photo"),
                Some(&admin),
            )
            .body(crate::passes::photo())
            .send()
            .await?;
        assert_eq!(up.status(), 200);
        ids.push(id);
    }
    let (lost_guest, b_guest) = (ids[0], ids[1]);
    let (_, only_b) = credential(&app, &admin, b_guest, &["B"], 0, 3).await;
    let (lost_id, lost) = credential(&app, &admin, lost_guest, &["A"], 0, 3).await;
    revoke(&app, &admin, lost_id).await?;
    app.user(&admin, "guard_a", "checkpoint", Some("G-A")).await;

    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/checkpoint/", "guard_a", USER_PASSWORD)
        .await?;
    kit_ready(&browser).await?;

    // Act: the network goes; four cards are shown.
    browser.set_offline(true).await?;
    browser
        .wait_script(
            "the page noticing it is offline",
            "return document.getElementById('net-status').dataset.state;",
            |v| v == "offline" || v == "online",
        )
        .await?;
    scan(&browser, "#scan-input", &good).await?;
    let first = verdict(&browser, 1).await?;
    scan(&browser, "#scan-input", &forged(&good)).await?;
    let second = verdict(&browser, 2).await?;
    scan(&browser, "#scan-input", &lost).await?;
    let third = verdict(&browser, 3).await?;
    scan(&browser, "#scan-input", &only_b).await?;
    let fourth = verdict(&browser, 4).await?;

    // Assert: decided on the phone, each with its reason, each marked offline.
    assert!(
        first["class"].as_str().unwrap_or("").contains("accept"),
        "{first}"
    );
    assert_eq!(
        first["offline"], true,
        "the band says 离线 offline: {first}"
    );
    assert_eq!(second["reason"], "bad_signature", "{second}");
    assert_eq!(third["reason"], "revoked", "{third}");
    assert!(
        third["text"].as_str().unwrap_or("").contains("注销"),
        "{third}"
    );
    assert_eq!(fourth["reason"], "zone_denied", "{fourth}");
    queued(&browser, "four scans waiting for upload", 4).await?;
    let (_, log) = app.get_json("/api/v1/scans?point=G-A", &admin).await;
    assert_eq!(log["total"], 0, "nothing reached the server while offline");

    // Act: the network returns.
    browser.set_offline(false).await?;

    // Assert: the queue empties into the log, with the device's name and its verdicts.
    queued(&browser, "the queue uploaded", 0).await?;
    let (_, log) = app
        .get_json("/api/v1/scans?point=G-A&verdict=accept", &admin)
        .await;
    assert_eq!(log["total"], 1, "{log}");
    let (_, log) = app.get_json("/api/v1/scans?point=G-A", &admin).await;
    assert_eq!(log["total"], 4, "{log}");
    let (_, devices) = app.get_json("/api/v1/devices", &admin).await;
    assert_eq!(devices["devices"][0]["point"], "G-A", "{devices}");

    // Act: offline again, and 31 minutes pass without fresh lists (the limit is 30).
    browser.set_offline(true).await?;
    browser
        .wait_script(
            "the clock moved on",
            "if (!window.__shifted) { const real = Date.now.bind(Date); \
             Date.now = () => real() + 31 * 60 * 1000; window.__shifted = true; } return true;",
            |v| v == true,
        )
        .await?;
    scan(&browser, "#scan-input", &good).await?;
    let stale = verdict(&browser, 5).await?;

    // Assert: no silent accept on stale lists; the banner says why.
    assert!(
        !stale["class"].as_str().unwrap_or("").contains("accept"),
        "{stale}"
    );
    assert_eq!(stale["reason"], "stale_lists", "{stale}");
    browser
        .wait_script(
            "the stale-lists banner",
            "const b = document.getElementById('stale-banner'); return !!b && !b.hidden && b.textContent.length > 0;",
            |v| v == true,
        )
        .await?;
    Ok(())
}

#[tokio::test]
async fn two_phones_let_one_ticket_in_offline_and_the_conflict_shows_on_the_conflicts_page(
) -> TestResult {
    let app = spawn_app().await;
    let (admin, zhang, _) = event(&app).await;
    let ticket = ceremony_ticket(&app, &admin, zhang, "S-OPEN").await;
    app.user(&admin, "guard_e", "checkpoint", Some("S-OPEN"))
        .await;
    app.user(&admin, "guard_w", "checkpoint", Some("S-OPEN"))
        .await;
    app.user(&admin, "sec", "security", None).await;

    let east = Browser::start().await?;
    let west = Browser::start().await?;
    for (b, who) in [(&east, "guard_e"), (&west, "guard_w")] {
        b.sign_in(&app.address, "/checkpoint/", who, USER_PASSWORD)
            .await?;
        kit_ready(b).await?;
        b.set_offline(true).await?;
    }

    // Both phones let the ticket in while apart.
    for b in [&east, &west] {
        scan(b, "#scan-input", &ticket).await?;
        let v = verdict(b, 1).await?;
        assert!(v["class"].as_str().unwrap_or("").contains("accept"), "{v}");
        assert_eq!(v["offline"], true);
    }
    // The same phone will not let it in twice.
    scan(&east, "#scan-input", &ticket).await?;
    let again = verdict(&east, 2).await?;
    assert_eq!(again["reason"], "already_used", "{again}");

    // Back online, both upload; security opens the conflicts page.
    for b in [&east, &west] {
        b.set_offline(false).await?;
        queued(b, "the phone's queue uploaded", 0).await?;
    }
    west.sign_in(&app.address, "/scans/conflicts.html", "sec", USER_PASSWORD)
        .await?;
    let row = west
        .wait_script(
            "the conflict on the page",
            "const rows = [...document.querySelectorAll('tbody tr')]; \
             return rows.map(r => r.textContent).join('|');",
            |v| v.as_str().is_some_and(|t| t.contains("张伟")),
        )
        .await?;
    assert!(
        row.as_str().unwrap_or("").contains("S-OPEN")
            || row.as_str().unwrap_or("").contains("东门"),
        "{row}"
    );
    let (_, list) = app.get_json("/api/v1/scans/conflicts", &admin).await;
    assert_eq!(
        list["conflicts"].as_array().map(Vec::len),
        Some(1),
        "{list}"
    );
    Ok(())
}

#[tokio::test]
async fn a_canteen_serves_offline_and_the_meal_counts_once_uploaded() -> TestResult {
    let app = spawn_app().await;
    let c = crate::meals::canteens(&app).await;
    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/canteen/", "canteen_team", USER_PASSWORD)
        .await?;
    kit_ready(&browser).await?;
    browser.set_offline(true).await?;

    scan(&browser, "#canteen-scan-input", &c.tokens["M1"]).await?;
    let read = "const v = document.getElementById('verdict'); const h = document.getElementById('verdict-halal'); \
                const band = document.getElementById('verdict-offline'); \
                return {kind: v.dataset.verdict || '', halal: !!h && !h.hidden, offline: !!band && !band.hidden, \
                        name: (document.getElementById('verdict-name') || {}).textContent || ''};";
    let v = browser
        .wait_script("the offline verdict", read, |v| {
            matches!(v["kind"].as_str(), Some("accept" | "reject" | "error"))
        })
        .await?;
    assert_eq!(v["kind"], "accept", "{v}");
    assert_eq!(
        v["halal"], true,
        "sent to the halal counter offline too: {v}"
    );
    assert_eq!(v["offline"], true, "{v}");
    assert!(v["name"].as_str().unwrap_or("").contains("马丽"), "{v}");
    let (_, count) = app
        .get_json("/api/v1/meals/count?point=TEAM-D", &c.team)
        .await;
    assert_eq!(count["served"], 0, "not uploaded yet: {count}");

    browser.set_offline(false).await?;
    queued(&browser, "the meal uploaded", 0).await?;
    let (_, count) = app
        .get_json("/api/v1/meals/count?point=TEAM-D", &c.team)
        .await;
    assert_eq!(
        (count["served"].as_i64(), count["halal_served"].as_i64()),
        (Some(1), Some(1)),
        "{count}"
    );
    browser
        .wait_script(
            "the live count on the screen",
            "const e = document.getElementById('count-served'); return e ? e.textContent.trim() : '';",
            |v| v == "1",
        )
        .await?;
    Ok(())
}

#[tokio::test]
async fn the_browser_reaches_every_shared_offline_vector() -> TestResult {
    let app = spawn_app().await;
    let browser = Browser::start().await?;
    browser.goto(&format!("{}/login/", app.address)).await?;
    let file: Value = serde_json::from_str(&std::fs::read_to_string(
        "docs/vectors/offline-decisions.json",
    )?)?;
    let results = browser
        .run_async(
            "const done = arguments[arguments.length - 1]; \
             import('/js/offline/vectors.js').then(m => m.runVectors(arguments[0])) \
               .then(done, e => done({error: String(e)}));",
            vec![file.clone()],
        )
        .await?;
    let list = results
        .as_array()
        .ok_or_else(|| format!("runVectors answered {results}"))?;
    assert_eq!(list.len(), file["cases"].as_array().map_or(0, Vec::len));
    let wrong: Vec<&Value> = list.iter().filter(|r| r["expect"] != r["got"]).collect();
    assert!(
        wrong.is_empty(),
        "the browser disagrees with the vectors: {wrong:#?}"
    );
    Ok(())
}

/// The SPKI hash of tests/fixtures/tls-test.crt: Chromium trusts that one certificate as if a
/// real authority had signed it (`openssl x509 -pubkey | openssl pkey -pubin -outform der |
/// openssl dgst -sha256 -binary | base64`).
const TEST_CERT_SPKI: &str = "KVse0BX8gyYFArJ52G0ZLhCW5PpVoxG7AI2SiUsVtw8=";

#[tokio::test]
async fn over_https_the_scanner_app_installs_reopens_offline_and_decides() -> TestResult {
    // Arrange: the event through a plain instance; the phone reaches a second instance of
    // the same database that speaks HTTPS itself, as at an event with no proxy.
    let app = spawn_app().await;
    let (admin, zhang, _) = event(&app).await;
    let (_, good) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    app.user(&admin, "guard_a", "checkpoint", Some("G-A")).await;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let (address, _pool) = crate::common::start_instance(
        &app.database_url,
        &app.data_dir,
        &[
            (
                "YINGBIN_TLS_CERT",
                fixtures.join("tls-test.crt").display().to_string(),
            ),
            (
                "YINGBIN_TLS_KEY",
                fixtures.join("tls-test.key").display().to_string(),
            ),
        ],
    );
    let https = address.replace("http://127.0.0.1", "https://localhost");
    // Plain HTTP to the HTTPS port gets no page.
    let plain = reqwest::Client::new()
        .get(format!("{address}/healthz"))
        .send()
        .await;
    assert!(plain.map_or(true, |r| !r.status().is_success()));

    let spki = format!("--ignore-certificate-errors-spki-list={TEST_CERT_SPKI}");
    let browser = Browser::start_with(&[&spki]).await?;
    browser
        .sign_in(&https, "/checkpoint/", "guard_a", USER_PASSWORD)
        .await?;
    kit_ready(&browser).await?;
    let secure = browser
        .wait_script(
            "the page in a secure context, under its service worker",
            "return {secure: window.isSecureContext, https: location.protocol === 'https:', \
                     controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller)};",
            |v| v["controlled"] == true,
        )
        .await?;
    assert_eq!(
        (secure["secure"].as_bool(), secure["https"].as_bool()),
        (Some(true), Some(true))
    );

    // Act: the network goes, the guard reopens the screen, and scans.
    browser.set_offline(true).await?;
    browser.goto(&format!("{https}/checkpoint/")).await?;
    browser
        .wait_for(
            "#point-name",
            "the gate's name, from the app's own cache",
            |t| t == "G-A",
        )
        .await?;
    kit_ready(&browser).await?;
    scan(&browser, "#scan-input", &good).await?;
    let v = verdict(&browser, 1).await?;

    // Assert: decided on the phone, over nothing.
    assert!(v["class"].as_str().unwrap_or("").contains("accept"), "{v}");
    assert_eq!(v["offline"], true, "{v}");
    Ok(())
}
