//! Vehicle pass requests: a car's plate, stream and gates, asked for by the department that
//! handles its stream; approved and signed like a credential (`service::approve`).

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::AppError;
use crate::passes::model::{NewPass, PassResponse, PassStatus, Stream};
use crate::passes::plate;
use crate::passes::rules;
use crate::passes::service::{check_dates, get_pass, resolve_zones};
use crate::passes::store;

/// A vehicle pass request.
#[derive(serde::Deserialize, ToSchema, Debug)]
pub struct VehicleRequest {
    /// Plate, e.g. 川A12345 or 川AD12345.
    pub plate: String,
    /// `transport_pool`, `delegation_car`, `leader_car`, `supply_medical`.
    pub stream: String,
    /// Sedan, bus, van…
    pub vehicle_type: Option<String>,
    /// Driver.
    pub driver_name: Option<String>,
    /// Driver's phone.
    pub driver_phone: Option<String>,
    /// Zone codes (gates the car may pass).
    #[serde(default)]
    pub zones: Vec<String>,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day.
    pub valid_to: NaiveDate,
}

/// Requests a vehicle pass in a stream the user's department handles.
pub fn request_vehicle(
    tx: &mut Tx,
    user: &CurrentUser,
    req: &VehicleRequest,
    tz: Tz,
) -> Result<PassResponse, AppError> {
    let now = tx.now();
    let stream = Stream::parse(&req.stream).ok_or_else(|| {
        AppError::invalid(
            "stream must be transport_pool, delegation_car, leader_car or supply_medical",
            json!([{"field": "stream"}]),
        )
    })?;
    user.require(rules::stream_requesters(stream))?;
    let plate = plate::validate_plate(&req.plate).map_err(|e| AppError::Field {
        zh: e.message_zh(),
        en: e.message_en(),
        details: json!([{"field": "plate"}]),
    })?;
    check_dates(req.valid_from, req.valid_to)?;
    let id = {
        let all = store::list_zones(tx)?;
        resolve_zones(&all, &req.zones)?;
        store::lock_key(tx, &format!("plate:{plate}:{}", stream.as_str()))?;
        if store::has_live_vehicle_pass(tx, &plate, stream.as_str())? {
            return Err(AppError::conflict(
                "plate_has_pass",
                format!(
                    "{plate} already holds a {} pass that is not revoked (revoke it first, or reissue it)",
                    stream.as_str()
                ),
            ));
        }
        let id = store::insert_pass(
            tx,
            &NewPass {
                kind: "vehicle".into(),
                serial: 1,
                status: PassStatus::Requested.as_str().into(),
                zones: req.zones.join(","),
                valid_from: req.valid_from,
                valid_to: req.valid_to,
                plate: Some(plate.clone()),
                stream: Some(stream.as_str().into()),
                vehicle_type: req.vehicle_type.clone(),
                driver_name: req.driver_name.clone(),
                driver_phone: req.driver_phone.clone(),
                created_at: now,
                updated_at: now,
                ..Default::default()
            },
        )?;
        audit::record(
            tx,
            &user.actor(),
            "request",
            "pass",
            id,
            json!({"kind": "vehicle", "plate": plate, "stream": stream.as_str()}),
        )?;
        id
    };
    get_pass(tx, user, id, tz)
}
