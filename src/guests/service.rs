//! Use cases of the guest registry: list, read, create, change, delete, photos, scopes.
//! Import and export live in `import.rs`; both go through the same field rules
//! (`csv_format`), so a guest entered by hand obeys exactly what a CSV row obeys.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::csv_format::{self, Column, GuestRecord, Travel};
use crate::guests::fields::{Category, Gender, IdType, Language, TravelMode};
use crate::guests::model::{Guest, GuestFields, GuestPhoto, GuestResponse};
use crate::guests::store::{self, GuestFilter};
use crate::guests::{id_number, photo};
use crate::i18n::Lang;
use crate::time::{local_date, to_local, to_rfc3339, to_utc};

/// Departments, delegations and hubs by id and by name: small tables, loaded whole.
pub struct Lookups {
    /// Department id → name.
    pub departments: HashMap<i64, String>,
    /// Delegation id → name.
    pub delegations: HashMap<i64, String>,
    /// Hub id → code.
    pub hubs: HashMap<i64, String>,
}

impl Lookups {
    /// Loads the three tables.
    pub fn load(conn: &mut DbConn) -> Result<Lookups, AppError> {
        Ok(Lookups {
            departments: store::list_departments(conn)?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            delegations: store::list_delegations(conn)?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            hubs: store::list_hubs(conn)?
                .into_iter()
                .map(|h| (h.id, h.code))
                .collect(),
        })
    }

    fn name_index(map: &HashMap<i64, String>) -> HashMap<String, i64> {
        map.iter().map(|(id, name)| (name.clone(), *id)).collect()
    }
}

/// The guest as the API shows it to `viewer`.
pub fn to_response(
    g: &Guest,
    lk: &Lookups,
    has_photo: bool,
    reveal_id: bool,
    tz: Tz,
) -> GuestResponse {
    GuestResponse {
        id: g.id,
        ref_code: g.ref_code.clone(),
        name: g.name.clone(),
        name_latin: g.name_latin.clone(),
        category: g.category.clone(),
        gender: g.gender.clone(),
        department_id: g.department_id,
        department: lk
            .departments
            .get(&g.department_id)
            .cloned()
            .unwrap_or_default(),
        delegation_id: g.delegation_id,
        delegation: g
            .delegation_id
            .and_then(|id| lk.delegations.get(&id).cloned()),
        organization: g.organization.clone(),
        id_type: g.id_type.clone(),
        id_number: g.id_number.as_deref().map(|n| {
            if reveal_id {
                n.to_string()
            } else {
                id_number::mask(n)
            }
        }),
        phone: g.phone.clone(),
        email: g.email.clone(),
        language: g.language.clone(),
        halal: g.halal,
        accessible: g.accessible,
        diet: g.diet.clone(),
        arrival_mode: g.arrival_mode.clone(),
        arrival_no: g.arrival_no.clone(),
        arrival_hub: g.arrival_hub_id.and_then(|id| lk.hubs.get(&id).cloned()),
        arrival_time: g.arrival_at.map(|t| to_rfc3339(tz, t)),
        departure_mode: g.departure_mode.clone(),
        departure_no: g.departure_no.clone(),
        departure_hub: g.departure_hub_id.and_then(|id| lk.hubs.get(&id).cloned()),
        departure_time: g.departure_at.map(|t| to_rfc3339(tz, t)),
        stay_from: g.stay_from,
        stay_to: g.stay_to,
        notes: g.notes.clone(),
        has_photo,
        created_at: to_rfc3339(tz, g.created_at),
        updated_at: to_rfc3339(tz, g.updated_at),
        withdrawn_at: g.withdrawn_at.map(|t| to_rfc3339(tz, t)),
        withdrawn_reason: g.withdrawn_reason.clone(),
    }
}

