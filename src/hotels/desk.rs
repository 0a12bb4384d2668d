//! The hotel desk: today's arrivals, guests in house and departures; check-in with a room
//! number, check-out, extending or shortening a stay; the guest's folio (event-paid and
//! self-paid nights) and the hotel's settlement. Nights outside a guest's entitlement — the
//! registry's stay dates — are the guest's to pay, at the block's rate split between sharers.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::csv_format::guard;
use crate::hotels::catalog::{self, cents_to_yuan};
use crate::hotels::model::{Hotel, StayRow};
use crate::hotels::rules::{self, DeskVerdict, Payer, StayAction};
use crate::hotels::store::{self, LodgingGuest};
use crate::i18n::Lang;
use crate::time::to_rfc3339;

/// A booking as the desk sees it.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone, PartialEq)]
pub struct StayResponse {
    pub guest_id: i64,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub delegation: Option<String>,
    pub hotel: String,
    pub hotel_name: String,
    pub room_type: String,
    pub room_no: Option<String>,
    pub roommates: Vec<String>,
    /// First night of the stay as booked or changed at the desk.
    pub nights_from: NaiveDate,
    /// Check-out date.
    pub nights_to: NaiveDate,
    /// The entitled stay (the registry's dates).
    pub entitled_from: Option<NaiveDate>,
    pub entitled_to: Option<NaiveDate>,
    /// `booked`, `in_house` or `checked_out`.
    pub status: String,
    pub halal: bool,
    pub diet: Option<String>,
    /// Nights the guest pays (outside the entitlement).
    pub self_paid_nights: Vec<NaiveDate>,
    pub arrival_at: Option<String>,
    pub arrival_no: Option<String>,
}

/// What the desk needs to describe stays: the hotel, its guests and their roommates.
struct StayContext {
    hotels: BTreeMap<i64, Hotel>,
    guests: BTreeMap<i64, LodgingGuest>,
    rooms: BTreeMap<i64, Vec<i64>>,
}

