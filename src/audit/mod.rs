//! The audit log: one row for every change — who, when, what, which record — written in the
//! same transaction as the change, so a change without its row cannot exist. Admin reads it
//! (`accounts::audit_log`).

mod store;

use crate::db::Tx;

pub use store::{list, list_for_records, AuditEntry, AuditRow};

/// Records one change, inside the change's transaction and at its instant.
pub fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    detail: serde_json::Value,
) -> diesel::QueryResult<()> {
    let at = tx.now();
    store::insert(tx, at, actor, action, entity, entity_id, detail)
}

/// Who made a change: a signed-in user, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The user's id; `None` for the command line and start-up.
    pub user_id: Option<i64>,
    /// The user's name, kept even if the user is later renamed or removed.
    pub username: String,
}

impl Actor {
    /// The command line and start-up tasks.
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            username: format!("system:{what}"),
        }
    }
}
