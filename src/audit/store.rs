//! Writing and reading audit rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Actor;
use crate::db::schema::audit_log;
use crate::db::DbConn;

/// A stored audit row.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = audit_log)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AuditRow {
    /// Id.
    pub id: i64,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Who (user id).
    pub user_id: Option<i64>,
    /// Who (name).
    pub username: String,
    /// What: `create`, `update`, `delete`, `import`, `login`…
    pub action: String,
    /// Which kind of record: `guest`, `user`, …
    pub entity: String,
    /// Which record.
    pub entity_id: String,
    /// What changed, as JSON text.
    pub detail: String,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    at: NaiveDateTime,
    user_id: Option<i64>,
    username: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    detail: &'a str,
}

/// An audit row as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub username: String,
    /// What.
    pub action: String,
    /// Which kind of record.
    pub entity: String,
    /// Which record.
    pub entity_id: String,
    /// Details (JSON).
    pub detail: serde_json::Value,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            at: r.at.and_utc().to_rfc3339(),
            username: r.username,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::String(r.detail)),
        }
    }
}

/// Inserts one audit row at `at`.
pub fn insert(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    detail: serde_json::Value,
) -> QueryResult<()> {
    let entity_id = entity_id.to_string();
    let detail = detail.to_string();
    diesel::insert_into(audit_log::table)
        .values(&NewAuditRow {
            at,
            user_id: actor.user_id,
            username: &actor.username,
            action,
            entity,
            entity_id: &entity_id,
            detail: &detail,
        })
        .execute(conn)
        .map(|_| ())
}

/// Audit rows, newest first, optionally for one kind of record or one record.
pub fn list(
    conn: &mut DbConn,
    entity: Option<&str>,
    entity_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(i64, Vec<AuditRow>)> {
    let filtered = || {
        let mut q = audit_log::table.into_boxed();
        if let Some(e) = entity {
            q = q.filter(audit_log::entity.eq(e.to_string()));
        }
        if let Some(id) = entity_id {
            q = q.filter(audit_log::entity_id.eq(id.to_string()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok((total, rows))
}

/// The newest `limit` rows about some records of one kind (one record's history, or a
/// guest's passes'), newest first. Served by the `(entity, entity_id)` index.
pub fn list_for_records(
    conn: &mut DbConn,
    entity: &str,
    entity_ids: &[String],
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    if entity_ids.is_empty() {
        return Ok(Vec::new());
    }
    audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq_any(entity_ids))
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}