impl StayContext {
    fn load(
        conn: &mut DbConn,
        stays: &[StayRow],
        all_in_rooms: &[StayRow],
    ) -> Result<StayContext, AppError> {
        let mut ids: Vec<i64> = stays
            .iter()
            .chain(all_in_rooms)
            .map(|s| s.guest_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut rooms: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for s in all_in_rooms {
            rooms.entry(s.room_group).or_default().push(s.guest_id);
        }
        Ok(StayContext {
            hotels: store::list_hotels(conn)?
                .into_iter()
                .map(|h| (h.id, h))
                .collect(),
            guests: store::find_lodging_guests(conn, &ids)?
                .into_iter()
                .map(|g| (g.id, g))
                .collect(),
            rooms,
        })
    }

    fn response(&self, s: &StayRow, tz: Tz) -> StayResponse {
        let g = self.guests.get(&s.guest_id);
        let hotel = self.hotels.get(&s.hotel_id);
        let entitled = entitlement(g);
        StayResponse {
            guest_id: s.guest_id,
            name: g.map(|g| g.name.clone()).unwrap_or_default(),
            name_latin: g.and_then(|g| g.name_latin.clone()),
            category: g.and_then(|g| g.category.clone()),
            delegation: g.and_then(|g| g.delegation.clone()),
            hotel: hotel.map(|h| h.code.clone()).unwrap_or_default(),
            hotel_name: hotel.map(|h| h.name.clone()).unwrap_or_default(),
            room_type: s.room_type.clone(),
            room_no: s.room_no.clone(),
            roommates: self
                .rooms
                .get(&s.room_group)
                .into_iter()
                .flatten()
                .filter(|id| **id != s.guest_id)
                .filter_map(|id| self.guests.get(id).map(|g| g.name.clone()))
                .collect(),
            nights_from: s.nights_from,
            nights_to: s.nights_to,
            entitled_from: entitled.as_ref().map(|e| e.start),
            entitled_to: entitled.as_ref().map(|e| e.end),
            status: s.status.clone(),
            halal: g.is_some_and(|g| g.halal),
            diet: g.and_then(|g| g.diet.clone()),
            self_paid_nights: rules::self_paid_nights(
                &(s.nights_from..s.nights_to),
                entitled.as_ref(),
            ),
            arrival_at: g.and_then(|g| g.arrival_at).map(|t| to_rfc3339(tz, t)),
            arrival_no: g.and_then(|g| g.arrival_no.clone()),
        }
    }
}

/// The guest's entitled nights: the registry's stay dates.
fn entitlement(g: Option<&LodgingGuest>) -> Option<Range<NaiveDate>> {
    let g = g?;
    match (g.stay_from, g.stay_to) {
        (Some(a), Some(b)) if b > a => Some(a..b),
        _ => None,
    }
}

/// A day at the desk.
#[derive(Serialize, ToSchema, Debug)]
pub struct DeskDay {
    pub date: NaiveDate,
    /// Booked guests due (or overdue) to arrive.
    pub arrivals: Vec<StayResponse>,
    pub in_house: Vec<StayResponse>,
    /// Guests in house due (or overdue) to leave.
    pub departures: Vec<StayResponse>,
}

/// The desk's lists for a day.
pub fn desk_day(
    conn: &mut DbConn,
    hotel: &Hotel,
    date: NaiveDate,
    tz: Tz,
) -> Result<DeskDay, AppError> {
    let stays = store::list_hotel_stays(conn, hotel.id)?;
    let ctx = StayContext::load(conn, &[], &stays)?;
    let pick = |f: &dyn Fn(&StayRow) -> bool| -> Vec<StayResponse> {
        let mut v: Vec<StayResponse> = stays
            .iter()
            .filter(|s| f(s))
            .map(|s| ctx.response(s, tz))
            .collect();
        v.sort_by(|a, b| (&a.arrival_at, &a.name).cmp(&(&b.arrival_at, &b.name)));
        v
    };
    Ok(DeskDay {
        date,
        arrivals: pick(&|s| s.status == "booked" && s.nights_from <= date && date < s.nights_to),
        in_house: pick(&|s| s.status == "in_house"),
        departures: pick(&|s| s.status == "in_house" && s.nights_to <= date),
    })
}

/// A desk's step on a stay.
#[derive(Deserialize, ToSchema, Debug, Default)]
pub struct StayRequest {
    /// Check-in: the room number.
    pub room_no: Option<String>,
    /// Change of dates: first night.
    pub nights_from: Option<NaiveDate>,
    /// Change of dates: check-out date.
    pub nights_to: Option<NaiveDate>,
}

/// Loads a stay the user may act on (a desk only at its hotel).
fn stay_for(
    conn: &mut DbConn,
    user: &CurrentUser,
    guest_id: i64,
) -> Result<(StayRow, Hotel), AppError> {
    let stay = store::find_stay(conn, guest_id)?.ok_or(AppError::NotFound("stay"))?;
    let hotel = store::find_hotel_by_id(conn, stay.hotel_id)?.ok_or(AppError::NotFound("hotel"))?;
    catalog::hotel_for(conn, user, &hotel.code)?;
    Ok((stay, hotel))
}

/// Checks a guest in (today), or out, or changes the dates. Arriving before the booked first
/// night moves it earlier, leaving after the check-out date moves that later: those nights are
/// then outside the entitlement and flagged as self-paid.
pub fn change_stay(
    tx: &mut Tx,
    user: &CurrentUser,
    guest_id: i64,
    action: StayAction,
    req: &StayRequest,
    today: NaiveDate,
    tz: Tz,
) -> Result<StayResponse, AppError> {
    let now = tx.now();
    let room_no = req
        .room_no
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if room_no.is_some_and(|r| r.chars().count() > 16) {
        return Err(AppError::invalid(
            "room_no is at most 16 characters",
            json!([{"field": "room_no"}]),
        ));
    }
    let (stay, _) = stay_for(tx, user, guest_id)?;
    let status = rules::stay_transition(&stay.status, action)
        .map_err(|code| AppError::conflict(code, stay_refusal(code)))?;
    let now: NaiveDateTime = now;
    let mut next = StayRow {
        status: status.to_string(),
        updated_at: now,
        ..stay.clone()
    };
    match action {
        StayAction::CheckIn => {
            let roommates = store::list_room_stays(tx, stay.hotel_id, stay.room_group)?;
            let shared_no = roommates.iter().find_map(|r| r.room_no.clone());
            next.room_no = room_no
                .map(str::to_string)
                .or(shared_no)
                .or(stay.room_no.clone());
            if next.room_no.is_none() {
                return Err(AppError::invalid(
                    "a room number is required",
                    json!([{"field": "room_no"}]),
                ));
            }
            next.checked_in_at = Some(now);
            next.nights_from = next.nights_from.min(today);
            if next.nights_to <= today {
                next.nights_to = today.succ_opt().unwrap_or(today);
            }
        }
        StayAction::CheckOut => {
            next.checked_out_at = Some(now);
            // Leaving early ends the stay today; leaving late bills the extra nights.
            next.nights_to = today.max(next.nights_from.succ_opt().unwrap_or(today));
        }
        StayAction::ChangeDates => {
            let (Some(from), Some(to)) = (req.nights_from, req.nights_to) else {
                return Err(AppError::invalid(
                    "nights_from and nights_to are required",
                    json!([{"field": "nights_from"}, {"field": "nights_to"}]),
                ));
            };
            if to <= from || (to - from).num_days() > 90 {
                return Err(AppError::invalid(
                    "nights_to must be after nights_from, within 90 nights",
                    json!([{"field": "nights_to"}]),
                ));
            }
            if stay.status == "in_house" && from != stay.nights_from && from > today {
                return Err(AppError::invalid(
                    "the guest is in house: the first night cannot move past today",
                    json!([{"field": "nights_from"}]),
                ));
            }
            next.nights_from = from;
            next.nights_to = to;
        }
    }
    store::update_stay(tx, &next)?;
    let verb = match action {
        StayAction::CheckIn => "check_in",
        StayAction::CheckOut => "check_out",
        StayAction::ChangeDates => "change_dates",
    };
    audit::record(
        tx,
        &user.actor(),
        verb,
        "stay",
        guest_id,
        json!({"room_no": next.room_no, "nights_from": next.nights_from, "nights_to": next.nights_to}),
    )?;
    stay_response(tx, guest_id, tz)
}

fn stay_refusal(code: &str) -> &'static str {
    match code {
        "already_checked_in" => "the guest is checked in already",
        "not_checked_in" => "the guest has not checked in",
        _ => "the guest has checked out",
    }
}

