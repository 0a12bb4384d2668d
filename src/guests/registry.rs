//! The registry's small tables: departments and delegations (named, counted, renamed,
//! removed while empty), hubs, and the scopes of department and greeter users.

use std::collections::HashMap;

use serde_json::json;

use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::model::{Hub, HubResponse, NamedCount};
use crate::guests::store;

/// Departments visible to `viewer`, with guest counts.
pub fn list_departments(
    conn: &mut DbConn,
    viewer: &CurrentUser,
) -> Result<Vec<NamedCount>, AppError> {
    let counts: HashMap<i64, i64> = store::count_by_department(conn)?.into_iter().collect();
    let scope = viewer.department_scope();
    Ok(store::list_departments(conn)?
        .into_iter()
        .filter(|d| scope.is_none_or(|s| s == d.id))
        .map(|d| NamedCount {
            guest_count: counts.get(&d.id).copied().unwrap_or(0),
            id: d.id,
            name: d.name,
        })
        .collect())
}

/// Delegations with guest counts.
pub fn list_delegations(conn: &mut DbConn) -> Result<Vec<NamedCount>, AppError> {
    let counts: HashMap<Option<i64>, i64> = store::count_by_delegation(conn)?.into_iter().collect();
    Ok(store::list_delegations(conn)?
        .into_iter()
        .map(|d| NamedCount {
            guest_count: counts.get(&Some(d.id)).copied().unwrap_or(0),
            id: d.id,
            name: d.name,
        })
        .collect())
}

/// Hubs.
pub fn list_hubs(conn: &mut DbConn) -> Result<Vec<HubResponse>, AppError> {
    Ok(store::list_hubs(conn)?
        .into_iter()
        .map(|h: Hub| HubResponse {
            id: h.id,
            code: h.code,
            name: h.name,
            kind: h.kind,
            meeting_point: h.meeting_point,
            name_en: h.name_en,
            meeting_point_en: h.meeting_point_en,
        })
        .collect())
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name must be 1–100 characters",
            json!([{"field": "name"}]),
        ));
    }
    Ok(name.to_string())
}

/// Which table a named entity lives in.
#[derive(Copy, Clone, Debug)]
pub enum NamedKind {
    /// Departments.
    Department,
    /// Delegations.
    Delegation,
}

impl NamedKind {
    fn entity(self) -> &'static str {
        match self {
            NamedKind::Department => "department",
            NamedKind::Delegation => "delegation",
        }
    }
}

/// Creates a department or delegation.
pub fn create_named(
    tx: &mut Tx,
    actor: &Actor,
    kind: NamedKind,
    name: &str,
) -> Result<NamedCount, AppError> {
    let name = check_name(name)?;
    let now = tx.now();
    let id = match kind {
        NamedKind::Department => store::insert_department(tx, &name, now),
        NamedKind::Delegation => store::insert_delegation(tx, &name, now),
    }?;
    audit::record(
        tx,
        actor,
        "create",
        kind.entity(),
        id,
        json!({"name": name}),
    )?;
    Ok(NamedCount {
        id,
        name: name.clone(),
        guest_count: 0,
    })
}

/// Renames a department or delegation.
pub fn rename_named(
    tx: &mut Tx,
    actor: &Actor,
    kind: NamedKind,
    id: i64,
    name: &str,
) -> Result<(), AppError> {
    let name = check_name(name)?;
    let n = match kind {
        NamedKind::Department => store::update_department(tx, id, &name),
        NamedKind::Delegation => store::update_delegation(tx, id, &name),
    }?;
    if n == 0 {
        return Err(AppError::NotFound(kind.entity()));
    }
    audit::record(
        tx,
        actor,
        "update",
        kind.entity(),
        id,
        json!({"name": name}),
    )?;
    Ok(())
}

/// Deletes a department or delegation; refused (409) while guests belong to it.
pub fn delete_named(tx: &mut Tx, actor: &Actor, kind: NamedKind, id: i64) -> Result<(), AppError> {
    let n = match kind {
        NamedKind::Department => store::delete_department(tx, id),
        NamedKind::Delegation => store::delete_delegation(tx, id),
    }
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => {
            AppError::conflict("in_use", format!("this {} still has guests", kind.entity()))
        }
        other => other,
    })?;
    if n == 0 {
        return Err(AppError::NotFound(kind.entity()));
    }
    audit::record(tx, actor, "delete", kind.entity(), id, json!({}))?;
    Ok(())
}

/// A department user's scope, given as an id or a name → the department id.
pub fn resolve_department_scope(conn: &mut DbConn, scope: &str) -> Result<i64, AppError> {
    let found = match scope.parse::<i64>() {
        Ok(id) => store::find_department(conn, id)?,
        Err(_) => store::find_department_by_name(conn, scope)?,
    };
    found.map(|d| d.id).ok_or_else(|| {
        AppError::invalid(
            format!("unknown department {scope}"),
            json!([{"field": "scope"}]),
        )
    })
}

/// A greeter's scope, given as a hub id or code → the hub id.
pub fn resolve_hub_scope(conn: &mut DbConn, scope: &str) -> Result<i64, AppError> {
    let hubs = store::list_hubs(conn)?;
    hubs.iter()
        .find(|h| h.id.to_string() == scope || h.code == scope)
        .map(|h| h.id)
        .ok_or_else(|| {
            AppError::invalid(format!("unknown hub {scope}"), json!([{"field": "scope"}]))
        })
}