/// The guest as a CSV record (times local), ID number masked unless `reveal_id`.
pub fn to_record(g: &Guest, lk: &Lookups, reveal_id: bool, tz: Tz) -> GuestRecord {
    let travel = |mode: &Option<String>,
                  no: &Option<String>,
                  hub: Option<i64>,
                  at: Option<NaiveDateTime>| Travel {
        mode: mode.as_deref().and_then(TravelMode::parse),
        number: no.clone(),
        hub: hub.and_then(|id| lk.hubs.get(&id).cloned()),
        time: at.map(|t| to_local(tz, t)),
    };
    GuestRecord {
        ref_code: g.ref_code.clone(),
        name: g.name.clone(),
        name_latin: g.name_latin.clone(),
        category: g.category.as_deref().and_then(Category::parse),
        gender: g.gender.as_deref().and_then(Gender::parse),
        department: lk
            .departments
            .get(&g.department_id)
            .cloned()
            .unwrap_or_default(),
        delegation: g
            .delegation_id
            .and_then(|id| lk.delegations.get(&id).cloned()),
        organization: g.organization.clone(),
        id_type: g.id_type.as_deref().and_then(IdType::parse),
        id_number: g.id_number.as_deref().map(|n| {
            if reveal_id {
                n.to_string()
            } else {
                id_number::mask(n)
            }
        }),
        phone: g.phone.clone(),
        email: g.email.clone(),
        language: Language::parse(&g.language).unwrap_or(Language::Zh),
        halal: g.halal,
        accessible: g.accessible,
        diet: g.diet.clone(),
        arrival: travel(
            &g.arrival_mode,
            &g.arrival_no,
            g.arrival_hub_id,
            g.arrival_at,
        ),
        departure: travel(
            &g.departure_mode,
            &g.departure_no,
            g.departure_hub_id,
            g.departure_at,
        ),
        stay_from: g.stay_from,
        stay_to: g.stay_to,
        notes: g.notes.clone(),
    }
}

/// Ids for names: what a record refers to, resolved against the tables, with what is missing.
pub struct Resolver {
    departments: HashMap<String, i64>,
    delegations: HashMap<String, i64>,
    hubs: HashMap<String, i64>,
}

impl Resolver {
    /// From the loaded lookups.
    pub fn new(lk: &Lookups) -> Resolver {
        Resolver {
            departments: Lookups::name_index(&lk.departments),
            delegations: Lookups::name_index(&lk.delegations),
            hubs: Lookups::name_index(&lk.hubs),
        }
    }

    /// Names in `records` not yet stored: (departments, delegations, hubs), each sorted.
    pub fn missing(&self, records: &[&GuestRecord]) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut deps = HashSet::new();
        let mut dels = HashSet::new();
        let mut hubs = HashSet::new();
        for r in records {
            if !self.departments.contains_key(&r.department) {
                deps.insert(r.department.clone());
            }
            if let Some(d) = r
                .delegation
                .as_ref()
                .filter(|d| !self.delegations.contains_key(*d))
            {
                dels.insert(d.clone());
            }
            for h in [&r.arrival.hub, &r.departure.hub].into_iter().flatten() {
                if !self.hubs.contains_key(h) {
                    hubs.insert(h.clone());
                }
            }
        }
        let sorted = |s: HashSet<String>| {
            let mut v: Vec<String> = s.into_iter().collect();
            v.sort();
            v
        };
        (sorted(deps), sorted(dels), sorted(hubs))
    }

    /// Stores the missing names (inside the caller's transaction) so every record resolves.
    pub fn create_missing(
        &mut self,
        conn: &mut DbConn,
        missing: &(Vec<String>, Vec<String>, Vec<String>),
        now: NaiveDateTime,
    ) -> Result<(), AppError> {
        for name in &missing.0 {
            let id = store::insert_department(conn, name, now)?;
            self.departments.insert(name.clone(), id);
        }
        for name in &missing.1 {
            let id = store::insert_delegation(conn, name, now)?;
            self.delegations.insert(name.clone(), id);
        }
        for code in &missing.2 {
            let id = store::insert_hub(conn, code, code, hub_kind(code), now)?;
            self.hubs.insert(code.clone(), id);
        }
        Ok(())
    }

    /// The department id of a name, if stored.
    pub fn department(&self, name: &str) -> Option<i64> {
        self.departments.get(name).copied()
    }

    /// The stored fields of a record. A masked ID number keeps `stored`'s number.
    pub fn fields(
        &self,
        r: &GuestRecord,
        stored: Option<&Guest>,
        tz: Tz,
    ) -> Result<GuestFields, AppError> {
        let department_id = self
            .department(&r.department)
            .ok_or_else(|| AppError::Internal(format!("department {} unresolved", r.department)))?;
        let hub = |h: &Option<String>| h.as_ref().and_then(|h| self.hubs.get(h).copied());
        let id_number = match r.id_number.as_deref() {
            Some(n) if id_number::is_masked(n) => stored.and_then(|g| g.id_number.clone()),
            other => other.map(str::to_string),
        };
        Ok(GuestFields {
            department_id,
            ref_code: r.ref_code.clone(),
            name: r.name.clone(),
            name_latin: r.name_latin.clone(),
            category: r.category.map(|c| c.as_str().to_string()),
            gender: r.gender.map(|g| g.as_str().to_string()),
            delegation_id: r
                .delegation
                .as_ref()
                .and_then(|d| self.delegations.get(d).copied()),
            organization: r.organization.clone(),
            id_type: r.id_type.map(|t| t.as_str().to_string()),
            id_number,
            phone: r.phone.clone(),
            email: r.email.clone(),
            language: r.language.as_str().to_string(),
            halal: r.halal,
            accessible: r.accessible,
            diet: r.diet.clone(),
            arrival_mode: r.arrival.mode.map(|m| m.as_str().to_string()),
            arrival_no: r.arrival.number.clone(),
            arrival_hub_id: hub(&r.arrival.hub),
            arrival_at: r.arrival.time.map(|t| to_utc(tz, t)),
            departure_mode: r.departure.mode.map(|m| m.as_str().to_string()),
            departure_no: r.departure.number.clone(),
            departure_hub_id: hub(&r.departure.hub),
            departure_at: r.departure.time.map(|t| to_utc(tz, t)),
            stay_from: r.stay_from,
            stay_to: r.stay_to,
            notes: r.notes.clone(),
        })
    }
}

