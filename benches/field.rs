//! The field kit's speed (release build, this machine).
//!
//! `cargo bench --bench field` — SQLite; with `BENCH_DATABASE_URL=postgres://…/test`
//! PostgreSQL too. 20,000 guests (the demo's mix) all staying the 14 days and eating at one
//! dining point, each with a credential:
//! - the canteen kit of that point (20,000 eaters × the event's days): built and signed, five
//!   times, the median; its size raw and gzip-compressed (as a server or proxy sends it);
//! - 10,000 offline scans of 10,000 credentials at a person gate, uploaded by one device in
//!   batches of 500 through the upload service (judged again, logged): five rounds on fresh
//!   nonces, the median of the whole upload.
//!
//! The offline verdict in the browser is measured by `static/js/offline/bench-verdict.mjs`.
#![allow(clippy::expect_used, clippy::unwrap_used)] // benchmark code: a panic is a failed run

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use diesel::prelude::*;
use yingbin::auth::Role;
use yingbin::config::Settings;

fn settings(url: &str) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_ADMIN_PASSWORD", "Bench-Field-2026!".into());
    Settings::from_lookup(|k| env.get(k).cloned()).expect("settings")
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut child = std::process::Command::new("gzip")
        .arg("-c")
        .arg("-6")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).expect("write"));
    let out = child.wait_with_output().expect("gzip output");
    writer.join().expect("writer");
    out.stdout.len()
}

