//! The rooming list a hotel receives: who sleeps in which room type with whom, when they
//! arrive, how many nights are booked and how many the event pays, halal and diet. Built from
//! the bookings (the published plan as the desk has kept it), as JSON for the print page and as
//! CSV for the hotel's system.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::AppError;
use crate::guests::csv_format::guard;
use crate::hotels::model::Hotel;
use crate::hotels::store::{self, LodgingGuest};
use crate::i18n::Lang;
use crate::time::to_local;

/// One line of a rooming list.
#[derive(Serialize, ToSchema, Debug)]
pub struct RoomingRow {
    pub guest_id: i64,
    pub name: String,
    pub name_latin: Option<String>,
    pub category: Option<String>,
    pub delegation: Option<String>,
    /// Ref and organization, to tell two guests of one name apart.
    #[serde(rename = "ref")]
    pub ref_code: String,
    pub organization: Option<String>,
    pub room_type: String,
    pub room_no: Option<String>,
    /// Who shares the room (names).
    pub roommate: Option<String>,
    /// Local time, `YYYY-MM-DD HH:MM`.
    pub arrival_at: Option<String>,
    pub arrival_no: Option<String>,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    pub nights: i64,
    pub entitled_nights: i64,
    pub halal: bool,
    pub diet: Option<String>,
    pub status: String,
}

/// A hotel's rooming list.
#[derive(Serialize, ToSchema, Debug)]
pub struct RoomingList {
    pub hotel: String,
    pub hotel_name: String,
    /// The published revision it follows.
    pub revision: Option<i32>,
    pub rows: Vec<RoomingRow>,
}

/// The rooming list of `hotel`, by room type, room and name.
pub fn rooming_list(conn: &mut DbConn, hotel: &Hotel, tz: Tz) -> Result<RoomingList, AppError> {
    let revision = store::find_plan_with_status(conn, &["published"])?.map(|p| p.revision);
    let stays = store::list_hotel_stays(conn, hotel.id)?;
    let ids: Vec<i64> = stays.iter().map(|s| s.guest_id).collect();
    let guests: BTreeMap<i64, LodgingGuest> = store::find_lodging_guests(conn, &ids)?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut rooms: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for s in &stays {
        rooms.entry(s.room_group).or_default().push(s.guest_id);
    }
    let mut rows: Vec<(i64, RoomingRow)> = stays
        .iter()
        .filter_map(|s| {
            let g = guests.get(&s.guest_id)?;
            let roommates: Vec<&str> = rooms
                .get(&s.room_group)
                .into_iter()
                .flatten()
                .filter(|id| **id != s.guest_id)
                .filter_map(|id| guests.get(id).map(|g| g.name.as_str()))
                .collect();
            let entitled = match (g.stay_from, g.stay_to) {
                (Some(a), Some(b)) if b > a => (b - a).num_days(),
                _ => 0,
            };
            Some((
                s.room_group,
                RoomingRow {
                    guest_id: s.guest_id,
                    name: g.name.clone(),
                    name_latin: g.name_latin.clone(),
                    category: g.category.clone(),
                    delegation: g.delegation.clone(),
                    ref_code: g.ref_code.clone(),
                    organization: g.organization.clone(),
                    room_type: s.room_type.clone(),
                    room_no: s.room_no.clone(),
                    roommate: (!roommates.is_empty()).then(|| roommates.join("、")),
                    arrival_at: g
                        .arrival_at
                        .map(|t| to_local(tz, t).format("%Y-%m-%d %H:%M").to_string()),
                    arrival_no: g.arrival_no.clone(),
                    nights_from: s.nights_from,
                    nights_to: s.nights_to,
                    nights: (s.nights_to - s.nights_from).num_days(),
                    entitled_nights: entitled,
                    halal: g.halal,
                    diet: g.diet.clone(),
                    status: s.status.clone(),
                },
            ))
        })
        .collect();
    rows.sort_by(|(ga, a), (gb, b)| (&a.room_type, ga, &a.name).cmp(&(&b.room_type, gb, &b.name)));
    Ok(RoomingList {
        hotel: hotel.code.clone(),
        hotel_name: hotel.name.clone(),
        revision,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    })
}

/// The columns of the CSV: Chinese and English headers.
const HEADERS: [(&str, &str); 15] = [
    ("姓名", "Name"),
    ("外文名", "Latin name"),
    ("类别", "Category"),
    ("代表团", "Delegation"),
    ("房型", "Room type"),
    ("房号", "Room no."),
    ("同住", "Roommate"),
    ("抵达时间", "Arrival time"),
    ("航班车次", "Flight/train"),
    ("入住日期", "Check-in"),
    ("离店日期", "Check-out"),
    ("间夜", "Nights"),
    ("应享间夜", "Entitled nights"),
    ("清真", "Halal"),
    ("特殊饮食", "Diet"),
];

/// The rooming list as CSV: UTF-8 with BOM so Excel reads the Chinese, headers in both
/// languages, text cells guarded against formulas.
pub fn rooming_csv(list: &RoomingList, lang: Lang) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record(HEADERS.iter().map(|(zh, en)| format!("{zh} {en}")))
        .map_err(err)?;
    let text = |v: &Option<String>| v.as_deref().map(guard).unwrap_or_default();
    let yes = lang.pick("是", "yes");
    for r in &list.rows {
        w.write_record([
            guard(&r.name),
            text(&r.name_latin),
            text(&r.category),
            text(&r.delegation),
            r.room_type.clone(),
            text(&r.room_no),
            text(&r.roommate),
            text(&r.arrival_at),
            text(&r.arrival_no),
            r.nights_from.to_string(),
            r.nights_to.to_string(),
            r.nights.to_string(),
            r.entitled_nights.to_string(),
            if r.halal {
                yes.to_string()
            } else {
                String::new()
            },
            text(&r.diet),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}
