//! Email end to end: real SMTP conversations with a server the test starts, the `.eml` file
//! transport, bulk sends with progress, retries, failures, restarts and several instances.

use std::collections::BTreeSet;
use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{send, spawn_app_with, start_instance, Backend, TestApp, TestResult};
use crate::passes::{credential, event, scan};
use crate::smtp_sink::SmtpSink;

/// Runs a scenario on SQLite and on PostgreSQL.
macro_rules! both {
    ($name:ident, $scenario:path) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> TestResult {
                $scenario(Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> TestResult {
                if crate::common::postgres_url().is_none() {
                    return Ok(());
                }
                $scenario(Backend::Postgres).await
            }
        }
    };
}

fn smtp_settings(sink: &SmtpSink) -> Vec<(&'static str, String)> {
    vec![
        ("YINGBIN_SMTP_URL", sink.url()),
        ("YINGBIN_MAIL_PER_SECOND", "1000".into()),
        ("YINGBIN_MAIL_RETRY_SECS", "0".into()),
        // Kitchen sheets go out when a test asks, not at the hour it happens to run.
        ("YINGBIN_KITCHEN_SHEET_HOUR", "off".into()),
        ("YINGBIN_RECEPTION_PHONE", "+86 28 8888 0000".into()),
        ("YINGBIN_RECEPTION_EMAIL", "reception@games.cn".into()),
    ]
}

