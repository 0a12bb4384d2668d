//! What a published allocation plan tells: each guest whose hotel, room type or nights
//! changed since the previous revision, and each hotel whose list changed (on the first
//! publication, every hotel in it). Called inside the publishing transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::QueryResult;
use serde_json::json;

use crate::db::Tx;
use crate::guests::mail::to_guest;
use crate::hotels::model::AssignmentRow;
use crate::hotels::store;
use crate::outbox::{self, recipient, Kind, NewMessage};

/// Before → after of a booking, as the change message shows it.
#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema, Clone, Debug, PartialEq)]
pub struct Booking {
    /// The hotel's name.
    pub hotel: String,
    /// Room type code.
    pub room_type: String,
    /// First night.
    pub nights_from: NaiveDate,
    /// Check-out day.
    pub nights_to: NaiveDate,
}

/// Hotel id, room type, first night, check-out.
type Key = (i64, String, NaiveDate, NaiveDate);

fn keys(rows: &[AssignmentRow]) -> HashMap<i64, Key> {
    rows.iter()
        .map(|a| {
            (
                a.guest_id,
                (a.hotel_id, a.room_type.clone(), a.nights_from, a.nights_to),
            )
        })
        .collect()
}

/// Guests whose booking differs, with before and after (a room number alone is the
/// hotel's business, not a change for the guest), and the hotels touched.
/// Each changed guest's booking before and after.
type Changed = BTreeMap<i64, (Option<Key>, Option<Key>)>;

fn diff(before: &HashMap<i64, Key>, after: &HashMap<i64, Key>) -> (Changed, BTreeSet<i64>) {
    let mut guests = BTreeMap::new();
    let mut hotels = BTreeSet::new();
    for id in before.keys().chain(after.keys()) {
        let (b, a) = (before.get(id), after.get(id));
        if b != a {
            hotels.extend(b.map(|k| k.0));
            hotels.extend(a.map(|k| k.0));
            guests.insert(*id, (b.cloned(), a.cloned()));
        }
    }
    (guests, hotels)
}

/// Queues the guests' room changes and the hotels' new rooming lists of plan `published`,
/// compared with `previous` (the plan it supersedes, if any).
pub fn queue(tx: &mut Tx, previous: Option<i64>, published: i64, by: &str) -> QueryResult<()> {
    let after = keys(&store::list_assignments(tx, published)?);
    let before = match previous {
        Some(p) => keys(&store::list_assignments(tx, p)?),
        None => HashMap::new(),
    };
    let (changed, touched) = diff(&before, &after);
    let hotels: HashMap<i64, crate::hotels::model::Hotel> = store::list_hotels(tx)?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let booking = |k: &Key| {
        json!(Booking {
            hotel: hotels.get(&k.0).map(|h| h.name.clone()).unwrap_or_default(),
            room_type: k.1.clone(),
            nights_from: k.2,
            nights_to: k.3,
        })
    };
    // The first publication is no change for guests: their itinerary tells them.
    if previous.is_some() {
        for (guest, (b, a)) in &changed {
            let params = json!({
                "before": b.as_ref().map(booking),
                "after": a.as_ref().map(booking),
            });
            to_guest(tx, Kind::RoomChange, *guest, published, params, by)?;
        }
    }
    for id in touched {
        let Some(email) = hotels
            .get(&id)
            .and_then(|h| h.email.clone())
            .filter(|e| !e.trim().is_empty())
        else {
            continue;
        };
        let m = NewMessage::new(
            Kind::RoomingList,
            (recipient::HOTEL, id),
            &email,
            published,
            by,
        )
        .with_params(json!({ "previous": previous }));
        outbox::queue(tx, &m)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 6, day).unwrap()
    }

    #[test]
    fn only_real_changes_count_and_both_hotels_of_a_move_hear_of_it() {
        let before = HashMap::from([
            (1, (10, "twin".to_string(), d(17), d(20))),
            (2, (10, "single".to_string(), d(17), d(20))),
            (3, (11, "twin".to_string(), d(18), d(21))),
        ]);
        let after = HashMap::from([
            (1, (10, "twin".to_string(), d(17), d(20))), // unchanged
            (2, (12, "single".to_string(), d(17), d(20))), // moved hotel 10 → 12
            (4, (11, "twin".to_string(), d(18), d(21))), // new
        ]);
        let (guests, hotels) = diff(&before, &after);
        assert_eq!(guests.keys().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(guests[&3].1, None, "guest 3 lost the room");
        assert_eq!(hotels.into_iter().collect::<Vec<_>>(), vec![10, 11, 12]);
    }
}