/// One stay as the desk shows it.
pub fn stay_response(conn: &mut DbConn, guest_id: i64, tz: Tz) -> Result<StayResponse, AppError> {
    let stay = store::find_stay(conn, guest_id)?.ok_or(AppError::NotFound("stay"))?;
    let room = store::list_room_stays(conn, stay.hotel_id, stay.room_group)?;
    let ctx = StayContext::load(conn, std::slice::from_ref(&stay), &room)?;
    Ok(ctx.response(&stay, tz))
}

/// A stay the user may see.
pub fn get_stay(
    conn: &mut DbConn,
    user: &CurrentUser,
    guest_id: i64,
    tz: Tz,
) -> Result<StayResponse, AppError> {
    stay_for(conn, user, guest_id)?;
    stay_response(conn, guest_id, tz)
}

/// A guest's folio.
#[derive(Serialize, ToSchema, Debug)]
pub struct Folio {
    pub guest_id: i64,
    pub name: String,
    pub hotel: String,
    pub room_type: String,
    pub nights: Vec<FolioLine>,
    pub event_nights: usize,
    pub self_nights: usize,
    /// What the event pays, yuan.
    pub event_amount: f64,
    /// What the guest pays, yuan.
    pub self_amount: f64,
}

/// One night on a folio.
#[derive(Serialize, ToSchema, Debug)]
pub struct FolioLine {
    pub night: NaiveDate,
    /// The room's rate, yuan.
    pub rate: f64,
    /// This guest's share, yuan.
    pub share: f64,
    /// `event` or `guest`.
    pub paid_by: String,
}

