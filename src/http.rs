//! Request and response helpers every domain's handlers share: the JSON body read after the
//! role check, and CSV downloads.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::HttpResponse;

use crate::error::AppError;

/// Parses a JSON request body. Handlers take the raw body and call this *after* checking
/// the caller's role, so that a role without access gets 403 whatever it sends.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(body).map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))
}

/// A CSV file to download under `filename`.
pub fn csv_download(bytes: Vec<u8>, filename: impl Into<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename.into())],
        })
        .body(bytes)
}
