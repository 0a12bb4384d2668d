//! HTTP handlers of reception's guest page.

use actix_web::{get, web, HttpResponse};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::guests::routes::READERS;
use crate::reception::summary::{self, GuestSummary};
use crate::AppState;

/// A guest's whole story in one answer: the record, passes (as printed, with their last
/// scans), room and roommates, rides, meals, emails, scans and the timeline of changes.
/// Admitted as `GET /guests/{id}`: 404 for an unknown guest, 403 for a department user's
/// guest of another department.
#[utoipa::path(tag = "guests", responses((status = 200, body = GuestSummary), (status = 403), (status = 404)))]
#[get("/guests/{id}/summary")]
pub async fn guest_summary(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(READERS)?;
    let (tz, id) = (state.settings.timezone, id.into_inner());
    let answer = state
        .db(move |conn| summary::guest_summary(conn, &user, id, tz))
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}
