//! The demo event: a realistic guest list, loaded through the same import path a department
//! uses, so a newcomer sees a living event at once. Later domains add their own demo data.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::audit::Actor;
use crate::auth::{password, store as auth_store};
use crate::config::Settings;
use crate::db::{now_utc, DbPool};
use crate::guests::id_number;
use crate::guests::import::{self, ImportContext};
use crate::guests::store as guest_store;
use crate::i18n::Lang;

const SURNAMES: &[(&str, &str)] = &[
    ("王", "WANG"),
    ("李", "LI"),
    ("张", "ZHANG"),
    ("刘", "LIU"),
    ("陈", "CHEN"),
    ("杨", "YANG"),
    ("赵", "ZHAO"),
    ("黄", "HUANG"),
    ("周", "ZHOU"),
    ("吴", "WU"),
    ("徐", "XU"),
    ("孙", "SUN"),
    ("马", "MA"),
    ("胡", "HU"),
    ("朱", "ZHU"),
    ("郭", "GUO"),
    ("何", "HE"),
    ("罗", "LUO"),
];
const GIVEN: &[(&str, &str)] = &[
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("磊", "Lei"),
    ("强", "Qiang"),
    ("洋", "Yang"),
    ("艳", "Yan"),
    ("勇", "Yong"),
    ("军", "Jun"),
    ("杰", "Jie"),
    ("涛", "Tao"),
    ("明", "Ming"),
    ("超", "Chao"),
    ("秀英", "Xiuying"),
    ("建华", "Jianhua"),
    ("志强", "Zhiqiang"),
];
const DELEGATIONS: &[&str] = &[
    "北京代表团",
    "上海代表团",
    "广东代表团",
    "四川代表团",
    "重庆代表团",
    "陕西代表团",
    "云南代表团",
    "新疆代表团",
    "宁夏代表团",
    "西藏代表团",
    "江苏代表团",
    "浙江代表团",
    "湖北代表团",
    "山东代表团",
];
const MEDIA: &[&str] = &[
    "新华社",
    "人民日报",
    "中央广播电视总台",
    "四川日报",
    "成都商报",
    "Reuters",
    "AFP",
    "Kyodo News",
];
const HUBS: &[(&str, &str, &str)] = &[
    ("CTU", "flight", "3U"),
    ("TFU", "flight", "CA"),
    ("MIG", "flight", "MU"),
    ("成都东站", "train", "G"),
    ("绵阳站", "train", "D"),
];
/// Provinces whose delegations are mostly halal eaters in the demo (some of their members).
const HALAL_DELEGATIONS: &[&str] = &["新疆代表团", "宁夏代表团"];