/// An airport code is three capital letters; a name with 站 or "station" is a station.
pub fn hub_kind(code: &str) -> &'static str {
    if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
        "airport"
    } else if code.contains('站') || code.to_lowercase().contains("station") {
        "station"
    } else {
        "other"
    }
}

/// Whether `viewer` may see or change this guest at all (a department sees only its own).
fn check_guest_scope(viewer: &CurrentUser, g: &Guest) -> Result<(), AppError> {
    match viewer.department_scope() {
        Some(d) if d != g.department_id => Err(AppError::Forbidden),
        _ => Ok(()),
    }
}

/// A page of guests.
pub fn list_guests(
    conn: &mut DbConn,
    viewer: &CurrentUser,
    mut filter: GuestFilter,
    limit: i64,
    offset: i64,
    tz: Tz,
) -> Result<(i64, Vec<GuestResponse>), AppError> {
    filter.scope_department_id = viewer.department_scope();
    let (total, guests) = store::list_guests(conn, &filter, limit, offset)?;
    let lk = Lookups::load(conn)?;
    let ids: Vec<i64> = guests.iter().map(|g| g.id).collect();
    let with_photo: HashSet<i64> = store::guests_with_photos(conn, &ids)?.into_iter().collect();
    let reveal = viewer.role.sees_full_id_numbers();
    let items = guests
        .iter()
        .map(|g| to_response(g, &lk, with_photo.contains(&g.id), reveal, tz))
        .collect();
    Ok((total, items))
}

/// One guest.
pub fn get_guest(
    conn: &mut DbConn,
    viewer: &CurrentUser,
    id: i64,
    tz: Tz,
) -> Result<GuestResponse, AppError> {
    let g = store::find_guest(conn, id)?.ok_or(AppError::NotFound("guest"))?;
    check_guest_scope(viewer, &g)?;
    let lk = Lookups::load(conn)?;
    let has_photo = !store::guests_with_photos(conn, &[id])?.is_empty();
    Ok(to_response(
        &g,
        &lk,
        has_photo,
        viewer.role.sees_full_id_numbers(),
        tz,
    ))
}

/// Turns a JSON guest (API keys = CSV column names) into column/value text pairs.
fn json_to_columns(
    body: &Map<String, Value>,
    lk: &Lookups,
    tz: Tz,
) -> Result<Vec<(Column, String)>, AppError> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for (key, value) in body {
        let key = match key.as_str() {
            "department_id" => {
                let name = value
                    .as_i64()
                    .and_then(|id| lk.departments.get(&id).cloned())
                    .ok_or_else(|| {
                        AppError::invalid(
                            "unknown department_id",
                            json!([{"field": "department_id"}]),
                        )
                    })?;
                out.push((Column::Department, name));
                continue;
            }
            "delegation_id" => {
                let name = match value {
                    Value::Null => String::new(),
                    v => v
                        .as_i64()
                        .and_then(|id| lk.delegations.get(&id).cloned())
                        .ok_or_else(|| {
                            AppError::invalid(
                                "unknown delegation_id",
                                json!([{"field": "delegation_id"}]),
                            )
                        })?,
                };
                out.push((Column::Delegation, name));
                continue;
            }
            "ref" => "ref",
            // Read-only keys of the response, so a GET body can be sent back as is.
            "id" | "has_photo" | "created_at" | "updated_at" | "withdrawn_at"
            | "withdrawn_reason" => continue,
            k => k,
        };
        let Some(column) = Column::from_header(key) else {
            unknown.push(key.to_string());
            continue;
        };
        let text = match value {
            Value::Null => String::new(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => match column {
                // RFC 3339 instants become local event time, the CSV's form.
                Column::ArrivalTime | Column::DepartureTime => {
                    chrono::DateTime::parse_from_rfc3339(s)
                        .map(|t| {
                            to_local(tz, t.naive_utc())
                                .format("%Y-%m-%d %H:%M")
                                .to_string()
                        })
                        .unwrap_or_else(|_| s.clone())
                }
                _ => s.clone(),
            },
            other => other.to_string(),
        };
        out.push((column, text));
    }
    if !unknown.is_empty() {
        return Err(AppError::invalid(
            format!("unknown fields: {}", unknown.join(", ")),
            json!(unknown
                .iter()
                .map(|u| json!({"field": u}))
                .collect::<Vec<_>>()),
        ));
    }
    Ok(out)
}

