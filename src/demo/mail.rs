//! Demo mail: a quiet outbox with one of reception's sends.

use super::*;

/// Mail. Setting the event up queued a message for every pass signed and every list made;
/// the demo starts instead from a quiet outbox with one of reception's sends: the
/// itineraries of the first 40 guests, tomorrow's kitchen sheets and the rosters. They go
/// to `.eml` files under the data directory unless `YINGBIN_SMTP_URL` is set.
pub(super) fn load_mail(tx: &mut crate::db::Tx, today: NaiveDate) -> Result<String, String> {
    use crate::auth::{CurrentUser, Role};
    use crate::letters::bulk;
    let e = |e: crate::error::AppError| e.to_string();
    {
        use crate::db::schema::outbox;
        use diesel::RunQueryDsl;
        diesel::delete(outbox::table)
            .execute(&mut **tx)
            .map_err(|e| e.to_string())?;
    }
    let reception = CurrentUser {
        id: 0,
        username: "reception".into(),
        role: Role::Reception,
        scope: None,
        token_hash: String::new(),
    };
    let ids: Vec<i64> = guest_store::list_guests(tx, &Default::default(), 40, 0)
        .map_err(|e| e.to_string())?
        .1
        .iter()
        .map(|g| g.id)
        .collect();
    let sent = bulk::send(
        tx,
        &reception,
        &bulk::SendRequest {
            kind: "itinerary".into(),
            filter: bulk::SendFilter {
                guest_ids: Some(ids),
                ..Default::default()
            },
            unsent_only: false,
            dry_run: false,
        },
    )
    .map_err(e)?;
    let (sheets, _) = crate::meals::letters::kitchen_sheets(
        tx,
        today + chrono::Duration::days(1),
        "reception",
        true,
    )
    .map_err(|e| e.to_string())?;
    let (rosters, _) =
        crate::hygiene::letters::rosters(tx, "health1").map_err(|e| e.to_string())?;
    Ok(format!(
        "mail: {} itineraries, {sheets} kitchen sheets and {rosters} rosters queued",
        sent.queued
    ))
}
