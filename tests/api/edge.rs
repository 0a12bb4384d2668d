//! The edge of the API under bad input and login abuse (issue 17): control characters and
//! over-long text are 422 naming the field (never 500, nothing written), every error is the
//! JSON envelope, a CSV's shape bounds its cost, and sign-in throttling slows the attacker,
//! not the victim.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{json_of, send, spawn_app_with, Backend, TestApp, TestResult, ADMIN_PASSWORD};
use crate::on_both_backends;

/// The field a 422 names.
fn field_of(body: &Value) -> &str {
    body["details"][0]["field"].as_str().unwrap_or("")
}

async fn control_characters_anywhere_are_422_naming_the_field_and_write_nothing(
    app: TestApp,
) -> TestResult {
    let admin = app.admin().await;
    let scan = |nonce: &str, device: &str| json!({"payload": "x", "point": "NOWHERE", "nonce": nonce, "device": device});
    let bodies: [(&str, &str, Value, &str); 5] = [
        ("scan nonce", "/api/v1/scans", scan("n\u{0}1", "d"), "nonce"),
        (
            "scan device",
            "/api/v1/scans",
            scan("n1", "d\u{0}"),
            "device",
        ),
        (
            "scan payload",
            "/api/v1/scans",
            json!({"payload": "a\u{1b}b", "point": "P"}),
            "payload",
        ),
        (
            "department",
            "/api/v1/departments",
            json!({"name": "d\u{0}"}),
            "name",
        ),
        (
            "delete char",
            "/api/v1/departments",
            json!({"name": "d\u{7f}"}),
            "name",
        ),
    ];
    for (label, path, body, field) in bodies {
        let (status, answer) = send(&app, Method::POST, path, &admin, Some(body)).await;
        assert_eq!(
            (status, field_of(&answer)),
            (422, field),
            "{label}: {answer}"
        );
        assert_eq!(answer["error"], "validation_failed", "{label}");
    }
    let (status, answer) = json_of(
        app.req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": "ad\u{0}min", "password": ADMIN_PASSWORD}))
            .send()
            .await?,
    )
    .await;
    assert_eq!((status, field_of(&answer)), (422, "username"), "{answer}");

    for (label, path, field) in [
        ("guest search", "/api/v1/guests?q=%00", "q"),
        ("coupon point", "/api/v1/meal-coupons?point=%00", "point"),
        (
            "release status",
            "/api/v1/releases?status=open%00",
            "status",
        ),
        ("a tab in a one-line filter", "/api/v1/guests?q=a%09b", "q"),
        (
            "path segment",
            "/api/v1/dining-points/%00/kitchen-sheet",
            "path",
        ),
    ] {
        let (status, answer) = app.get_json(path, &admin).await;
        assert_eq!(
            (status, field_of(&answer)),
            (422, field),
            "{label}: {answer}"
        );
    }
    // The message is in the caller's language.
    let r = app
        .req(Method::GET, "/api/v1/guests?q=%00", Some(&admin))
        .header("Accept-Language", "en")
        .send()
        .await?;
    let (_, answer) = json_of(r).await;
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("control character")),
        "{answer}"
    );

    // Nothing was written: no department, no scan logged.
    let (_, departments) = app.get_json("/api/v1/departments", &admin).await;
    assert_eq!(
        departments.as_array().map(Vec::len),
        Some(0),
        "{departments}"
    );
    let (_, scans) = app.get_json("/api/v1/scans?limit=100", &admin).await;
    let logged = scans["items"].as_array().map_or(0, Vec::len);
    assert_eq!(logged, 0, "{scans}");

    // Ordinary text still goes through.
    let (status, answer) = send(
        &app,
        Method::POST,
        "/api/v1/departments",
        &admin,
        Some(json!({"name": "外事办"})),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    Ok(())
}
on_both_backends!(
    control_characters,
    control_characters_anywhere_are_422_naming_the_field_and_write_nothing
);