/// The nights of a stay, each at its rate and share, paid by the event or by the guest.
fn folio_nights(
    stay: &StayRow,
    entitled: Option<&Range<NaiveDate>>,
    rates: &[(Range<NaiveDate>, i64)],
    room: &[StayRow],
) -> Vec<rules::FolioNight> {
    rules::folio(
        &(stay.nights_from..stay.nights_to),
        entitled,
        |night| rules::rate_on(rates, night),
        |night| {
            room.iter()
                .filter(|r| r.status != "booked" || stay.status == "booked")
                .filter(|r| r.nights_from <= night && night < r.nights_to)
                .count() as u32
        },
    )
}

fn block_rates(
    conn: &mut DbConn,
    hotel_id: i64,
    room_type: &str,
) -> Result<Vec<(Range<NaiveDate>, i64)>, AppError> {
    Ok(store::list_hotel_blocks(conn, hotel_id)?
        .into_iter()
        .filter(|b| b.room_type == room_type)
        .map(|b| (b.nights_from..b.nights_to, b.rate_cents))
        .collect())
}

/// The folio of a guest's stay.
pub fn folio(conn: &mut DbConn, user: &CurrentUser, guest_id: i64) -> Result<Folio, AppError> {
    let (stay, hotel) = stay_for(conn, user, guest_id)?;
    let room = store::list_room_stays(conn, stay.hotel_id, stay.room_group)?;
    let guest = store::find_lodging_guests(conn, &[guest_id])?
        .into_iter()
        .next();
    let rates = block_rates(conn, stay.hotel_id, &stay.room_type)?;
    let nights = folio_nights(&stay, entitlement(guest.as_ref()).as_ref(), &rates, &room);
    let sum = |payer: Payer| {
        nights
            .iter()
            .filter(|n| n.payer == payer)
            .map(|n| n.share_cents)
            .sum::<i64>()
    };
    Ok(Folio {
        guest_id,
        name: guest.map(|g| g.name).unwrap_or_default(),
        hotel: hotel.code,
        room_type: stay.room_type.clone(),
        event_nights: nights.iter().filter(|n| n.payer == Payer::Event).count(),
        self_nights: nights.iter().filter(|n| n.payer == Payer::Guest).count(),
        event_amount: cents_to_yuan(sum(Payer::Event)),
        self_amount: cents_to_yuan(sum(Payer::Guest)),
        nights: nights
            .iter()
            .map(|n| FolioLine {
                night: n.night,
                rate: cents_to_yuan(n.rate_cents),
                share: cents_to_yuan(n.share_cents),
                paid_by: match n.payer {
                    Payer::Event => "event",
                    Payer::Guest => "guest",
                }
                .into(),
            })
            .collect(),
    })
}

