//! The vehicle pool: cars, their seats, drivers and hours. A car's new plate or driver, or the
//! car taken away, tells the guests it still has to carry (`rides::RideWatch`).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde_json::json;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::schema::passes;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::live;
use crate::pickups::model::{Vehicle, VehicleFields, VehicleResponse};
use crate::pickups::rides::RideWatch;
use crate::pickups::service::invalid;
use crate::pickups::store;
use crate::time::{to_rfc3339, to_utc};

fn parse_time(field: &str, text: Option<&str>, tz: Tz) -> Result<Option<NaiveDateTime>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| d.naive_utc())
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")
                    .ok()
                    .map(|l| to_utc(tz, l))
            })
            .map(Some)
            .ok_or_else(|| {
                invalid(
                    field,
                    format!("{field} must be YYYY-MM-DD HH:MM or RFC 3339"),
                )
            }),
    }
}

fn vehicle_fields(req: &VehicleResponse, tz: Tz) -> Result<VehicleFields, AppError> {
    let plate = crate::passes::plate::validate_plate(&req.plate)
        .map_err(|e| invalid("plate", e.message_en()))?;
    if !(1..=60).contains(&req.seats) {
        return Err(invalid("seats", "seats must be 1–60"));
    }
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let fields = VehicleFields {
        plate,
        seats: req.seats,
        vehicle_type: if req.vehicle_type.trim().is_empty() {
            "car".into()
        } else {
            req.vehicle_type.trim().to_string()
        },
        driver_name: text(&req.driver_name),
        driver_phone: text(&req.driver_phone),
        available_from: parse_time("available_from", req.available_from.as_deref(), tz)?,
        available_to: parse_time("available_to", req.available_to.as_deref(), tz)?,
    };
    if let (Some(a), Some(b)) = (fields.available_from, fields.available_to) {
        if b <= a {
            return Err(invalid(
                "available_to",
                "available_to must be after available_from",
            ));
        }
    }
    Ok(fields)
}

/// The pool, each car with its vehicle pass (by plate) if one exists.
pub fn list_vehicles(conn: &mut DbConn, tz: Tz) -> Result<Vec<VehicleResponse>, AppError> {
    use diesel::prelude::*;
    let cars = store::list_vehicles(conn)?;
    let plates: Vec<String> = cars.iter().map(|c| c.plate.clone()).collect();
    let passes: BTreeMap<String, String> = passes::table
        .filter(passes::plate.eq_any(&plates))
        .select((passes::plate.assume_not_null(), passes::status))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(cars
        .iter()
        .map(|v| vehicle_response(v, passes.get(&v.plate).cloned(), tz))
        .collect())
}

pub fn vehicle_response(v: &Vehicle, pass_status: Option<String>, tz: Tz) -> VehicleResponse {
    VehicleResponse {
        id: v.id,
        plate: v.plate.clone(),
        seats: v.seats,
        vehicle_type: v.vehicle_type.clone(),
        driver_name: v.driver_name.clone(),
        driver_phone: v.driver_phone.clone(),
        available_from: v.available_from.map(|t| to_rfc3339(tz, t)),
        available_to: v.available_to.map(|t| to_rfc3339(tz, t)),
        pass_status,
    }
}

pub fn create_vehicle(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &VehicleResponse,
    tz: Tz,
) -> Result<VehicleResponse, AppError> {
    let now = tx.now();
    let fields = vehicle_fields(req, tz)?;
    if store::list_vehicles(tx)?
        .iter()
        .any(|v| v.plate == fields.plate)
    {
        return Err(AppError::conflict(
            "vehicle_exists",
            format!("{} is in the pool", fields.plate),
        ));
    }
    let id = store::insert_vehicle(tx, &fields, now)?;
    live::record(tx, None, "vehicle", id)?;
    audit::record(
        tx,
        &user.actor(),
        "create",
        "vehicle",
        id,
        json!({"plate": fields.plate}),
    )?;
    let v = store::find_vehicle(tx, id)?.ok_or(AppError::NotFound("vehicle"))?;
    Ok(vehicle_response(&v, None, tz))
}

pub fn update_vehicle(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    patch: &serde_json::Value,
    tz: Tz,
    hold: chrono::Duration,
) -> Result<VehicleResponse, AppError> {
    let v = store::find_vehicle(tx, id)?.ok_or(AppError::NotFound("vehicle"))?;
    // A new plate or driver changes the ride of everyone the car still has to carry.
    let watch = RideWatch::start_for_car(tx, id)?;
    let mut merged = serde_json::to_value(vehicle_response(&v, None, tz))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if let (Some(m), Some(p)) = (merged.as_object_mut(), patch.as_object()) {
        for (k, val) in p {
            m.insert(k.clone(), val.clone());
        }
    }
    let req: VehicleResponse = serde_json::from_value(merged)
        .map_err(|e| AppError::invalid(format!("bad vehicle: {e}"), json!([])))?;
    let fields = vehicle_fields(&req, tz)?;
    store::update_vehicle(tx, id, &fields)?;
    watch.finish(tx, &user.username, hold)?;
    live::record(tx, None, "vehicle", id)?;
    audit::record(tx, &user.actor(), "update", "vehicle", id, patch.clone())?;
    let v = store::find_vehicle(tx, id)?.ok_or(AppError::NotFound("vehicle"))?;
    Ok(vehicle_response(&v, None, tz))
}

pub fn delete_vehicle(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    hold: chrono::Duration,
) -> Result<(), AppError> {
    // Its runs are left without a car: their riders are told.
    let watch = RideWatch::start_for_car(tx, id)?;
    if store::delete_vehicle(tx, id)? == 0 {
        return Err(AppError::NotFound("vehicle"));
    }
    watch.finish(tx, &user.username, hold)?;
    live::record(tx, None, "vehicle", id)?;
    audit::record(tx, &user.actor(), "delete", "vehicle", id, json!({}))?;
    Ok(())
}