async fn over_long_nonce_and_device_are_422(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let long = "n".repeat(101);
    for (label, body, field) in [
        (
            "nonce",
            json!({"payload": "x", "point": "P", "nonce": long, "device": "d"}),
            "nonce",
        ),
        (
            "device",
            json!({"payload": "x", "point": "P", "nonce": "n", "device": long}),
            "device",
        ),
        ("any text", json!({"name": "x".repeat(1_001)}), "name"),
    ] {
        let path = if label == "any text" {
            "/api/v1/departments"
        } else {
            "/api/v1/scans"
        };
        let (status, answer) = send(&app, Method::POST, path, &admin, Some(body)).await;
        assert_eq!(
            (status, field_of(&answer)),
            (422, field),
            "{label}: {answer}"
        );
        assert_eq!(answer["details"][0]["code"], "too_long", "{label}");
    }
    Ok(())
}
on_both_backends!(long_text, over_long_nonce_and_device_are_422);

async fn bodies_over_the_limit_are_413_in_the_json_envelope(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    // The tests' upload limit is 2 MB.
    let big = vec![b'a'; 3 * 1024 * 1024];
    for (label, method, path, content_type) in [
        ("import", Method::POST, "/api/v1/guests/import", "text/csv"),
        ("scan", Method::POST, "/api/v1/scans", "application/json"),
        ("photo", Method::PUT, "/api/v1/guests/1/photo", "image/jpeg"),
    ] {
        let r = app
            .req(method, path, Some(&admin))
            .header("Content-Type", content_type)
            .body(big.clone())
            .send()
            .await?;
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let (status, answer) = json_of(r).await;
        assert_eq!(status, 413, "{label}");
        assert!(kind.contains("application/json"), "{label}: {kind}");
        assert_eq!(answer["error"], "too_large", "{label}: {answer}");
    }
    Ok(())
}
on_both_backends!(
    too_large,
    bodies_over_the_limit_are_413_in_the_json_envelope
);

async fn a_csv_of_a_million_cells_is_refused_at_once_with_a_small_answer(
    app: TestApp,
) -> TestResult {
    let admin = app.admin().await;
    let wide_header = format!("ref{}\n1{}\n", ",".repeat(999_999), ",x".repeat(100));
    let unknown_header = "a,".repeat(500_000);
    let wide_row = format!("ref,name,department\n{}\n", "x,".repeat(700_000));
    let mut many_bad_rows = String::from("ref,name,department,category\n");
    for i in 0..5_000 {
        many_bad_rows.push_str(&format!("R{i},,D,king\n"));
    }
    // Past the first bytes (a NUL there is "a binary file"), on line 3.
    let nul_cell = format!(
        "ref,name,department,notes\nR1,李娜,外事办,{}\nR2,张{}伟,外事办,\n",
        "备注".repeat(2_000),
        '\u{0}'
    );
    for (label, csv) in [
        ("a header of a million cells", wide_header),
        ("a header of half a million unknown columns", unknown_header),
        ("a row of 700,000 cells", wide_row),
        ("5,000 bad rows", many_bad_rows),
        ("a NUL in a cell", nul_cell),
    ] {
        let response = app
            .req(
                Method::POST,
                "/api/v1/guests/import?dry_run=true",
                Some(&admin),
            )
            .header("Content-Type", "text/csv")
            .header("Accept-Language", "en")
            .body(csv)
            .send()
            .await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        assert_eq!(status, 422, "{label}");
        assert!(bytes.len() < 64 * 1024, "{label}: {} bytes", bytes.len());
        let answer: Value = serde_json::from_slice(&bytes)?;
        if label == "5,000 bad rows" {
            let errors = answer["errors"].as_array().map_or(0, Vec::len);
            assert!(errors <= 101, "{label}: {errors} listed");
            assert!(answer["errors_omitted"].as_u64() > Some(0), "{label}");
            assert_eq!(answer["rows"], 5_000, "{label}");
        }
        if label == "a NUL in a cell" {
            assert_eq!(answer["errors"][0]["line"], 3, "{answer}");
            assert_eq!(answer["errors"][0]["column"], "name", "{answer}");
        }
    }
    assert_eq!(app.guest_total(&admin).await, 0);
    Ok(())
}
on_both_backends!(
    csv_bounds,
    a_csv_of_a_million_cells_is_refused_at_once_with_a_small_answer
);

