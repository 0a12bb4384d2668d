//! What a guest's messages say, read from the other domains as they stand when the message
//! is sent (a pickup re-planned after the itinerary was queued goes out as re-planned).

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::db::DbConn;
use crate::error::AppError;
use crate::guests::Guest;
use crate::hotels as hotel_store;
use crate::i18n::Lang;
use crate::meals::catalog::MealCatalog;
use crate::meals::rules::{format_minute, Mode};
use crate::passes as pass_store;
use crate::passes::Pass;
use crate::pickups as pickup_store;
use crate::time::to_local;

/// Everything the itinerary tells one guest. Places are named in the guest's language: the
/// English name for an English-speaking guest where reception gave one, else the Chinese.
#[derive(Clone, Debug)]
pub struct GuestFacts {
    pub guest: Guest,
    pub arrival: Option<Transfer>,
    pub departure: Option<Transfer>,
    pub stay: Option<StayFacts>,
    pub dining: Dining,
    pub ceremonies: Vec<Ceremony>,
}

/// A flight or train and the car for it.
#[derive(Clone, Debug)]
pub struct Transfer {
    pub number: String,
    pub hub: String,
    pub meeting_point: Option<String>,
    /// Local times.
    pub scheduled: NaiveDateTime,
    pub expected: NaiveDateTime,
    /// `scheduled`, `delayed`, `landed`, `cancelled`…
    pub status: String,
    /// Whom to look for: the car's named greeter, else the hub's; name and phone.
    pub greeter: Option<String>,
    pub run: Option<RunFacts>,
}

/// The car a guest rides in.
#[derive(Clone, Debug)]
pub struct RunFacts {
    /// When it leaves (the hub for arrivals, the hotel for departures), UTC and local.
    pub depart_utc: NaiveDateTime,
    pub depart_local: NaiveDateTime,
    pub plate: Option<String>,
    pub driver: Option<String>,
    pub driver_phone: Option<String>,
}

/// Where a guest sleeps.
#[derive(Clone, Debug)]
pub struct StayFacts {
    pub hotel: String,
    pub address: String,
    pub room_type: String,
    pub nights_from: NaiveDate,
    pub nights_to: NaiveDate,
    /// Nights outside the entitlement: the guest's own.
    pub self_paid: Vec<NaiveDate>,
}

/// Where and when a guest eats.
#[derive(Clone, Debug)]
pub struct Dining {
    pub mode: Mode,
    /// Point name → (service, `HH:MM–HH:MM`) in order.
    pub points: Vec<(String, Vec<(crate::meals::rules::Service, String)>)>,
    pub halal: bool,
}

/// A ceremony the guest is admitted to.
#[derive(Clone, Debug)]
pub struct Ceremony {
    pub pass_id: i64,
    pub name: String,
    pub name_en: String,
    pub starts_utc: NaiveDateTime,
    pub ends_utc: NaiveDateTime,
    pub starts_local: NaiveDateTime,
    pub gates: String,
    pub section: Option<String>,
    pub seat: Option<String>,
}

impl GuestFacts {
    pub fn load(conn: &mut DbConn, guest_id: i64, tz: Tz) -> Result<GuestFacts, AppError> {
        let guest =
            crate::guests::find_guest(conn, guest_id)?.ok_or(AppError::NotFound("guest"))?;
        let lang = Lang::parse(&guest.language).unwrap_or_default();
        let arrival = transfer(conn, &guest, "arrival", tz, lang)?;
        let departure = transfer(conn, &guest, "departure", tz, lang)?;
        let stay = stay(conn, &guest, lang)?;
        let dining = dining(conn, &guest, lang)?;
        let ceremonies = ceremonies(conn, guest_id, tz)?;
        Ok(GuestFacts {
            guest,
            arrival,
            departure,
            stay,
            dining,
            ceremonies,
        })
    }
}

