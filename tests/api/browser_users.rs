//! The admin's accounts page in a real browser: create a greeter for the CTU hub with the name
//! and phone guests will read in their itinerary, be told when the username is taken, change
//! the phone, disable the account — and a receptionist who opens the page is turned away.

use reqwest::Method;

use crate::browser::Browser;
use crate::common::{send, spawn_app_with, Backend, ADMIN_PASSWORD, USER_PASSWORD};

type BoxError = Box<dyn std::error::Error>;

/// The row of `username` in the accounts table.
fn row(username: &str) -> String {
    format!("#user-table tr[data-username=\"{username}\"]")
}

#[tokio::test]
async fn admin_creates_a_greeter_changes_the_phone_and_disables_the_account() -> Result<(), BoxError>
{
    // Arrange: the import brings hub CTU into the registry (hubs come from arrivals).
    let app = spawn_app_with(Backend::Sqlite, &[]).await.ok_or("app")?;
    let admin = app.admin().await;
    let tomorrow = (chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(1))
    .to_string();
    let csv = format!(
        "ref,name,category,department,arrival_mode,arrival_no,arrival_hub,arrival_time\n\
         U1,李娜,delegate,体育局,flight,3U8888,CTU,{tomorrow} 10:00\n"
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let ctu = app.hub(&admin, "CTU").await["id"]
        .as_i64()
        .ok_or("hub CTU after the import")?;
    app.user(&admin, "reception2", "reception", None).await;

    let browser = Browser::start().await?;
    browser
        .sign_in(&app.address, "/users/", "admin", ADMIN_PASSWORD)
        .await?;
    // Read with the page's error lines beside it, so a list that does not come says why.
    browser
        .wait_script(
            "the admin's own account in the list",
            "const text = (id) => { const e = document.getElementById(id); return e && !e.hidden ? e.textContent : ''; }; \
             const row = document.querySelector('#user-table tr[data-username=\"admin\"]'); \
             return {row: row ? row.textContent : '', error: text('users-error'), page: text('page-error')};",
            |v| v["row"].as_str().is_some_and(|t| t.contains("管理员")),
        )
        .await?;

    // Act: a greeter for CTU, with the name and phone guests will see.
    browser.click("#create-card > summary").await?;
    browser
        .wait_script(
            "the role greeter chosen and the hub field shown",
            "const s = document.getElementById('new-role'); \
             if (!s.querySelector('option[value=\"greeter\"]')) return false; \
             if (s.value !== 'greeter') { s.value = 'greeter'; s.dispatchEvent(new Event('change', {bubbles: true})); } \
             const f = document.getElementById('new-scope-field'); \
             return f.hidden ? '' : f.textContent;",
            |v| v.as_str().is_some_and(|t| t.contains("接机点")),
        )
        .await?;
    browser.send_keys("#new-username", "wangfang").await?;
    browser.send_keys("#new-scope", "CTU").await?;
    browser.send_keys("#new-display-name", "王芳").await?;
    browser.send_keys("#new-phone", "13800138000").await?;
    browser.send_keys("#new-password", USER_PASSWORD).await?;
    browser.click("#new-submit").await?;

    // Assert: the row shows who they are, in words: the role's label and the hub's code.
    let created = browser
        .wait_for(&row("wangfang"), "the new greeter in the list", |t| {
            t.contains("王芳") && t.contains("13800138000")
        })
        .await?;
    assert!(
        created.contains("接机人员") && created.contains("CTU"),
        "the row should name the role and the hub: {created:?}"
    );
    browser
        .wait_for("#new-ok", "the created message", |t| t.contains("王芳"))
        .await?;

    // Act: the same username again.
    browser.send_keys("#new-username", "wangfang").await?;
    browser.send_keys("#new-phone", "13700137000").await?;
    browser.send_keys("#new-password", USER_PASSWORD).await?;
    browser.click("#new-submit").await?;

    // Assert: the page says the name is taken, beside the field, and keeps what was typed.
    let taken = browser
        .wait_for("#new-username-error", "the username taken", |t| {
            t.contains("已被占用")
        })
        .await?;
    assert!(taken.contains("wangfang"), "{taken:?}");
    let kept = browser
        .wait_script(
            "the form as it was typed",
            "return ['new-username', 'new-role', 'new-scope', 'new-phone', 'new-password'] \
             .map((id) => document.getElementById(id).value);",
            |v| v.is_array(),
        )
        .await?;
    assert_eq!(
        kept,
        serde_json::json!(["wangfang", "greeter", "CTU", "13700137000", USER_PASSWORD]),
        "nothing typed may be lost on an error"
    );

    // Act: a new work phone.
    browser.scroll_to_middle(&row("wangfang")).await?;
    browser
        .click(&format!("{} button[data-act=\"edit\"]", row("wangfang")))
        .await?;
    browser
        .wait_script(
            "the edit dialog with the old phone, then emptied",
            "const d = document.getElementById('edit-dialog'); const p = document.getElementById('edit-phone'); \
             if (!d.open || p.value !== '13800138000') return false; p.value = ''; return true;",
            |v| v == true,
        )
        .await?;
    browser.send_keys("#edit-phone", "13900139000").await?;
    browser.click("#edit-submit").await?;
    browser
        .wait_for(&row("wangfang"), "the new phone in the list", |t| {
            t.contains("13900139000")
        })
        .await?;

    // Act: disable it (the page asks first; the test says yes).
    browser.confirm_yes().await?;
    browser.scroll_to_middle(&row("wangfang")).await?;
    browser
        .click(&format!("{} button[data-act=\"disable\"]", row("wangfang")))
        .await?;
    browser
        .wait_for(&row("wangfang"), "the account shown as disabled", |t| {
            t.contains("已停用")
        })
        .await?;

    // Assert: the server holds what the page showed.
    let (s, list) = send(&app, Method::GET, "/api/v1/users", &admin, None).await;
    assert_eq!(s, 200, "{list}");
    let greeter = list
        .as_array()
        .and_then(|l| l.iter().find(|u| u["username"] == "wangfang"))
        .ok_or("wangfang in GET /api/v1/users")?;
    assert_eq!(
        (
            greeter["role"].as_str(),
            greeter["scope"].as_str(),
            greeter["display_name"].as_str(),
            greeter["phone"].as_str(),
            greeter["disabled"].as_bool(),
        ),
        (
            Some("greeter"),
            Some(ctu.to_string().as_str()),
            Some("王芳"),
            Some("13900139000"),
            Some(true)
        ),
        "{greeter}"
    );
    let same_name = list
        .as_array()
        .map(|l| l.iter().filter(|u| u["username"] == "wangfang").count());
    assert_eq!(
        same_name,
        Some(1),
        "the second try must not have created an account"
    );

    // A receptionist who opens the page is told it is not for them and sees no accounts.
    browser
        .sign_in(&app.address, "/users/", "reception2", USER_PASSWORD)
        .await?;
    browser
        .wait_for("#page-error", "the not-allowed message", |t| {
            t.contains("只有管理员")
        })
        .await?;
    let seen = browser
        .wait_script(
            "what the receptionist sees",
            "const shown = (id) => { const e = document.getElementById(id); return Boolean(e && e.offsetParent !== null); }; \
             return {table: shown('user-table'), form: shown('create-form'), link: shown('nav-users')};",
            |v| v.is_object(),
        )
        .await?;
    assert_eq!(
        seen,
        serde_json::json!({"table": false, "form": false, "link": false}),
        "a receptionist sees no accounts, no form and no menu entry"
    );
    Ok(())
}