async fn the_forecast_and_the_import_answer_as_the_document_says(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let (status, forecast) = app.get_json("/api/v1/meals/forecast", &admin).await;
    assert_eq!(status, 200, "{forecast}");
    assert!(forecast["rows"].is_array(), "{forecast}");
    let (_, doc) = app.get_json("/api/v1/openapi.json", &admin).await;
    let schema = &doc["paths"]["/api/v1/meals/forecast"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"]["$ref"];
    let name = schema
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or("");
    assert_eq!(
        doc["components"]["schemas"][name]["properties"]["rows"]["type"], "array",
        "{schema}"
    );
    let import = &doc["paths"]["/api/v1/guests/import"]["post"]["responses"];
    for status in ["200", "400", "413", "422"] {
        assert!(import[status].is_object(), "import declares {status}");
    }
    // An empty import body is the declared envelope.
    let (status, answer) = app.import(&admin, Vec::new(), true).await;
    assert_eq!(status, 422);
    assert!(
        answer["error"].is_string() && answer["message"].is_string(),
        "{answer}"
    );
    Ok(())
}
on_both_backends!(
    documented_shapes,
    the_forecast_and_the_import_answer_as_the_document_says
);

async fn login_from(app: &TestApp, from: &str, username: &str, password: &str) -> (u16, Value) {
    json_of(
        app.req(Method::POST, "/api/v1/auth/login", None)
            .header("X-Forwarded-For", from)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login"),
    )
    .await
}

/// The audit log's `throttle` entries.
async fn throttle_entries(app: &TestApp, admin: &str) -> Vec<Value> {
    let (_, page) = app.get_json("/api/v1/audit?limit=500", admin).await;
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|e| e["action"] == "throttle")
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

async fn an_attacker_slows_themselves_not_the_victim(app: TestApp) -> TestResult {
    let (desk, attacker, stranger) = ("10.0.0.2", "10.0.0.1", "10.0.0.3");
    // The admin signs in every day from the desk.
    let (status, body) = login_from(&app, desk, "admin", ADMIN_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let admin = body["token"].as_str().unwrap_or_default().to_string();

    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            login_from(&app, attacker, "admin", "wrong-password-1")
                .await
                .0,
        );
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 401, 429],
        "the attacker is slowed"
    );
    // The attacker, even with the right password, waits; so does an address that never
    // signed in to the account; the desk signs in (which clears the account's failures).
    let (status, body) = login_from(&app, attacker, "admin", ADMIN_PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains("秒")),
        "zh: {body}"
    );
    assert_eq!(
        login_from(&app, stranger, "admin", ADMIN_PASSWORD).await.0,
        429
    );
    assert_eq!(login_from(&app, desk, "admin", ADMIN_PASSWORD).await.0, 200);
    assert_eq!(
        login_from(&app, attacker, "admin", ADMIN_PASSWORD).await.0,
        429
    );

    // An unknown name is throttled like a known one, from any address.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let from = format!("10.0.1.{i}");
        statuses.push(
            login_from(&app, &from, "nobody", "wrong-password-1")
                .await
                .0,
        );
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 401, 429],
        "unknown names too"
    );
    let (status, body) = login_from(&app, "10.0.1.99", "nobody", "x").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("too_many_attempts"))
    );

    // Every lock is in the audit log.
    let entries = throttle_entries(&app, &admin).await;
    assert!(entries.iter().any(|e| e["entity"] == "user"), "{entries:?}");
    assert!(
        entries.iter().any(|e| e["entity"] == "login"),
        "{entries:?}"
    );
    Ok(())
}

