//! Reception's sends to a filtered set of guests: everyone's itinerary, a delegation's passes.
//! Thousands are queued in one transaction under a batch whose progress the page follows.

use std::collections::HashSet;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::db::schema::{outbox as outbox_table, passes};
use crate::db::{DbConn, Tx};
use crate::error::AppError;
use crate::guests::{list_all_guests, GuestFilter};
use crate::letters::history;
use crate::outbox::{self, recipient, status, Kind, NewMessage};

/// Which guests.
#[derive(Deserialize, Serialize, ToSchema, Clone, Debug, Default)]
pub struct SendFilter {
    pub category: Option<String>,
    pub delegation_id: Option<i64>,
    /// `zh` or `en`.
    pub language: Option<String>,
    /// Text in name, Latin name, ref, phone or organization.
    pub q: Option<String>,
    /// Exactly these guests.
    pub guest_ids: Option<Vec<i64>>,
}

/// A bulk send.
#[derive(Deserialize, ToSchema, Clone, Debug)]
pub struct SendRequest {
    /// `itinerary` or `pass`.
    pub kind: String,
    #[serde(default)]
    pub filter: SendFilter,
    /// Skip guests who already have this kind of message queued or sent.
    #[serde(default)]
    pub unsent_only: bool,
    /// Only count.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a bulk send did (or would do).
#[derive(Serialize, ToSchema, Debug, PartialEq)]
pub struct SendResult {
    pub batch_id: Option<i64>,
    pub queued: usize,
    /// Matching guests without an email address.
    pub no_email: usize,
    /// Matching guests without an issued pass (pass messages).
    pub no_pass: usize,
    /// Matching guests skipped because they already have it (`unsent_only`).
    pub already: usize,
}

/// Who would be sent what: the counts, and the messages to queue. Only reads, so a count
/// (`dry_run`) never waits behind the writers (the mail worker among them).
pub fn plan(
    conn: &mut DbConn,
    user: &CurrentUser,
    req: &SendRequest,
) -> Result<(SendResult, Vec<NewMessage>), AppError> {
    let kind = kind_of(req)?;
    let language = match req
        .filter
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        None => None,
        Some(l) => Some(crate::i18n::Lang::parse(l).ok_or_else(|| {
            AppError::invalid(
                "language must be zh or en",
                json!([{ "field": "filter.language" }]),
            )
        })?),
    };
    let filter = GuestFilter {
        q: req.filter.q.clone(),
        category: req.filter.category.clone().filter(|c| !c.trim().is_empty()),
        delegation_id: req.filter.delegation_id,
        withdrawn: Some(false),
        ..GuestFilter::default()
    };
    let only: Option<HashSet<i64>> = req
        .filter
        .guest_ids
        .as_ref()
        .map(|ids| ids.iter().copied().collect());
    let by = user.username.clone();
    {
        let guests: Vec<_> = list_all_guests(conn, &filter)?
            .into_iter()
            .filter(|g| only.as_ref().is_none_or(|ids| ids.contains(&g.id)))
            .filter(|g| language.is_none_or(|l| crate::outbox::letter::lang_of(&g.language) == l))
            .collect();
        let already: HashSet<i64> = if req.unsent_only {
            had_it(conn, kind)?
        } else {
            HashSet::new()
        };
        let credentials = if kind == Kind::Pass {
            current_credentials(conn)?
        } else {
            Default::default()
        };
        let mut result = SendResult {
            batch_id: None,
            queued: 0,
            no_email: 0,
            no_pass: 0,
            already: 0,
        };
        let mut messages = Vec::new();
        for g in &guests {
            let Some(email) = g.email.as_deref().filter(|e| !e.trim().is_empty()) else {
                result.no_email += 1;
                continue;
            };
            if already.contains(&g.id) {
                result.already += 1;
                continue;
            }
            let ref_id = match kind {
                Kind::Pass => match credentials.get(&g.id) {
                    Some(pass) => pass.to_string(),
                    None => {
                        result.no_pass += 1;
                        continue;
                    }
                },
                _ => g.id.to_string(),
            };
            messages.push(NewMessage::new(
                kind,
                (recipient::GUEST, g.id),
                email,
                ref_id,
                &by,
            ));
        }
        result.queued = messages.len();
        Ok((result, messages))
    }
}

/// Queues the planned messages under a new batch whose progress the page follows.
pub fn send(tx: &mut Tx, user: &CurrentUser, req: &SendRequest) -> Result<SendResult, AppError> {
    let (mut result, mut messages) = plan(tx, user, req)?;
    if messages.is_empty() {
        return Ok(result);
    }
    let batch = history::create_batch(
        tx,
        kind_of(req)?.as_str(),
        messages.len() as i32,
        &serde_json::to_string(&req.filter).unwrap_or_default(),
        &user.username,
    )?;
    for m in &mut messages {
        m.batch_id = Some(batch);
    }
    outbox::queue_all(tx, &messages)?;
    result.batch_id = Some(batch);
    Ok(result)
}

fn kind_of(req: &SendRequest) -> Result<Kind, AppError> {
    match Kind::parse(&req.kind) {
        Some(k @ (Kind::Itinerary | Kind::Pass)) => Ok(k),
        _ => Err(AppError::invalid(
            "kind must be itinerary or pass",
            json!([{ "field": "kind" }]),
        )),
    }
}

/// Guests with a message of this kind queued, on its way or sent.
fn had_it(conn: &mut DbConn, kind: Kind) -> QueryResult<HashSet<i64>> {
    let ids: Vec<Option<i64>> = outbox_table::table
        .filter(outbox_table::kind.eq(kind.as_str()))
        .filter(outbox_table::status.eq_any([
            status::QUEUED,
            status::CLAIMED,
            status::SENDING,
            status::SENT,
        ]))
        .select(outbox_table::guest_id)
        .distinct()
        .load(conn)?;
    Ok(ids.into_iter().flatten().collect())
}

/// Each guest's newest signed, unrevoked credential.
fn current_credentials(conn: &mut DbConn) -> QueryResult<std::collections::HashMap<i64, i64>> {
    let rows: Vec<(Option<i64>, i64)> = passes::table
        .filter(passes::kind.eq("credential"))
        .filter(passes::status.ne_all(["requested", "revoked"]))
        .filter(passes::token.is_not_null())
        .order(passes::id)
        .select((passes::guest_id, passes::id))
        .load(conn)?;
    // Ordered by id: a later pass of the same guest replaces an earlier one.
    Ok(rows
        .into_iter()
        .filter_map(|(g, p)| g.map(|g| (g, p)))
        .collect())
}
