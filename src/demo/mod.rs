//! The demo event: a realistic guest list, loaded through the same import path a department
//! uses, so a newcomer sees a living event at once. Later domains add their own demo data.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::audit::Actor;
use crate::auth::{self as auth_store, password};
use crate::config::Settings;
use crate::db::{write_tx, DbPool};
use crate::error::AppError;
use crate::guests as guest_store;
use crate::guests::id_number;
use crate::guests::import::{self, ImportContext};
use crate::i18n::Lang;
use crate::time::now_utc;

mod hotels;
mod hygiene;
mod mail;
mod meals;
mod passes;
mod pickups;

use hotels::load_hotels;
use hygiene::load_hygiene;
use mail::load_mail;
use meals::load_meals;
use passes::load_passes;
use pickups::load_pickups;
pub use pickups::start_clock;

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

/// The admin account the loaders act as (their writes are audited under it).
fn admin_user(conn: &mut crate::db::DbConn) -> Result<crate::auth::CurrentUser, String> {
    let admin = auth_store::find_user_by_name(conn, "admin")
        .map_err(|e| e.to_string())?
        .ok_or("no admin")?;
    Ok(crate::auth::CurrentUser {
        id: admin.id,
        username: admin.username,
        role: crate::auth::Role::Admin,
        scope: None,
        token_hash: String::new(),
    })
}

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
    let report = import::run(&mut conn, &ctx, csv.as_bytes(), false, &|_, _| {})
        .map_err(|e| format!("demo import failed: {e}"))?;
    let hash = password::hash(DEMO_PASSWORD)?;
    let now = now_utc();
    // The rest of the event in one transaction: a demo is all there or not at all.
    let parts = write_tx(&mut conn, now, |tx| {
        load_event(tx, settings, today, &hash).map_err(AppError::Internal)
    })
    .map_err(|e| match e {
        AppError::Internal(detail) => detail,
        other => other.to_string(),
    })?;
    Ok(Some(format!(
        "demo: loaded {} guests in {} departments; {parts}; demo users {}, gate1, desk1, greeter1, canteen1, health1 and inspector1 with password {DEMO_PASSWORD}",
        report.created,
        report.new_departments.len(),
        DEMO_USERS
            .iter()
            .map(|u| u.0)
            .collect::<Vec<_>>()
            .join(", "),
    )))
}

fn load_event(
    tx: &mut crate::db::Tx,
    settings: &Settings,
    today: NaiveDate,
    hash: &str,
) -> Result<String, String> {
    let now = tx.now();
    for (name, role) in DEMO_USERS {
        if auth_store::find_user_by_name(tx, name)
            .map_err(|e| e.to_string())?
            .is_none()
        {
            auth_store::insert_user(
                tx,
                &crate::auth::NewUser {
                    username: name,
                    password_hash: hash,
                    role,
                    scope: None,
                    created_at: now,
                    updated_at: now,
                },
            )
            .map_err(|e| e.to_string())?;
        }
    }
    let passes = load_passes(tx, settings, today)?;
    let hotels = load_hotels(tx, settings, today)?;
    let pickups = load_pickups(tx, settings, today)?;
    let meals = load_meals(tx, settings, today)?;
    let hygiene = load_hygiene(tx, settings, today)?;
    let mail = load_mail(tx, today)?;
    Ok(format!(
        "{passes}; {hotels}; {pickups}; {meals}; {hygiene}; {mail}"
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
    let outcome = import::run(&mut conn, &ctx, &bytes, dry_run, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let report = match outcome {
        Ok(report) => report,
        Err(AppError::Rejected {
            message, report, ..
        }) => {
            for e in report["errors"].as_array().into_iter().flatten() {
                eprintln!(
                    "line {}{}: {}",
                    e["line"],
                    e["column"]
                        .as_str()
                        .map(|c| format!(" [{c}]"))
                        .unwrap_or_default(),
                    e["message"].as_str().unwrap_or_default()
                );
            }
            return Err(message);
        }
        Err(e) => return Err(e.to_string()),
    };
    println!(
        "{}rows {}, created {}, updated {}, unchanged {}; new departments {:?}, delegations {:?}, hubs {:?}",
        if dry_run { "dry run: " } else { "" },
        report.rows, report.created, report.updated, report.unchanged,
        report.new_departments, report.new_delegations, report.new_hubs
    );
    Ok(())
}
