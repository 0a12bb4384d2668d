//! A property of arrangement changes: after any sequence of them over a generated event, the
//! independent checkers hold — the hotel hard rules (the engine's `violations`) on every plan,
//! runs within their seats and fitting their riders' hub and time, meals exactly the category
//! policy over the stay, each live credential's zones the category's, and every pass of a
//! withdrawn guest in the signed revocation list.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{resident_id, send, spawn_app, TestApp, TestResult};

const GUESTS: usize = 10;
const STEPS: usize = 24;
const CATEGORIES: [&str; 3] = ["delegate", "journalist", "staff"];

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

struct World {
    admin: String,
    reception: String,
    transport: String,
    guests: Vec<i64>,
    policy: BTreeMap<String, Vec<String>>,
}

async fn world(app: &TestApp, rng: &mut StdRng) -> World {
    let admin = app.admin().await;
    let reception = app.user(&admin, "reception1", "reception", None).await;
    let committee = app.user(&admin, "committee1", "committee", None).await;
    let transport = app.user(&admin, "fleet", "transport", None).await;
    for code in ["A", "B", "C"] {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/zones",
            &admin,
            Some(json!({"code": code, "name": code})),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    let policy: BTreeMap<String, Vec<String>> = [
        ("delegate", vec!["A", "C"]),
        ("journalist", vec!["A", "B"]),
        ("staff", vec!["A", "B", "C"]),
    ]
    .into_iter()
    .map(|(c, z)| (c.to_string(), z.into_iter().map(String::from).collect()))
    .collect();
    let entries: Vec<Value> = policy
        .iter()
        .map(|(c, z)| json!({"category": c, "zones": z}))
        .collect();
    let (s, b) = send(
        app,
        Method::PUT,
        "/api/v1/zone-policy",
        &admin,
        Some(Value::Array(entries)),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    for (code, categories) in [
        ("TEAM", json!(["delegate", "staff"])),
        ("PRESS", json!(["journalist", "staff"])),
    ] {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/hotels",
            &reception,
            Some(
                json!({"code": code, "name": code, "categories": categories, "venue_minutes": 10}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        for (room_type, rooms) in [("twin", 3), ("single", 2)] {
            let (s, b) = send(
                app,
                Method::POST,
                &format!("/api/v1/hotels/{code}/blocks"),
                &reception,
                Some(
                    json!({"room_type": room_type, "nights_from": day(-2), "nights_to": day(8),
                            "rooms": rooms, "rate": 300.0}),
                ),
            )
            .await;
            assert_eq!(s, 201, "{b}");
        }
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/dining-points",
            &admin,
            Some(json!({"code": format!("{code}-D"), "name": code, "hotel": code, "seats": 100})),
        )
        .await;
        assert!(s == 201 || s == 200, "{b}");
    }
    let mut csv = String::from("ref,name,category,gender,department,delegation,id_number,stay_from,stay_to,\
        arrival_mode,arrival_no,arrival_hub,arrival_time,departure_mode,departure_no,departure_hub,departure_time\n");
    for i in 0..GUESTS {
        let category = CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
        let gender = if i % 2 == 0 { "M" } else { "F" };
        let (from, to) = (rng.gen_range(0..2), rng.gen_range(3..6));
        let hour = rng.gen_range(8..20);
        csv.push_str(&format!(
            "G{i},来宾{i},{category},{gender},体育局,四川,{},{},{},flight,3U{i:03},CTU,{} {hour:02}:00,flight,3U9{i:02},CTU,{} 18:00\n",
            resident_id(&format!("5101041990010{:04}", 1000 + i)), day(from), day(to), day(from), day(to),
        ));
    }
    let (s, b) = app.import(&admin, csv, false).await;
    assert_eq!(s, 200, "{b}");
    let (_, page) = app.get_json("/api/v1/guests?limit=100", &admin).await;
    let guests: Vec<i64> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["id"].as_i64())
        .collect();
    for id in &guests {
        let r = app
            .req(
                Method::PUT,
                &format!("/api/v1/guests/{id}/photo"),
                Some(&admin),
            )
            .body(crate::passes::photo())
            .send()
            .await
            .expect("photo");
        assert_eq!(r.status(), 200);
    }
    let (s, b) = send(
        app,
        Method::POST,
        "/api/v1/credentials/bulk",
        &admin,
        Some(json!({"filter": {}, "valid_from": day(-1), "valid_to": day(6)})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (_, list) = app.get_json("/api/v1/credentials?limit=100", &admin).await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    let (s, b) = send(
        app,
        Method::POST,
        "/api/v1/credentials/approve",
        &admin,
        Some(json!({"ids": ids})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, plan) = send(
        app,
        Method::POST,
        "/api/v1/allocations/propose",
        &reception,
        None,
    )
    .await;
    assert_eq!(s, 201, "{plan}");
    let id = plan["id"].as_i64().unwrap_or_default();
    send(
        app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/submit"),
        &reception,
        None,
    )
    .await;
    let (s, b) = send(
        app,
        Method::POST,
        &format!("/api/v1/allocations/{id}/approve"),
        &committee,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    for d in 0..2 {
        let (s, b) = send(
            app,
            Method::POST,
            "/api/v1/runs/plan",
            &transport,
            Some(json!({"hub": "CTU", "date": day(d)})),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
    World {
        admin,
        reception,
        transport,
        guests,
        policy,
    }
}

/// One random change; answers a label for the failure message.
async fn step(app: &TestApp, w: &World, rng: &mut StdRng) -> String {
    let id = w.guests[rng.gen_range(0..w.guests.len())];
    let (_, g) = app
        .get_json(&format!("/api/v1/guests/{id}"), &w.reception)
        .await;
    let withdrawn = g["withdrawn_at"].is_string();
    let pick = rng.gen_range(0..10);
    let (label, path, body) = match (withdrawn, pick) {
        (true, _) => (
            "restore".to_string(),
            format!("/api/v1/guests/{id}/restore"),
            None,
        ),
        (false, 0) => (
            "withdraw".into(),
            format!("/api/v1/guests/{id}/withdraw"),
            Some(json!({"reason": "test"})),
        ),
        (false, 1..=3) => {
            let c = CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
            (
                format!("category {c}"),
                format!("/api/v1/guests/{id}/changes"),
                Some(json!({"category": c})),
            )
        }
        (false, 4..=6) => {
            let (d, h) = (rng.gen_range(0..2), rng.gen_range(6..22));
            (
                format!("arrival day {d} {h}:30"),
                format!("/api/v1/guests/{id}/changes"),
                Some(json!({"arrival_time": format!("{} {h:02}:30", day(d))})),
            )
        }
        (false, _) => {
            let (from, to) = (rng.gen_range(0..2), rng.gen_range(3..7));
            (
                format!("stay {from}..{to}"),
                format!("/api/v1/guests/{id}/changes"),
                Some(json!({"stay_from": day(from), "stay_to": day(to),
                         "arrival_time": format!("{} 10:00", day(from)),
                         "departure_time": format!("{} 18:00", day(to))})),
            )
        }
    };
    let (s, b) = send(app, Method::POST, &path, &w.reception, body).await;
    assert_eq!(s, 200, "{label} for guest {id}: {b}");
    format!("{label} (guest {id})")
}

async fn check(app: &TestApp, w: &World, after: &str) {
    // Hotel hard rules, by the engine's independent checker, on the plan that would be
    // published next (the open revision, else the published one). An older published plan
    // is what the hotels hold until the committee approves the revision: it may be stale.
    let mut conn = app.pool.get().expect("conn");
    let (_, plans) = app.get_json("/api/v1/allocations", &w.reception).await;
    let plans = plans.as_array().cloned().unwrap_or_default();
    let open = |p: &&Value| {
        matches!(
            p["status"].as_str(),
            Some("draft" | "returned" | "submitted")
        )
    };
    let working = plans
        .iter()
        .find(open)
        .or_else(|| plans.iter().find(|p| p["status"] == "published"));
    if let Some(p) = working {
        let id = p["id"].as_i64().unwrap_or_default();
        let broken = yingbin::hotels::plans::violations_of(&mut conn, id).expect("check");
        assert!(
            broken.is_empty(),
            "after {after}: plan {id} breaks the hard rules: {broken:?}"
        );
    }
    drop(conn);
    let (_, page) = app.get_json("/api/v1/guests?limit=100", &w.reception).await;
    let guests: BTreeMap<i64, Value> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| (g["id"].as_i64().unwrap_or_default(), g.clone()))
        .collect();
    // Runs: within their seats, and each rider's hub and time fit the run.
    let ctu = app.hub(&w.reception, "CTU").await["id"]
        .as_i64()
        .unwrap_or_default();
    for d in 0..3 {
        let (_, runs) = app
            .get_json(
                &format!("/api/v1/runs?hub={ctu}&date={}", day(d)),
                &w.transport,
            )
            .await;
        for run in runs.as_array().into_iter().flatten() {
            let riders = run["guests"].as_array().cloned().unwrap_or_default();
            if let Some(seats) = run["vehicle"]["seats"].as_i64() {
                assert!(
                    riders.len() as i64 <= seats,
                    "after {after}: run over its seats: {run}"
                );
            }
            let depart =
                chrono::DateTime::parse_from_rfc3339(run["depart_at"].as_str().unwrap_or_default())
                    .expect("depart");
            for r in &riders {
                let g = &guests[&r["guest_id"].as_i64().unwrap_or_default()];
                assert!(
                    g["withdrawn_at"].is_null(),
                    "after {after}: a withdrawn guest rides: {run}"
                );
                if run["direction"] == "arrival" {
                    assert_eq!(g["arrival_hub"], "CTU", "after {after}: {run}");
                    let landed = chrono::DateTime::parse_from_rfc3339(
                        g["arrival_time"].as_str().unwrap_or_default(),
                    )
                    .expect("arrival");
                    let wait = (depart - landed).num_minutes();
                    assert!(
                        (0..=45).contains(&wait),
                        "after {after}: guest {} waits {wait} min for run {}",
                        g["id"],
                        run["id"]
                    );
                }
            }
        }
    }
    // Meals: exactly the category policy over the stay; none for the withdrawn.
    let (_, meal_policy) = app.get_json("/api/v1/meal-policy", &w.reception).await;
    for (id, g) in &guests {
        let (_, meals) = app
            .get_json(
                &format!("/api/v1/guests/{id}/meals?from={}&to={}", day(-1), day(8)),
                &w.reception,
            )
            .await;
        let allowed: BTreeSet<(String, String)> = meals
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["allowed"] == true)
            .map(|m| {
                (
                    m["day"].as_str().unwrap_or_default().to_string(),
                    m["service"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let mut expected = BTreeSet::new();
        if g["withdrawn_at"].is_null() {
            let entry = meal_policy
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["category"] == g["category"])
                .cloned()
                .unwrap_or_default();
            let from =
                NaiveDate::parse_from_str(g["stay_from"].as_str().unwrap_or_default(), "%Y-%m-%d")
                    .expect("from");
            let to =
                NaiveDate::parse_from_str(g["stay_to"].as_str().unwrap_or_default(), "%Y-%m-%d")
                    .expect("to");
            if entry["mode"] != "none" {
                let mut d = from;
                while d <= to {
                    for s in entry["services"].as_array().into_iter().flatten() {
                        expected
                            .insert((d.to_string(), s.as_str().unwrap_or_default().to_string()));
                    }
                    d += Duration::days(1);
                }
            }
        }
        assert_eq!(
            allowed, expected,
            "after {after}: guest {id} ({}) eats other than the policy says",
            g["category"]
        );
    }
    // Passes: each live credential opens its category's zones; every pass of a withdrawn
    // guest is revoked and in the signed list.
    let (_, creds) = app
        .get_json("/api/v1/credentials?limit=500", &w.admin)
        .await;
    let list = app
        .get_json("/api/v1/passes/revocations?since=0", &w.admin)
        .await
        .1["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for p in creds["items"].as_array().into_iter().flatten() {
        let g = &guests[&p["guest"]["id"].as_i64().unwrap_or_default()];
        if g["withdrawn_at"].is_string() {
            assert_eq!(
                p["status"], "revoked",
                "after {after}: a withdrawn guest's pass is live: {p}"
            );
        }
        if p["status"] == "revoked" {
            assert!(
                list.iter()
                    .any(|r| r["pass_id"] == p["id"] && r["revoked"] == true),
                "after {after}: revoked pass {} not in the signed list",
                p["id"]
            );
        } else {
            let category = g["category"].as_str().unwrap_or_default();
            assert_eq!(p["zones"], json!(w.policy[category]), "after {after}: {p}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_sequence_of_arrangement_changes_keeps_every_rule() -> TestResult {
    for seed in [7_u64, 2027] {
        let app = spawn_app().await;
        let mut rng = StdRng::seed_from_u64(seed);
        let w = world(&app, &mut rng).await;
        check(&app, &w, "setup").await;
        for _ in 0..STEPS {
            let label = step(&app, &w, &mut rng).await;
            check(&app, &w, &format!("seed {seed}: {label}")).await;
        }
    }
    Ok(())
}
