//! Every route, every role: no token → 401, a role the route does not admit → 403,
//! an admitted role → neither.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{TestApp, TestResult};
use crate::on_both_backends;

const ALL_ROLES: [&str; 13] = [
    "admin",
    "reception",
    "department",
    "security",
    "transport",
    "office",
    "committee",
    "greeter",
    "hotel_desk",
    "canteen",
    "checkpoint",
    "inspector",
    "health",
];
const READERS: &[&str] = &[
    "admin",
    "reception",
    "department",
    "security",
    "transport",
    "office",
    "committee",
];
const WRITERS: &[&str] = &["admin", "reception", "department"];
const REGISTRARS: &[&str] = &["admin", "reception"];
const ADMIN: &[&str] = &["admin"];
const ANY: &[&str] = &ALL_ROLES;
/// Public routes: no token needed.
const PUBLIC: &[&str] = &["public"];
const CREDENTIAL_VIEWERS: &[&str] = &[
    "admin",
    "reception",
    "security",
    "department",
    "office",
    "committee",
];
const CREDENTIAL_REQUESTERS: &[&str] = &["admin", "reception", "security", "department"];
const PASS_VIEWERS: &[&str] = &[
    "admin",
    "reception",
    "security",
    "department",
    "office",
    "committee",
    "transport",
];
const VEHICLE_VIEWERS: &[&str] = &["admin", "reception", "security", "transport", "office"];
const APPROVERS: &[&str] = &["admin", "security"];
const DESK: &[&str] = &["admin", "reception", "security"];
const SCANNERS: &[&str] = &["admin", "security", "checkpoint", "hotel_desk", "canteen"];
const HOTEL_READERS: &[&str] = &["admin", "reception", "committee", "hotel_desk"];
const PLAN_READERS: &[&str] = &["admin", "reception", "committee"];
const COMMITTEE: &[&str] = &["committee"];
const HOTEL_DESK: &[&str] = &["admin", "reception", "hotel_desk"];
const PICKUP_READERS: &[&str] = &["admin", "reception", "transport", "office", "greeter"];
const DISPATCH: &[&str] = &["admin", "reception", "transport"];
const FIELD: &[&str] = &["admin", "reception", "transport", "greeter"];
const TRANSPORT_OFFICE: &[&str] = &["admin", "reception", "transport", "office"];
const MEAL_READERS: &[&str] = &[
    "admin",
    "reception",
    "committee",
    "canteen",
    "health",
    "inspector",
];
const KITCHEN: &[&str] = &["admin", "reception", "committee", "canteen"];
const HEALTH: &[&str] = &["admin", "health"];
const OVERSIGHT: &[&str] = &["admin", "health", "reception"];
const BOARD_READERS: &[&str] = &[
    "admin",
    "reception",
    "transport",
    "office",
    "greeter",
    "health",
    "committee",
    "security",
    "canteen",
];
/// Today at a glance.
const DAY_READERS: &[&str] = &["admin", "reception", "committee"];

