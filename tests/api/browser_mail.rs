//! The reception email page in a real browser: find a guest, see the itinerary exactly as it
//! will be mailed (subject, the calendar file), count a bulk send, send it, and watch the
//! progress bar fill as the worker writes the messages.

use crate::browser::Browser;
use crate::common::{spawn_app_with, Backend, USER_PASSWORD};
use crate::mail::travellers;

type BoxError = Box<dyn std::error::Error>;

#[tokio::test]
async fn reception_previews_an_itinerary_and_follows_a_bulk_send_to_the_end() -> Result<(), BoxError>
{
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("YINGBIN_MAIL_PER_SECOND", "200".into())],
    )
    .await
    .ok_or("app")?;
    let (admin, _, _) = travellers(&app).await;
    app.user(&admin, "reception2", "reception", None).await;

    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/mail/", "reception2", USER_PASSWORD)
        .await?;
    browser
        .wait_for(
            "#mail-status",
            "the transport on the status line, without the server's folder",
            |t| t.contains("发送方式") && !t.contains("mail"),
        )
        .await?;

    // Preview: search, pick, read.
    browser.send_keys("#preview-search", "Anna").await?;
    browser
        .wait_for("#preview-results button.pick", "Anna in the results", |t| {
            t.contains("Anna")
        })
        .await?;
    browser.click("#preview-results button.pick").await?;
    browser
        .wait_for("#preview-subject", "the itinerary's subject", |t| {
            t == "Your itinerary"
        })
        .await?;
    browser
        .wait_for("#preview-attachments", "the calendar file", |t| {
            t.contains("itinerary.ics")
        })
        .await?;
    let frame = browser
        .wait_script(
            "the message in the frame",
            "const f = document.getElementById('preview-frame'); return f ? (f.srcdoc || '') : '';",
            |v| v.as_str().is_some_and(|s| s.contains("3U8888")),
        )
        .await?;
    assert!(
        frame.as_str().is_some_and(|s| s.contains("Pickup")),
        "{frame}"
    );

    // Bulk send: count first, then send (the page asks to confirm; the test says yes).
    // The form is above the sticky top bar's reach once scrolled to the middle.
    browser.scroll_to_middle("#send-form").await?;
    browser.click("#send-count").await?;
    // Read with the error line beside it, so a failed count says why.
    browser
        .wait_script(
            "the count of guests",
            "const shown = (id) => { const e = document.getElementById(id); return e.hidden ? '' : e.textContent; }; \
             return {result: shown('send-result'), error: shown('send-error'), \
                     busy: document.getElementById('send-count').disabled};",
            |v| {
                v["result"]
                    .as_str()
                    .is_some_and(|t| t.contains('2') && t.contains('1'))
            },
        )
        .await?;
    browser.confirm_yes().await?;
    browser.click("#send-go").await?;
    let done = browser
        .wait_script(
            "the progress bar full",
            "const p = document.getElementById('batch-progress'); const t = document.getElementById('batch-text'); \
             return p ? {value: p.value, max: p.max, text: t ? t.textContent : ''} : {};",
            |v| v["max"].as_f64() == Some(2.0) && v["value"].as_f64() == Some(2.0),
        )
        .await?;
    assert!(
        done["text"].as_str().is_some_and(|t| t.contains('2')),
        "{done}"
    );
    Ok(())
}
