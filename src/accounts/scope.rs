//! What an account's scope may name: a department, a hub, an inspector of the roster — each
//! known to its own domain, so checked here, above them all.

use serde_json::json;

use crate::auth::Role;
use crate::db::DbConn;
use crate::error::AppError;

/// A scope as typed → its stored form (an id for departments, hubs and inspectors; the code
/// itself for hotels, dining points and scan points, which may be added later).
pub fn resolve(conn: &mut DbConn, role: Role, scope: &str) -> Result<String, AppError> {
    match role {
        Role::Department => {
            Ok(crate::guests::registry::resolve_department_scope(conn, scope)?.to_string())
        }
        Role::Greeter => Ok(crate::guests::registry::resolve_hub_scope(conn, scope)?.to_string()),
        // An inspector account is one inspector of the roster.
        Role::Inspector => match scope.parse::<i64>() {
            Ok(id) if crate::hygiene::find_inspector(conn, id)?.is_some() => Ok(id.to_string()),
            _ => Err(AppError::invalid(
                format!("unknown inspector {scope}"),
                json!([{"field": "scope"}]),
            )),
        },
        _ => Ok(scope.to_string()),
    }
}
