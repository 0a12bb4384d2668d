//! From an outbox row to the message it stands for, reading today's facts. The worker sends
//! what this returns; reception's preview shows the same.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::Value;

use crate::config::Settings;
use crate::db::schema::{dining_points, inspectors};
use crate::db::DbConn;
use crate::error::AppError;
use crate::notify::compose::Part;
use crate::notify::facts::{GuestFacts, RunFacts};
use crate::notify::guest_letters::{self as letters, Booking};
use crate::notify::ics;
use crate::notify::letter::{lang_of, Lang, Letter, Rendered};
use crate::notify::list_letters::{self, Shift};
use crate::notify::model::{Kind, OutboxRow};
use crate::pickups::rides::{rides_of, Ride};
use crate::time::to_local;

/// What to do with a row.
pub enum Outcome {
    Send(Rendered),
    /// Nothing to tell any more (say why).
    Cancel(String),
    /// It can never be sent (say why).
    Fail(String),
}

/// Days of roster an inspector is sent.
const ROSTER_DAYS: i64 = 14;

pub fn render(
    conn: &mut DbConn,
    settings: &Settings,
    row: &OutboxRow,
) -> Result<Outcome, AppError> {
    let Some(kind) = Kind::parse(&row.kind) else {
        return Ok(Outcome::Fail(format!("unknown message kind {}", row.kind)));
    };
    let params: Value = serde_json::from_str(&row.params).unwrap_or(Value::Null);
    let result = match kind {
        Kind::Pass
        | Kind::PassRevoked
        | Kind::Itinerary
        | Kind::FlightChange
        | Kind::PickupChange
        | Kind::RoomChange => guest_message(conn, settings, kind, row, &params),
        Kind::RoomingList => rooming(conn, settings, row),
        Kind::KitchenSheet => kitchen(conn, settings, row),
        Kind::Roster => roster(conn, settings, row),
    };
    match result {
        // What the message is about is gone (a guest deleted, a point removed).
        Err(AppError::NotFound(what)) => Ok(Outcome::Fail(format!("the {what} no longer exists"))),
        other => other,
    }
}

/// A guest message for preview, as if queued now.
pub fn preview(
    conn: &mut DbConn,
    settings: &Settings,
    kind: Kind,
    guest_id: i64,
) -> Result<Outcome, AppError> {
    let ref_id = match kind {
        Kind::Pass => match current_credential(conn, guest_id)? {
            Some(id) => id.to_string(),
            None => return Ok(Outcome::Fail("this guest has no issued pass yet".into())),
        },
        _ => guest_id.to_string(),
    };
    let row = OutboxRow {
        id: 0,
        kind: kind.as_str().into(),
        guest_id: Some(guest_id),
        recipient_kind: crate::notify::model::recipient::GUEST.into(),
        recipient_id: guest_id,
        recipient: String::new(),
        ref_id,
        params: "{}".into(),
        batch_id: None,
        dedupe_key: None,
        status: String::new(),
        attempts: 0,
        next_attempt_at: crate::time::now_utc(),
        claimed_by: None,
        claimed_at: None,
        subject: None,
        last_error: None,
        created_by: String::new(),
        created_at: crate::time::now_utc(),
        sent_at: None,
    };
    render(conn, settings, &row)
}

/// The guest's newest issued credential, if any.
pub fn current_credential(conn: &mut DbConn, guest_id: i64) -> Result<Option<i64>, AppError> {
    use crate::db::schema::passes;
    Ok(passes::table
        .filter(passes::guest_id.eq(guest_id))
        .filter(passes::kind.eq("credential"))
        .filter(passes::status.ne_all(["requested", "revoked"]))
        .filter(passes::token.is_not_null())
        .order(passes::id.desc())
        .select(passes::id)
        .first(conn)
        .optional()?)
}

