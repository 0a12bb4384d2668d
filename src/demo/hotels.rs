//! Demo hotels: five designated hotels, their blocks, an approved plan, check-ins.

use super::*;

/// The demo's designated hotels: a VIP hotel, a press hotel with a halal kitchen and three team
/// hotels, their blocks, a plan proposed by reception and approved by the committee, a desk
/// user and scan point at the first team hotel, and the first arrivals there checked in.
pub(super) fn load_hotels(
    tx: &mut crate::db::Tx,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::hotels::{catalog, desk, plans, rules};
    let e = |e: crate::error::AppError| format!("demo hotels: {e}");
    let acting =
        |tx: &mut crate::db::DbConn, name: &str, role: Role| -> Result<CurrentUser, String> {
            let u = auth_store::find_user_by_name(tx, name)
                .map_err(|e| e.to_string())?
                .ok_or(format!("no user {name}"))?;
            Ok(CurrentUser {
                id: u.id,
                username: u.username,
                role,
                scope: None,
                token_hash: String::new(),
            })
        };
    let reception = acting(tx, "reception", Role::Reception)?;
    let committee = acting(tx, "committee", Role::Committee)?;
    // Code, name, address, the two in English (for English-speaking guests), categories,
    // halal kitchen, minutes to the venue.
    let hotels = [
        (
            "VIP1",
            "锦江宾馆",
            "人民南路二段80号",
            "Jinjiang Hotel",
            "80 Renmin South Road, Section 2",
            &["vip", "entourage"][..],
            true,
            8,
        ),
        (
            "PRESS",
            "新闻大厦酒店",
            "红星路三段1号",
            "Press Tower Hotel",
            "1 Hongxing Road, Section 3",
            &["journalist"][..],
            true,
            15,
        ),
        (
            "TEAM1",
            "运动员村一号楼",
            "体育村路1号",
            "Athletes' Village, Building 1",
            "1 Tiyucun Road",
            &["delegate", "staff"][..],
            true,
            12,
        ),
        (
            "TEAM2",
            "天府酒店",
            "天府大道中段666号",
            "Tianfu Hotel",
            "666 Tianfu Avenue, Middle Section",
            &["delegate", "staff"][..],
            false,
            20,
        ),
        (
            "TEAM3",
            "锦城宾馆",
            "锦城大道88号",
            "Jincheng Hotel",
            "88 Jincheng Avenue",
            &["delegate", "staff", "entourage"][..],
            false,
            25,
        ),
    ];
    for (code, name, address, name_en, address_en, categories, halal, minutes) in hotels {
        catalog::create_hotel(
            tx,
            &reception,
            &serde_json::json!({
                "code": code, "name": name, "address": address, "categories": categories,
                "name_en": name_en, "address_en": address_en,
                "halal": halal, "venue_minutes": minutes, "exclusive": true,
                "contact_name": "前台经理", "contact_phone": "028-86660000",
                "email": format!("{}@hotels.example.com", code.to_lowercase()),
            }),
        )
        .map_err(e)?;
    }
    let nights = (start - Duration::days(1), start + Duration::days(12));
    let blocks = [
        ("VIP1", "suite", 50, 1200.0),
        ("VIP1", "single", 60, 650.0),
        ("VIP1", "twin", 90, 700.0),
        ("VIP1", "accessible", 4, 700.0),
        ("PRESS", "twin", 300, 480.0),
        ("PRESS", "single", 80, 420.0),
        ("PRESS", "accessible", 6, 480.0),
        ("TEAM1", "twin", 480, 380.0),
        ("TEAM1", "single", 50, 320.0),
        ("TEAM1", "accessible", 12, 380.0),
        ("TEAM2", "twin", 420, 360.0),
        ("TEAM2", "single", 40, 300.0),
        ("TEAM2", "accessible", 10, 360.0),
        ("TEAM3", "twin", 420, 340.0),
        ("TEAM3", "single", 40, 300.0),
        ("TEAM3", "accessible", 10, 340.0),
    ];
    for (code, room_type, rooms, rate) in blocks {
        catalog::create_block(
            tx,
            &reception,
            code,
            &catalog::RoomsRequest {
                room_type: Some(room_type.into()),
                nights_from: Some(nights.0),
                nights_to: Some(nights.1),
                rooms: Some(rooms),
                rate: Some(rate),
                reason: None,
            },
        )
        .map_err(e)?;
    }
    let tz = settings.timezone;
    let plan = plans::propose(tx, &reception, tz).map_err(e)?;
    plans::decide(tx, &reception, plan.id, rules::PlanAction::Submit, None, tz).map_err(e)?;
    plans::decide(
        tx,
        &committee,
        plan.id,
        rules::PlanAction::Approve,
        Some("同意"),
        tz,
    )
    .map_err(e)?;
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = tx.now();
    auth_store::insert_user(
        tx,
        &crate::auth::NewUser {
            username: "desk1",
            password_hash: &hash,
            role: "hotel_desk",
            scope: Some("TEAM1"),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| e.to_string())?;
    let admin = acting(tx, "admin", Role::Admin)?;
    crate::scan::service::create_point(
        tx,
        &admin,
        &crate::scan::service::PointRequest {
            code: Some("H1".into()),
            name: "运动员村一号楼前台".into(),
            kind: Some("hotel_desk".into()),
            zone: None,
            session_id: None,
            target: Some("TEAM1".into()),
            offline_max_age_minutes: None,
        },
    )
    .map_err(e)?;
    // Today's first arrivals at the team hotel are in their rooms.
    let team1 = crate::hotels::find_hotel(tx, "TEAM1")
        .map_err(|e| e.to_string())?
        .ok_or("no TEAM1")?;
    let day = desk::desk_day(tx, &team1, start, tz).map_err(e)?;
    let mut checked_in = 0;
    let mut rooms_opened = 0;
    for stay in day.arrivals.iter().take(60) {
        let check_in = |tx: &mut crate::db::Tx, room_no: Option<String>| {
            let req = desk::StayRequest {
                room_no,
                ..Default::default()
            };
            desk::change_stay(
                tx,
                &admin,
                stay.guest_id,
                rules::StayAction::CheckIn,
                &req,
                start,
                tz,
            )
        };
        // A roommate already in the room gives the number; otherwise the next room opens.
        if check_in(tx, None).is_err() {
            rooms_opened += 1;
            check_in(
                tx,
                Some(format!(
                    "{}{:02}",
                    3 + rooms_opened / 20,
                    rooms_opened % 20 + 1
                )),
            )
            .map_err(e)?;
        }
        checked_in += 1;
    }
    Ok(format!(
        "{} hotels, plan revision 1 approved ({} placed, {} unplaced), {checked_in} guests checked in at TEAM1 (desk `desk1`, point H1)",
        hotels.len(),
        plan.placed,
        plan.unplaced
    ))
}