/// The settlement with a hotel as CSV (UTF-8 with BOM): event-paid room nights by night and room
/// type, then each guest's self-paid nights. Only stays that were checked in count.
pub fn settlement_csv(conn: &mut DbConn, hotel: &Hotel, lang: Lang) -> Result<Vec<u8>, AppError> {
    let stays: Vec<StayRow> = store::list_hotel_stays(conn, hotel.id)?
        .into_iter()
        .filter(|s| s.status != "booked")
        .collect();
    let ids: Vec<i64> = stays.iter().map(|s| s.guest_id).collect();
    let guests: BTreeMap<i64, LodgingGuest> = store::find_lodging_guests(conn, &ids)?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut rooms: BTreeMap<i64, Vec<StayRow>> = BTreeMap::new();
    for s in &stays {
        rooms.entry(s.room_group).or_default().push(s.clone());
    }
    let mut rates: BTreeMap<String, Vec<(Range<NaiveDate>, i64)>> = BTreeMap::new();
    // (night, room type) → (room nights in thousandths, cents) the event pays.
    let mut event: BTreeMap<(NaiveDate, String), (i64, i64)> = BTreeMap::new();
    let mut own: Vec<(String, String, Vec<NaiveDate>, i64)> = Vec::new();
    for s in &stays {
        if !rates.contains_key(&s.room_type) {
            let r = block_rates(conn, hotel.id, &s.room_type)?;
            rates.insert(s.room_type.clone(), r);
        }
        let room = rooms
            .get(&s.room_group)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let g = guests.get(&s.guest_id);
        let nights = folio_nights(
            s,
            entitlement(g).as_ref(),
            rates
                .get(&s.room_type)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            room,
        );
        let mut self_paid = (Vec::new(), 0i64);
        for n in &nights {
            match n.payer {
                Payer::Event => {
                    let e = event.entry((n.night, s.room_type.clone())).or_default();
                    // The guest's part of the room: one over the sleepers that night.
                    e.0 += if n.rate_cents > 0 {
                        n.share_cents * 1000 / n.rate_cents
                    } else {
                        0
                    };
                    e.1 += n.share_cents;
                }
                Payer::Guest => {
                    self_paid.0.push(n.night);
                    self_paid.1 += n.share_cents;
                }
            }
        }
        if !self_paid.0.is_empty() {
            own.push((
                g.map(|g| g.name.clone()).unwrap_or_default(),
                g.and_then(|g| g.delegation.clone()).unwrap_or_default(),
                self_paid.0,
                self_paid.1,
            ));
        }
    }
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = |zh: &str, en: &str| match lang {
        Lang::Zh => format!("{zh} {en}"),
        Lang::En => en.to_string(),
    };
    let csv_err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record([
        header("付款方", "Paid by"),
        header("日期", "Night"),
        header("房型", "Room type"),
        header("来宾", "Guest"),
        header("代表团", "Delegation"),
        header("间夜", "Room nights"),
        header("金额(元)", "Amount (yuan)"),
    ])
    .map_err(csv_err)?;
    let event_label = lang.pick("组委会", "event");
    for ((night, room_type), (thousandths, cents)) in &event {
        w.write_record([
            event_label.to_string(),
            night.to_string(),
            room_type.clone(),
            String::new(),
            String::new(),
            format!("{:.2}", *thousandths as f64 / 1000.0),
            format!("{:.2}", cents_to_yuan(*cents)),
        ])
        .map_err(csv_err)?;
    }
    let guest_label = lang.pick("自付", "guest");
    for (name, delegation, nights, cents) in &own {
        w.write_record([
            guest_label.to_string(),
            nights
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            String::new(),
            guard(name),
            guard(delegation),
            nights.len().to_string(),
            format!("{:.2}", cents_to_yuan(*cents)),
        ])
        .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// What a hotel desk's scan learns of a guest's lodging.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone, PartialEq)]
pub struct Lodging {
    pub guest_id: i64,
    pub hotel: String,
    pub hotel_name: String,
    pub room_type: String,
    pub room_no: Option<String>,
    pub roommates: Vec<String>,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub halal: bool,
    pub diet: Option<String>,
    pub self_paid_nights: Vec<NaiveDate>,
    pub status: String,
}

/// The desk's verdict on a scanned guest, with the booking it found.
pub fn lodging_at_desk(
    conn: &mut DbConn,
    guest_id: i64,
    desk_hotel: &str,
    today: NaiveDate,
    tz: Tz,
) -> Result<(DeskVerdict, Option<Lodging>), AppError> {
    let desk = store::find_hotel(conn, desk_hotel)?;
    let Some(stay) = store::find_stay(conn, guest_id)? else {
        return Ok((DeskVerdict::NoBooking, None));
    };
    let verdict = rules::desk_verdict(
        (stay.status != "checked_out").then_some((stay.hotel_id, stay.nights_from..stay.nights_to)),
        desk.map_or(-1, |h| h.id),
        today,
    );
    let s = stay_response(conn, guest_id, tz)?;
    Ok((
        verdict,
        Some(Lodging {
            guest_id,
            hotel: s.hotel,
            hotel_name: s.hotel_name,
            room_type: s.room_type,
            room_no: s.room_no,
            roommates: s.roommates,
            nights_from: s.nights_from,
            nights_to: s.nights_to,
            halal: s.halal,
            diet: s.diet,
            self_paid_nights: s.self_paid_nights,
            status: s.status,
        }),
    ))
}