/// Validates text fields through the CSV rules: one in-memory row, one validation path.
fn validate_columns(
    columns: &[(Column, String)],
    today: NaiveDate,
    lang: Lang,
) -> Result<GuestRecord, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = columns.iter().map(|(c, _)| c.en()).collect();
    let values: Vec<&str> = columns.iter().map(|(_, v)| v.as_str()).collect();
    let written = writer
        .write_record(&header)
        .and_then(|_| writer.write_record(&values))
        .map_err(|e| AppError::Internal(e.to_string()));
    written?;
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    let parsed = csv_format::parse(&text, today)
        .map_err(|e| AppError::invalid(e.message(lang), json!([])))?;
    if !parsed.errors.is_empty() {
        let details: Vec<Value> = parsed
            .errors
            .iter()
            .map(|e| json!({"field": e.column.map(|c| c.en()), "message": e.message.render(lang)}))
            .collect();
        let first = parsed.errors[0].message.render(lang).to_string();
        return Err(AppError::invalid(first, Value::Array(details)));
    }
    parsed
        .rows
        .into_iter()
        .next()
        .map(|row| row.record)
        .ok_or_else(|| AppError::invalid("empty guest", json!([])))
}

/// Names a guest refers to that do not exist: a department never (imports may create
/// them); a delegation or hub only for reception and admin, who keep the registries — a
/// department's mistyped hub must not become a new hub.
fn missing_names_message(
    viewer: &CurrentUser,
    missing: &(Vec<String>, Vec<String>, Vec<String>),
) -> Option<AppError> {
    if !missing.0.is_empty() {
        return Some(AppError::invalid(
            format!("unknown department: {}", missing.0.join(", ")),
            json!([{"field": "department"}]),
        ));
    }
    viewer.department_scope()?;
    if !missing.1.is_empty() {
        return Some(AppError::invalid(
            format!(
                "unknown delegation: {} (ask reception to add it)",
                missing.1.join(", ")
            ),
            json!([{"field": "delegation"}]),
        ));
    }
    (!missing.2.is_empty()).then(|| {
        AppError::invalid(
            format!(
                "unknown hub: {} (ask reception to add it)",
                missing.2.join(", ")
            ),
            json!([{"field": "arrival_hub"}, {"field": "departure_hub"}]),
        )
    })
}

/// Creates a guest from API JSON. Departments must exist (imports may create them); new
/// delegations and hubs are created for reception and admin, refused for departments.
pub fn create_guest(
    tx: &mut Tx,
    viewer: &CurrentUser,
    body: &Map<String, Value>,
    tz: Tz,
    lang: Lang,
) -> Result<GuestResponse, AppError> {
    let lk = Lookups::load(tx)?;
    let mut columns = json_to_columns(body, &lk, tz)?;
    if let Some(d) = viewer.department_scope() {
        let own = lk.departments.get(&d).cloned().ok_or(AppError::Forbidden)?;
        match columns.iter().find(|(c, _)| *c == Column::Department) {
            Some((_, name)) if name != &own => return Err(AppError::Forbidden),
            Some(_) => {}
            None => columns.push((Column::Department, own)),
        }
    }
    let record = validate_columns(&columns, local_date(tz, tx.now()), lang)?;
    let mut resolver = Resolver::new(&lk);
    let missing = resolver.missing(&[&record]);
    if let Some(e) = missing_names_message(viewer, &missing) {
        return Err(e);
    }
    let now = tx.now();
    resolver.create_missing(tx, &missing, now)?;
    let fields = resolver.fields(&record, None, tz)?;
    let id = store::insert_guest(tx, &fields, now).map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => AppError::conflict(
            "duplicate_ref",
            format!("ref {} already exists in this department", record.ref_code),
        ),
        other => other,
    })?;
    audit::record(
        tx,
        &viewer.actor(),
        "create",
        "guest",
        id,
        json!({"ref": record.ref_code, "name": record.name}),
    )?;
    get_guest(tx, viewer, id, tz)
}

