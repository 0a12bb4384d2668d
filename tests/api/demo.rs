//! The README's first command: the demo event loads into an empty database, and its mail
//! (40 itineraries, the kitchen sheets, the rosters) goes out as `.eml` files.

use std::time::Duration;

use crate::common::{spawn_app_with, start_instance, Backend, TestResult};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_event_loads_and_its_mail_goes_out() -> TestResult {
    // As `serve --demo`: the event is loaded before anything sends.
    let quiet = [("YINGBIN_MAIL_WORKER", "false".to_string())];
    let app = spawn_app_with(Backend::Sqlite, &quiet).await.ok_or("app")?;
    let settings = yingbin::config::Settings::from_lookup(|k| match k {
        "DATABASE_URL" => Some(app.database_url.clone()),
        "YINGBIN_DATA_DIR" => Some(app.data_dir.display().to_string()),
        _ => None,
    })?;
    let pool = app.pool.clone();
    let loaded =
        tokio::task::spawn_blocking(move || yingbin::demo::load(&pool, &settings)).await??;
    let summary = loaded.ok_or("the demo loads into an empty database")?;
    assert!(summary.contains("3000 guests"), "{summary}");
    assert!(
        summary.contains("mail: 40 itineraries, 6 kitchen sheets and 16 rosters queued"),
        "{summary}"
    );

    let admin = app.admin().await;
    assert_eq!(app.guest_total(&admin).await, 3000);
    let sender = [("YINGBIN_MAIL_PER_SECOND", "1000".to_string())];
    start_instance(&app.database_url, &app.data_dir, &sender);
    let mut status = serde_json::Value::Null;
    for _ in 0..300 {
        status = app.get_json("/api/v1/mail/status", &admin).await.1;
        if status["counts"]["sent"].as_i64() == Some(62) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["counts"]["sent"].as_i64(), Some(62), "{status}");
    assert_eq!(status["counts"]["failed"].as_i64(), Some(0), "{status}");
    let files = std::fs::read_dir(app.data_dir.join("mail"))?.count();
    assert_eq!(files, 62);
    // Loading again does nothing: the event is there.
    let pool = app.pool.clone();
    let settings = yingbin::config::Settings::from_lookup(|k| {
        (k == "DATABASE_URL").then(|| app.database_url.clone())
    })?;
    let again =
        tokio::task::spawn_blocking(move || yingbin::demo::load(&pool, &settings)).await??;
    assert!(again.is_none());
    Ok(())
}
