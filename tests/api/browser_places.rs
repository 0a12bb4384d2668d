//! Reception names a station in English on the pickups page: the hub's dialog takes the
//! English name and meeting point, the list shows them, and an English-speaking guest's
//! itinerary then reads them.

use reqwest::Method;

use crate::browser::Browser;
use crate::common::{send, USER_PASSWORD};

type BoxError = Box<dyn std::error::Error>;

#[tokio::test]
async fn reception_gives_a_hub_its_english_name_and_meeting_point() -> Result<(), BoxError> {
    let app = crate::common::spawn_app().await;
    // Wang Fang (zh) and Anna Berg (en) land at CTU tomorrow.
    let (admin, ids, _) = crate::mail::travellers(&app).await;
    app.user(&admin, "reception1", "reception", None).await;

    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/pickups/", "reception1", USER_PASSWORD)
        .await?;
    browser
        .wait_script(
            "CTU in the list of hubs with an edit button",
            "return !!document.querySelector('#hub-table tr[data-hub=\"CTU\"] .hub-edit');",
            |v| v.as_bool() == Some(true),
        )
        .await?;
    browser
        .click("#hub-table tr[data-hub=\"CTU\"] .hub-edit")
        .await?;
    browser
        .send_keys("#hub-name-en", "Chengdu Shuangliu Airport")
        .await?;
    browser
        .send_keys("#hub-meeting", "T2 到达厅 B 出口")
        .await?;
    browser
        .send_keys("#hub-meeting-en", "T2 Arrivals, exit B")
        .await?;
    browser.click("#hub-submit").await?;
    let row = browser
        .wait_script(
            "the list showing the English names",
            "const r = document.querySelector('#hub-table tr[data-hub=\"CTU\"]'); return r ? r.textContent : '';",
            |v| v.as_str().is_some_and(|t| t.contains("T2 Arrivals, exit B")),
        )
        .await?;
    assert!(
        row.as_str().is_some_and(
            |t| t.contains("Chengdu Shuangliu Airport") && t.contains("T2 到达厅 B 出口")
        ),
        "{row}"
    );

    // Stored, and read by the English-speaking guest's itinerary.
    let (s, preview) = send(
        &app,
        Method::GET,
        &format!("/api/v1/mail/preview?guest_id={}&kind=itinerary", ids[1]),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, 200, "{preview}");
    let text = preview["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("Chengdu Shuangliu Airport") && text.contains("T2 Arrivals, exit B"),
        "{text}"
    );
    Ok(())
}
