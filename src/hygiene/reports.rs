//! What inspectors record: inspections against the checklist (with optional photos) and
//! incidents, which reach health and reception at once through the live feed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::hygiene::service::{inspector_of, invalid};
use crate::hygiene::store::{self, IncidentRow};
use crate::meals::catalog::MealCatalog;
use crate::time::{to_local, to_rfc3339};

// --- inspections -------------------------------------------------------------------------

/// The checklist; `halal_separation` only where the point serves halal.
pub const CHECKLIST: [&str; 8] = [
    "supplier_certificates",
    "raw_food",
    "storage_temperature",
    "cooking",
    "tableware_disinfection",
    "sample_retention_48h",
    "staff_health_certificates",
    "halal_separation",
];

/// One checked item.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct CheckItem {
    pub item: String,
    pub ok: bool,
    #[serde(default)]
    pub note: Option<String>,
    /// In: a photo (JPEG, PNG or WebP) as base64 or a `data:` URL; stored as a 450×600 JPEG.
    #[serde(default, skip_serializing)]
    pub photo: Option<String>,
    /// Out: where the item's photo is.
    #[serde(default)]
    pub photo_url: Option<String>,
}

/// The bytes of a photo sent as base64 or a `data:` URL.
fn photo_bytes(item: &str, text: &str) -> Result<Vec<u8>, AppError> {
    let b64 = text.split_once(',').map_or(text, |(_, b)| b).trim();
    let bytes = data_encoding::BASE64
        .decode(b64.as_bytes())
        .map_err(|_| invalid(item, format!("{item}: the photo is not base64")))?;
    crate::guests::photo::normalize(&bytes)
        .map_err(crate::guests::photo::PhotoError::into_app_error)
}

fn photo_url(inspection: i64, item: &str) -> String {
    format!("/api/v1/inspections/{inspection}/photos/{item}")
}

/// A checked item's photo.
pub fn inspection_photo(conn: &mut DbConn, id: i64, item: &str) -> Result<Vec<u8>, AppError> {
    store::find_photo(conn, id, item)?.ok_or(AppError::NotFound("photo"))
}

/// An inspection as the phone sends it.
#[derive(Deserialize, ToSchema, Debug)]
pub struct InspectionRequest {
    /// Dining point code (scanned from the point's QR or tapped).
    pub point: String,
    pub items: Vec<CheckItem>,
    pub note: Option<String>,
}

/// An inspection as lists show it.
#[derive(Serialize, ToSchema, Debug)]
pub struct InspectionResponse {
    pub id: i64,
    pub inspector: String,
    pub point: String,
    pub day: NaiveDate,
    pub arrived_at: String,
    pub items: Vec<CheckItem>,
    pub failed: i32,
    pub note: Option<String>,
}

/// Records an inspection: every item of the checklist (halal separation where halal is
/// served) answered pass or fail, a failed item with a note.
pub fn record_inspection(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &InspectionRequest,
    tz: Tz,
) -> Result<InspectionResponse, AppError> {
    let now = tx.now();
    let inspector = match user.role {
        Role::Inspector => inspector_of(user)?,
        _ => return Err(AppError::Forbidden),
    };
    let catalog = MealCatalog::load(tx)?;
    let point = catalog
        .point(&req.point)
        .ok_or_else(|| invalid("point", format!("unknown dining point {}", req.point)))?;
    let needed: Vec<&str> = CHECKLIST
        .iter()
        .copied()
        .filter(|i| *i != "halal_separation" || point.halal)
        .collect();
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|n| !req.items.iter().any(|i| i.item == *n))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::invalid(
            format!("answer every item: {}", missing.join(", ")),
            json!(missing
                .iter()
                .map(|m| json!({"field": m}))
                .collect::<Vec<_>>()),
        ));
    }
    if let Some(i) = req
        .items
        .iter()
        .find(|i| !CHECKLIST.contains(&i.item.as_str()))
    {
        return Err(invalid("items", format!("unknown item {}", i.item)));
    }
    if let Some(i) = req
        .items
        .iter()
        .find(|i| !i.ok && i.note.as_deref().is_none_or(|n| n.trim().is_empty()))
    {
        return Err(invalid(
            &i.item,
            format!("{}: a failed item needs a note", i.item),
        ));
    }
    let failed = req.items.iter().filter(|i| !i.ok).count() as i32;
    // Photos are checked before anything is written; the JSON keeps only the answers.
    let photos: Vec<(String, Vec<u8>)> = req
        .items
        .iter()
        .filter_map(|i| {
            i.photo
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(|p| (i.item.clone(), p))
        })
        .map(|(item, p)| photo_bytes(&item, p).map(|jpeg| (item, jpeg)))
        .collect::<Result<_, _>>()?;
    let answers: Vec<CheckItem> = req
        .items
        .iter()
        .map(|i| CheckItem {
            photo: None,
            photo_url: None,
            ..i.clone()
        })
        .collect();
    let items = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = store::insert_inspection(
        tx,
        inspector,
        point.id,
        to_local(tz, now).date(),
        now,
        &items,
        failed,
        req.note.as_deref(),
        now,
    )?;
    for (item, jpeg) in &photos {
        store::insert_photo(tx, id, item, jpeg)?;
    }
    crate::live::record(tx, None, "inspection", id)?;
    audit::record(
        tx,
        &user.actor(),
        "inspect",
        "dining_point",
        point.id,
        json!({"failed": failed}),
    )?;
    let name = store::find_inspector(tx, inspector)?
        .map(|i| i.name)
        .unwrap_or_default();
    Ok(InspectionResponse {
        id,
        inspector: name,
        point: point.code.clone(),
        day: to_local(tz, now).date(),
        arrived_at: to_rfc3339(tz, now),
        items: answers
            .into_iter()
            .map(|i| CheckItem {
                photo_url: photos
                    .iter()
                    .any(|p| p.0 == i.item)
                    .then(|| photo_url(id, &i.item)),
                ..i
            })
            .collect(),
        failed,
        note: req.note.clone(),
    })
}