fn guest_message(
    conn: &mut DbConn,
    settings: &Settings,
    kind: Kind,
    row: &OutboxRow,
    params: &Value,
) -> Result<Outcome, AppError> {
    let guest_id = row.guest_id.ok_or(AppError::NotFound("guest"))?;
    let tz = settings.timezone;
    let f = GuestFacts::load(conn, guest_id, tz)?;
    let Some(to) = f.guest.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(Outcome::Fail("the guest has no email address".into()));
    };
    let lang = lang_of(&f.guest.language);
    let mut inline = Vec::new();
    let mut attachments = Vec::new();
    let letter = match kind {
        Kind::Pass => {
            let pass_id: i64 = row.ref_id.parse().map_err(|_| AppError::NotFound("pass"))?;
            let pass = crate::passes::store::find_pass(conn, pass_id)?
                .ok_or(AppError::NotFound("pass"))?;
            if pass.status == "revoked" {
                return Ok(Outcome::Cancel(
                    "the pass was revoked before this was sent".into(),
                ));
            }
            let Some(token) = pass.token.clone() else {
                return Ok(Outcome::Fail("the pass is not signed yet".into()));
            };
            let zones = zone_names(conn, &pass.zone_codes(), lang)?;
            let png = crate::passes::qr::png(&token, 400)?;
            inline.push(Part {
                name: "qr".into(),
                content_type: "image/png".into(),
                bytes: png.clone(),
            });
            attachments.push(Part {
                name: format!("pass-{}.png", pass.serial),
                content_type: "image/png".into(),
                bytes: png,
            });
            letters::pass(
                lang,
                &f,
                pass.serial,
                &zones,
                (pass.valid_from, pass.valid_to),
            )
        }
        Kind::PassRevoked => {
            let pass_id: i64 = row.ref_id.parse().map_err(|_| AppError::NotFound("pass"))?;
            let pass = crate::passes::store::find_pass(conn, pass_id)?
                .ok_or(AppError::NotFound("pass"))?;
            let reason = params["reason"].as_str().unwrap_or("withdrawn");
            letters::pass_revoked(lang, &f, pass.serial, reason)
        }
        Kind::Itinerary => {
            let (letter, events) = letters::itinerary(lang, &f);
            attach_calendar(&mut attachments, &events, "itinerary.ics");
            letter
        }
        Kind::FlightChange => {
            let number = params["number"].as_str().unwrap_or_default();
            let time = |key: &str| {
                params[key]
                    .as_str()
                    .and_then(|s| s.parse::<chrono::NaiveDateTime>().ok())
                    .map(|t| to_local(tz, t))
            };
            let cancelled = params["status"].as_str() == Some("cancelled");
            let (letter, events) =
                letters::flight_change(lang, &f, number, time("old"), time("new"), cancelled);
            attach_calendar(&mut attachments, &events, "pickup.ics");
            letter
        }
        Kind::PickupChange => {
            let direction = params["direction"].as_str().unwrap_or("arrival");
            let before: Option<Ride> = serde_json::from_value(params["before"].clone())
                .ok()
                .flatten();
            let now = rides_of(conn, &[guest_id], direction)?.remove(&guest_id);
            // Edits during the hold that put the car back leave nothing to tell.
            if now == before {
                return Ok(Outcome::Cancel(
                    "the ride is again as the guest was last told".into(),
                ));
            }
            let before = before.map(|r| RunFacts {
                depart_utc: r.depart_at,
                depart_local: to_local(tz, r.depart_at),
                plate: r.plate,
                driver: r.driver,
                driver_phone: r.driver_phone,
            });
            let (letter, events) = letters::pickup_change(lang, &f, direction, before.as_ref());
            attach_calendar(&mut attachments, &events, "pickup.ics");
            letter
        }
        _ => {
            let booking = |key: &str| serde_json::from_value::<Booking>(params[key].clone()).ok();
            letters::room_change(
                lang,
                &f,
                booking("before").as_ref(),
                booking("after").as_ref(),
            )
        }
    };
    let name = match lang {
        Lang::En => f.guest.name_latin.clone().unwrap_or(f.guest.name.clone()),
        Lang::Zh => f.guest.name.clone(),
    };
    Ok(Outcome::Send(finish(letter, to, name, inline, attachments)))
}

fn zone_names(conn: &mut DbConn, codes: &[String], lang: Lang) -> Result<Vec<String>, AppError> {
    let zones = crate::passes::store::list_zones(conn)?;
    Ok(codes
        .iter()
        .map(|c| {
            zones
                .iter()
                .find(|z| &z.code == c)
                .map_or_else(|| c.clone(), |z| lang.pick(&z.name, &z.name_en).to_string())
        })
        .collect())
}

