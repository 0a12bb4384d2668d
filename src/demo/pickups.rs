//! Demo pickups: meeting points, cars, runs, a delayed flight, and the clock that lands flights.

use super::*;

/// The demo's pickups: meeting points and travel minutes at the five hubs, a pool of cars and
/// drivers, a greeter at CTU, one delayed flight, and runs planned for today and tomorrow.
pub(super) fn load_pickups(
    tx: &mut crate::db::Tx,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::pickups::{runs, service, trips, vehicles};
    let e = |e: crate::error::AppError| format!("demo pickups: {e}");
    let me = admin_user(tx)?;
    let tz = settings.timezone;
    let hotels = crate::hotels::list_hotels(tx).map_err(|e| e.to_string())?;
    // Code, kind, the name and meeting point in English (for English-speaking guests'
    // itineraries), the meeting point in Chinese, minutes to the first hotel.
    let hubs = [
        (
            "CTU",
            "airport",
            "Chengdu Shuangliu International Airport",
            "T2 Arrivals, exit B: look for the \"迎宾 Yingbin\" sign",
            "T2 到达厅 B 出口，举“迎宾”牌",
            35,
        ),
        (
            "TFU",
            "airport",
            "Chengdu Tianfu International Airport",
            "T1 Domestic Arrivals, gate 3",
            "T1 国内到达 3 号门",
            70,
        ),
        (
            "MIG",
            "airport",
            "Mianyang Nanjiao Airport",
            "Arrivals hall exit",
            "到达厅出口",
            95,
        ),
        (
            "成都东站",
            "station",
            "Chengdu East Railway Station",
            "East Square exit",
            "东广场出站口",
            25,
        ),
        (
            "绵阳站",
            "station",
            "Mianyang Railway Station",
            "Right of the exit",
            "出站口右侧",
            100,
        ),
    ];
    for (code, kind, name_en, meeting_en, meeting, minutes) in hubs {
        let hub = service::find_hub_by_key(tx, code).map_err(e)?;
        service::update_hub(
            tx,
            &me,
            hub.id,
            &service::HubRequest {
                name: None,
                kind: Some(kind.into()),
                meeting_point: Some(meeting.into()),
                name_en: Some(name_en.into()),
                meeting_point_en: Some(meeting_en.into()),
            },
        )
        .map_err(e)?;
        let travel: Vec<service::TravelEntry> = hotels
            .iter()
            .enumerate()
            .map(|(i, h)| service::TravelEntry {
                hotel: h.code.clone(),
                hotel_name: String::new(),
                minutes: minutes + i as i32 * 12,
            })
            .collect();
        service::set_travel(tx, &me, hub.id, &travel).map_err(e)?;
    }
    let drivers = ["刘", "陈", "张", "黄", "周", "吴", "郑", "孙", "马", "朱"];
    let mut cars = 0;
    for i in 0..60u32 {
        let (seats, kind) = match i % 6 {
            0 => (7, "van"),
            1 => (19, "minibus"),
            _ => (4, "sedan"),
        };
        let v = crate::pickups::VehicleResponse {
            plate: format!("川A{}", 70000 + i * 13),
            seats,
            vehicle_type: kind.into(),
            driver_name: Some(format!("{}师傅", drivers[i as usize % drivers.len()])),
            driver_phone: Some(format!("1390001{:04}", i)),
            ..Default::default()
        };
        vehicles::create_vehicle(tx, &me, &v, tz).map_err(e)?;
        cars += 1;
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = tx.now();
    let ctu = service::find_hub_by_key(tx, "CTU").map_err(e)?;
    let greeter = auth_store::insert_user(
        tx,
        &crate::auth::NewUser {
            username: "greeter1",
            password_hash: &hash,
            role: "greeter",
            scope: Some(&ctu.id.to_string()),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| e.to_string())?;
    // Guests arriving at CTU are told whom to look for.
    auth_store::update_contact(tx, greeter, Some("王芳"), Some("13800138000"), now)
        .map_err(|e| e.to_string())?;
    // One flight today is late.
    trips::update_trip(
        tx,
        &me,
        &trips::TripUpdateRequest {
            number: Some("3U8808".into()),
            date: Some(start),
            hub: Some("CTU".into()),
            direction: None,
            expected_time: Some("09:45".into()),
            status: None,
        },
        tz,
    )
    .map_err(e)?;
    let mut planned = 0;
    for day in [start, start + Duration::days(1)] {
        for (code, ..) in hubs {
            let r = runs::plan(
                tx,
                &me,
                &runs::PlanRequest {
                    hub: Some(code.into()),
                    date: Some(day),
                    direction: None,
                    max_wait_minutes: None,
                },
                tz,
                // Nobody has been written to yet: nothing to hold.
                Duration::zero(),
            )
            .map_err(e)?;
            planned += r.runs;
        }
    }
    Ok(format!("{cars} pool cars, {planned} pickup runs planned for today and tomorrow, greeter `greeter1` at CTU"))
}

/// The demo's clock: every half minute, flights and trains whose time has come land, so an
/// open board moves as a real one would. Runs until the process ends.
pub fn start_clock(pool: DbPool, settings: &Settings) {
    let tz = settings.timezone;
    let spawned = std::thread::Builder::new()
        .name("demo-clock".into())
        .spawn(move || loop {
            std::thread::sleep(std::time::Duration::from_secs(30));
            let Ok(mut conn) = pool.get() else { continue };
            let landed = crate::db::write_tx(&mut conn, crate::time::now_utc(), |tx| {
                land_due_trips(tx, tz)
            });
            if let Err(e) = landed {
                tracing::warn!("demo clock: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("demo clock: {e}");
    }
}

fn land_due_trips(tx: &mut crate::db::Tx, tz: chrono_tz::Tz) -> Result<(), crate::error::AppError> {
    use crate::pickups::rules::Direction;
    use crate::pickups::trips;
    let now = tx.now();
    let book = trips::trip_book(
        tx,
        Direction::Arrival,
        None,
        now - Duration::hours(6),
        now + Duration::hours(1),
        tz,
    )?;
    let due: Vec<trips::TripUpdate> = book
        .trips
        .iter()
        .filter(|(t, _)| matches!(t.status.as_str(), "scheduled" | "delayed"))
        .filter(|(t, people)| {
            trips::expected_utc(t, people.iter().filter_map(|p| p.at).min())
                .is_some_and(|at| at <= now)
        })
        .map(|(t, _)| trips::TripUpdate {
            hub_id: t.hub_id,
            number: t.number.clone(),
            date: t.date,
            direction: Direction::Arrival,
            expected_at: None,
            status: Some("landed"),
        })
        .collect();
    if !due.is_empty() {
        trips::apply_trip_updates(tx, &due, "demo-clock")?;
    }
    Ok(())
}