fn bench(label: &str, url: &str) {
    let settings = settings(url);
    let tz = settings.timezone;
    let (pool, _) = yingbin::prepare_database(&settings).expect("db");
    let mut conn = pool.get().expect("conn");
    let admin = support::user(Role::Admin);
    let actor = admin.actor();
    let start = chrono::NaiveDate::from_ymd_opt(2027, 5, 14).expect("date");
    let ctx = yingbin::guests::import::ImportContext {
        actor: &actor,
        scope_department: None,
        tz,
        lang: yingbin::i18n::Lang::En,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
    };
    let csv = yingbin::demo::demo_csv(20_000, 11, start);
    yingbin::guests::import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .expect("import");
    use yingbin::meals::{self, catalog};
    support::write(&mut conn, |tx| {
        catalog::create_point(
            tx,
            &admin,
            &meals::PointResponse {
                code: "MAIN".into(),
                name: "主餐厅".into(),
                seats: 4000,
                halal: true,
                ..Default::default()
            },
        )?;
        yingbin::scan::service::create_point(
            tx,
            &admin,
            &yingbin::scan::service::PointRequest {
                code: Some("C-MAIN".into()),
                name: "主餐厅".into(),
                kind: Some("canteen".into()),
                zone: None,
                session_id: None,
                target: Some("MAIN".into()),
                offline_max_age_minutes: None,
            },
        )?;
        yingbin::scan::service::create_point(
            tx,
            &admin,
            &yingbin::scan::service::PointRequest {
                code: Some("G1".into()),
                name: "东门".into(),
                kind: Some("person_gate".into()),
                zone: None,
                session_id: None,
                target: None,
                offline_max_age_minutes: None,
            },
        )?;
        Ok(())
    })
    .expect("points");
    // Everyone stays the whole fortnight: the kit covers 14 days.
    {
        use yingbin::db::schema::guests;
        diesel::update(guests::table)
            .set((
                guests::stay_from.eq(Some(start)),
                guests::stay_to.eq(Some(start + chrono::Duration::days(13))),
            ))
            .execute(&mut *conn)
            .expect("stays");
    }
    let cat = catalog::MealCatalog::load(&mut conn).expect("catalog");
    let main = cat.point("MAIN").expect("MAIN").id;
    let guests = meals::list_meal_guests(&mut conn).expect("guests");
    // Every guest eats at MAIN and holds a credential (rows written directly: the bench is
    // about the kit and the upload, not about approving 20,000 passes).
    let (key_id, key) = yingbin::passes::keys::current_signing_key(&mut conn)
        .expect("key")
        .expect("a key");
    let mut tokens = Vec::new();
    support::write(&mut conn, |tx| {
        let now = tx.now();
        for g in &guests {
            meals::set_guest_point(tx, g.id, Some(main))?;
            use yingbin::db::schema::passes;
            let id: i64 = diesel::insert_into(passes::table)
                .values((
                    passes::kind.eq("credential"),
                    passes::serial.eq(1),
                    passes::status.eq("issued"),
                    passes::guest_id.eq(Some(g.id)),
                    passes::zones.eq(""),
                    passes::valid_from.eq(start),
                    passes::valid_to.eq(start + chrono::Duration::days(20)),
                    passes::created_at.eq(now),
                    passes::updated_at.eq(now),
                ))
                .returning(passes::id)
                .get_result(&mut **tx)?;
            if tokens.len() < 10_000 {
                let (from, until) = yingbin::passes::rules::validity_window(
                    chrono::Utc::now().date_naive() - chrono::Duration::days(1),
                    chrono::Utc::now().date_naive() + chrono::Duration::days(2),
                    tz,
                );
                tokens.push(yingbin::passes::token::sign(
                    &yingbin::passes::token::PassRecord {
                        kind: yingbin::passes::token::PassKind::Credential,
                        key_id,
                        pass_id: u32::try_from(id).expect("id"),
                        serial: 1,
                        valid_from: from,
                        valid_until: until,
                        access: 1,
                        photo: 0,
                    },
                    &key,
                ));
            }
        }
        Ok(())
    })
    .expect("passes");

    // The canteen kit.
    let device = support::write(&mut conn, |tx| {
        yingbin::scan::devices::register(
            tx,
            &admin,
            &yingbin::scan::devices::RegisterDevice {
                name: "一号窗口".into(),
                point: "C-MAIN".into(),
            },
        )
    })
    .expect("device");
    let device = yingbin::scan::devices::find(&mut conn, device)
        .expect("device")
        .expect("device row");
    let point = yingbin::scan::list_points(&mut conn)
        .expect("points")
        .into_iter()
        .find(|p| p.code == "C-MAIN")
        .expect("C-MAIN");
    let mut times = Vec::new();
    let mut kit = None;
    for _ in 0..5 {
        let t = Instant::now();
        let (signed, _) = yingbin::scan::kit::build(
            &mut conn,
            &device,
            &point,
            None,
            tz,
            yingbin::time::now_utc(),
            30,
        )
        .expect("kit");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        kit = Some(signed);
    }
    let kit = kit.expect("a kit");
    let text = serde_json::to_string(&kit).expect("json");
    let body: serde_json::Value = serde_json::from_str(&kit.body).expect("body");
    let eaters = body["canteen"]["eaters"].as_array().map_or(0, Vec::len);
    let days = body["canteen"]["days"].as_u64().unwrap_or(0);
    let (m, lo, hi) = median(times);
    println!(
        "{label}: canteen kit, {eaters} eaters × {days} days: built and signed in median {m:.0} ms \
         (min {lo:.0}, max {hi:.0}) over 5; {:.0} KB raw, {:.0} KB gzip",
        text.len() as f64 / 1024.0,
        gzip_len(text.as_bytes()) as f64 / 1024.0
    );

    // 10,000 offline scans uploaded in batches of 500.
    let gate = support::write(&mut conn, |tx| {
        yingbin::scan::devices::register(
            tx,
            &admin,
            &yingbin::scan::devices::RegisterDevice {
                name: "东门2号机".into(),
                point: "G1".into(),
            },
        )
    })
    .expect("gate device");
    let keys = yingbin::passes::keys::KeyRing::default();
    let cache = yingbin::scan::service::ScanCache::default();
    let mut times = Vec::new();
    let mut accepted = 0;
    for round in 0..5 {
        let scanned_at = chrono::Utc::now().to_rfc3339();
        let t = Instant::now();
        accepted = 0;
        for (b, chunk) in tokens.chunks(500).enumerate() {
            let req = yingbin::scan::batch::BatchRequest {
                device_id: gate,
                scans: chunk
                    .iter()
                    .enumerate()
                    .map(|(i, token)| yingbin::scan::batch::OfflineScan {
                        nonce: format!("r{round}-b{b}-{i}"),
                        payload: token.clone(),
                        point: "G1".into(),
                        scanned_at: scanned_at.clone(),
                        verdict: "accept".into(),
                        reason: None,
                    })
                    .collect(),
            };
            let answer = yingbin::scan::batch::upload(
                &mut conn,
                &keys,
                &cache,
                &admin,
                &req,
                yingbin::i18n::Lang::Zh,
                tz,
                chrono::Utc::now(),
            )
            .expect("upload");
            accepted += answer
                .results
                .iter()
                .filter(|r| r.server_verdict.as_deref() == Some("accept"))
                .count();
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (m, lo, hi) = median(times);
    println!(
        "{label}: 10,000 offline scans uploaded in 20 batches of 500 ({accepted} accepted on the \
         last round): median {m:.0} ms (min {lo:.0}, max {hi:.0}) over 5"
    );
}

fn main() {
    support::on_each_backend("field", bench);
}