/// A valid-looking resident ID for a birth date and serial.
fn resident_id(rng: &mut StdRng) -> String {
    let region = [
        "510104", "510107", "110105", "310104", "440106", "650102", "640104",
    ][rng.gen_range(0..7)];
    let birth = format!(
        "{}{:02}{:02}",
        rng.gen_range(1960..2002),
        rng.gen_range(1..13),
        rng.gen_range(1..29)
    );
    let first17 = format!("{region}{birth}{:03}", rng.gen_range(0..1000));
    let check = id_number::check_digit(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// A guest list of `n` rows in the departments' CSV format (English headers), deterministic
/// for a seed. The demo loads 3,000; the import benchmark 50,000.
pub fn demo_csv(n: usize, seed: u64, start: NaiveDate) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = String::with_capacity(n * 260);
    out.push_str("ref,name,name_latin,category,gender,department,delegation,organization,id_type,id_number,phone,email,language,halal,accessible,diet,arrival_mode,arrival_no,arrival_hub,arrival_time,departure_mode,departure_no,departure_hub,departure_time,stay_from,stay_to,notes\n");
    for i in 0..n {
        let (sur, sur_latin) = SURNAMES[rng.gen_range(0..SURNAMES.len())];
        let (given, given_latin) = GIVEN[rng.gen_range(0..GIVEN.len())];
        let roll = rng.gen_range(0..100);
        let (category, department) = match roll {
            0..=2 => ("vip", "组委会办公室"),
            3..=9 => ("entourage", "组委会办公室"),
            10..=29 => ("journalist", "宣传部"),
            30..=44 => ("staff", "大会工作人员处"),
            _ => ("delegate", "体育局"),
        };
        let foreign_press = category == "journalist" && rng.gen_bool(0.15);
        let delegation = match category {
            "delegate" | "vip" | "entourage" => DELEGATIONS[rng.gen_range(0..DELEGATIONS.len())],
            _ => "",
        };
        let organization = match category {
            "journalist" => {
                MEDIA[if foreign_press {
                    rng.gen_range(5..8)
                } else {
                    rng.gen_range(0..5)
                }]
            }
            "staff" => "大会执委会",
            _ => "",
        };
        let halal =
            HALAL_DELEGATIONS.contains(&delegation) && rng.gen_bool(0.7) || rng.gen_bool(0.02);
        let diet = match rng.gen_range(0..100) {
            0..=2 => "素食",
            3 => "病号饭",
            4 => "花生过敏",
            _ => "",
        };
        let (id_type, id_no) = if foreign_press {
            ("passport", format!("E{:08}", rng.gen_range(0..100_000_000)))
        } else {
            ("resident_id", resident_id(&mut rng))
        };
        let (hub, mode, prefix) = HUBS[rng.gen_range(0..HUBS.len())];
        // A dozen flights or trains a day at each hub, each at its own time: guests on one
        // number arrive together, so one delay moves all of them.
        let (inbound, outbound) = (rng.gen_range(0..12u32), rng.gen_range(0..12u32));
        let number = |k: u32| match mode {
            "flight" => format!("{prefix}{}", 8801 + k * 7),
            _ => format!("{prefix}{}", 8501 + k * 3),
        };
        let (number, back) = (number(inbound), number(outbound + 12));
        let arrive = start + Duration::days(rng.gen_range(0..2));
        let leave = start + Duration::days(rng.gen_range(7..10));
        let clock = |k: u32| {
            let m = 7 * 60 + k * 75 + (hub.len() as u32 % 3) * 10;
            (m / 60, m % 60)
        };
        let ((ah, am), (dh, dm)) = (clock(inbound), clock(outbound));
        let language = if foreign_press { "en" } else { "zh" };
        let name_latin = format!("{sur_latin} {given_latin}");
        let gender = if rng.gen_bool(0.5) { "M" } else { "F" };
        out.push_str(&format!(
            "D{i:05},{sur}{given},{name_latin},{category},{gender},{department},{delegation},{organization},{id_type},{id_no},1{:010},guest{i}@example.com,{language},{},{},{diet},{mode},{number},{hub},{arrive} {:02}:{:02},{mode},{back},{hub},{leave} {:02}:{:02},{arrive},{leave},\n",
            rng.gen_range(3_000_000_000u64..9_999_999_999u64),
            if halal { "yes" } else { "no" },
            if rng.gen_bool(0.01) { "yes" } else { "no" },
            ah, am, dh, dm,
        ));
    }
    out
}

/// Demo accounts, one per role people try first; their password is printed.
const DEMO_USERS: &[(&str, &str)] = &[
    ("reception", "reception"),
    ("security", "security"),
    ("committee", "committee"),
];
const DEMO_PASSWORD: &str = "Demo-2027!";

/// Loads the demo event if the database has no guests; returns a summary to print.
pub fn load(pool: &DbPool, settings: &Settings) -> Result<Option<String>, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let (guests, _) = guest_store::list_guests(&mut conn, &Default::default(), 0, 0)
        .map_err(|e| e.to_string())?;
    if guests > 0 {
        return Ok(None);
    }
    // The event runs from today, so passes are valid and boards are live.
    let today = chrono::Utc::now()
        .with_timezone(&settings.timezone)
        .date_naive();
    let csv = demo_csv(3000, 2027, today);
    let actor = Actor::system("demo");
    let ctx = ImportContext {
        actor: &actor,
        scope_department: None,
        tz: settings.timezone,
        lang: Lang::En,
        today: chrono::Utc::now()
            .with_timezone(&settings.timezone)
            .date_naive(),
    };
    let report = import::import_guests(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .map_err(|e| format!("demo import failed: {e}"))?;
    if !report.errors.is_empty() {
        return Err(format!(
            "demo data has errors: {:?}",
            &report.errors[..report.errors.len().min(3)]
        ));
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = now_utc();
    for (name, role) in DEMO_USERS {
        if auth_store::find_user_by_name(&mut conn, name)
            .map_err(|e| e.to_string())?
            .is_none()
        {
            auth_store::insert_user(
                &mut conn,
                &crate::auth::model::NewUser {
                    username: name,
                    password_hash: &hash,
                    role,
                    scope: None,
                    created_at: now,
                    updated_at: now,
                },
            )
            .map_err(|e| e.to_string())?;
        }
    }
    let passes = load_passes(&mut conn, settings, today)?;
    let hotels = load_hotels(&mut conn, settings, today)?;
    let pickups = load_pickups(&mut conn, settings, today)?;
    let meals = load_meals(&mut conn, settings, today)?;
    let hygiene = load_hygiene(&mut conn, settings, today)?;
    let mail = load_mail(&mut conn, today)?;
    Ok(Some(format!(
        "demo: loaded {} guests in {} departments; {passes}; {hotels}; {pickups}; {meals}; {hygiene}; {mail}; demo users {}, gate1, desk1, greeter1, canteen1, health1 and inspector1 with password {DEMO_PASSWORD}",
        report.created,
        report.new_departments.len(),
        DEMO_USERS
            .iter()
            .map(|u| u.0)
            .collect::<Vec<_>>()
            .join(", "),
    )))
}

/// Mail. Setting the event up queued a message for every pass signed and every list made;
/// the demo starts instead from a quiet outbox with one of reception's sends: the
/// itineraries of the first 40 guests, tomorrow's kitchen sheets and the rosters. They go
/// to `.eml` files under the data directory unless `YINGBIN_SMTP_URL` is set.
fn load_mail(conn: &mut crate::db::DbConn, today: NaiveDate) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::notify::{bulk, schedule};
    let e = |e: crate::error::AppError| e.to_string();
    {
        use crate::db::schema::outbox;
        use diesel::RunQueryDsl;
        diesel::delete(outbox::table)
            .execute(conn)
            .map_err(|e| e.to_string())?;
    }
    let reception = CurrentUser {
        id: 0,
        username: "reception".into(),
        role: Role::Reception,
        scope: None,
        token_hash: String::new(),
    };
    let ids: Vec<i64> = guest_store::list_guests(conn, &Default::default(), 40, 0)
        .map_err(|e| e.to_string())?
        .1
        .iter()
        .map(|g| g.id)
        .collect();
    let sent = bulk::send(
        conn,
        &reception,
        &bulk::SendRequest {
            kind: "itinerary".into(),
            filter: bulk::SendFilter {
                guest_ids: Some(ids),
                ..Default::default()
            },
            unsent_only: false,
            dry_run: false,
        },
    )
    .map_err(e)?;
    let (sheets, _) = crate::db::write_tx(conn, |conn| {
        schedule::kitchen_sheets(conn, today + chrono::Duration::days(1), "reception", true)
    })
    .map_err(|e: diesel::result::Error| e.to_string())?;
    let (rosters, _) = crate::db::write_tx(conn, |conn| schedule::rosters(conn, "health1"))
        .map_err(|e: diesel::result::Error| e.to_string())?;
    Ok(format!(
        "mail: {} itineraries, {sheets} kitchen sheets and {rosters} rosters queued",
        sent.queued
    ))
}

/// `yingbin import guests FILE`: the API's import, from the command line, with a progress bar.
pub fn import_file(
    pool: &DbPool,
    settings: &Settings,
    file: &Path,
    dry_run: bool,
) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let actor = Actor::system("cli");
    let lang = std::env::var("LANG")
        .ok()
        .and_then(|l| Lang::parse(&l))
        .unwrap_or(Lang::Zh);
    let ctx = ImportContext {
        actor: &actor,
        scope_department: None,
        tz: settings.timezone,
        lang,
        today: chrono::Utc::now()
            .with_timezone(&settings.timezone)
            .date_naive(),
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} rows {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = import::import_guests(&mut conn, &ctx, &bytes, dry_run, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    for e in &report.errors {
        eprintln!(
            "line {}{}: {}",
            e.line,
            e.column
                .as_deref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default(),
            e.message
        );
    }
    println!(
        "{}rows {}, created {}, updated {}, unchanged {}; new departments {:?}, delegations {:?}, hubs {:?}",
        if dry_run { "dry run: " } else { "" },
        report.rows, report.created, report.updated, report.unchanged,
        report.new_departments, report.new_delegations, report.new_hubs
    );
    if report.errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} errors; nothing was written",
            report.errors.len()
        ))
    }
}

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
fn load_passes(
    conn: &mut crate::db::DbConn,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::passes::catalog;
    use crate::passes::service as passes;
    use crate::scan::service as scan;
    let e = |e: crate::error::AppError| format!("demo passes: {e}");
    let admin = auth_store::find_user_by_name(conn, "admin")
        .map_err(|e| e.to_string())?
        .ok_or("no admin")?;
    let me = CurrentUser {
        id: admin.id,
        username: admin.username,
        role: Role::Admin,
        scope: None,
        token_hash: String::new(),
    };
    for (code, name, name_en, color) in [
        ("A", "主场馆", "Main venue", "#c0392b"),
        ("B", "新闻中心", "Press centre", "#2f6fb5"),
        ("C", "运动员村", "Athletes' village", "#27ae60"),
        ("P", "停车场", "Car parks", "#8e44ad"),
    ] {
        catalog::create_zone(
            conn,
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
        conn,
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
            conn,
            &me,
            &scan::PointRequest {
                code: Some(code.into()),
                name: name.into(),
                kind: Some(kind.into()),
                zone: zone.map(str::to_string),
                session_id: session,
                target: None,
            },
        )
        .map_err(e)?;
    }
    // Photos for the first 400 guests: the rest show up as "photo missing" at security.
    let ids =
        guest_store::matching_guest_ids(conn, &Default::default()).map_err(|e| e.to_string())?;
    crate::db::write_tx(conn, |c| -> Result<(), crate::error::AppError> {
        for id in ids.iter().take(400) {
            let jpeg = silhouette(*id as u64);
            let sha = {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(&jpeg))
            };
            guest_store::upsert_photo(
                c,
                &crate::guests::model::GuestPhoto {
                    guest_id: *id,
                    jpeg,
                    sha256: sha,
                    updated_at: now_utc(),
                },
            )?;
        }
        Ok(())
    })
    .map_err(e)?;
    let (from, to) = (start - Duration::days(1), start + Duration::days(10));
    for (category, zones) in [
        ("vip", &["A", "B", "C", "P"][..]),
        ("entourage", &["A", "C"][..]),
        ("journalist", &["A", "B"][..]),
        ("staff", &["A", "B", "C"][..]),
        ("delegate", &["A", "C"][..]),
    ] {
        let filter = crate::guests::store::GuestFilter {
            category: Some(category.into()),
            ..Default::default()
        };
        let zones: Vec<String> = zones.iter().map(|z| z.to_string()).collect();
        passes::request_credentials_bulk(conn, &me, filter, &zones, from, to).map_err(e)?;
    }
    let filter = crate::passes::store::PassFilter {
        kind: Some("credential".into()),
        status: Some("requested".into()),
        ..Default::default()
    };
    let (_, requested) = crate::passes::store::list_passes(conn, &filter, None, i64::MAX, 0)
        .map_err(|e| e.to_string())?;
    let ids: Vec<i64> = requested.iter().map(|p| p.id).collect();
    let approved = passes::approve(conn, &me, &ids, settings.timezone).map_err(e)?;
    let vips = guest_store::matching_guest_ids(
        conn,
        &crate::guests::store::GuestFilter {
            category: Some("vip".into()),
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    for (i, g) in vips.iter().enumerate() {
        passes::create_admission(
            conn,
            &me,
            &passes::AdmissionRequest {
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
        let car = passes::request_vehicle(
            conn,
            &me,
            &passes::VehicleRequest {
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
    passes::approve(conn, &me, &cars, settings.timezone).map_err(e)?;
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = now_utc();
    auth_store::insert_user(
        conn,
        &crate::auth::model::NewUser {
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

/// The demo's designated hotels: a VIP hotel, a press hotel with a halal kitchen and three team
/// hotels, their blocks, a plan proposed by reception and approved by the committee, a desk
/// user and scan point at the first team hotel, and the first arrivals there checked in.
fn load_hotels(
    conn: &mut crate::db::DbConn,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::hotels::{catalog, desk, plans, rules};
    let e = |e: crate::error::AppError| format!("demo hotels: {e}");
    let acting =
        |conn: &mut crate::db::DbConn, name: &str, role: Role| -> Result<CurrentUser, String> {
            let u = auth_store::find_user_by_name(conn, name)
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
    let reception = acting(conn, "reception", Role::Reception)?;
    let committee = acting(conn, "committee", Role::Committee)?;
    let hotels = [
        (
            "VIP1",
            "锦江宾馆",
            "人民南路二段80号",
            &["vip", "entourage"][..],
            true,
            8,
        ),
        (
            "PRESS",
            "新闻大厦酒店",
            "红星路三段1号",
            &["journalist"][..],
            true,
            15,
        ),
        (
            "TEAM1",
            "运动员村一号楼",
            "体育村路1号",
            &["delegate", "staff"][..],
            true,
            12,
        ),
        (
            "TEAM2",
            "天府酒店",
            "天府大道中段666号",
            &["delegate", "staff"][..],
            false,
            20,
        ),
        (
            "TEAM3",
            "锦城宾馆",
            "锦城大道88号",
            &["delegate", "staff", "entourage"][..],
            false,
            25,
        ),
    ];
    for (code, name, address, categories, halal, minutes) in hotels {
        catalog::create_hotel(
            conn,
            &reception,
            &serde_json::json!({
                "code": code, "name": name, "address": address, "categories": categories,
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
            conn,
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
    let plan = plans::propose(conn, &reception, tz).map_err(e)?;
    plans::decide(
        conn,
        &reception,
        plan.id,
        rules::PlanAction::Submit,
        None,
        tz,
    )
    .map_err(e)?;
    plans::decide(
        conn,
        &committee,
        plan.id,
        rules::PlanAction::Approve,
        Some("同意"),
        tz,
    )
    .map_err(e)?;
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = now_utc();
    auth_store::insert_user(
        conn,
        &crate::auth::model::NewUser {
            username: "desk1",
            password_hash: &hash,
            role: "hotel_desk",
            scope: Some("TEAM1"),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| e.to_string())?;
    let admin = acting(conn, "admin", Role::Admin)?;
    crate::scan::service::create_point(
        conn,
        &admin,
        &crate::scan::service::PointRequest {
            code: Some("H1".into()),
            name: "运动员村一号楼前台".into(),
            kind: Some("hotel_desk".into()),
            zone: None,
            session_id: None,
            target: Some("TEAM1".into()),
        },
    )
    .map_err(e)?;
    // Today's first arrivals at the team hotel are in their rooms.
    let team1 = crate::hotels::store::find_hotel(conn, "TEAM1")
        .map_err(|e| e.to_string())?
        .ok_or("no TEAM1")?;
    let day = desk::desk_day(conn, &team1, start, tz).map_err(e)?;
    let mut checked_in = 0;
    let mut rooms_opened = 0;
    for stay in day.arrivals.iter().take(60) {
        let check_in = |conn: &mut crate::db::DbConn, room_no: Option<String>| {
            let req = desk::StayRequest {
                room_no,
                ..Default::default()
            };
            desk::change_stay(
                conn,
                &admin,
                stay.guest_id,
                rules::StayAction::CheckIn,
                &req,
                start,
                tz,
            )
        };
        // A roommate already in the room gives the number; otherwise the next room opens.
        if check_in(conn, None).is_err() {
            rooms_opened += 1;
            check_in(
                conn,
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

/// The demo's pickups: meeting points and travel minutes at the five hubs, a pool of cars and
/// drivers, a greeter at CTU, one delayed flight, and runs planned for today and tomorrow.
fn load_pickups(
    conn: &mut crate::db::DbConn,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::pickups::{runs, service};
    let e = |e: crate::error::AppError| format!("demo pickups: {e}");
    let admin = auth_store::find_user_by_name(conn, "admin")
        .map_err(|e| e.to_string())?
        .ok_or("no admin")?;
    let me = CurrentUser {
        id: admin.id,
        username: admin.username,
        role: Role::Admin,
        scope: None,
        token_hash: String::new(),
    };
    let tz = settings.timezone;
    let hotels = crate::hotels::store::list_hotels(conn).map_err(|e| e.to_string())?;
    let hubs = [
        ("CTU", "airport", "T2 到达厅 B 出口，举“迎宾”牌", 35),
        ("TFU", "airport", "T1 国内到达 3 号门", 70),
        ("MIG", "airport", "到达厅出口", 95),
        ("成都东站", "station", "东广场出站口", 25),
        ("绵阳站", "station", "出站口右侧", 100),
    ];
    for (code, kind, meeting, minutes) in hubs {
        let hub = service::find_hub_by_key(conn, code).map_err(e)?;
        service::update_hub(
            conn,
            &me,
            hub.id,
            &service::HubRequest {
                name: None,
                kind: Some(kind.into()),
                meeting_point: Some(meeting.into()),
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
        service::set_travel(conn, &me, hub.id, &travel).map_err(e)?;
    }
    let drivers = ["刘", "陈", "张", "黄", "周", "吴", "郑", "孙", "马", "朱"];
    let mut cars = 0;
    for i in 0..60u32 {
        let (seats, kind) = match i % 6 {
            0 => (7, "van"),
            1 => (19, "minibus"),
            _ => (4, "sedan"),
        };
        let v = crate::pickups::model::VehicleResponse {
            plate: format!("川A{}", 70000 + i * 13),
            seats,
            vehicle_type: kind.into(),
            driver_name: Some(format!("{}师傅", drivers[i as usize % drivers.len()])),
            driver_phone: Some(format!("1390001{:04}", i)),
            ..Default::default()
        };
        service::create_vehicle(conn, &me, &v, tz).map_err(e)?;
        cars += 1;
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = now_utc();
    let ctu = service::find_hub_by_key(conn, "CTU").map_err(e)?;
    let greeter = auth_store::insert_user(
        conn,
        &crate::auth::model::NewUser {
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
    auth_store::update_contact(conn, greeter, Some("王芳"), Some("13800138000"), now)
        .map_err(|e| e.to_string())?;
    // One flight today is late.
    service::update_trip(
        conn,
        &me,
        &service::TripUpdateRequest {
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
                conn,
                &me,
                &runs::PlanRequest {
                    hub: Some(code.into()),
                    date: Some(day),
                    direction: None,
                    max_wait_minutes: None,
                },
                tz,
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
            if let Err(e) = land_due_trips(&mut conn, tz) {
                tracing::warn!("demo clock: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("demo clock: {e}");
    }
}

fn land_due_trips(
    conn: &mut crate::db::DbConn,
    tz: chrono_tz::Tz,
) -> Result<(), crate::error::AppError> {
    use crate::pickups::rules::Direction;
    use crate::pickups::service;
    let now = now_utc();
    let book = service::trip_book(
        conn,
        Direction::Arrival,
        None,
        now - Duration::hours(6),
        now + Duration::hours(1),
        tz,
    )?;
    let due: Vec<service::TripUpdate> = book
        .trips
        .iter()
        .filter(|(t, _)| matches!(t.status.as_str(), "scheduled" | "delayed"))
        .filter(|(t, people)| {
            service::expected_utc(t, people.iter().filter_map(|p| p.at).min())
                .is_some_and(|at| at <= now)
        })
        .map(|(t, _)| service::TripUpdate {
            hub_id: t.hub_id,
            number: t.number.clone(),
            date: t.date,
            direction: Direction::Arrival,
            expected_at: None,
            status: Some("landed"),
        })
        .collect();
    if !due.is_empty() {
        crate::db::write_tx(conn, |c| {
            service::apply_trip_updates(c, &due, "demo-clock").map(|_| ())
        })?;
    }
    Ok(())
}

/// The demo's meals: a dining point at each hotel (halal rooms at the press hotel and TEAM1)
/// and a canteen at the main venue, the menu for today and tomorrow, a canteen account at
/// TEAM1 with scan point C1, and this morning's breakfast served, so the charts have data.
fn load_meals(
    conn: &mut crate::db::DbConn,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::meals::{canteen, catalog, kitchen, model, store};
    let e = |e: crate::error::AppError| format!("demo meals: {e}");
    let admin = auth_store::find_user_by_name(conn, "admin")
        .map_err(|e| e.to_string())?
        .ok_or("no admin")?;
    let me = CurrentUser {
        id: admin.id,
        username: admin.username,
        role: Role::Admin,
        scope: None,
        token_hash: String::new(),
    };
    let points = [
        ("VIP1-D", "锦江宾馆餐厅", Some("VIP1"), 200, false),
        ("PRESS-D", "新闻大厦餐厅", Some("PRESS"), 400, true),
        ("TEAM1-D", "运动员村一号楼餐厅", Some("TEAM1"), 600, true),
        ("TEAM2-D", "天府酒店餐厅", Some("TEAM2"), 500, false),
        ("TEAM3-D", "锦城宾馆餐厅", Some("TEAM3"), 500, false),
        ("MAIN", "主场馆餐厅", None, 300, false),
    ];
    for (code, name, hotel, seats, halal) in points {
        catalog::create_point(
            conn,
            &me,
            &model::PointResponse {
                code: code.into(),
                name: name.into(),
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
            let entry = model::MenuEntry {
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
            kitchen::add_dish(conn, &me, &entry).map_err(e)?;
        }
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = now_utc();
    auth_store::insert_user(
        conn,
        &crate::auth::model::NewUser {
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
        conn,
        &me,
        &crate::scan::service::PointRequest {
            code: Some("C1".into()),
            name: "运动员村一号楼餐厅入口".into(),
            kind: Some("canteen".into()),
            zone: None,
            session_id: None,
            target: Some("TEAM1-D".into()),
        },
    )
    .map_err(e)?;
    // This morning's breakfast: most of those entitled came.
    let tz = settings.timezone;
    let catalog = catalog::MealCatalog::load(conn).map_err(e)?;
    let guests = store::list_meal_guests(conn).map_err(|e| e.to_string())?;
    let at = crate::guests::service::to_utc(tz, start.and_hms_opt(7, 40, 0).unwrap_or_default());
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
    crate::db::write_tx(conn, |c| -> Result<(), crate::error::AppError> {
        for g in guests.iter().filter(|g| g.id % 7 != 0) {
            if !canteen::eating_days(g, tz).is_some_and(|d| d.contains(&start)) {
                continue;
            }
            let point = match g.category.as_deref() {
                Some("journalist") => press.get(g.id as usize % press.len().max(1)).copied(),
                _ => canteen::usual_points(g, &catalog).first().copied(),
            };
            if let Some(p) = point {
                store::insert_use(c, &format!("g{}", g.id), start, "breakfast", p, g.halal, at)?;
                served += 1;
            }
        }
        Ok(())
    })
    .map_err(e)?;
    Ok(format!("{} dining points, the menu for two days, {served} breakfasts served this morning, canteen `canteen1` at TEAM1-D (point C1)", points.len()))
}

/// The demo's hygiene: 16 inspectors of the city's health enforcement office, a week's roster
/// with two on every dining point whenever food is handled, the health officer `health1`, the
/// inspector `inspector1`, one inspection logged and one incident open.
fn load_hygiene(
    conn: &mut crate::db::DbConn,
    settings: &Settings,
    start: NaiveDate,
) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::hygiene::{reports, service};
    let e = |e: crate::error::AppError| format!("demo hygiene: {e}");
    let admin = auth_store::find_user_by_name(conn, "admin")
        .map_err(|e| e.to_string())?
        .ok_or("no admin")?;
    let me = CurrentUser {
        id: admin.id,
        username: admin.username,
        role: Role::Admin,
        scope: None,
        token_hash: String::new(),
    };
    let mut first = 0;
    for (i, (sur, given)) in SURNAMES.iter().zip(GIVEN.iter().rev()).take(16).enumerate() {
        let saved = service::save_inspector(
            conn,
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
    let roster = service::generate(conn, &me, (start, start + Duration::days(6)), tz).map_err(e)?;
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = now_utc();
    let scope = first.to_string();
    for (name, role, scope) in [
        ("health1", "health", None),
        ("inspector1", "inspector", Some(scope.as_str())),
    ] {
        auth_store::insert_user(
            conn,
            &crate::auth::model::NewUser {
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
        conn,
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
        conn,
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
