//! Finding anyone: reception types a name into the top bar's search on a phone and opens the
//! guest — two guests of one name told apart by ref and delegation; a greeter finds a guest on
//! a board of many flights by flight number. Neither page scrolls sideways at 360 px.

use reqwest::Method;
use serde_json::json;

use crate::browser::Browser;
use crate::common::{spawn_app, USER_PASSWORD};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const NO_SIDEWAYS: &str = "return document.documentElement.scrollWidth <= window.innerWidth + 1;";

#[tokio::test]
async fn reception_finds_one_of_two_namesakes_from_the_top_bar_and_a_greeter_a_flight() -> TestResult
{
    let app = spawn_app().await;
    let admin = app.admin().await;
    let due = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .naive_local()
        + chrono::Duration::hours(1);
    let at = due.format("%Y-%m-%d %H:%M");
    let csv = format!(
        "ref,name,category,department,delegation,phone,arrival_mode,arrival_no,arrival_hub,arrival_time\n\
         Z1,周静,delegate,体育局,四川,13800000001,flight,3U8888,CTU,{at}\n\
         Z2,周静,delegate,体育局,宁夏,13800000002,flight,CA4100,CTU,{at}\n\
         Z3,李强,delegate,体育局,四川,13800000003,flight,MU5401,CTU,{at}\n"
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    app.user(&admin, "rec", "reception", None).await;
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
        .sign_in(&app.address, "/reception/", "rec", USER_PASSWORD)
        .await?;
    // On a phone the box opens from its icon.
    browser
        .wait_script(
            "the search in the top bar",
            "const b = document.querySelector('#topsearch .topsearch-open'); \
             if (b && b.offsetParent !== null) b.click(); \
             const q = document.getElementById('topsearch-q'); return !!q && q.offsetParent !== null;",
            |v| v == true,
        )
        .await?;
    browser.send_keys("#topsearch-q", "周静").await?;
    let rows = browser
        .wait_script(
            "both namesakes in the results",
            "return [...document.querySelectorAll('#topsearch-list a.ts-item')].map(a => a.textContent);",
            |v| v.as_array().is_some_and(|a| a.iter().filter(|t| t.as_str().unwrap_or("").contains("周静")).count() == 2),
        )
        .await?;
    let text = rows.to_string();
    assert!(
        text.contains("Z1") && text.contains("Z2"),
        "refs tell them apart: {text}"
    );
    assert!(
        text.contains("四川") && text.contains("宁夏"),
        "delegations too: {text}"
    );
    assert_eq!(
        browser
            .wait_script("no sideways scroll", NO_SIDEWAYS, |_| true)
            .await?,
        true
    );
    browser
        .wait_script(
            "open the second 周静",
            "const a = [...document.querySelectorAll('#topsearch-list a.ts-item')].find(a => a.textContent.includes('Z2')); \
             if (a) { a.click(); return true; } return false;",
            |v| v == true,
        )
        .await?;
    browser
        .wait_script(
            "the guest page of 周静 (宁夏)",
            "return location.pathname + '|' + document.body.textContent.includes('宁夏');",
            |v| {
                v.as_str()
                    .is_some_and(|s| s.starts_with("/reception/guest.html|true"))
            },
        )
        .await?;

    // The greeter: three flights; the flight number finds the one guest.
    browser
        .sign_in(&app.address, "/greeter/", "greeter_ctu", USER_PASSWORD)
        .await?;
    browser
        .wait_script(
            "three flights on the board",
            "return document.querySelectorAll('#board .trip').length;",
            |v| v.as_u64() == Some(3),
        )
        .await?;
    browser.send_keys("#board-search", "MU5401").await?;
    browser
        .wait_script(
            "only 李强 left",
            "return [...document.querySelectorAll('#board .board-guest')].filter(g => g.offsetParent !== null).map(g => g.textContent).join('|');",
            |v| v.as_str().is_some_and(|s| s.contains("李强") && !s.contains("周静")),
        )
        .await?;
    assert_eq!(
        browser
            .wait_script("no sideways scroll", NO_SIDEWAYS, |_| true)
            .await?,
        true
    );
    Ok(())
}

#[tokio::test]
async fn a_guard_finds_a_guest_without_the_pass_and_the_committee_prints_the_day() -> TestResult {
    let app = spawn_app().await;
    let (admin, zhang, _) = crate::passes::event(&app).await;
    crate::passes::credential(&app, &admin, zhang, &["A"], 0, 3).await;
    app.user(&admin, "guard_a", "checkpoint", Some("G-A")).await;
    app.user(&admin, "cmte", "committee", None).await;

    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/checkpoint/", "guard_a", USER_PASSWORD)
        .await?;
    browser.click("#lookup-open").await?;
    browser.send_keys("#lookup-q", "张伟\u{E007}").await?;
    let found = browser
        .wait_script(
            "张伟 found, with what his pass would get here",
            "const li = document.querySelector('#lookup-results li.lookup-item'); \
             return li ? {verdict: li.dataset.verdict, text: li.textContent, \
                          photo: !!li.querySelector('img')} : null;",
            |v| !v.is_null(),
        )
        .await?;
    assert_eq!(found["verdict"], "accept", "{found}");
    assert!(
        found["text"].as_str().unwrap_or("").contains("张伟"),
        "{found}"
    );
    assert_eq!(found["photo"], true, "the guard compares the face: {found}");
    let (_, log) = app.get_json("/api/v1/scans", &admin).await;
    assert_eq!(log["total"], 0, "a lookup is not a scan: {log}");
    assert_eq!(
        browser
            .wait_script("no sideways scroll", NO_SIDEWAYS, |_| true)
            .await?,
        true
    );

    // The committee's printable day: the guests by category are on the page.
    browser
        .sign_in(&app.address, "/print/report.html", "cmte", USER_PASSWORD)
        .await?;
    browser
        .wait_for("#report-guests", "the guests by category", |t| {
            t.chars().any(|c| c.is_ascii_digit())
        })
        .await?;
    assert_eq!(
        browser
            .wait_script("no sideways scroll", NO_SIDEWAYS, |_| true)
            .await?,
        true
    );
    Ok(())
}
