//! Scanner devices: a phone or handheld registered by its user at one scan point. A device
//! downloads the point's offline kit and uploads what it decided while the network was down;
//! security sees when each last synced and how old its lists are, and can retire a lost one
//! (its kit and uploads are then refused).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::db::schema::{devices, scan_points, users};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::scan::model::ScanPoint;
use crate::scan::service::may_scan_at;
use crate::scan::store;
use crate::time::to_rfc3339;

/// A registered device row.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = devices)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DeviceRow {
    pub id: i64,
    pub name: String,
    pub point_id: i64,
    pub user_id: i64,
    pub registered_at: NaiveDateTime,
    pub last_sync_at: Option<NaiveDateTime>,
    pub kit_generated_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
}

/// A device as security sees it.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub name: String,
    /// The point's code.
    pub point: String,
    pub point_name: String,
    pub point_kind: String,
    /// Who registered it.
    pub user: String,
    pub registered_at: String,
    /// The last kit download or upload.
    pub last_sync_at: Option<String>,
    /// When the lists it holds were made (their age is what the staleness guard checks).
    pub kit_generated_at: Option<String>,
    /// How old its lists are now, in seconds.
    pub lists_age_seconds: Option<i64>,
    /// The age at which it stops accepting, in seconds.
    pub max_age_seconds: i64,
    pub retired_at: Option<String>,
}

/// A device to register.
#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct RegisterDevice {
    /// What the people at the point call it, e.g. "东门2号机".
    pub name: String,
    /// The scan point's code.
    pub point: String,
}

/// The list.
#[derive(Serialize, ToSchema, Debug)]
pub struct DeviceList {
    pub devices: Vec<Device>,
}

/// The staleness limit of a point, in seconds: its own if set, else the event's.
pub fn max_age_seconds(point: &ScanPoint, event_minutes: i64) -> i64 {
    point
        .offline_max_age_minutes
        .map_or(event_minutes, i64::from)
        .max(1)
        * 60
}

/// Registers a device at a point where `user` may scan.
pub fn register(tx: &mut Tx, user: &CurrentUser, req: &RegisterDevice) -> Result<i64, AppError> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::invalid(
            "name must be 1–60 characters",
            json!([{"field": "name"}]),
        ));
    }
    let point = store::find_point(tx, req.point.trim())?
        .ok_or_else(|| AppError::invalid("unknown scan point", json!([{"field": "point"}])))?;
    if !may_scan_at(user, &point) {
        return Err(AppError::Forbidden);
    }
    let now = tx.now();
    let id: i64 = diesel::insert_into(devices::table)
        .values((
            devices::name.eq(name),
            devices::point_id.eq(point.id),
            devices::user_id.eq(user.id),
            devices::registered_at.eq(now),
        ))
        .returning(devices::id)
        .get_result(&mut **tx)?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "device",
        id,
        json!({"name": name, "point": point.code}),
    )?;
    Ok(id)
}

/// A device row by id.
pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<DeviceRow>, AppError> {
    Ok(devices::table
        .find(id)
        .select(DeviceRow::as_select())
        .first(conn)
        .optional()?)
}

/// The device `user` acts through: theirs (or any, for admin and security), not retired.
pub fn usable(conn: &mut DbConn, user: &CurrentUser, id: i64) -> Result<DeviceRow, AppError> {
    let device = find(conn, id)?.ok_or(AppError::NotFound("device"))?;
    if device.user_id != user.id && !matches!(user.role, Role::Admin | Role::Security) {
        return Err(AppError::Forbidden);
    }
    if device.retired_at.is_some() {
        return Err(AppError::conflict(
            "device_retired",
            "this device has been retired; register it again",
        ));
    }
    Ok(device)
}

/// Notes a sync: a kit made at `kit_generated_at`, or an upload (`None`).
pub fn touch(
    conn: &mut DbConn,
    id: i64,
    now: NaiveDateTime,
    kit_generated_at: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let target = devices::table.find(id);
    match kit_generated_at {
        Some(k) => diesel::update(target)
            .set((
                devices::last_sync_at.eq(Some(now)),
                devices::kit_generated_at.eq(Some(k)),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set(devices::last_sync_at.eq(Some(now)))
            .execute(conn)?,
    };
    Ok(())
}

/// Retires a device.
pub fn retire(tx: &mut Tx, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let now = tx.now();
    let n = diesel::update(
        devices::table
            .find(id)
            .filter(devices::retired_at.is_null()),
    )
    .set(devices::retired_at.eq(Some(now)))
    .execute(&mut **tx)?;
    if n == 0 {
        find(tx, id)?.ok_or(AppError::NotFound("device"))?;
        return Ok(()); // retired already: retiring again changes nothing
    }
    audit::record(tx, &user.actor(), "retire", "device", id, json!({}))?;
    Ok(())
}

/// Every device, newest first, as security sees them.
pub fn list(
    conn: &mut DbConn,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
    event_minutes: i64,
) -> Result<DeviceList, AppError> {
    let rows: Vec<(DeviceRow, ScanPoint, String, Option<String>)> = devices::table
        .inner_join(scan_points::table)
        .inner_join(users::table.on(users::id.eq(devices::user_id)))
        .order(devices::id.desc())
        .select((
            DeviceRow::as_select(),
            ScanPoint::as_select(),
            users::username,
            users::display_name,
        ))
        .load(conn)?;
    Ok(DeviceList {
        devices: rows
            .into_iter()
            .map(|(d, p, username, display)| {
                present(&d, &p, display.unwrap_or(username), tz, now, event_minutes)
            })
            .collect(),
    })
}

/// A device row as shown.
pub fn present(
    d: &DeviceRow,
    point: &ScanPoint,
    user: String,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
    event_minutes: i64,
) -> Device {
    Device {
        id: d.id,
        name: d.name.clone(),
        point: point.code.clone(),
        point_name: point.name.clone(),
        point_kind: point.kind.clone(),
        user,
        registered_at: to_rfc3339(tz, d.registered_at),
        last_sync_at: d.last_sync_at.map(|t| to_rfc3339(tz, t)),
        kit_generated_at: d.kit_generated_at.map(|t| to_rfc3339(tz, t)),
        lists_age_seconds: d.kit_generated_at.map(|k| (now - k).num_seconds().max(0)),
        max_age_seconds: max_age_seconds(point, event_minutes),
        retired_at: d.retired_at.map(|t| to_rfc3339(tz, t)),
    }
}
