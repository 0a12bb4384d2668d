//! Demo meals: dining points, windows, the menu and this morning's breakfasts.

use super::*;

/// The demo's meals: a dining point at each hotel (halal rooms at the press hotel and TEAM1)
/// and a canteen at the main venue, the menu for today and tomorrow, a canteen account at
/// TEAM1 with scan point C1, and this morning's breakfast served, so the charts have data.
pub(super) fn load_meals(
    tx: &mut crate::db::Tx,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::meals::{self, canteen, catalog, kitchen};
    let e = |e: crate::error::AppError| format!("demo meals: {e}");
    let me = admin_user(tx)?;
    let points = [
        (
            "VIP1-D",
            "锦江宾馆餐厅",
            "Jinjiang Hotel Restaurant",
            Some("VIP1"),
            200,
            false,
        ),
        (
            "PRESS-D",
            "新闻大厦餐厅",
            "Press Tower Restaurant",
            Some("PRESS"),
            400,
            true,
        ),
        (
            "TEAM1-D",
            "运动员村一号楼餐厅",
            "Athletes' Village Dining Hall",
            Some("TEAM1"),
            600,
            true,
        ),
        (
            "TEAM2-D",
            "天府酒店餐厅",
            "Tianfu Hotel Restaurant",
            Some("TEAM2"),
            500,
            false,
        ),
        (
            "TEAM3-D",
            "锦城宾馆餐厅",
            "Jincheng Hotel Restaurant",
            Some("TEAM3"),
            500,
            false,
        ),
        (
            "MAIN",
            "主场馆餐厅",
            "Main Stadium Canteen",
            None,
            300,
            false,
        ),
    ];
    for (code, name, name_en, hotel, seats, halal) in points {
        catalog::create_point(
            tx,
            &me,
            &meals::PointResponse {
                code: code.into(),
                name: name.into(),
                name_en: Some(name_en.into()),
                hotel: hotel.map(str::to_string),
                seats,
                halal,
                email: Some(format!("{}@kitchens.example.com", code.to_lowercase())),
                ..Default::default()
            },
        )
        .map_err(e)?;
    }
    let dishes = [
        (
            "breakfast",
            "小笼包",
            "Steamed soup dumplings",
            false,
            "gluten",
        ),
        (
            "breakfast",
            "豆浆油条",
            "Soy milk and fried dough",
            true,
            "soy,gluten",
        ),
        ("lunch", "宫保鸡丁", "Kung Pao chicken", false, "peanut"),
        ("lunch", "麻婆豆腐", "Mapo tofu", false, "soy"),
        ("lunch", "清炖牛肉", "Braised beef", true, ""),
        ("dinner", "回锅肉", "Twice-cooked pork", false, ""),
        ("dinner", "手抓羊肉", "Hand-pulled mutton", true, ""),
        ("dinner", "清炒时蔬", "Stir-fried greens", true, ""),
        (
            "night_snack",
            "担担面",
            "Dan dan noodles",
            false,
            "peanut,gluten",
        ),
    ];
    for day in [start, start + Duration::days(1)] {
        for (service, zh, en, halal, allergens) in dishes {
            let entry = meals::MenuEntry {
                id: 0,
                day,
                service: service.into(),
                point: None,
                halal_counter: halal,
                name_zh: zh.into(),
                name_en: en.into(),
                halal,
                allergens: allergens
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect(),
            };
            kitchen::add_dish(tx, &me, &entry).map_err(e)?;
        }
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = tx.now();
    auth_store::insert_user(
        tx,
        &crate::auth::NewUser {
            username: "canteen1",
            password_hash: &hash,
            role: "canteen",
            scope: Some("TEAM1-D"),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| e.to_string())?;
    crate::scan::service::create_point(
        tx,
        &me,
        &crate::scan::service::PointRequest {
            code: Some("C1".into()),
            name: "运动员村一号楼餐厅入口".into(),
            kind: Some("canteen".into()),
            zone: None,
            session_id: None,
            target: Some("TEAM1-D".into()),
            offline_max_age_minutes: None,
        },
    )
    .map_err(e)?;
    // This morning's breakfast: most of those entitled came.
    let tz = settings.timezone;
    let catalog = catalog::MealCatalog::load(tx).map_err(e)?;
    let guests = meals::list_meal_guests(tx).map_err(|e| e.to_string())?;
    let at = crate::time::to_utc(tz, start.and_hms_opt(7, 40, 0).unwrap_or_default());
    let press: Vec<i64> = catalog
        .points
        .iter()
        .filter(|p| {
            p.halal
                || p.hotel_id
                    .is_some_and(|h| catalog.press_hotels.contains(&h))
        })
        .map(|p| p.id)
        .collect();
    let mut served = 0;
    for g in guests.iter().filter(|g| g.id % 7 != 0) {
        if !canteen::eating_days(g, tz).is_some_and(|d| d.contains(&start)) {
            continue;
        }
        let point = match g.category.as_deref() {
            Some("journalist") => press.get(g.id as usize % press.len().max(1)).copied(),
            _ => canteen::usual_points(g, &catalog).first().copied(),
        };
        if let Some(p) = point {
            meals::insert_use(
                tx,
                &format!("g{}", g.id),
                start,
                "breakfast",
                p,
                g.halal,
                at,
            )
            .map_err(|e| e.to_string())?;
            served += 1;
        }
    }
    Ok(format!("{} dining points, the menu for two days, {served} breakfasts served this morning, canteen `canteen1` at TEAM1-D (point C1)", points.len()))
}