/// An instance without an SMTP server: the embedded default writes `.eml` files under the
/// data directory.
async fn files_app(backend: Backend, extra: &[(&'static str, String)]) -> Option<TestApp> {
    let mut settings = vec![
        ("YINGBIN_MAIL_PER_SECOND", "1000".into()),
        ("YINGBIN_KITCHEN_SHEET_HOUR", "off".into()),
    ];
    settings.extend_from_slice(extra);
    spawn_app_with(backend, &settings).await
}

/// Reception sends one guest their itinerary.
async fn itinerary_to(app: &TestApp, token: &str, guest: i64) {
    let (s, r) = send(
        app,
        Method::POST,
        "/api/v1/mail/send",
        token,
        Some(json!({"kind": "itinerary", "filter": {"guest_ids": [guest]}})),
    )
    .await;
    assert_eq!((s, r["queued"].as_i64()), (200, Some(1)), "{r}");
}

/// Waits until the guest has a message of `kind` in `status`; returns it.
async fn wait_message(app: &TestApp, token: &str, guest: i64, kind: &str, status: &str) -> Value {
    for _ in 0..200 {
        let (_, list) = app
            .get_json(&format!("/api/v1/mail/messages?guest_id={guest}"), token)
            .await;
        if let Some(m) = list["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["kind"] == kind && m["status"] == status)
        {
            return m.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, list) = app
        .get_json(&format!("/api/v1/mail/messages?guest_id={guest}"), token)
        .await;
    panic!("no {kind} message {status} for guest {guest}: {list}");
}

fn decode_qr(png: &[u8]) -> String {
    let img = image::load_from_memory(png).expect("png").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("decodes").1
}

both!(
    pass_over_smtp,
    a_guest_gets_their_pass_by_smtp_and_the_attached_qr_verifies
);
async fn a_guest_gets_their_pass_by_smtp_and_the_attached_qr_verifies(
    backend: Backend,
) -> TestResult {
    let sink = SmtpSink::start();
    let app = spawn_app_with(backend, &smtp_settings(&sink))
        .await
        .ok_or("app")?;
    let (admin, zhang, li) = event(&app).await;
    let (s, body) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/guests/{zhang}"),
        &admin,
        Some(
            json!({"email": "zhang.wei@example.com", "language": "en", "name_latin": "Zhang Wei"}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{body}");

    let (pass, token) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let got = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(
        got.len(),
        1,
        "one message for the one guest with an address"
    );
    assert_eq!(got[0].to, vec!["zhang.wei@example.com".to_string()]);
    let msg = MessageParser::default()
        .parse(&got[0].data)
        .ok_or("parse")?;
    assert_eq!(msg.subject(), Some("Your pass"));
    let from = msg
        .from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .unwrap_or_default();
    assert_eq!(from, "noreply@yingbin.local");
    assert!(
        msg.message_id().is_some_and(|id| id.starts_with("outbox-")),
        "{:?}",
        msg.message_id()
    );
    let text = msg.body_text(0).ok_or("text part")?;
    let html = msg.body_html(0).ok_or("html part")?;
    for part in [&text, &html] {
        assert!(part.contains("Dear Zhang Wei"), "{part}");
        assert!(part.contains("If it is lost"), "{part}");
        // The number the badge prints, so the guest can quote it at the desk.
        assert!(part.contains(&format!("No. {pass}-1")), "{part}");
        // How to reach reception.
        assert!(
            part.contains("+86 28 8888 0000") && part.contains("reception@games.cn"),
            "{part}"
        );
        assert!(
            part.contains("主场馆") || part.contains("A"),
            "zones: {part}"
        );
    }
    assert!(html.contains("cid:qr"), "{html}");
    // The QR inline (for the HTML) and as a PNG file; both decode to the signed token.
    let pngs: Vec<_> = msg
        .attachments()
        .filter(|a| {
            a.content_type()
                .is_some_and(|c| c.ctype() == "image" && c.subtype() == Some("png"))
        })
        .collect();
    assert_eq!(pngs.len(), 2, "inline QR and attachment");
    let file = pngs
        .iter()
        .find(|a| a.attachment_name() == Some("pass-1.png"))
        .ok_or("pass-1.png")?;
    let decoded = decode_qr(file.contents());
    assert_eq!(decoded, token);
    assert!(pngs.iter().any(|a| a.content_id() == Some("qr")));
    let verdict = scan(&app, &admin, &decoded, "G-A").await;
    assert_eq!(verdict["verdict"], "accept", "{verdict}");

    let sent = wait_message(&app, &admin, zhang, "pass", "sent").await;
    assert_eq!(
        (sent["attempts"].as_i64(), sent["subject"].as_str()),
        (Some(1), Some("Your pass"))
    );

    // Revoking tells the guest, once.
    let (s, body) = send(
        &app,
        Method::POST,
        &format!("/api/v1/passes/{pass}/revoke"),
        &admin,
        Some(json!({"reason": "lost"})),
    )
    .await;
    assert_eq!(s, 204, "{body}");
    let got = sink.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2);
    let revoked = MessageParser::default()
        .parse(&got[1].data)
        .ok_or("parse")?;
    assert_eq!(revoked.subject(), Some("Your pass was revoked"));
    assert!(revoked
        .body_text(0)
        .unwrap_or_default()
        .contains("reported lost"));
    assert!(revoked
        .body_text(0)
        .unwrap_or_default()
        .contains(&format!("No. {pass}-1")));
    // 李娜 has no address: nothing was queued for her.
    let (_, hers) = app
        .get_json(&format!("/api/v1/mail/messages?guest_id={li}"), &admin)
        .await;
    assert_eq!(hers["messages"].as_array().map(Vec::len), Some(0), "{hers}");
    // Reception only.
    let greeter = app.user(&admin, "guard7", "security", None).await;
    let (s, _) = send(&app, Method::GET, "/api/v1/mail/messages", &greeter, None).await;
    assert_eq!(s, 403);
    Ok(())
}

both!(
    retries_and_failures,
    a_4xx_is_retried_and_delivered_once_and_a_5xx_fails_with_the_reason
);
async fn a_4xx_is_retried_and_delivered_once_and_a_5xx_fails_with_the_reason(
    backend: Backend,
) -> TestResult {
    let sink = SmtpSink::start();
    sink.fail_next(1);
    sink.reject("bounce@");
    let app = spawn_app_with(backend, &smtp_settings(&sink))
        .await
        .ok_or("app")?;
    let (admin, zhang, li) = event(&app).await;
    send(
        &app,
        Method::PATCH,
        &format!("/api/v1/guests/{zhang}"),
        &admin,
        Some(json!({"email": "zw@example.com"})),
    )
    .await;
    send(
        &app,
        Method::PATCH,
        &format!("/api/v1/guests/{li}"),
        &admin,
        Some(json!({"email": "bounce@example.com"})),
    )
    .await;

    credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let sent = wait_message(&app, &admin, zhang, "pass", "sent").await;
    assert_eq!(
        sent["attempts"].as_i64(),
        Some(2),
        "421 first, then 250: {sent}"
    );
    assert_eq!(sink.refused(), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.accepted().len(), 1, "delivered exactly once");

    itinerary_to(&app, &admin, li).await;
    let failed = wait_message(&app, &admin, li, "itinerary", "failed").await;
    assert!(
        failed["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("550")),
        "{failed}"
    );
    assert_eq!(failed["attempts"].as_i64(), Some(1), "a 5xx is not retried");
    let (_, list) = app
        .get_json("/api/v1/mail/messages?status=failed", &admin)
        .await;
    assert!(list["messages"]
        .as_array()
        .is_some_and(|m| m.iter().any(|m| m["id"] == failed["id"])));
    let (_, status) = app.get_json("/api/v1/mail/status", &admin).await;
    assert_eq!(
        (
            status["transport"].as_str(),
            status["counts"]["failed"].as_i64()
        ),
        (Some("smtp"), Some(1)),
        "{status}"
    );
    assert!(!status["target"].as_str().unwrap_or_default().contains('@'));
    let reception = app.user(&admin, "mailstatus1", "reception", None).await;
    let (_, seen) = app.get_json("/api/v1/mail/status", &reception).await;
    assert_eq!(
        seen["target"], "",
        "reception is not shown the server or folder: {seen}"
    );

    // Reception resends after fixing the address; a sent message cannot be "resent".
    send(
        &app,
        Method::PATCH,
        &format!("/api/v1/guests/{li}"),
        &admin,
        Some(json!({"email": "li.na@example.com"})),
    )
    .await;
    let (s, body) = send(
        &app,
        Method::POST,
        &format!("/api/v1/mail/messages/{}/retry", failed["id"]),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, 200, "{body}");
    wait_message(&app, &admin, li, "itinerary", "sent").await;
    assert!(sink
        .accepted()
        .iter()
        .any(|m| m.to == vec!["li.na@example.com".to_string()]));
    let (s, _) = send(
        &app,
        Method::POST,
        &format!("/api/v1/mail/messages/{}/retry", sent["id"]),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, 409);
    Ok(())
}

/// Guests at CTU on 3U8888 tomorrow 10:00: two with addresses (one English), one without.
pub(crate) async fn travellers(app: &TestApp) -> (String, Vec<i64>, String) {
    let admin = app.admin().await;
    let d1 = (chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(1))
    .to_string();
    let csv = format!(
        "ref,name,name_latin,category,department,email,language,arrival_mode,arrival_no,arrival_hub,arrival_time\n\
         T1,王芳,Wang Fang,delegate,体育局,wang@example.com,zh,flight,3U8888,CTU,{d1} 10:00\n\
         T2,Anna Berg,Anna Berg,journalist,宣传部,anna@example.com,en,flight,3U8888,CTU,{d1} 10:00\n\
         T3,赵敏,,delegate,体育局,,zh,flight,3U8888,CTU,{d1} 10:00\n"
    );
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    // The greeter on duty at CTU, whom the itinerary names.
    let (s, body) = send(
        app,
        Method::POST,
        "/api/v1/users",
        &admin,
        Some(
            json!({"username": "greeter_ctu", "password": crate::common::USER_PASSWORD,
            "role": "greeter", "scope": "CTU", "display_name": "王芳", "phone": "13800138000"}),
        ),
    )
    .await;
    assert_eq!(
        (s, body["display_name"].as_str()),
        (201, Some("王芳")),
        "{body}"
    );
    let (_, page) = app.get_json("/api/v1/guests?limit=10", &admin).await;
    let mut ids: Vec<(String, i64)> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                g["ref"].as_str().unwrap_or_default().to_string(),
                g["id"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    ids.sort();
    (admin, ids.into_iter().map(|(_, id)| id).collect(), d1)
}

fn eml_files(app: &TestApp) -> Vec<Vec<u8>> {
    std::fs::read_dir(app.data_dir.join("mail"))
        .map(|dir| {
            dir.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .filter_map(|e| std::fs::read(e.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

both!(
    itinerary_files,
    itineraries_go_out_in_bulk_with_progress_a_calendar_and_flight_changes
);
async fn itineraries_go_out_in_bulk_with_progress_a_calendar_and_flight_changes(
    backend: Backend,
) -> TestResult {
    let app = files_app(backend, &[]).await.ok_or("app")?;
    let (admin, ids, d1) = travellers(&app).await;
    let (wang, anna, zhao) = (ids[0], ids[1], ids[2]);

    let (s, p) = app
        .get_json(
            &format!("/api/v1/mail/preview?guest_id={wang}&kind=itinerary"),
            &admin,
        )
        .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        (p["subject"].as_str(), p["to"].as_str()),
        (Some("您的行程安排"), Some("wang@example.com"))
    );
    assert!(
        p["text"]
            .as_str()
            .is_some_and(|t| t.contains("3U8888") && t.contains("接站")),
        "{p}"
    );
    assert!(
        p["text"]
            .as_str()
            .is_some_and(|t| t.contains("接站员: 王芳 13800138000")),
        "the greeter's name and phone: {p}"
    );
    assert!(
        p["attachments"]
            .as_array()
            .is_some_and(|a| a.iter().any(|f| f["filename"] == "itinerary.ics")),
        "{p}"
    );
    let (s, p) = app
        .get_json(
            &format!("/api/v1/mail/preview?guest_id={anna}&kind=itinerary"),
            &admin,
        )
        .await;
    assert_eq!((s, p["subject"].as_str()), (200, Some("Your itinerary")));
    assert!(
        p["text"]
            .as_str()
            .is_some_and(|t| t.contains("breakfast runs until 10:00") && t.contains("22:00–24:00")),
        "journalists eat anywhere: {p}"
    );
    let (s, _) = app
        .get_json(
            &format!("/api/v1/mail/preview?guest_id={wang}&kind=pass"),
            &admin,
        )
        .await;
    assert_eq!(s, 422, "no pass issued yet");
    let (s, _) = app
        .get_json(
            &format!("/api/v1/mail/preview?guest_id={zhao}&kind=itinerary"),
            &admin,
        )
        .await;
    assert_eq!(s, 422, "no address");
    let (s, _) = app
        .get_json(
            "/api/v1/mail/preview?guest_id=999999&kind=itinerary",
            &admin,
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .get_json(
            &format!("/api/v1/mail/preview?guest_id={wang}&kind=poem"),
            &admin,
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/mail/send",
        &admin,
        Some(json!({"kind": "roster"})),
    )
    .await;
    assert_eq!(s, 422);

    let (s, dry) = send(
        &app,
        Method::POST,
        "/api/v1/mail/send",
        &admin,
        Some(json!({"kind": "itinerary", "dry_run": true})),
    )
    .await;
    assert_eq!(s, 200, "{dry}");
    assert_eq!(
        (
            dry["queued"].as_i64(),
            dry["no_email"].as_i64(),
            dry["batch_id"].as_i64()
        ),
        (Some(2), Some(1), None)
    );
    let (_, en) = send(
        &app,
        Method::POST,
        "/api/v1/mail/send",
        &admin,
        Some(json!({"kind": "itinerary", "filter": {"language": "en"}, "dry_run": true})),
    )
    .await;
    assert_eq!(en["queued"].as_i64(), Some(1), "{en}");
    let (s, sent) = send(
        &app,
        Method::POST,
        "/api/v1/mail/send",
        &admin,
        Some(json!({"kind": "itinerary", "unsent_only": true})),
    )
    .await;
    assert_eq!(s, 200, "{sent}");
    let batch = sent["batch_id"].as_i64().ok_or("batch")?;
    let mut progress = Value::Null;
    for _ in 0..200 {
        progress = app
            .get_json(&format!("/api/v1/mail/batches/{batch}"), &admin)
            .await
            .1;
        if progress["sent"].as_i64() == Some(2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        (
            progress["total"].as_i64(),
            progress["sent"].as_i64(),
            progress["queued"].as_i64()
        ),
        (Some(2), Some(2), Some(0)),
        "{progress}"
    );
    let (_, again) = send(
        &app,
        Method::POST,
        "/api/v1/mail/send",
        &admin,
        Some(json!({"kind": "itinerary", "unsent_only": true})),
    )
    .await;
    assert_eq!(
        (again["queued"].as_i64(), again["already"].as_i64()),
        (Some(0), Some(2)),
        "{again}"
    );

    let files = eml_files(&app);
    assert_eq!(files.len(), 2);
    for data in &files {
        let msg = MessageParser::default().parse(data).ok_or("parse")?;
        let ics = msg
            .attachments()
            .find(|a| a.attachment_name() == Some("itinerary.ics"))
            .ok_or("ics")?;
        let cal = String::from_utf8_lossy(ics.contents());
        assert!(
            cal.contains("BEGIN:VEVENT") && cal.contains("3U8888"),
            "{cal}"
        );
        // 10:00 in Shanghai is 02:00 UTC.
        assert!(
            cal.contains(&format!("DTSTART:{}T020000Z", d1.replace('-', ""))),
            "{cal}"
        );
        assert!(msg.body_html(0).is_some() && msg.body_text(0).is_some());
    }
    let (_, status) = app.get_json("/api/v1/mail/status", &admin).await;
    assert_eq!(status["transport"], "files", "{status}");

    // The flight is delayed: both travellers with an address hear of it, with the new time.
    let (s, t) = send(
        &app,
        Method::POST,
        "/api/v1/trips/update",
        &admin,
        Some(json!({"number": "3U8888", "date": d1, "hub": "CTU", "expected_time": "14:35"})),
    )
    .await;
    assert_eq!(s, 200, "{t}");
    let change = wait_message(&app, &admin, anna, "flight_change", "sent").await;
    assert_eq!(change["subject"], "Change to 3U8888");
    wait_message(&app, &admin, wang, "flight_change", "sent").await;
    let files = eml_files(&app);
    assert_eq!(files.len(), 4);
    assert!(
        files.iter().any(|f| {
            let m = MessageParser::default().parse(f);
            m.and_then(|m| {
                m.body_text(0)
                    .map(|t| t.contains("14:35") && t.contains("10:00"))
            })
            .unwrap_or(false)
        }),
        "new and old time"
    );
    Ok(())
}

both!(
    several_instances,
    several_instances_on_one_database_never_send_a_message_twice
);
async fn several_instances_on_one_database_never_send_a_message_twice(
    backend: Backend,
) -> TestResult {
    let sink = SmtpSink::start();
    let settings = smtp_settings(&sink);
    let app = spawn_app_with(backend, &settings).await.ok_or("app")?;
    // Two more instances, each with its own worker, on the same database.
    for _ in 0..2 {
        start_instance(&app.database_url, &app.data_dir, &settings);
    }
    let admin = app.admin().await;
    let mut csv = String::from("ref,name,department,email\n");
    for i in 0..300 {
        csv.push_str(&format!("M{i},宾客{i},体育局,guest{i}@example.com\n"));
    }
    let (s, body) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{body}");
    let (s, r) = send(
        &app,
        Method::POST,
        "/api/v1/mail/send",
        &admin,
        Some(json!({"kind": "itinerary"})),
    )
    .await;
    assert_eq!((s, r["queued"].as_i64()), (200, Some(300)), "{r}");
    let got = sink.wait_for(300, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got_all = sink.accepted();
    assert_eq!(got.len().max(got_all.len()), 300, "each message once");
    let ids: BTreeSet<String> = got_all
        .iter()
        .filter_map(|m| {
            MessageParser::default()
                .parse(&m.data)
                .and_then(|p| p.message_id().map(str::to_string))
        })
        .collect();
    assert_eq!(ids.len(), 300, "300 distinct messages");
    let to: BTreeSet<&String> = got_all.iter().flat_map(|m| &m.to).collect();
    assert_eq!(to.len(), 300, "every guest once");
    Ok(())
}

both!(
    restart,
    queued_mail_survives_a_restart_and_an_interrupted_send_is_not_repeated
);
async fn queued_mail_survives_a_restart_and_an_interrupted_send_is_not_repeated(
    backend: Backend,
) -> TestResult {
    use diesel::prelude::*;
    use yingbin::db::schema::outbox;
    let sink = SmtpSink::start();
    let mut settings = smtp_settings(&sink);
    settings.push(("YINGBIN_MAIL_WORKER", "false".into()));
    let app = spawn_app_with(backend, &settings).await.ok_or("app")?;
    let (admin, ids, _) = travellers(&app).await;
    let (s, r) = send(
        &app,
        Method::POST,
        "/api/v1/mail/send",
        &admin,
        Some(json!({"kind": "itinerary"})),
    )
    .await;
    assert_eq!((s, r["queued"].as_i64()), (200, Some(2)), "{r}");
    // An instance that died mid-way: one message claimed, never handed over; one handed to
    // the server when it died.
    let stale = yingbin::time::now_utc() - chrono::Duration::minutes(10);
    {
        let mut conn = app.pool.get()?;
        let rows: Vec<i64> = outbox::table
            .order(outbox::id)
            .select(outbox::id)
            .load(&mut conn)?;
        diesel::update(outbox::table.find(rows[0]))
            .set((
                outbox::status.eq("claimed"),
                outbox::claimed_by.eq("dead-1"),
                outbox::claimed_at.eq(stale),
            ))
            .execute(&mut conn)?;
        diesel::update(outbox::table.find(rows[1]))
            .set((
                outbox::status.eq("sending"),
                outbox::claimed_by.eq("dead-1"),
                outbox::claimed_at.eq(stale),
                outbox::attempts.eq(1),
            ))
            .execute(&mut conn)?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sink.accepted().is_empty(), "this instance does not send");
    // The restarted service (a worker this time) picks up where the dead one stopped.
    let worker: Vec<(&str, String)> = smtp_settings(&sink);
    start_instance(&app.database_url, &app.data_dir, &worker);
    let got = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1, "the claimed message is sent");
    let lost = wait_message(&app, &admin, ids[1], "itinerary", "failed").await;
    assert!(
        lost["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("may have been delivered")),
        "{lost}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sink.accepted().len(),
        1,
        "the interrupted one is not sent again on its own"
    );
    Ok(())
}

both!(lists, kitchens_and_inspectors_get_their_lists_with_files);
async fn kitchens_and_inspectors_get_their_lists_with_files(backend: Backend) -> TestResult {
    let sink = SmtpSink::start();
    let app = spawn_app_with(backend, &smtp_settings(&sink))
        .await
        .ok_or("app")?;
    let admin = app.admin().await;
    let (s, b) = send(&app, Method::POST, "/api/v1/dining-points", &admin,
        Some(json!({"code": "MAIN", "name": "主场馆餐厅", "seats": 300, "halal": true, "email": "kitchen@venue.example.com"}))).await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/dining-points",
        &admin,
        Some(json!({"code": "SIDE", "name": "侧厅", "seats": 50, "email": "not an address"})),
    )
    .await;
    assert_eq!(
        (s, b["details"][0]["field"].as_str()),
        (422, Some("email")),
        "{b}"
    );
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/inspectors",
        &admin,
        Some(json!({"name": "刘检", "certificate_no": "SC-1", "email": "liu@health.example.com"})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["email"], "liu@health.example.com");

    let day = (chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        + chrono::Duration::days(1))
    .to_string();
    let (s, q) = send(
        &app,
        Method::POST,
        "/api/v1/mail/kitchen-sheets",
        &admin,
        Some(json!({"day": day})),
    )
    .await;
    assert_eq!((s, q["queued"].as_i64()), (200, Some(1)), "{q}");
    // Generating the roster mails every inspector theirs.
    let (s, r) = send(
        &app,
        Method::POST,
        &format!("/api/v1/hygiene/roster/generate?from={day}&to={day}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let got = sink.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2);
    let parsed: Vec<_> = got
        .iter()
        .filter_map(|m| MessageParser::default().parse(&m.data))
        .collect();
    let kitchen = parsed
        .iter()
        .find(|m| m.subject().is_some_and(|s| s.contains("厨房单")))
        .ok_or("kitchen sheet")?;
    let csv = kitchen
        .attachments()
        .find(|a| a.attachment_name() == Some(format!("kitchen-MAIN-{day}.csv").as_str()))
        .ok_or("csv")?;
    assert!(
        csv.contents().starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 with BOM"
    );
    let roster = parsed
        .iter()
        .find(|m| m.subject().is_some_and(|s| s.contains("Inspection roster")))
        .ok_or("roster")?;
    assert!(roster.body_text(0).is_some_and(|t| t.contains("刘检")));
    let (s, _) = send(&app, Method::POST, "/api/v1/mail/rosters", &admin, None).await;
    assert_eq!(s, 200);
    Ok(())
}

both!(
    pickup_changes,
    a_changed_car_is_told_once_to_the_guests_who_were_told_of_it
);
async fn a_changed_car_is_told_once_to_the_guests_who_were_told_of_it(
    backend: Backend,
) -> TestResult {
    // A short hold, so the test sees edits within it coalesce and one that undoes the change
    // leave nothing to send.
    let app = files_app(backend, &[("YINGBIN_MAIL_CHANGE_HOLD_SECS", "5".into())])
        .await
        .ok_or("app")?;
    let (admin, ids, d1) = travellers(&app).await;
    let (wang, anna) = (ids[0], ids[1]);
    let mut cars = Vec::new();
    for (plate, driver, phone) in [
        ("川A10001", "张师傅", "13900000001"),
        ("川A20002", "李师傅", "13900000002"),
    ] {
        let (s, car) = send(
            &app,
            Method::POST,
            "/api/v1/vehicles",
            &admin,
            Some(json!({"plate": plate, "seats": 7, "driver_name": driver, "driver_phone": phone})),
        )
        .await;
        assert_eq!(s, 201, "{car}");
        cars.push(car["id"].as_i64().ok_or("car id")?);
    }
    let (s, plan) = send(
        &app,
        Method::POST,
        "/api/v1/runs/plan",
        &admin,
        Some(json!({"hub": "CTU", "date": d1})),
    )
    .await;
    assert_eq!((s, plan["runs"].as_i64()), (200, Some(1)), "{plan}");
    let (_, runs) = app
        .get_json(&format!("/api/v1/runs?date={d1}"), &admin)
        .await;
    let run = runs[0]["id"].as_i64().ok_or("run")?;
    let set_car = |car: i64| {
        let app = &app;
        let admin = &admin;
        async move {
            let (s, r) = send(
                app,
                Method::POST,
                &format!("/api/v1/runs/{run}/vehicle"),
                admin,
                Some(json!({"vehicle_id": car})),
            )
            .await;
            assert_eq!(s, 200, "{r}");
        }
    };
    let changes_of = |guest: i64| {
        let app = &app;
        let admin = &admin;
        async move {
            let (_, list) = app
                .get_json(&format!("/api/v1/mail/messages?guest_id={guest}"), admin)
                .await;
            list["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|m| m["kind"] == "pickup_change")
                .map(|m| m["status"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        }
    };
    // Nobody has been written to yet: a car for the run tells no one (the itinerary will).
    set_car(cars[0]).await;
    assert!(changes_of(wang).await.is_empty());

    // Wang gets the itinerary; Anna does not.
    itinerary_to(&app, &admin, wang).await;
    wait_message(&app, &admin, wang, "itinerary", "sent").await;

    // Another car, then back within the hold: one message waited, and it is cancelled.
    set_car(cars[1]).await;
    set_car(cars[0]).await;
    assert_eq!(
        changes_of(wang).await,
        vec!["queued"],
        "one message for both edits"
    );
    let undone = wait_message(&app, &admin, wang, "pickup_change", "cancelled").await;
    assert!(
        undone["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("as the guest was last told")),
        "{undone}"
    );
    assert!(
        changes_of(anna).await.is_empty(),
        "Anna was never told of a car"
    );

    // Another car, and then its driver changes within the hold: one message, the final car.
    set_car(cars[1]).await;
    let (s, v) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/vehicles/{}", cars[1]),
        &admin,
        Some(json!({"driver_name": "王师傅", "driver_phone": "13900000003"})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let sent = wait_message(&app, &admin, wang, "pickup_change", "sent").await;
    assert_eq!(sent["subject"], "接站车辆变动", "{sent}");
    assert_eq!(
        changes_of(wang)
            .await
            .iter()
            .filter(|s| *s == "sent")
            .count(),
        1,
        "one message for the car and its driver"
    );
    let files = eml_files(&app);
    let letter = files
        .iter()
        .filter_map(|f| MessageParser::default().parse(f))
        .find(|m| m.subject() == Some("接站车辆变动"))
        .ok_or("the pickup change .eml")?;
    let text = letter.body_text(0).ok_or("text")?.to_string();
    assert!(
        text.contains("川A10001 · 张师傅 13900000001")
            && text.contains("川A20002 · 王师傅 13900000003"),
        "the car before and now, with the new driver: {text}"
    );
    assert!(
        letter
            .attachments()
            .any(|a| a.attachment_name() == Some("pickup.ics")),
        "the pickup in a calendar file"
    );

    // Taken out of the run: told there is no car for now.
    let (s, r) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{run}/guests"),
        &admin,
        Some(json!({"remove": [wang]})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    wait_sent_changes(&app, &admin, wang, 2).await;
    let texts: Vec<String> = eml_files(&app)
        .iter()
        .filter_map(|f| MessageParser::default().parse(f))
        .filter(|m| m.subject() == Some("接站车辆变动"))
        .filter_map(|m| m.body_text(0).map(|t| t.to_string()))
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("尚未安排车辆")),
        "no car now: {texts:?}"
    );

    // Back in the run, and then its car is taken out of the pool: told the car is to come.
    let (s, r) = send(
        &app,
        Method::POST,
        &format!("/api/v1/runs/{run}/guests"),
        &admin,
        Some(json!({"add": [wang]})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    wait_sent_changes(&app, &admin, wang, 3).await;
    let (s, _) = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/vehicles/{}", cars[1]),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, 204);
    wait_sent_changes(&app, &admin, wang, 4).await;
    let last = eml_files(&app)
        .iter()
        .filter_map(|f| MessageParser::default().parse(f))
        .filter(|m| m.subject() == Some("接站车辆变动"))
        .filter_map(|m| m.body_text(0).map(|t| t.to_string()))
        .find(|t| t.contains("车辆待定"));
    assert!(
        last.as_deref()
            .is_some_and(|t| t.contains("川A20002 · 王师傅")),
        "the car before, and none now: {last:?}"
    );
    Ok(())
}

/// Waits until the guest has had `n` pickup changes sent.
async fn wait_sent_changes(app: &TestApp, token: &str, guest: i64, n: usize) {
    let mut seen = 0;
    for _ in 0..200 {
        let (_, list) = app
            .get_json(&format!("/api/v1/mail/messages?guest_id={guest}"), token)
            .await;
        seen = list["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["kind"] == "pickup_change" && m["status"] == "sent")
            .count();
        if seen == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{seen} pickup changes sent to guest {guest}, not {n}");
}

both!(
    english_places,
    an_english_speaking_guest_reads_the_station_meeting_point_and_hotel_in_english
);
async fn an_english_speaking_guest_reads_the_station_meeting_point_and_hotel_in_english(
    backend: Backend,
) -> TestResult {
    let app = spawn_app_with(backend, &[]).await.ok_or("app")?;
    let e = crate::arrangements::event(&app).await;
    let admin = e.admin.clone();
    let ok = |s: u16, b: &Value| assert!((200..300).contains(&s), "{s} {b}");

    // Reception gives the places their English names.
    let (s, b) = send(
        &app,
        Method::PATCH,
        "/api/v1/hotels/TEAM",
        &admin,
        Some(json!({"name_en": "Athletes' Village", "address_en": "1 Tiyucun Road"})),
    )
    .await;
    ok(s, &b);
    let ctu = app.hub(&admin, "CTU").await["id"].as_i64().ok_or("CTU")?;
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hubs/{ctu}"),
        &admin,
        Some(
            json!({"name_en": "Chengdu Shuangliu Airport", "meeting_point": "T2 到达厅 B 出口",
                    "meeting_point_en": "T2 Arrivals, exit B"}),
        ),
    )
    .await;
    ok(s, &b);
    let (s, b) = send(
        &app,
        Method::POST,
        "/api/v1/dining-points",
        &admin,
        Some(
            json!({"code": "TEAM-D", "name": "运动员村餐厅", "name_en": "Village Dining Hall",
                    "hotel": "TEAM", "seats": 200}),
        ),
    )
    .await;
    ok(s, &b);
    let (_, points) = app.get_json("/api/v1/dining-points", &admin).await;
    assert!(
        points
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["code"] == "TEAM-D" && p["name_en"] == "Village Dining Hall"),
        "{points}"
    );
    let (_, hotels) = app.get_json("/api/v1/hotels", &admin).await;
    assert!(
        hotels
            .as_array()
            .into_iter()
            .flatten()
            .any(|h| h["code"] == "TEAM"
                && h["name_en"] == "Athletes' Village"
                && h["address_en"] == "1 Tiyucun Road"),
        "{hotels}"
    );
    let preview = |guest: i64| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let (s, p) = app
                .get_json(
                    &format!("/api/v1/mail/preview?guest_id={guest}&kind=itinerary"),
                    &admin,
                )
                .await;
            assert_eq!(s, 200, "{p}");
            p["text"].as_str().unwrap_or_default().to_string()
        }
    };

    // The greeters' board at CTU shows both, so a greeter can point an English-speaking guest
    // to what their itinerary says.
    let (s, board) = app
        .get_json(&format!("/api/v1/board?hub={ctu}"), &admin)
        .await;
    assert_eq!(s, 200, "{board}");
    assert_eq!(
        (
            board["hub"]["meeting_point"].as_str(),
            board["hub"]["meeting_point_en"].as_str()
        ),
        (Some("T2 到达厅 B 出口"), Some("T2 Arrivals, exit B")),
        "{board}"
    );

    // A Chinese-speaking guest reads the Chinese names.
    let zh = preview(e.d1).await;
    assert!(
        zh.contains("TEAM宾馆") && zh.contains("T2 到达厅 B 出口"),
        "{zh}"
    );
    assert!(!zh.contains("Athletes") && !zh.contains("exit B"), "{zh}");

    // The same guest, English-speaking, reads every place in English.
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/guests/{}", e.d1),
        &admin,
        Some(json!({"language": "en", "name_latin": "Li Na"})),
    )
    .await;
    ok(s, &b);
    let en = preview(e.d1).await;
    for place in [
        "Athletes' Village",
        "1 Tiyucun Road",
        "Chengdu Shuangliu Airport",
        "T2 Arrivals, exit B",
    ] {
        assert!(en.contains(place), "{place}: {en}");
    }
    assert!(
        !en.contains("TEAM宾馆") && !en.contains("到达厅"),
        "no Chinese place names: {en}"
    );

    // A name cleared falls back to the Chinese one; an absent field is left alone.
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hubs/{ctu}"),
        &admin,
        Some(json!({"name_en": ""})),
    )
    .await;
    ok(s, &b);
    let hub = app.hub(&admin, "CTU").await;
    assert_eq!(
        (hub["name_en"].is_null(), hub["meeting_point_en"].as_str()),
        (true, Some("T2 Arrivals, exit B")),
        "{hub}"
    );
    let en = preview(e.d1).await;
    assert!(!en.contains("Chengdu Shuangliu Airport"), "{en}");

    // Over the limit is refused, naming the field.
    let (s, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hubs/{ctu}"),
        &admin,
        Some(json!({"meeting_point_en": "x".repeat(201)})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b.to_string().contains("meeting_point_en"), "{b}");
    Ok(())
}
