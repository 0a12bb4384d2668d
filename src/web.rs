//! What is not a domain: health, the OpenAPI document, and the static pages.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use diesel::connection::SimpleConnection;
use rust_embed::RustEmbed;
use utoipa::OpenApi;

use crate::error::AppError;
use crate::AppState;

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
#[utoipa::path(tag = "service", responses((status = 200), (status = 503)))]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    web::block(move || -> Result<(), AppError> {
        let mut conn = pool.get()?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| AppError::Unavailable(e.to_string()))
    })
    .await??;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({"status": "ok", "database": state.settings.database.backend()})))
}

/// `GET /api/v1/openapi.json`, generated from the handlers' annotations.
#[get("/api/v1/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::ApiDoc::openapi())
}

/// The pages under `static/`: read from disk in debug builds, embedded in release builds.
#[derive(RustEmbed)]
#[folder = "static/"]
struct Pages;

/// Serves a static file; `/x/` serves `/x/index.html`, `/x` redirects to `/x/`; else 404.
pub async fn static_file(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    if let Some(file) = Pages::get(&path) {
        return HttpResponse::Ok()
            .content_type(file.metadata.mimetype())
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(file.data.into_owned());
    }
    if Pages::get(&format!("{path}/index.html")).is_some() {
        return HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/{path}/")))
            .finish();
    }
    actix_web::ResponseError::error_response(&AppError::NotFound("page"))
}
