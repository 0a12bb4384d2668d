//! `GET /api/v1/audit` — admin only.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::{self, AuditEntry};
use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::AppState;

/// Filters for the audit log.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// Kind of record (`guest`, `user`, …).
    pub entity: Option<String>,
    /// One record's id.
    pub entity_id: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// A page of audit rows.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Rows matching the filters.
    pub total: i64,
    /// This page, newest first.
    pub items: Vec<AuditEntry>,
}

/// The audit log, newest first.
#[utoipa::path(tag = "audit", params(AuditQuery), responses((status = 200, body = AuditPage)))]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin])?;
    let q = query.into_inner();
    let limit = q.limit.unwrap_or(100).clamp(0, 1000);
    let offset = q.offset.unwrap_or(0).max(0);
    let pool = state.pool.clone();
    let (total, rows) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(audit::list(
            &mut conn,
            q.entity.as_deref(),
            q.entity_id.as_deref(),
            limit,
            offset,
        )?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(AuditPage {
        total,
        items: rows.into_iter().map(AuditEntry::from).collect(),
    }))
}