pub fn list_inspections(
    conn: &mut DbConn,
    days: (NaiveDate, NaiveDate),
    point: Option<&str>,
    tz: Tz,
) -> Result<Vec<InspectionResponse>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    let point_id = match point.filter(|p| !p.is_empty()) {
        Some(code) => Some(
            catalog
                .point(code)
                .ok_or(AppError::NotFound("dining point"))?
                .id,
        ),
        None => None,
    };
    let names: BTreeMap<i64, String> = store::list_inspectors(conn)?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let rows = store::list_inspections(conn, days, point_id)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let photos: BTreeSet<(i64, String)> = store::photo_keys(conn, &ids)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| InspectionResponse {
            id: r.id,
            inspector: names.get(&r.inspector_id).cloned().unwrap_or_default(),
            point: catalog
                .point_by_id(r.point_id)
                .map(|p| p.code.clone())
                .unwrap_or_default(),
            day: r.day,
            arrived_at: to_rfc3339(tz, r.arrived_at),
            items: serde_json::from_str::<Vec<CheckItem>>(&r.items)
                .unwrap_or_default()
                .into_iter()
                .map(|i| CheckItem {
                    photo_url: photos
                        .contains(&(r.id, i.item.clone()))
                        .then(|| photo_url(r.id, &i.item)),
                    ..i
                })
                .collect(),
            failed: r.failed,
            note: r.note,
        })
        .collect())
}