#[cfg(test)]
impl GuestFacts {
    /// A guest with a name and nothing arranged, for the letters' tests.
    pub fn for_tests(name: &str, latin: Option<&str>) -> GuestFacts {
        let t = chrono::DateTime::from_timestamp(0, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        GuestFacts {
            guest: Guest {
                id: 1,
                department_id: 1,
                ref_code: "T1".into(),
                name: name.into(),
                name_latin: latin.map(str::to_string),
                category: None,
                gender: None,
                delegation_id: None,
                organization: None,
                id_type: None,
                id_number: None,
                phone: None,
                email: None,
                language: "zh".into(),
                halal: false,
                diet: None,
                arrival_mode: None,
                arrival_no: None,
                arrival_hub_id: None,
                arrival_at: None,
                departure_mode: None,
                departure_no: None,
                departure_hub_id: None,
                departure_at: None,
                stay_from: None,
                stay_to: None,
                notes: None,
                created_at: t,
                updated_at: t,
                accessible: false,
                withdrawn_at: None,
                withdrawn_reason: None,
            },
            arrival: None,
            departure: None,
            stay: None,
            dining: Dining {
                mode: Mode::Hotel,
                points: Vec::new(),
                halal: false,
            },
            ceremonies: Vec::new(),
        }
    }
}

/// A place's name in `lang`: the English one when it has one, else the Chinese.
fn place_name(lang: Lang, zh: String, en: Option<String>) -> String {
    match (lang, en) {
        (Lang::En, Some(en)) => en,
        _ => zh,
    }
}

fn transfer(
    conn: &mut DbConn,
    g: &Guest,
    direction: &str,
    tz: Tz,
    lang: Lang,
) -> Result<Option<Transfer>, AppError> {
    let (number, hub_id, at) = match direction {
        "arrival" => (&g.arrival_no, g.arrival_hub_id, g.arrival_at),
        _ => (&g.departure_no, g.departure_hub_id, g.departure_at),
    };
    let (Some(number), Some(hub_id), Some(at)) = (number, hub_id, at) else {
        return Ok(None);
    };
    let Some(hub) = pickup_store::find_hub(conn, hub_id)? else {
        return Ok(None);
    };
    let scheduled = to_local(tz, at);
    let trip = pickup_store::find_trip(conn, hub_id, number, scheduled.date(), direction)?;
    let expected_utc = trip.as_ref().and_then(|t| t.expected_at).unwrap_or(at);
    let status = trip.map_or_else(|| "scheduled".to_string(), |t| t.status);
    let mut named_greeter = None;
    let run = match pickup_store::runs_of(conn, &[g.id], direction)?.first() {
        Some(&(_, run_id)) => match pickup_store::find_run(conn, run_id)? {
            Some(run) => {
                named_greeter = run.greeter.clone();
                let car = match run.vehicle_id {
                    Some(v) => pickup_store::find_vehicle(conn, v)?,
                    None => None,
                };
                Some(RunFacts {
                    depart_utc: run.depart_at,
                    depart_local: to_local(tz, run.depart_at),
                    plate: car.as_ref().map(|c| c.plate.clone()),
                    driver: car.as_ref().and_then(|c| c.driver_name.clone()),
                    driver_phone: car.as_ref().and_then(|c| c.driver_phone.clone()),
                })
            }
            None => None,
        },
        None => None,
    };
    Ok(Some(Transfer {
        number: number.clone(),
        hub: place_name(lang, hub.name, hub.name_en),
        meeting_point: hub
            .meeting_point
            .map(|zh| place_name(lang, zh, hub.meeting_point_en)),
        scheduled,
        expected: to_local(tz, expected_utc),
        status,
        greeter: match direction {
            "arrival" => greeter(conn, named_greeter.as_deref(), hub_id)?,
            _ => None,
        },
        run,
    }))
}

/// The run's named greeter, else a greeter of the hub: their name (or account) and phone.
fn greeter(
    conn: &mut DbConn,
    named: Option<&str>,
    hub_id: i64,
) -> Result<Option<String>, AppError> {
    use crate::db::schema::users;
    use diesel::prelude::*;
    let mut q = users::table
        .filter(users::role.eq("greeter"))
        .filter(users::disabled.eq(false))
        .into_boxed::<crate::db::MultiBackend>();
    q = match named {
        Some(name) => q.filter(users::username.eq(name.to_string())),
        None => q.filter(users::scope.eq(hub_id.to_string())),
    };
    let found: Option<(String, Option<String>, Option<String>)> = q
        .order(users::id)
        .select((users::username, users::display_name, users::phone))
        .first(conn)
        .optional()?;
    Ok(found.map(|(username, name, phone)| {
        let name = name.unwrap_or(username);
        match phone {
            Some(p) => format!("{name} {p}"),
            None => name,
        }
    }))
}

fn stay(conn: &mut DbConn, g: &Guest, lang: Lang) -> Result<Option<StayFacts>, AppError> {
    let Some(stay) = hotel_store::find_stay(conn, g.id)? else {
        return Ok(None);
    };
    let Some(hotel) = hotel_store::find_hotel_by_id(conn, stay.hotel_id)? else {
        return Ok(None);
    };
    // The event pays the registry's stay dates (as at the hotel desk).
    let entitled = match (g.stay_from, g.stay_to) {
        (Some(from), Some(to)) if to > from => Some(from..to),
        _ => None,
    };
    let self_paid = crate::hotels::rules::self_paid_nights(
        &(stay.nights_from..stay.nights_to),
        entitled.as_ref(),
    );
    Ok(Some(StayFacts {
        hotel: place_name(lang, hotel.name, hotel.name_en),
        address: place_name(lang, hotel.address, hotel.address_en),
        room_type: stay.room_type,
        nights_from: stay.nights_from,
        nights_to: stay.nights_to,
        self_paid,
    }))
}

fn dining(conn: &mut DbConn, g: &Guest, lang: Lang) -> Result<Dining, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let (mode, _) = catalog.policy(g.category.as_deref());
    let point_ids = match (mode, crate::meals::find_meal_guest(conn, g.id)?) {
        (Mode::Hotel, Some(mg)) => crate::meals::canteen::usual_points(&mg, &catalog),
        _ => Vec::new(),
    };
    let points = point_ids
        .iter()
        .filter_map(|id| catalog.point_by_id(*id))
        .map(|p| {
            let windows = catalog
                .windows_for(p)
                .into_iter()
                .map(|w| {
                    let span = format!("{}–{}", format_minute(w.start), format_minute(w.end));
                    (w.service, span)
                })
                .collect();
            (place_name(lang, p.name.clone(), p.name_en.clone()), windows)
        })
        .collect();
    Ok(Dining {
        mode,
        points,
        halal: g.halal,
    })
}

fn ceremonies(conn: &mut DbConn, guest_id: i64, tz: Tz) -> Result<Vec<Ceremony>, AppError> {
    let filter = pass_store::PassFilter {
        kind: Some("admission".into()),
        guest_ids: Some(vec![guest_id]),
        ..Default::default()
    };
    let (_, passes): (i64, Vec<Pass>) = pass_store::list_passes(conn, &filter, None, 100, 0)?;
    let mut out = Vec::new();
    for p in passes.iter().filter(|p| p.status != "revoked") {
        let Some(session) = p.session_id else {
            continue;
        };
        let Some(s) = pass_store::find_session(conn, session)? else {
            continue;
        };
        out.push(Ceremony {
            pass_id: p.id,
            name: s.name,
            name_en: s.name_en,
            starts_utc: s.starts_at,
            ends_utc: s.ends_at,
            starts_local: to_local(tz, s.starts_at),
            gates: s.gates,
            section: p.section.clone(),
            seat: p.seat.clone(),
        });
    }
    out.sort_by_key(|c| c.starts_utc);
    Ok(out)
}