fn attach_calendar(attachments: &mut Vec<Part>, events: &[ics::Event], name: &str) {
    if events.is_empty() {
        return;
    }
    attachments.push(Part {
        name: name.into(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        bytes: ics::calendar(events, crate::time::now_utc()).into_bytes(),
    });
}

fn finish(
    letter: Letter,
    to: String,
    to_name: String,
    inline: Vec<Part>,
    attachments: Vec<Part>,
) -> Rendered {
    Rendered {
        to,
        to_name,
        subject: letter.subject.clone(),
        html: letter.html(),
        text: letter.text(),
        inline,
        attachments,
    }
}

fn rooming(conn: &mut DbConn, settings: &Settings, row: &OutboxRow) -> Result<Outcome, AppError> {
    let hotel = crate::hotels::store::find_hotel_by_id(conn, row.recipient_id)?
        .ok_or(AppError::NotFound("hotel"))?;
    let Some(to) = hotel.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(Outcome::Fail("the hotel has no email address".into()));
    };
    let list = crate::hotels::rooming::rooming_list(conn, &hotel, settings.timezone)?;
    let changes = crate::hotels::plans::hotel_changes(conn, &hotel, settings.timezone)?;
    let csv = crate::hotels::rooming::rooming_csv(&list, Lang::Zh)?;
    let revision = list.revision.unwrap_or(0);
    let letter = list_letters::rooming(&list, &changes);
    let file = Part {
        name: format!("rooming-{}-rev{revision}.csv", hotel.code),
        content_type: "text/csv; charset=utf-8".into(),
        bytes: csv,
    };
    Ok(Outcome::Send(finish(
        letter,
        to,
        hotel.name,
        Vec::new(),
        vec![file],
    )))
}

fn kitchen(conn: &mut DbConn, settings: &Settings, row: &OutboxRow) -> Result<Outcome, AppError> {
    let (code, name, email): (String, String, Option<String>) = dining_points::table
        .find(row.recipient_id)
        .select((
            dining_points::code,
            dining_points::name,
            dining_points::email,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("dining point"))?;
    let Some(to) = email.filter(|e| !e.trim().is_empty()) else {
        return Ok(Outcome::Fail(
            "the dining point has no email address".into(),
        ));
    };
    let day: NaiveDate = row.ref_id.parse().map_err(|_| AppError::NotFound("day"))?;
    let sheet = crate::meals::kitchen::kitchen_sheet(conn, &code, day, settings.timezone)?;
    let csv = crate::meals::kitchen::kitchen_sheet_csv(&sheet, Lang::Zh)?;
    let file = Part {
        name: format!("kitchen-{code}-{day}.csv"),
        content_type: "text/csv; charset=utf-8".into(),
        bytes: csv,
    };
    Ok(Outcome::Send(finish(
        list_letters::kitchen(&sheet),
        to,
        name,
        Vec::new(),
        vec![file],
    )))
}

fn roster(conn: &mut DbConn, settings: &Settings, row: &OutboxRow) -> Result<Outcome, AppError> {
    let tz = settings.timezone;
    let (name, email): (String, Option<String>) = inspectors::table
        .find(row.recipient_id)
        .select((inspectors::name, inspectors::email))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("inspector"))?;
    let Some(to) = email.filter(|e| !e.trim().is_empty()) else {
        return Ok(Outcome::Fail("the inspector has no email address".into()));
    };
    let from = crate::time::now_utc();
    let rows = crate::hygiene::store::list_shifts(
        conn,
        from,
        from + chrono::Duration::days(ROSTER_DAYS),
        Some(row.recipient_id),
    )?;
    let mut shifts = Vec::with_capacity(rows.len());
    for r in rows {
        let point = crate::meals::store::point_name(conn, r.point_id)?.unwrap_or_default();
        shifts.push(Shift {
            id: r.id,
            point,
            starts_local: to_local(tz, r.starts_at),
            ends_local: to_local(tz, r.ends_at),
            starts_utc: r.starts_at,
            ends_utc: r.ends_at,
        });
    }
    let (letter, events) = list_letters::roster(&name, &shifts);
    let mut attachments = Vec::new();
    attach_calendar(&mut attachments, &events, "roster.ics");
    Ok(Outcome::Send(finish(
        letter,
        to,
        name,
        Vec::new(),
        attachments,
    )))
}
