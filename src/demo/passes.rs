//! Demo passes: zones, gates, credentials, ceremony tickets and pool-car passes.

use super::*;

/// A placeholder portrait: a silhouette on the category's colour, so badges and the
/// checkpoint screen have a face to show. Encoded straight to JPEG at the stored size.
fn silhouette(seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let background = [
        rng.gen_range(150..230u8),
        rng.gen_range(150..230u8),
        rng.gen_range(150..230u8),
    ];
    let skin = [
        rng.gen_range(190..240u8),
        rng.gen_range(150..200u8),
        rng.gen_range(120..170u8),
    ];
    let coat = [
        rng.gen_range(20..90u8),
        rng.gen_range(20..90u8),
        rng.gen_range(40..120u8),
    ];
    let (w, h) = (crate::guests::photo::WIDTH, crate::guests::photo::HEIGHT);
    let img = image::ImageBuffer::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 - w as f32 / 2.0, y as f32);
        let head = (fx / 95.0).powi(2) + ((fy - 230.0) / 120.0).powi(2) <= 1.0;
        let body = fy > 360.0 && fx.abs() < 80.0 + (fy - 360.0) * 0.9;
        image::Rgb(if head {
            skin
        } else if body {
            coat
        } else {
            background
        })
    });
    let mut out = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img);
    out
}

/// The event's passes: zones, gates, the opening ceremony, credentials for everyone (those
/// with a photo approved, the rest waiting for one), VIP tickets, pool cars, a guard.
pub(super) fn load_passes(
    tx: &mut crate::db::Tx,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::passes::catalog;
    use crate::passes::service as passes;
    use crate::scan::service as scan;
    let e = |e: crate::error::AppError| format!("demo passes: {e}");
    let me = admin_user(tx)?;
    for (code, name, name_en, color) in [
        ("A", "主场馆", "Main venue", "#c0392b"),
        ("B", "新闻中心", "Press centre", "#2f6fb5"),
        ("C", "运动员村", "Athletes' village", "#27ae60"),
        ("P", "停车场", "Car parks", "#8e44ad"),
    ] {
        catalog::create_zone(
            tx,
            &me,
            &catalog::ZoneRequest {
                code: Some(code.into()),
                name: name.into(),
                name_en: Some(name_en.into()),
                color: Some(color.into()),
            },
        )
        .map_err(e)?;
    }
    let opening = catalog::create_session(
        tx,
        &me,
        &catalog::SessionRequest {
            code: "OPEN".into(),
            name: "开幕式".into(),
            name_en: Some("Opening ceremony".into()),
            starts_at: format!("{} 19:30", start + Duration::days(2)),
            ends_at: format!("{} 22:30", start + Duration::days(2)),
            gates: "东门 East gate".into(),
            allow_reentry: false,
        },
        settings.timezone,
    )
    .map_err(e)?;
    for (code, name, kind, zone, session) in [
        ("G1", "主场馆东门", "person_gate", Some("A"), None),
        ("G2", "新闻中心入口", "person_gate", Some("B"), None),
        ("V1", "主场馆车辆入口", "vehicle_gate", Some("P"), None),
        ("S1", "开幕式东门", "session_gate", None, Some(opening.id)),
    ] {
        scan::create_point(
            tx,
            &me,
            &scan::PointRequest {
                code: Some(code.into()),
                name: name.into(),
                kind: Some(kind.into()),
                zone: zone.map(str::to_string),
                session_id: session,
                target: None,
                offline_max_age_minutes: None,
            },
        )
        .map_err(e)?;
    }
    // Photos for the first 400 guests: the rest show up as "photo missing" at security.
    let ids =
        guest_store::matching_guest_ids(tx, &Default::default()).map_err(|e| e.to_string())?;
    let now = tx.now();
    for id in ids.iter().take(400) {
        let jpeg = silhouette(*id as u64);
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&jpeg))
        };
        guest_store::upsert_photo(
            tx,
            &crate::guests::GuestPhoto {
                guest_id: *id,
                jpeg,
                sha256: sha,
                updated_at: now,
            },
        )
        .map_err(|e| e.to_string())?;
    }
    let (from, to) = (start - Duration::days(1), start + Duration::days(10));
    // The zones each category's credential opens: a guest who changes category gets a card
    // with the new category's zones.
    let policy = [
        ("vip", &["A", "B", "C", "P"][..]),
        ("entourage", &["A", "C"][..]),
        ("journalist", &["A", "B"][..]),
        ("staff", &["A", "B", "C"][..]),
        ("delegate", &["A", "C"][..]),
    ]
    .map(|(category, zones)| crate::passes::follow::ZonePolicyEntry {
        category: category.into(),
        zones: zones.iter().map(|z| z.to_string()).collect(),
    });
    crate::passes::follow::set_zone_policy(tx, &me, &policy).map_err(e)?;
    passes::request_credentials_bulk(tx, &me, Default::default(), &[], from, to).map_err(e)?;
    let filter = crate::passes::PassFilter {
        kind: Some("credential".into()),
        status: Some("requested".into()),
        ..Default::default()
    };
    let (_, requested) =
        crate::passes::list_passes(tx, &filter, None, i64::MAX, 0).map_err(|e| e.to_string())?;
    let ids: Vec<i64> = requested.iter().map(|p| p.id).collect();
    let approved = passes::approve(tx, &me, &ids, settings.timezone).map_err(e)?;
    let vips = guest_store::matching_guest_ids(
        tx,
        &crate::guests::GuestFilter {
            category: Some("vip".into()),
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    for (i, g) in vips.iter().enumerate() {
        crate::passes::tickets::create_admission(
            tx,
            &me,
            &crate::passes::tickets::AdmissionRequest {
                session_id: opening.id,
                guest_id: Some(*g),
                invitee_name: None,
                invitee_org: None,
                section: Some("A".into()),
                seat: Some(format!("{}", i + 1)),
            },
            settings.timezone,
        )
        .map_err(e)?;
    }
    let mut cars = Vec::new();
    for (i, plate) in ["川A12345", "川AD23456", "川A3C789", "川B58888", "川A66K20"]
        .iter()
        .enumerate()
    {
        let car = crate::passes::vehicle_requests::request_vehicle(
            tx,
            &me,
            &crate::passes::vehicle_requests::VehicleRequest {
                plate: plate.to_string(),
                stream: "transport_pool".into(),
                vehicle_type: Some(if i % 2 == 0 { "sedan" } else { "van" }.into()),
                driver_name: Some(["刘师傅", "陈师傅", "张师傅", "黄师傅", "周师傅"][i].into()),
                driver_phone: Some(format!("1390000{:04}", i + 1)),
                zones: vec!["P".into()],
                valid_from: from,
                valid_to: to,
            },
            settings.timezone,
        )
        .map_err(e)?;
        cars.push(car.id);
    }
    passes::approve(tx, &me, &cars, settings.timezone).map_err(e)?;
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = tx.now();
    auth_store::insert_user(
        tx,
        &crate::auth::NewUser {
            username: "gate1",
            password_hash: &hash,
            role: "checkpoint",
            scope: Some("G1,G2,V1,S1"),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "{} credentials issued ({} waiting for a photo), {} opening-ceremony tickets, {} pool cars; guard `gate1` at G1, G2, V1, S1",
        approved.approved,
        approved.incomplete.len(),
        vips.len(),
        cars.len()
    ))
}