/// Changes some fields of a guest from API JSON; the others keep their values.
pub fn update_guest(
    tx: &mut Tx,
    viewer: &CurrentUser,
    id: i64,
    body: &Map<String, Value>,
    tz: Tz,
    lang: Lang,
) -> Result<GuestResponse, AppError> {
    let stored = store::find_guest(tx, id)?.ok_or(AppError::NotFound("guest"))?;
    check_guest_scope(viewer, &stored)?;
    let lk = Lookups::load(tx)?;
    let changes = json_to_columns(body, &lk, tz)?;
    // Start from the stored guest (ID masked: a masked value keeps the stored one).
    let base = to_record(&stored, &lk, false, tz);
    let mut columns = csv_format::record_columns(&base);
    for (column, value) in changes {
        if let Some(slot) = columns.iter_mut().find(|(c, _)| *c == column) {
            slot.1 = value;
        }
    }
    let record = validate_columns(&columns, local_date(tz, tx.now()), lang)?;
    if let Some(d) = viewer.department_scope() {
        if lk.departments.get(&d) != Some(&record.department) {
            return Err(AppError::Forbidden);
        }
    }
    let mut resolver = Resolver::new(&lk);
    let missing = resolver.missing(&[&record]);
    if let Some(e) = missing_names_message(viewer, &missing) {
        return Err(e);
    }
    let now = tx.now();
    resolver.create_missing(tx, &missing, now)?;
    let fields = resolver.fields(&record, Some(&stored), tz)?;
    if fields != stored.fields() {
        store::update_guest(tx, id, &fields, now)?;
        audit::record(
            tx,
            &viewer.actor(),
            "update",
            "guest",
            id,
            changed_fields(&stored.fields(), &fields),
        )?;
    }
    get_guest(tx, viewer, id, tz)
}

/// Which fields changed, by name (values are not logged: they may hold ID numbers).
pub fn changed_fields(before: &GuestFields, after: &GuestFields) -> Value {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return json!({});
    };
    let changed: Vec<&String> = b
        .iter()
        .filter(|(k, v)| a.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    json!({ "changed": changed })
}

/// Deletes a guest.
pub fn delete_guest(tx: &mut Tx, viewer: &CurrentUser, id: i64) -> Result<(), AppError> {
    let g = store::find_guest(tx, id)?.ok_or(AppError::NotFound("guest"))?;
    check_guest_scope(viewer, &g)?;
    store::delete_guest(tx, id)?;
    audit::record(
        tx,
        &viewer.actor(),
        "delete",
        "guest",
        id,
        json!({"ref": g.ref_code, "name": g.name}),
    )?;
    Ok(())
}

/// A guest as an arrangement change sees it: the stored row, checked against the viewer's
/// scope.
pub fn guest_for_change(
    conn: &mut DbConn,
    viewer: &CurrentUser,
    id: i64,
) -> Result<Guest, AppError> {
    let g = store::find_guest(conn, id)?.ok_or(AppError::NotFound("guest"))?;
    check_guest_scope(viewer, &g)?;
    Ok(g)
}

/// Marks a guest withdrawn (the record stays, restorable) or, with `None`, back.
pub fn set_withdrawn(
    tx: &mut Tx,
    viewer: &CurrentUser,
    id: i64,
    reason: Option<&str>,
) -> Result<Guest, AppError> {
    let g = guest_for_change(tx, viewer, id)?;
    let now = tx.now();
    match (reason, g.withdrawn_at) {
        (Some(_), Some(_)) => {
            return Err(AppError::conflict(
                "already_withdrawn",
                "this guest has withdrawn already",
            ))
        }
        (None, None) => {
            return Err(AppError::conflict(
                "not_withdrawn",
                "this guest has not withdrawn",
            ))
        }
        _ => {}
    }
    store::update_withdrawn(tx, id, reason.map(|r| (now, r)), now)?;
    audit::record(
        tx,
        &viewer.actor(),
        if reason.is_some() {
            "withdraw"
        } else {
            "restore"
        },
        "guest",
        id,
        json!({"reason": reason}),
    )?;
    store::find_guest(tx, id)?.ok_or(AppError::NotFound("guest"))
}