async fn simultaneous_wrong_passwords_each_count(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    app.user(&admin, "gate1", "security", None).await;
    let tries = (0..16).map(|i| {
        let app = &app;
        async move {
            login_from(app, &format!("10.0.2.{i}"), "gate1", "wrong-password-1")
                .await
                .0
        }
    });
    let statuses = futures_util::future::join_all(tries).await;
    let refused = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(
        refused + statuses.iter().filter(|s| **s == 429).count(),
        16,
        "{statuses:?}"
    );
    // The account's failures as the throttle counted them: the highest count logged.
    let counted = throttle_entries(&app, &admin)
        .await
        .iter()
        .filter(|e| e["detail"]["username"] == "gate1" && e["detail"]["locked"] == "account")
        .filter_map(|e| e["detail"]["failures"].as_u64())
        .max();
    assert_eq!(counted, Some(refused as u64), "{statuses:?}");
    Ok(())
}

macro_rules! behind_a_proxy {
    ($name:ident, $scenario:path) => {
        mod $name {
            use super::*;

            async fn app_on(backend: Backend) -> Option<TestApp> {
                spawn_app_with(
                    backend,
                    &[("YINGBIN_TRUSTED_PROXY", "127.0.0.1".to_string())],
                )
                .await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> TestResult {
                $scenario(app_on(Backend::Sqlite).await.expect("sqlite")).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> TestResult {
                match app_on(Backend::Postgres).await {
                    Some(app) => $scenario(app).await,
                    None => Ok(()),
                }
            }
        }
    };
}
behind_a_proxy!(login_abuse, an_attacker_slows_themselves_not_the_victim);
behind_a_proxy!(login_counting, simultaneous_wrong_passwords_each_count);

/// Every error speaks the caller's language: Chinese by default, English when asked; the same
/// code either way.
async fn errors_are_in_the_callers_language(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let zone = json!({"code": "A", "name": "主场馆", "color": "#c0392b"});
    let (s, _) = send(
        &app,
        Method::POST,
        "/api/v1/zones",
        &admin,
        Some(zone.clone()),
    )
    .await;
    assert_eq!(s, 201);
    let ask = |method: Method, path: &str, token: Option<&str>, lang: &str, body: Option<Value>| {
        let mut r = app.req(method, path, token).header("Accept-Language", lang);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send()
    };
    for (label, method, path, token, body, zh, en) in [
        (
            "401",
            Method::GET,
            "/api/v1/guests",
            None,
            None,
            "请先登录",
            "sign in first",
        ),
        (
            "404",
            Method::GET,
            "/api/v1/guests/999999",
            Some(admin.as_str()),
            None,
            "未找到来宾",
            "guest not found",
        ),
        (
            "409",
            Method::POST,
            "/api/v1/zones",
            Some(admin.as_str()),
            Some(zone.clone()),
            "该区域代码已存在",
            "zone A exists",
        ),
        (
            "422",
            Method::POST,
            "/api/v1/zones",
            Some(admin.as_str()),
            Some(json!({"code": "B", "name": "新闻中心", "color": "red"})),
            "颜色须为 #rrggbb 格式",
            "color must be #rrggbb",
        ),
    ] {
        let (s_zh, b_zh) =
            json_of(ask(method.clone(), path, token, "zh-CN,zh;q=0.9", body.clone()).await?).await;
        let (s_en, b_en) = json_of(ask(method, path, token, "en-GB,en;q=0.8", body).await?).await;
        assert_eq!(
            (s_zh, &b_zh["error"]),
            (s_en, &b_en["error"]),
            "{label}: one code in both"
        );
        assert_eq!(b_zh["message"], zh, "{label}: {b_zh}");
        assert_eq!(b_en["message"], en, "{label}: {b_en}");
    }
    Ok(())
}

on_both_backends!(error_language, errors_are_in_the_callers_language);
