//! Reception changes a delegate to a journalist from the guest page in a real browser: the
//! preview says what will happen to pass, room, meals and mail before anything is saved;
//! confirming does it and the page shows the new card number, the room and meals. The same
//! page on a 360-px phone does not scroll sideways.

use reqwest::Method;

use crate::arrangements::event;
use crate::browser::Browser;
use crate::common::{spawn_app_with, Backend, USER_PASSWORD};

type BoxError = Box<dyn std::error::Error>;

const REPORT: &str = "const r = document.getElementById('arr-report'); \
     const e = document.getElementById('arr-error'); \
     return {dry: r ? r.dataset.dryRun : null, text: r ? r.textContent : '', \
             error: e && !e.hidden ? e.textContent : ''};";

#[tokio::test]
async fn reception_previews_and_confirms_a_new_category_from_the_guest_page() -> Result<(), BoxError>
{
    let app = spawn_app_with(Backend::Sqlite, &[]).await.ok_or("app")?;
    let e = event(&app).await;
    // D1 was written to (the pass mail went out), so the change is told.
    let browser = Browser::start().await?;
    browser
        .command(
            Method::POST,
            "/window/rect",
            Some(serde_json::json!({"width": 1280, "height": 900})),
        )
        .await
        .ok();
    browser
        .sign_in(
            &app.address,
            &format!("/reception/guest.html?id={}", e.d1),
            "reception1",
            USER_PASSWORD,
        )
        .await?;
    browser
        .wait_for("#arr-recategorize", "the arrangement actions", |t| {
            t.contains("更改类别")
        })
        .await?;
    browser.click("#arr-recategorize").await?;
    browser
        .wait_script(
            "journalist chosen in the form",
            "const s = document.querySelector('#arr-form select[name=category]'); \
             if (!s) return ''; s.value = 'journalist'; return s.value;",
            |v| v == "journalist",
        )
        .await?;

    // The preview: nothing saved yet.
    browser.click("#arr-preview").await?;
    let preview = browser
        .wait_script("the preview", REPORT, |v| {
            v["dry"] == "true" || v["error"] != ""
        })
        .await?;
    let text = preview["text"].as_str().unwrap_or_default();
    assert!(text.contains("预览"), "{preview}");
    assert!(
        text.contains("A · C") && text.contains("A · B"),
        "zones before → after: {preview}"
    );
    assert!(text.contains("PRESS宾馆"), "the press hotel: {preview}");
    assert!(
        text.contains("任一就餐点"),
        "journalists eat anywhere: {preview}"
    );
    let (_, guest) = app
        .get_json(&format!("/api/v1/guests/{}", e.d1), &e.reception)
        .await;
    assert_eq!(guest["category"], "delegate", "a preview saves nothing");

    // Confirm: done, and the page shows what changed.
    browser.click("#arr-confirm").await?;
    let done = browser
        .wait_script("the change done", REPORT, |v| {
            v["dry"] == "false" || v["error"] != ""
        })
        .await?;
    let text = done["text"].as_str().unwrap_or_default();
    assert!(text.contains("已完成"), "{done}");
    assert!(
        text.contains("-2"),
        "the new card's number (serial 2): {done}"
    );
    let category = browser
        .wait_for("#guest-category", "the new category on the page", |t| {
            t.contains("记者")
        })
        .await?;
    assert!(category.contains("记者"));
    let (_, guest) = app
        .get_json(&format!("/api/v1/guests/{}", e.d1), &e.reception)
        .await;
    assert_eq!(guest["category"], "journalist");

    // English, on a phone: the report reads in English and nothing scrolls sideways.
    browser
        .command(
            Method::POST,
            "/window/rect",
            Some(serde_json::json!({"width": 360, "height": 780})),
        )
        .await
        .ok();
    browser.click("#lang-toggle").await?;
    browser.click("#arr-travel").await?;
    browser.click("#arr-preview").await?;
    let preview = browser
        .wait_script("the English preview", REPORT, |v| {
            v["dry"] == "true" && v["text"].as_str().is_some_and(|t| t.contains("Preview"))
        })
        .await?;
    assert!(
        preview["text"]
            .as_str()
            .unwrap_or_default()
            .contains("No change"),
        "{preview}"
    );
    let wide = browser
        .wait_script(
            "the page width at 360 px",
            "const d = document.scrollingElement; return {scroll: d.scrollWidth, client: d.clientWidth};",
            |v| v["client"].as_i64().is_some(),
        )
        .await?;
    assert!(
        wide["scroll"].as_i64() <= wide["client"].as_i64(),
        "nothing scrolls sideways on a phone: {wide}"
    );
    Ok(())
}