/// (method, path, body, roles admitted). Ids that do not exist are fine: an admitted role
/// gets 404 or 422, which is neither 401 nor 403.
fn routes() -> Vec<(Method, &'static str, Option<Value>, &'static [&'static str])> {
    vec![
        (Method::GET, "/api/v1/auth/me", None, ANY),
        (Method::GET, "/api/v1/users", None, ADMIN),
        (Method::POST, "/api/v1/users", Some(json!({})), ADMIN),
        (
            Method::PATCH,
            "/api/v1/users/999999",
            Some(json!({})),
            ADMIN,
        ),
        (
            Method::POST,
            "/api/v1/users/999999/password",
            Some(json!({"password": "x"})),
            ADMIN,
        ),
        (Method::GET, "/api/v1/audit", None, ADMIN),
        (Method::GET, "/api/v1/guests", None, READERS),
        (Method::POST, "/api/v1/guests", Some(json!({})), WRITERS),
        (Method::GET, "/api/v1/guests/999999", None, READERS),
        (Method::GET, "/api/v1/guests/999999/summary", None, READERS),
        (
            Method::PATCH,
            "/api/v1/guests/999999",
            Some(json!({})),
            WRITERS,
        ),
        (Method::DELETE, "/api/v1/guests/999999", None, WRITERS),
        (Method::PUT, "/api/v1/guests/999999/photo", None, WRITERS),
        (
            Method::POST,
            "/api/v1/guests/999999/changes",
            Some(json!({})),
            WRITERS,
        ),
        (
            Method::POST,
            "/api/v1/guests/999999/withdraw",
            Some(json!({"reason": "x"})),
            WRITERS,
        ),
        (Method::POST, "/api/v1/guests/999999/restore", None, WRITERS),
        (
            Method::GET,
            "/api/v1/guests/999999/photo",
            None,
            &[
                "admin",
                "reception",
                "department",
                "security",
                "transport",
                "office",
                "committee",
                "greeter",
                "hotel_desk",
                "canteen",
                "checkpoint",
            ],
        ),
        (
            Method::POST,
            "/api/v1/guests/import?dry_run=true",
            None,
            WRITERS,
        ),
        (Method::GET, "/api/v1/guests/export.csv", None, READERS),
        (Method::GET, "/api/v1/departments", None, READERS),
        (
            Method::POST,
            "/api/v1/departments",
            Some(json!({"name": ""})),
            REGISTRARS,
        ),
        (
            Method::PATCH,
            "/api/v1/departments/999999",
            Some(json!({"name": "x"})),
            REGISTRARS,
        ),
        (
            Method::DELETE,
            "/api/v1/departments/999999",
            None,
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/delegations", None, READERS),
        (
            Method::POST,
            "/api/v1/delegations",
            Some(json!({"name": ""})),
            REGISTRARS,
        ),
        (
            Method::PATCH,
            "/api/v1/delegations/999999",
            Some(json!({"name": "x"})),
            REGISTRARS,
        ),
        (
            Method::DELETE,
            "/api/v1/delegations/999999",
            None,
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/hubs", None, READERS),
        (Method::GET, "/api/v1/credentials", None, CREDENTIAL_VIEWERS),
        (
            Method::POST,
            "/api/v1/credentials",
            Some(json!({})),
            CREDENTIAL_REQUESTERS,
        ),
        (
            Method::POST,
            "/api/v1/credentials/bulk",
            Some(json!({})),
            CREDENTIAL_REQUESTERS,
        ),
        (
            Method::POST,
            "/api/v1/credentials/approve",
            Some(json!({"ids": []})),
            APPROVERS,
        ),
        (Method::GET, "/api/v1/vehicle-passes", None, VEHICLE_VIEWERS),
        (
            Method::POST,
            "/api/v1/vehicle-passes",
            Some(json!({})),
            VEHICLE_VIEWERS,
        ),
        (
            Method::GET,
            "/api/v1/admissions",
            None,
            &["admin", "reception", "security", "office"],
        ),
        (
            Method::POST,
            "/api/v1/admissions",
            Some(json!({})),
            &["admin", "reception", "office"],
        ),
        (Method::GET, "/api/v1/passes/999999", None, PASS_VIEWERS),
        (
            Method::POST,
            "/api/v1/passes/999999/approve",
            None,
            APPROVERS,
        ),
        (Method::POST, "/api/v1/passes/999999/printed", None, DESK),
        (Method::POST, "/api/v1/passes/999999/collected", None, DESK),
        (
            Method::POST,
            "/api/v1/passes/999999/revoke",
            Some(json!({"reason": "lost"})),
            APPROVERS,
        ),
        (
            Method::POST,
            "/api/v1/passes/999999/reissue",
            None,
            APPROVERS,
        ),
        (
            Method::GET,
            "/api/v1/passes/999999/qr.png",
            None,
            PASS_VIEWERS,
        ),
        (
            Method::GET,
            "/api/v1/passes/999999/qr.svg",
            None,
            PASS_VIEWERS,
        ),
        (Method::GET, "/api/v1/passes/keys", None, PUBLIC),
        (Method::GET, "/api/v1/passes/revocations", None, PUBLIC),
        (Method::GET, "/api/v1/zone-policy", None, CREDENTIAL_VIEWERS),
        (
            Method::PUT,
            "/api/v1/zone-policy",
            Some(json!([])),
            APPROVERS,
        ),
        (Method::GET, "/api/v1/zones", None, ANY),
        (Method::POST, "/api/v1/zones", Some(json!({})), APPROVERS),
        (
            Method::PATCH,
            "/api/v1/zones/999999",
            Some(json!({"name": "x"})),
            APPROVERS,
        ),
        (Method::DELETE, "/api/v1/zones/999999", None, APPROVERS),
        (Method::GET, "/api/v1/event-sessions", None, ANY),
        (
            Method::POST,
            "/api/v1/event-sessions",
            Some(json!({})),
            &["admin", "reception", "office"],
        ),
        (Method::GET, "/api/v1/scan-points", None, ANY),
        (
            Method::POST,
            "/api/v1/scan-points",
            Some(json!({})),
            APPROVERS,
        ),
        (
            Method::PATCH,
            "/api/v1/scan-points/999999",
            Some(json!({"name": "x"})),
            APPROVERS,
        ),
        (
            Method::POST,
            "/api/v1/scans",
            Some(json!({"payload": "x", "point": "NO-SUCH-POINT"})),
            SCANNERS,
        ),
        (Method::GET, "/api/v1/scans", None, DESK),
        (Method::GET, "/api/v1/scans/hourly", None, DESK),
        (Method::GET, "/api/v1/search?q=x", None, ANY),
        (Method::GET, "/api/v1/reception/report", None, DAY_READERS),
        (
            Method::GET,
            "/api/v1/reception/report.csv",
            None,
            DAY_READERS,
        ),
        (
            Method::POST,
            "/api/v1/scans/lookup",
            Some(json!({"point": "NO-SUCH-POINT", "q": "x"})),
            SCANNERS,
        ),
        (
            Method::POST,
            "/api/v1/scans/batch",
            Some(json!({"device_id": 999999, "scans": []})),
            SCANNERS,
        ),
        (
            Method::GET,
            "/api/v1/scans/conflicts",
            None,
            &["admin", "security", "canteen"],
        ),
        (Method::POST, "/api/v1/devices", Some(json!({})), SCANNERS),
        (Method::GET, "/api/v1/devices", None, DESK),
        (Method::GET, "/api/v1/devices/999999/kit", None, SCANNERS),
        (
            Method::POST,
            "/api/v1/devices/999999/retire",
            None,
            APPROVERS,
        ),
        (Method::GET, "/api/v1/hotels", None, HOTEL_READERS),
        (Method::POST, "/api/v1/hotels", Some(json!({})), REGISTRARS),
        (
            Method::PATCH,
            "/api/v1/hotels/H1",
            Some(json!({})),
            REGISTRARS,
        ),
        (Method::DELETE, "/api/v1/hotels/H1", None, REGISTRARS),
        (Method::GET, "/api/v1/hotels/H1/blocks", None, HOTEL_READERS),
        (
            Method::POST,
            "/api/v1/hotels/H1/blocks",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::DELETE,
            "/api/v1/hotels/H1/blocks/999999",
            None,
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/hotels/H1/releases",
            Some(json!({})),
            HOTEL_DESK,
        ),
        (Method::GET, "/api/v1/releases", None, HOTEL_READERS),
        (
            Method::POST,
            "/api/v1/releases/999999/grant",
            None,
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/releases/999999/refuse",
            None,
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/occupancy", None, PLAN_READERS),
        (Method::GET, "/api/v1/lodging-policy", None, PLAN_READERS),
        (
            Method::PUT,
            "/api/v1/lodging-policy",
            Some(json!({})),
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/allocations", None, PLAN_READERS),
        (
            Method::POST,
            "/api/v1/allocations/propose",
            None,
            REGISTRARS,
        ),
        (
            Method::GET,
            "/api/v1/allocations/999999",
            None,
            PLAN_READERS,
        ),
        (
            Method::GET,
            "/api/v1/allocations/999999/assignments",
            None,
            PLAN_READERS,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/move",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/unplaced/999999/place",
            None,
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/swap",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/lock",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/submit",
            None,
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/approve",
            None,
            COMMITTEE,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/return",
            Some(json!({"comment": "x"})),
            COMMITTEE,
        ),
        (
            Method::POST,
            "/api/v1/allocations/999999/revise",
            None,
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/hotels/H1/changes", None, HOTEL_DESK),
        (
            Method::POST,
            "/api/v1/hotels/H1/acknowledge",
            None,
            HOTEL_DESK,
        ),
        (
            Method::GET,
            "/api/v1/hotels/H1/rooming-list",
            None,
            HOTEL_READERS,
        ),
        (
            Method::GET,
            "/api/v1/hotels/H1/rooming-list.csv",
            None,
            HOTEL_READERS,
        ),
        (Method::GET, "/api/v1/hotels/H1/desk", None, HOTEL_DESK),
        (
            Method::GET,
            "/api/v1/hotels/H1/settlement.csv",
            None,
            HOTEL_DESK,
        ),
        (Method::GET, "/api/v1/stays/999999", None, HOTEL_DESK),
        (
            Method::POST,
            "/api/v1/stays/999999/check-in",
            Some(json!({"room_no": "1"})),
            HOTEL_DESK,
        ),
        (
            Method::POST,
            "/api/v1/stays/999999/check-out",
            None,
            HOTEL_DESK,
        ),
        (
            Method::POST,
            "/api/v1/stays/999999/dates",
            Some(json!({})),
            HOTEL_DESK,
        ),
        (Method::GET, "/api/v1/stays/999999/folio", None, HOTEL_DESK),
        (
            Method::PATCH,
            "/api/v1/hubs/999999",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::GET,
            "/api/v1/hubs/999999/travel",
            None,
            PICKUP_READERS,
        ),
        (
            Method::PUT,
            "/api/v1/hubs/999999/travel",
            Some(json!([])),
            DISPATCH,
        ),
        (Method::GET, "/api/v1/trips", None, PICKUP_READERS),
        (Method::POST, "/api/v1/trips/update", Some(json!({})), FIELD),
        (
            Method::POST,
            "/api/v1/trips/import",
            Some(json!({})),
            DISPATCH,
        ),
        (
            Method::POST,
            "/api/v1/pickups/999999/status",
            Some(json!({})),
            FIELD,
        ),
        (
            Method::GET,
            "/api/v1/pickups/999999/history",
            None,
            TRANSPORT_OFFICE,
        ),
        (
            Method::GET,
            "/api/v1/pickups/summary",
            None,
            TRANSPORT_OFFICE,
        ),
        (Method::GET, "/api/v1/vehicles", None, TRANSPORT_OFFICE),
        (Method::POST, "/api/v1/vehicles", Some(json!({})), DISPATCH),
        (
            Method::PATCH,
            "/api/v1/vehicles/999999",
            Some(json!({})),
            DISPATCH,
        ),
        (Method::DELETE, "/api/v1/vehicles/999999", None, DISPATCH),
        (Method::GET, "/api/v1/runs", None, PICKUP_READERS),
        (Method::POST, "/api/v1/runs/plan", Some(json!({})), DISPATCH),
        (
            Method::POST,
            "/api/v1/runs/merge",
            Some(json!({})),
            DISPATCH,
        ),
        (
            Method::POST,
            "/api/v1/runs/999999/guests",
            Some(json!({})),
            DISPATCH,
        ),
        (
            Method::POST,
            "/api/v1/runs/999999/vehicle",
            Some(json!({})),
            DISPATCH,
        ),
        (
            Method::POST,
            "/api/v1/runs/999999/lock",
            Some(json!({"locked": true})),
            DISPATCH,
        ),
        (
            Method::POST,
            "/api/v1/runs/999999/split",
            Some(json!({})),
            DISPATCH,
        ),
        (
            Method::POST,
            "/api/v1/runs/999999/status",
            Some(json!({})),
            FIELD,
        ),
        (Method::GET, "/api/v1/board", None, PICKUP_READERS),
        (Method::GET, "/api/v1/board/events", None, BOARD_READERS),
        (Method::GET, "/api/v1/reception/today", None, DAY_READERS),
        (Method::GET, "/api/v1/dining-points", None, MEAL_READERS),
        (
            Method::POST,
            "/api/v1/dining-points",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::PATCH,
            "/api/v1/dining-points/P1",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::PUT,
            "/api/v1/dining-points/P1/windows",
            Some(json!([])),
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/meal-windows", None, MEAL_READERS),
        (
            Method::PUT,
            "/api/v1/meal-windows",
            Some(json!([])),
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/meal-policy", None, REGISTRARS),
        (
            Method::PUT,
            "/api/v1/meal-policy",
            Some(json!([])),
            REGISTRARS,
        ),
        (
            Method::PUT,
            "/api/v1/guests/999999/meal-point",
            Some(json!({"point": null})),
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/guests/999999/meal-overrides",
            Some(json!({})),
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/guests/999999/meals", None, REGISTRARS),
        (
            Method::POST,
            "/api/v1/meal-coupons",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::GET,
            "/api/v1/meal-coupons?point=P1",
            None,
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/meals/count?point=P1", None, KITCHEN),
        (
            Method::GET,
            "/api/v1/meals/forecast?point=P1",
            None,
            KITCHEN,
        ),
        (
            Method::GET,
            "/api/v1/dining-points/P1/kitchen-sheet",
            None,
            KITCHEN,
        ),
        (
            Method::GET,
            "/api/v1/dining-points/P1/kitchen-sheet.csv",
            None,
            KITCHEN,
        ),
        (Method::GET, "/api/v1/menu", None, MEAL_READERS),
        (Method::POST, "/api/v1/menu", Some(json!({})), REGISTRARS),
        (Method::DELETE, "/api/v1/menu/999999", None, REGISTRARS),
        (Method::GET, "/api/v1/inspectors", None, OVERSIGHT),
        (Method::POST, "/api/v1/inspectors", Some(json!({})), HEALTH),
        (
            Method::PATCH,
            "/api/v1/inspectors/999999",
            Some(json!({"name": "x", "certificate_no": "y"})),
            HEALTH,
        ),
        (Method::GET, "/api/v1/hygiene/settings", None, HEALTH),
        (
            Method::PUT,
            "/api/v1/hygiene/settings",
            Some(json!({})),
            HEALTH,
        ),
        (
            Method::POST,
            "/api/v1/hygiene/roster/generate?from=2030-01-01&to=2030-01-01",
            None,
            HEALTH,
        ),
        (
            Method::GET,
            "/api/v1/hygiene/roster",
            None,
            &["admin", "health", "reception", "inspector", "canteen"],
        ),
        (Method::GET, "/api/v1/hygiene/coverage", None, OVERSIGHT),
        (
            Method::POST,
            "/api/v1/hygiene/shifts",
            Some(json!({})),
            HEALTH,
        ),
        (
            Method::PATCH,
            "/api/v1/hygiene/shifts/999999",
            Some(json!({})),
            HEALTH,
        ),
        (
            Method::DELETE,
            "/api/v1/hygiene/shifts/999999",
            None,
            HEALTH,
        ),
        (Method::GET, "/api/v1/inspections.csv", None, OVERSIGHT),
        (
            Method::POST,
            "/api/v1/inspections",
            Some(json!({"point": "NONE", "items": []})),
            &["inspector"],
        ),
        (Method::GET, "/api/v1/inspections", None, OVERSIGHT),
        (
            Method::GET,
            "/api/v1/inspections/999999/photos/ITEM",
            None,
            &["admin", "health", "reception", "inspector"],
        ),
        (
            Method::POST,
            "/api/v1/incidents",
            Some(json!({})),
            &["admin", "health", "reception", "inspector", "canteen"],
        ),
        (
            Method::GET,
            "/api/v1/incidents",
            None,
            &["admin", "health", "reception", "inspector"],
        ),
        (Method::GET, "/api/v1/mail/status", None, REGISTRARS),
        (
            Method::GET,
            "/api/v1/mail/preview?guest_id=999999&kind=itinerary",
            None,
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/mail/send",
            Some(json!({"kind": "itinerary", "dry_run": true})),
            REGISTRARS,
        ),
        (Method::GET, "/api/v1/mail/batches", None, REGISTRARS),
        (Method::GET, "/api/v1/mail/batches/999999", None, REGISTRARS),
        (Method::GET, "/api/v1/mail/messages", None, REGISTRARS),
        (
            Method::POST,
            "/api/v1/mail/messages/999999/retry",
            None,
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/mail/kitchen-sheets",
            Some(json!({})),
            REGISTRARS,
        ),
        (
            Method::POST,
            "/api/v1/mail/rosters",
            None,
            &["admin", "reception", "health"],
        ),
        (
            Method::POST,
            "/api/v1/incidents/999999/follow-up",
            Some(json!({"note": "x"})),
            HEALTH,
        ),
        (Method::POST, "/api/v1/auth/logout", None, ANY),
    ]
}

async fn every_route_admits_exactly_its_roles(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    // Scoped roles need something to be scoped to.
    let (status, _) = app
        .import(
            &admin,
            "ref,name,department,arrival_hub\nR1,测试,外事办,CTU\n",
            false,
        )
        .await;
    assert_eq!(status, 200);
    // An inspector account is one inspector of the roster.
    let inspector = app
        .req(Method::POST, "/api/v1/inspectors", Some(&admin))
        .json(&json!({"name": "检查员", "certificate_no": "WS-0001"}))
        .send()
        .await?
        .json::<Value>()
        .await?["id"]
        .as_i64()
        .unwrap_or_default()
        .to_string();
    let mut tokens = Vec::new();
    for role in ALL_ROLES {
        let scope = match role {
            "department" => Some("外事办"),
            "greeter" => Some("CTU"),
            "hotel_desk" => Some("H1"),
            "canteen" => Some("P1"),
            "checkpoint" => Some("G1"),
            "inspector" => Some(inspector.as_str()),
            _ => None,
        };
        tokens.push((
            role,
            app.user(&admin, &format!("u_{role}"), role, scope).await,
        ));
    }
    // The route table covers every documented route.
    let (_, doc) = app.get_json("/api/v1/openapi.json", &admin).await;
    let mut documented: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    documented.sort();
    let table = routes();
    let mut walked: Vec<String> = table
        .iter()
        .map(|r| {
            r.1.split('?')
                .next()
                .unwrap_or("")
                .replace("/unplaced/999999", "/unplaced/{guest_id}")
                .replace("999999", "{id}")
                .replace("/H1", "/{code}")
                .replace("/P1", "/{code}")
                .replace("/ITEM", "/{item}")
        })
        .collect();
    // Public routes outside the table: anyone may call them.
    walked.extend(["/healthz".to_string(), "/api/v1/auth/login".to_string()]);
    walked.sort();
    walked.dedup();
    assert_eq!(
        walked, documented,
        "the role walk covers every documented path"
    );

    let mut failures = Vec::new();
    for (method, path, body, admitted) in &table {
        let send = |token: Option<&str>| {
            let mut r = app.req(method.clone(), path, token);
            if let Some(b) = body {
                r = r.json(b);
            }
            r.send()
        };
        let anonymous = send(None).await?.status().as_u16();
        let public = *admitted == PUBLIC;
        if (public && anonymous != 200) || (!public && anonymous != 401) {
            failures.push(format!("{method} {path} without a token: {anonymous}"));
        }
        for (role, token) in &tokens {
            // Logout would end the session used by later routes: check it last, once.
            if *path == "/api/v1/auth/logout" {
                continue;
            }
            let status = send(Some(token)).await?.status().as_u16();
            let expect_admitted = public || admitted.contains(role);
            let ok = if expect_admitted {
                status != 401 && status != 403 && status < 500
            } else {
                status == 403
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} as {role}: {status} (admitted: {expect_admitted})"
                ));
            }
        }
    }
    for (role, token) in &tokens {
        let status = app
            .req(Method::POST, "/api/v1/auth/logout", Some(token))
            .send()
            .await?
            .status()
            .as_u16();
        if status != 204 {
            failures.push(format!("logout as {role}: {status}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}
on_both_backends!(role_walk, every_route_admits_exactly_its_roles);
