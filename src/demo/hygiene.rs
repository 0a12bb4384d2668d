//! Demo hygiene: inspectors, a week's roster, an inspection and an incident.

use super::*;

/// The demo's hygiene: 16 inspectors of the city's health enforcement office, a week's roster
/// with two on every dining point whenever food is handled, the health officer `health1`, the
/// inspector `inspector1`, one inspection logged and one incident open.
pub(super) fn load_hygiene(
    tx: &mut crate::db::Tx,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::hygiene::{reports, service};
    let e = |e: crate::error::AppError| format!("demo hygiene: {e}");
    let me = admin_user(tx)?;
    let mut first = 0;
    for (i, (sur, given)) in SURNAMES.iter().zip(GIVEN.iter().rev()).take(16).enumerate() {
        let saved = service::save_inspector(
            tx,
            &me,
            None,
            &service::Inspector {
                id: 0,
                name: format!("{}{}", sur.0, given.0),
                unit: ["成都市卫生监督所", "绵阳市卫生监督所"][i % 2].into(),
                phone: Some(format!("1380002{i:04}")),
                certificate_no: format!("SC-WS-2027-{:04}", i + 1),
                email: Some(format!("inspector{}@health.example.com", i + 1)),
                languages: if i % 5 == 0 {
                    vec!["zh".into(), "en".into()]
                } else {
                    vec!["zh".into()]
                },
            },
        )
        .map_err(e)?;
        if i == 0 {
            first = saved.id;
        }
    }
    let tz = settings.timezone;
    let roster = service::generate(tx, &me, (start, start + Duration::days(6)), tz).map_err(e)?;
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = tx.now();
    let scope = first.to_string();
    for (name, role, scope) in [
        ("health1", "health", None),
        ("inspector1", "inspector", Some(scope.as_str())),
    ] {
        auth_store::insert_user(
            tx,
            &crate::auth::NewUser {
                username: name,
                password_hash: &hash,
                role,
                scope,
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(|e| e.to_string())?;
    }
    let inspector = CurrentUser {
        role: Role::Inspector,
        scope: Some(first.to_string()),
        username: "inspector1".into(),
        ..me.clone()
    };
    let items: Vec<reports::CheckItem> = reports::CHECKLIST
        .iter()
        .map(|i| reports::CheckItem {
            item: i.to_string(),
            ok: *i != "sample_retention_48h",
            note: (*i == "sample_retention_48h")
                .then(|| "晚餐两道菜未留样，已当场补留".to_string()),
            photo: None,
            photo_url: None,
        })
        .collect();
    reports::record_inspection(
        tx,
        &inspector,
        &reports::InspectionRequest {
            point: "TEAM1-D".into(),
            items,
            note: Some("已要求整改".into()),
        },
        tz,
    )
    .map_err(e)?;
    reports::raise_incident(
        tx,
        &inspector,
        &reports::IncidentRequest {
            point: "PRESS-D".into(),
            kind: "failed_check".into(),
            description: "冷藏柜温度 9°C，高于 8°C 上限".into(),
            stops_service: false,
        },
        tz,
    )
    .map_err(e)?;
    Ok(format!(
        "16 inspectors, a week's roster ({} shifts, {} gaps), one inspection and one open incident",
        roster.shifts, roster.gaps
    ))
}
