//! What the benchmarks share: one run on a fresh SQLite file and, when
//! `BENCH_DATABASE_URL` names a PostgreSQL server, one on a fresh database there (dropped after).
#![allow(clippy::expect_used)] // benchmark code: a panic is a failed run
#![allow(dead_code)] // each benchmark uses what it needs

use diesel::{Connection, RunQueryDsl};

/// Runs `bench(label, database_url)` on each backend; only under `cargo bench`.
pub fn on_each_backend(name: &str, bench: impl Fn(&str, &str)) {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    bench("SQLite", &dir.path().join("bench.db").to_string_lossy());
    if let Ok(base) = std::env::var("BENCH_DATABASE_URL") {
        let db = format!("bench_{name}_{}", std::process::id());
        let mut admin = diesel::PgConnection::establish(&base).expect("postgres");
        diesel::sql_query(format!("CREATE DATABASE {db}"))
            .execute(&mut admin)
            .expect("create");
        let url = format!(
            "{}/{db}",
            base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
        );
        bench("PostgreSQL", &url);
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            .execute(&mut admin);
    }
}

/// Runs a change in one write transaction, as a request would.
pub fn write<T>(
    conn: &mut yingbin::db::PooledConn,
    f: impl FnOnce(&mut yingbin::db::Tx) -> Result<T, yingbin::error::AppError>,
) -> Result<T, yingbin::error::AppError> {
    yingbin::db::write_tx(conn, yingbin::time::now_utc(), f)
}

/// A signed-in user of `role` for calling services directly.
pub fn user(role: yingbin::auth::Role) -> yingbin::auth::CurrentUser {
    yingbin::auth::CurrentUser {
        id: 1,
        username: "admin".into(),
        role,
        scope: None,
        token_hash: String::new(),
    }
}

/// The big event several benchmarks time against, through the same services as the API.
pub struct Event {
    pub pool: yingbin::db::DbPool,
    pub admin: yingbin::auth::CurrentUser,
    pub tz: chrono_tz::Tz,
    /// The event's first day.
    pub start: chrono::NaiveDate,
}

/// `guests` demo guests over 10 designated hotels, zones A–C with a zone policy, and a plan
/// proposed, submitted and published (every placed guest has a stay).
pub fn published_event(label: &str, url: &str, guests: usize) -> Event {
    use serde_json::json;
    use std::time::Instant;
    use yingbin::auth::Role;
    use yingbin::hotels::rules::PlanAction;
    let mut env: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Event-2026!".into());
    let settings =
        yingbin::config::Settings::from_lookup(|k| env.get(k).cloned()).expect("settings");
    let (pool, _) = yingbin::prepare_database(&settings).expect("db");
    let mut conn = pool.get().expect("conn");
    let admin = user(Role::Admin);
    let actor = admin.actor();
    let tz = settings.timezone;
    let start = chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date");
    let ctx = yingbin::guests::import::ImportContext {
        actor: &actor,
        scope_department: None,
        tz,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let csv = yingbin::demo::demo_csv(guests, 11, start);
    yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    use yingbin::hotels::{catalog, plans};
    for h in 0..10 {
        let code = format!("H{h}");
        let categories = match h {
            0 => json!(["vip", "entourage"]),
            1 | 2 => json!(["journalist"]),
            _ => json!(["staff", "delegate"]),
        };
        write(&mut conn, |tx| {
            catalog::create_hotel(
                tx,
                &admin,
                &json!({"code": code, "name": code, "halal": h % 3 == 0,
                        "venue_minutes": 10 + h * 3, "categories": categories}),
            )
        })
        .expect("hotel");
        for (room_type, rooms) in [
            ("twin", 1100),
            ("single", 250),
            ("suite", 40),
            ("accessible", 20),
        ] {
            write(&mut conn, |tx| {
                catalog::create_block(
                    tx,
                    &admin,
                    &code,
                    &catalog::RoomsRequest {
                        room_type: Some(room_type.into()),
                        nights_from: Some(start - chrono::Duration::days(2)),
                        nights_to: Some(start + chrono::Duration::days(14)),
                        rooms: Some(rooms),
                        rate: Some(420.0),
                        reason: None,
                    },
                )
            })
            .expect("block");
        }
    }
    for (code, name) in [("A", "主场馆"), ("B", "新闻中心"), ("C", "运动员村")] {
        write(&mut conn, |tx| {
            yingbin::passes::catalog::create_zone(
                tx,
                &admin,
                &yingbin::passes::catalog::ZoneRequest {
                    code: Some(code.into()),
                    name: name.into(),
                    name_en: None,
                    color: None,
                },
            )
        })
        .expect("zone");
    }
    let policy = [
        ("delegate", ["A", "C"]),
        ("journalist", ["A", "B"]),
        ("staff", ["A", "C"]),
        ("vip", ["A", "B"]),
        ("entourage", ["A", "C"]),
    ]
    .map(|(c, z)| yingbin::passes::follow::ZonePolicyEntry {
        category: c.into(),
        zones: z.iter().map(|s| s.to_string()).collect(),
    });
    write(&mut conn, |tx| {
        yingbin::passes::follow::set_zone_policy(tx, &admin, &policy)
    })
    .expect("policy");
    let t = Instant::now();
    let plan = write(&mut conn, |tx| plans::propose(tx, &admin, tz)).expect("propose");
    println!(
        "{label}: setup: plan proposed in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    write(&mut conn, |tx| {
        plans::decide(tx, &admin, plan.id, PlanAction::Submit, None, tz)
    })
    .expect("submit");
    write(&mut conn, |tx| {
        plans::decide(
            tx,
            &user(Role::Committee),
            plan.id,
            PlanAction::Approve,
            None,
            tz,
        )
    })
    .expect("approve");
    drop(conn);
    Event {
        pool,
        admin,
        tz,
        start,
    }
}

/// A JPEG portrait for guests' photos.
pub fn image_bytes() -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 400, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("jpeg");
    out.into_inner()
}