/// Stores a guest's photo, already normalized by [`photo::normalize`] (outside the
/// transaction: decoding a 12-MP photo takes a fifth of a second).
pub fn put_photo(
    tx: &mut Tx,
    viewer: &CurrentUser,
    id: i64,
    jpeg: Vec<u8>,
) -> Result<(u32, u32, usize), AppError> {
    let g = store::find_guest(tx, id)?.ok_or(AppError::NotFound("guest"))?;
    check_guest_scope(viewer, &g)?;
    let size = jpeg.len();
    let now = tx.now();
    store::upsert_photo(
        tx,
        &GuestPhoto {
            guest_id: id,
            sha256: hex::encode(Sha256::digest(&jpeg)),
            jpeg,
            updated_at: now,
        },
    )?;
    audit::record(
        tx,
        &viewer.actor(),
        "update",
        "guest_photo",
        id,
        json!({"bytes": size}),
    )?;
    Ok((photo::WIDTH, photo::HEIGHT, size))
}

/// A guest's photo JPEG.
pub fn get_photo(conn: &mut DbConn, viewer: &CurrentUser, id: i64) -> Result<GuestPhoto, AppError> {
    let g = store::find_guest(conn, id)?.ok_or(AppError::NotFound("guest"))?;
    check_guest_scope(viewer, &g)?;
    store::find_photo(conn, id)?.ok_or(AppError::NotFound("photo"))
}

/// What other domains show of a guest (passes, scans): no ID number, only whether there is one.
#[derive(Clone, Debug)]
pub struct GuestCard {
    /// Id.
    pub id: i64,
    /// Ref within the department.
    pub ref_code: String,
    /// Name.
    pub name: String,
    /// Latin name.
    pub name_latin: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Department id.
    pub department_id: i64,
    /// Department name.
    pub department: String,
    /// Delegation name.
    pub delegation: Option<String>,
    /// Organization.
    pub organization: Option<String>,
    /// Whether an ID number is on file.
    pub has_id_number: bool,
    /// SHA-256 of the stored photo (hex), if any.
    pub photo_sha256: Option<String>,
}

/// Cards for these guests, by id.
pub fn guest_cards(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, GuestCard>, AppError> {
    let mut cards = HashMap::new();
    if ids.is_empty() {
        return Ok(cards);
    }
    let lk = Lookups::load(conn)?;
    for chunk in ids.chunks(10_000) {
        let guests = store::find_guests(conn, chunk)?;
        let photos: HashMap<i64, String> = store::photo_hashes(conn, chunk)?.into_iter().collect();
        for g in guests {
            cards.insert(
                g.id,
                GuestCard {
                    id: g.id,
                    ref_code: g.ref_code.clone(),
                    name: g.name.clone(),
                    name_latin: g.name_latin.clone(),
                    category: g.category.clone(),
                    department_id: g.department_id,
                    department: lk
                        .departments
                        .get(&g.department_id)
                        .cloned()
                        .unwrap_or_default(),
                    delegation: g
                        .delegation_id
                        .and_then(|d| lk.delegations.get(&d).cloned()),
                    organization: g.organization.clone(),
                    has_id_number: g.id_number.as_deref().is_some_and(|n| !n.is_empty()),
                    photo_sha256: photos.get(&g.id).cloned(),
                },
            );
        }
    }
    Ok(cards)
}

/// One guest's card, in one query (the scan path).
pub fn guest_card(conn: &mut DbConn, id: i64) -> Result<Option<GuestCard>, AppError> {
    Ok(
        store::find_card_row(conn, id)?.map(|(g, department, delegation, photo)| GuestCard {
            id: g.id,
            ref_code: g.ref_code,
            name: g.name,
            name_latin: g.name_latin,
            category: g.category,
            department_id: g.department_id,
            department,
            delegation,
            organization: g.organization,
            has_id_number: g.id_number.is_some_and(|n| !n.is_empty()),
            photo_sha256: photo,
        }),
    )
}

/// Whether `viewer` may act on this guest (a department only on its own).
pub fn may_act_on(viewer: &CurrentUser, department_id: i64) -> bool {
    viewer.department_scope().is_none_or(|d| d == department_id)
}
