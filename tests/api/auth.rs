//! Signing in and out, sessions, users, throttling and the audit log.

use reqwest::Method;
use serde_json::json;

use crate::common::{json_of, TestApp, TestResult, ADMIN_PASSWORD, USER_PASSWORD};
use crate::on_both_backends;

async fn sign_in_gives_a_token_and_a_strict_http_only_cookie(app: TestApp) -> TestResult {
    let response = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cookie.starts_with("yingbin_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["user"]["username"], "admin");
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"].get("password_hash").is_none());

    // The cookie alone works, as a browser would send it.
    let session = cookie.split(';').next().unwrap_or_default().to_string();
    let me = app
        .req(Method::GET, "/api/v1/auth/me", None)
        .header("Cookie", session.clone())
        .send()
        .await?;
    assert_eq!(me.status(), 200);
    // With the event's clock, which every screen shows times in.
    let me: serde_json::Value = me.json().await?;
    assert_eq!(
        (
            me["event_time_zone"].as_str(),
            me["event_utc_offset"].as_str()
        ),
        (Some("Asia/Shanghai"), Some("+08:00")),
        "{me}"
    );

    // After sign-out the same cookie is refused.
    let token = body["token"].as_str().unwrap_or_default();
    let out = app
        .req(Method::POST, "/api/v1/auth/logout", Some(token))
        .send()
        .await?;
    assert_eq!(out.status(), 204);
    let again = app
        .req(Method::GET, "/api/v1/auth/me", None)
        .header("Cookie", session)
        .send()
        .await?;
    assert_eq!(again.status(), 401);
    Ok(())
}
on_both_backends!(
    sign_in_and_out,
    sign_in_gives_a_token_and_a_strict_http_only_cookie
);

async fn a_wrong_password_is_401_and_repeated_failures_are_slowed_down(app: TestApp) -> TestResult {
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let r = app
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": "admin", "password": "wrong-password-1"}))
            .send()
            .await?;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert!(
        statuses[5..].contains(&429),
        "after five failures the next are refused with 429: {statuses:?}"
    );
    // Even the right password waits until the lock passes.
    let r = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await?;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    // The lock is on this address: an unknown name from it gets the same answer as a known
    // one (tests/api/edge.rs has unknown names from addresses that are not locked).
    let r = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "nobody", "password": "whatever-123"}))
        .send()
        .await?;
    let (status, body) = json_of(r).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("too_many_attempts"))
    );
    Ok(())
}
on_both_backends!(
    login_throttling,
    a_wrong_password_is_401_and_repeated_failures_are_slowed_down
);

async fn admin_creates_changes_disables_and_resets_users(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    // Weak password, unknown role, missing scope: 422 with a reason; duplicate name: 409.
    for (label, body) in [
        (
            "weak",
            json!({"username": "u1", "password": "short", "role": "reception"}),
        ),
        (
            "role",
            json!({"username": "u1", "password": USER_PASSWORD, "role": "king"}),
        ),
        (
            "scope",
            json!({"username": "u1", "password": USER_PASSWORD, "role": "department"}),
        ),
        (
            "no scope allowed",
            json!({"username": "u1", "password": USER_PASSWORD, "role": "reception", "scope": "x"}),
        ),
    ] {
        let (status, body) = json_of(
            app.req(Method::POST, "/api/v1/users", Some(&admin))
                .json(&body)
                .send()
                .await?,
        )
        .await;
        assert_eq!(status, 422, "{label}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{label}"
        );
    }
    let token = app.user(&admin, "desk1", "reception", None).await;
    let (status, _) = json_of(
        app.req(Method::POST, "/api/v1/users", Some(&admin))
            .json(&json!({"username": "desk1", "password": USER_PASSWORD, "role": "reception"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(status, 409);

    let (_, users) = app.get_json("/api/v1/users", &admin).await;
    let id = users
        .as_array()
        .and_then(|u| u.iter().find(|u| u["username"] == "desk1"))
        .map(|u| u["id"].clone())
        .unwrap_or_default();

    // Changing the role ends the user's sessions.
    let r = app
        .req(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin))
        .json(&json!({"role": "security"}))
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.req(Method::GET, "/api/v1/auth/me", Some(&token))
            .send()
            .await?
            .status(),
        401
    );

    // Disabled: can't sign in.
    let r = app
        .req(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin))
        .json(&json!({"disabled": true}))
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    let r = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "desk1", "password": USER_PASSWORD}))
        .send()
        .await?;
    assert_ne!(r.status(), 200);

    // Re-enabled with a new password: the new one works, the old one not.
    app.req(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin))
        .json(&json!({"disabled": false}))
        .send()
        .await?;
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/users/{id}/password"),
            Some(&admin),
        )
        .json(&json!({"password": "Another-Pass-99"}))
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    app.login("desk1", "Another-Pass-99").await;

    // The admin can't lock themselves out.
    let (_, me) = app.get_json("/api/v1/auth/me", &admin).await;
    let r = app
        .req(
            Method::PATCH,
            &format!("/api/v1/users/{}", me["id"]),
            Some(&admin),
        )
        .json(&json!({"disabled": true}))
        .send()
        .await?;
    assert_eq!(r.status(), 409);

    // Every change is in the audit log, which only admin reads.
    let (status, audit) = app.get_json("/api/v1/audit?entity=user", &admin).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    for action in ["create", "update", "reset_password"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(audit["items"][0]["username"] == "admin");
    let desk = app.login("desk1", "Another-Pass-99").await;
    assert_eq!(
        app.req(Method::GET, "/api/v1/audit", Some(&desk))
            .send()
            .await?
            .status(),
        403
    );
    Ok(())
}
on_both_backends!(
    user_administration,
    admin_creates_changes_disables_and_resets_users
);

#[tokio::test]
async fn health_answers_and_the_openapi_document_lists_the_routes() -> TestResult {
    let app = crate::common::spawn_app().await;
    let (status, body) = json_of(app.req(Method::GET, "/healthz", None).send().await?).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, doc) = json_of(
        app.req(Method::GET, "/api/v1/openapi.json", None)
            .send()
            .await?,
    )
    .await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/guests",
        "/api/v1/guests/import",
        "/api/v1/auth/login",
        "/api/v1/users/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    // Unknown API routes answer in the envelope, not with a page.
    let (status, body) = json_of(
        app.req(Method::GET, "/api/v1/nothing-here", None)
            .send()
            .await?,
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    // Malformed JSON is a 400, never a 500.
    let r = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await?;
    assert_eq!(r.status(), 400);
    Ok(())
}