/// Inspections as CSV (UTF-8 with BOM): one line per checked item.
pub fn inspections_csv(list: &[InspectionResponse]) -> Result<Vec<u8>, AppError> {
    use crate::guests::csv_format::guard;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record([
        "日期 Day",
        "就餐点 Point",
        "检查员 Inspector",
        "到达 Arrived",
        "项目 Item",
        "结果 Result",
        "说明 Note",
    ])
    .map_err(err)?;
    for i in list {
        for item in &i.items {
            w.write_record([
                i.day.to_string(),
                i.point.clone(),
                guard(&i.inspector),
                i.arrived_at.clone(),
                item.item.clone(),
                if item.ok { "pass" } else { "fail" }.into(),
                guard(item.note.as_deref().unwrap_or("")),
            ])
            .map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

// --- incidents ---------------------------------------------------------------------------

/// An incident as raised.
#[derive(Deserialize, ToSchema, Debug)]
pub struct IncidentRequest {
    pub point: String,
    /// `suspected_poisoning`, `failed_check`, `other`.
    pub kind: String,
    pub description: String,
    #[serde(default)]
    pub stops_service: bool,
}

/// An incident as lists show it.
#[derive(Serialize, ToSchema, Debug)]
pub struct IncidentResponse {
    pub id: i64,
    pub point: String,
    pub point_name: String,
    pub raised_by: String,
    pub kind: String,
    pub description: String,
    pub stops_service: bool,
    pub status: String,
    pub follow_up: Vec<FollowUp>,
    pub created_at: String,
    pub closed_at: Option<String>,
}

/// A step of the follow-up.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct FollowUp {
    pub at: String,
    pub by: String,
    pub note: String,
}

fn incident_response(r: &IncidentRow, catalog: &MealCatalog, tz: Tz) -> IncidentResponse {
    let p = catalog.point_by_id(r.point_id);
    IncidentResponse {
        id: r.id,
        point: p.map(|p| p.code.clone()).unwrap_or_default(),
        point_name: p.map(|p| p.name.clone()).unwrap_or_default(),
        raised_by: r.raised_by.clone(),
        kind: r.kind.clone(),
        description: r.description.clone(),
        stops_service: r.stops_service,
        status: r.status.clone(),
        follow_up: serde_json::from_str(&r.follow_up).unwrap_or_default(),
        created_at: to_rfc3339(tz, r.created_at),
        closed_at: r.closed_at.map(|t| to_rfc3339(tz, t)),
    }
}

/// Raises an incident; health and reception screens hear of it at once (the live feed).
pub fn raise_incident(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &IncidentRequest,
    tz: Tz,
) -> Result<IncidentResponse, AppError> {
    let now = tx.now();
    if !["suspected_poisoning", "failed_check", "other"].contains(&req.kind.as_str()) {
        return Err(invalid(
            "kind",
            "kind must be suspected_poisoning, failed_check or other",
        ));
    }
    if req.description.trim().is_empty() {
        return Err(invalid("description", "say what happened"));
    }
    let catalog = MealCatalog::load(tx)?;
    let point = catalog
        .point(&req.point)
        .ok_or_else(|| invalid("point", format!("unknown dining point {}", req.point)))?;
    let id = store::insert_incident(
        tx,
        point.id,
        &user.username,
        &req.kind,
        req.description.trim(),
        req.stops_service,
        now,
    )?;
    crate::live::record(tx, None, "incident", id)?;
    audit::record(
        tx,
        &user.actor(),
        "raise",
        "incident",
        id,
        json!({"point": point.code, "kind": req.kind}),
    )?;
    let row = store::find_incident(tx, id)?.ok_or(AppError::NotFound("incident"))?;
    Ok(incident_response(&row, &catalog, tz))
}

pub fn list_incidents(
    conn: &mut DbConn,
    status: Option<&str>,
    tz: Tz,
) -> Result<Vec<IncidentResponse>, AppError> {
    let catalog = MealCatalog::load(conn)?;
    Ok(store::list_incidents(conn, status)?
        .iter()
        .map(|r| incident_response(r, &catalog, tz))
        .collect())
}

/// A follow-up note, possibly closing the incident.
#[derive(Deserialize, ToSchema, Debug)]
pub struct FollowUpRequest {
    pub note: String,
    #[serde(default)]
    pub close: bool,
}

pub fn follow_up(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    req: &FollowUpRequest,
    tz: Tz,
) -> Result<IncidentResponse, AppError> {
    let now = tx.now();
    if req.note.trim().is_empty() {
        return Err(invalid("note", "the follow-up needs a note"));
    }
    let row = store::find_incident(tx, id)?.ok_or(AppError::NotFound("incident"))?;
    if row.status == "closed" {
        return Err(AppError::conflict(
            "incident_closed",
            "the incident is closed",
        ));
    }
    let mut steps: Vec<FollowUp> = serde_json::from_str(&row.follow_up).unwrap_or_default();
    steps.push(FollowUp {
        at: to_rfc3339(tz, now),
        by: user.username.clone(),
        note: req.note.trim().to_string(),
    });
    let text = serde_json::to_string(&steps).map_err(|e| AppError::Internal(e.to_string()))?;
    let (status, closed) = if req.close {
        ("closed", Some(now))
    } else {
        ("open", None)
    };
    store::update_incident(tx, id, &text, status, closed)?;
    crate::live::record(tx, None, "incident", id)?;
    audit::record(
        tx,
        &user.actor(),
        if req.close { "close" } else { "follow_up" },
        "incident",
        id,
        json!({}),
    )?;
    let catalog = MealCatalog::load(tx)?;
    let row = store::find_incident(tx, id)?.ok_or(AppError::NotFound("incident"))?;
    Ok(incident_response(&row, &catalog, tz))
}
