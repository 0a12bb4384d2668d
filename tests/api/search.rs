//! One search box: a name, a pass number as printed or a plate finds guests, passes and cars,
//! each list only for the roles that may see it and within their scope.

use reqwest::Method;
use serde_json::json;

use crate::common::{send, TestApp, TestResult};
use crate::on_both_backends;
use crate::passes::{credential, event};

fn names(v: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    v[list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| x[field].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn one_box_finds_guests_passes_and_cars_within_each_roles_view(app: TestApp) -> TestResult {
    let (admin, zhang, _) = event(&app).await;
    let (pass, _) = credential(&app, &admin, zhang, &["A"], 0, 3).await;
    let transport = app.user(&admin, "fleet", "transport", None).await;
    let today = chrono::Utc::now().date_naive();
    let (s, car) = send(
        &app,
        Method::POST,
        "/api/v1/vehicle-passes",
        &transport,
        Some(json!({"plate": "川A 12345", "stream": "transport_pool", "vehicle_type": "sedan",
            "driver_name": "刘师傅", "driver_phone": "13800000000", "zones": ["A"],
            "valid_from": today.to_string(), "valid_to": (today + chrono::Duration::days(3)).to_string()})),
    )
    .await;
    assert_eq!(s, 201, "{car}");
    let reception = app.user(&admin, "desk_r", "reception", None).await;

    // By name: the guest and the guest's pass.
    let (s, found) = app
        .get_json("/api/v1/search?q=%E5%BC%A0%E4%BC%9F", &reception)
        .await;
    assert_eq!(s, 200, "{found}");
    assert_eq!(names(&found, "guests", "name"), vec!["张伟"]);
    assert!(
        found["passes"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["id"] == pass)),
        "{found}"
    );
    // By the number printed on the badge, and with another serial: not this card.
    let (_, found) = app
        .get_json(&format!("/api/v1/search?q=No.%20{pass}-1"), &reception)
        .await;
    assert_eq!(found["passes"][0]["id"], pass, "{found}");
    let (_, found) = app
        .get_json(&format!("/api/v1/search?q={pass}-9"), &reception)
        .await;
    assert!(
        !found["passes"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["id"] == pass)),
        "{found}"
    );
    // A car's pass by its printed number (no holder): found too.
    let car_id = car["id"].as_i64().unwrap_or_default();
    let (_, found) = app
        .get_json(&format!("/api/v1/search?q=No.%20{car_id}-1"), &reception)
        .await;
    assert_eq!(found["passes"][0]["id"], car_id, "{found}");
    // By plate, typed loosely.
    let (_, found) = app
        .get_json("/api/v1/search?q=%E5%B7%9Da12345", &reception)
        .await;
    assert_eq!(found["cars"][0]["vehicle"]["plate"], "川A12345", "{found}");

    // Transport sees cars, not the guest list or credentials; a guard sees nothing at all.
    let (_, found) = app
        .get_json("/api/v1/search?q=%E5%B7%9DA", &transport)
        .await;
    assert!(
        found["cars"].as_array().is_some_and(|c| c.len() == 1),
        "{found}"
    );
    assert!(found.get("passes").is_none(), "{found}");
    let guard = app.user(&admin, "g1", "checkpoint", Some("G-A")).await;
    let (s, found) = app
        .get_json("/api/v1/search?q=%E5%BC%A0%E4%BC%9F", &guard)
        .await;
    assert_eq!(s, 200);
    assert!(
        found.get("guests").is_none() && found.get("passes").is_none(),
        "{found}"
    );

    // Too long: 422 naming the field; empty: nothing.
    let (s, body) = app
        .get_json(&format!("/api/v1/search?q={}", "x".repeat(101)), &reception)
        .await;
    assert_eq!(
        (s, body["details"][0]["field"].as_str()),
        (422, Some("q")),
        "{body}"
    );
    let (s, found) = app.get_json("/api/v1/search?q=", &reception).await;
    assert_eq!(s, 200);
    assert!(found.get("guests").is_none(), "{found}");
    Ok(())
}
on_both_backends!(
    search,
    one_box_finds_guests_passes_and_cars_within_each_roles_view
);
