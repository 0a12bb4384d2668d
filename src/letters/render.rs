//! From an outbox row to the message it stands for, reading today's facts. The worker sends
//! what this returns; reception's preview shows the same.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::config::Settings;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::hotels::Booking;
use crate::letters::change_letter;
use crate::letters::facts::{GuestFacts, RunFacts};
use crate::letters::guest_letters as letters;
use crate::outbox::compose::Part;
use crate::outbox::letter::{attach_calendar, finish, lang_of, Lang};
use crate::outbox::{recipient, Kind, OutboxRow, Outcome};
use crate::pickups::rides::{rides_of, Ride};
use crate::time::to_local;

/// Every message the service sends: the guests' letters here, the lists by their domains.
pub struct AllLetters;

impl crate::outbox::Letters for AllLetters {
    fn render(
        &self,
        conn: &mut DbConn,
        settings: &Settings,
        row: &OutboxRow,
        now: NaiveDateTime,
    ) -> Result<Outcome, AppError> {
        render(conn, settings, row, now)
    }

    fn queue_due(&self, tx: &mut Tx, settings: &Settings) -> Result<usize, AppError> {
        Ok(crate::meals::letters::queue_due_lists(tx, settings)?)
    }
}

/// The message a row stands for, read from today's facts.
pub fn render(
    conn: &mut DbConn,
    settings: &Settings,
    row: &OutboxRow,
    now: NaiveDateTime,
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
        | Kind::RoomChange
        | Kind::ArrangementsChanged => guest_message(conn, settings, kind, row, &params, now),
        Kind::RoomingList => crate::hotels::letters::render_rooming_list(conn, settings, row),
        Kind::KitchenSheet => crate::meals::letters::render_kitchen_sheet(conn, settings, row),
        Kind::Roster => crate::hygiene::letters::render_roster(conn, settings, row, now),
    };
    match result {
        // What the message is about is gone (a guest deleted, a point removed).
        Err(AppError::NotFound(what)) => Ok(Outcome::Fail(format!("the {what} no longer exists"))),
        other => other,
    }
}

/// How a guest reaches reception, at the foot of every guest message, when the event set a
/// phone or an address (`YINGBIN_RECEPTION_PHONE`, `YINGBIN_RECEPTION_EMAIL`).
pub fn contact_closing(lang: Lang, phone: Option<&str>, email: Option<&str>) -> Option<String> {
    let how = match (lang, phone, email) {
        (_, None, None) => return None,
        (Lang::Zh, Some(p), Some(e)) => format!("电话 {p}，邮箱 {e}"),
        (Lang::Zh, Some(p), None) => format!("电话 {p}"),
        (Lang::Zh, None, Some(e)) => format!("邮箱 {e}"),
        (Lang::En, Some(p), Some(e)) => format!("call {p} or write to {e}"),
        (Lang::En, Some(p), None) => format!("call {p}"),
        (Lang::En, None, Some(e)) => format!("write to {e}"),
    };
    Some(match lang {
        Lang::Zh => format!("如有疑问，请联系接待办公室（{how}）。此邮件由迎宾系统自动发送。"),
        Lang::En => format!(
            "Questions? Contact the reception office: {how}. This message was sent by Yingbin."
        ),
    })
}

/// A guest message for preview, as if queued now.
pub fn preview(
    conn: &mut DbConn,
    settings: &Settings,
    kind: Kind,
    guest_id: i64,
    now: NaiveDateTime,
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
        recipient_kind: recipient::GUEST.into(),
        recipient_id: guest_id,
        recipient: String::new(),
        ref_id,
        params: "{}".into(),
        batch_id: None,
        dedupe_key: None,
        status: String::new(),
        attempts: 0,
        next_attempt_at: now,
        claimed_by: None,
        claimed_at: None,
        subject: None,
        last_error: None,
        created_by: String::new(),
        created_at: now,
        sent_at: None,
    };
    render(conn, settings, &row, now)
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
    now: NaiveDateTime,
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
            let pass =
                crate::passes::find_pass(conn, pass_id)?.ok_or(AppError::NotFound("pass"))?;
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
                (pass.id, pass.serial),
                &zones,
                (pass.valid_from, pass.valid_to),
            )
        }
        Kind::PassRevoked => {
            let pass_id: i64 = row.ref_id.parse().map_err(|_| AppError::NotFound("pass"))?;
            let pass =
                crate::passes::find_pass(conn, pass_id)?.ok_or(AppError::NotFound("pass"))?;
            let reason = params["reason"].as_str().unwrap_or("withdrawn");
            letters::pass_revoked(lang, &f, (pass.id, pass.serial), reason)
        }
        Kind::Itinerary => {
            let (letter, events) = letters::itinerary(lang, &f);
            attach_calendar(&mut attachments, &events, "itinerary.ics", now);
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
            attach_calendar(&mut attachments, &events, "pickup.ics", now);
            letter
        }
        Kind::PickupChange => {
            let direction = params["direction"].as_str().unwrap_or("arrival");
            let before: Option<Ride> = serde_json::from_value(params["before"].clone())
                .ok()
                .flatten();
            let ride = rides_of(conn, &[guest_id], direction)?.remove(&guest_id);
            // Edits during the hold that put the car back leave nothing to tell.
            if ride == before {
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
            attach_calendar(&mut attachments, &events, "pickup.ics", now);
            letter
        }
        Kind::ArrangementsChanged => change_letter::arrangements_changed(lang, &f, params),
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
    let mut letter = letter;
    if let Some(closing) = contact_closing(
        lang,
        settings.reception_phone.as_deref(),
        settings.reception_email.as_deref(),
    ) {
        letter.closing = closing;
    }
    let name = match lang {
        Lang::En => f.guest.name_latin.clone().unwrap_or(f.guest.name.clone()),
        Lang::Zh => f.guest.name.clone(),
    };
    Ok(Outcome::Send(finish(letter, to, name, inline, attachments)))
}

fn zone_names(conn: &mut DbConn, codes: &[String], lang: Lang) -> Result<Vec<String>, AppError> {
    let zones = crate::passes::list_zones(conn)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_is_told_how_to_reach_reception_when_the_event_says() {
        assert_eq!(contact_closing(Lang::En, None, None), None);
        let en = contact_closing(Lang::En, Some("+86 28 8888 0000"), Some("r@games.cn"));
        assert_eq!(
            en.as_deref(),
            Some("Questions? Contact the reception office: call +86 28 8888 0000 or write to r@games.cn. This message was sent by Yingbin.")
        );
        let zh = contact_closing(Lang::Zh, None, Some("r@games.cn")).unwrap_or_default();
        assert!(zh.contains("邮箱 r@games.cn"), "{zh}");
    }
}
