//! HTTP handlers of outgoing email: status, preview, bulk send with progress, history, lists.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::http::parse_json;
use crate::letters::bulk::{self, SendRequest, SendResult};
use crate::letters::history::{self, BatchView, MessageFilter, MessageView};
use crate::letters::render;
use crate::outbox::claims as outbox;
use crate::outbox::compose::html_for_preview;
use crate::outbox::{status, Kind, Outcome};
use crate::time::{self, now_utc};
use crate::AppState;

/// Reception sends guests their messages and follows delivery.
const SENDERS: &[Role] = &[Role::Admin, Role::Reception];
/// Rosters also go out from the health bureau.
const ROSTER_SENDERS: &[Role] = &[Role::Admin, Role::Reception, Role::Health];

/// How mail leaves this instance and where the outbox stands.
#[derive(Serialize, ToSchema)]
pub struct MailStatus {
    /// `smtp` or `files`.
    pub transport: String,
    /// The server (never the password) or the folder; empty for every role but admin.
    pub target: String,
    pub per_second: u32,
    /// Messages per status.
    pub counts: std::collections::BTreeMap<String, i64>,
}

#[utoipa::path(tag = "mail", responses((status = 200, body = MailStatus)))]
#[get("/mail/status")]
pub async fn mail_status(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let counts = state.db(|conn| Ok(history::counts(conn)?)).await?;
    // Where the server or folder is is the administrator's business, not the desk's.
    let target = if user.role == Role::Admin {
        state.mail.transport.1.clone()
    } else {
        String::new()
    };
    Ok(HttpResponse::Ok().json(MailStatus {
        transport: state.mail.transport.0.to_string(),
        target,
        per_second: state.settings.mail.per_second,
        counts,
    }))
}

/// A guest and a kind of message.
#[derive(Deserialize, IntoParams)]
pub struct PreviewQuery {
    pub guest_id: i64,
    /// `itinerary` or `pass`.
    pub kind: String,
}

/// A file in a previewed message.
#[derive(Serialize, ToSchema)]
pub struct PreviewFile {
    pub filename: String,
    pub content_type: String,
    pub size: usize,
}

/// A message as it would go out now.
#[derive(Serialize, ToSchema)]
pub struct Preview {
    pub kind: String,
    /// None: the guest has no address.
    pub to: Option<String>,
    pub language: String,
    pub subject: String,
    /// Inline images as data URLs, so a browser shows it as a mail client would.
    pub html: String,
    pub text: String,
    pub attachments: Vec<PreviewFile>,
}

#[utoipa::path(tag = "mail", params(PreviewQuery), responses((status = 200, body = Preview), (status = 404), (status = 422)))]
#[get("/mail/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let kind = match Kind::parse(&query.kind) {
        Some(k @ (Kind::Itinerary | Kind::Pass)) => k,
        _ => return Err(AppError::bad_request("kind must be itinerary or pass")),
    };
    let guest_id = query.guest_id;
    let settings = state.settings.clone();
    let (outcome, language, email) = state
        .db(move |conn| {
            let g =
                crate::guests::find_guest(conn, guest_id)?.ok_or(AppError::NotFound("guest"))?;
            let outcome = render::preview(conn, &settings, kind, guest_id, now_utc())?;
            Ok((outcome, g.language, g.email))
        })
        .await?;
    match outcome {
        Outcome::Send(r) => Ok(HttpResponse::Ok().json(Preview {
            kind: kind.as_str().into(),
            to: Some(r.to.clone()),
            language,
            subject: r.subject.clone(),
            html: html_for_preview(&r),
            text: r.text.clone(),
            attachments: r
                .attachments
                .iter()
                .map(|p| PreviewFile {
                    filename: p.name.clone(),
                    content_type: p.content_type.clone(),
                    size: p.bytes.len(),
                })
                .collect(),
        })),
        Outcome::Fail(reason) | Outcome::Cancel(reason) => {
            let code = if email.is_none() {
                "no_email"
            } else {
                "cannot_send"
            };
            Err(AppError::Unprocessable {
                code,
                message: reason,
                details: serde_json::json!([]),
            })
        }
    }
}

#[utoipa::path(tag = "mail", request_body = SendRequest, responses((status = 200, body = SendResult), (status = 422)))]
#[post("/mail/send")]
pub async fn send(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let req: SendRequest = parse_json(&body)?;
    let result = if req.dry_run {
        state
            .db(move |conn| bulk::plan(conn, &user, &req).map(|(counts, _)| counts))
            .await?
    } else {
        state.write(move |tx| bulk::send(tx, &user, &req)).await?
    };
    Ok(HttpResponse::Ok().json(result))
}

/// Recent bulk sends.
#[derive(Serialize, ToSchema)]
pub struct Batches {
    pub batches: Vec<BatchView>,
}

#[utoipa::path(tag = "mail", responses((status = 200, body = Batches)))]
#[get("/mail/batches")]
pub async fn list_batches(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let tz = state.settings.timezone;
    let batches = state
        .db(move |conn| Ok(history::batches(conn, 20, tz)?))
        .await?;
    Ok(HttpResponse::Ok().json(Batches { batches }))
}

#[utoipa::path(tag = "mail", responses((status = 200, body = BatchView), (status = 404)))]
#[get("/mail/batches/{id}")]
pub async fn get_batch(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let id = path.into_inner();
    let tz = state.settings.timezone;
    let batch = state
        .db(move |conn| history::batch(conn, id, tz)?.ok_or(AppError::NotFound("batch")))
        .await?;
    Ok(HttpResponse::Ok().json(batch))
}

/// Which messages.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MessagesQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    pub guest_id: Option<i64>,
    /// `queued`, `sending`, `sent`, `failed`, `cancelled`.
    pub status: Option<String>,
    pub batch_id: Option<i64>,
    /// At most this many, newest first (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// Messages, newest first.
#[derive(Serialize, ToSchema)]
pub struct Messages {
    pub messages: Vec<MessageView>,
}

#[utoipa::path(tag = "mail", params(MessagesQuery), responses((status = 200, body = Messages)))]
#[get("/mail/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<MessagesQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let q = query.into_inner();
    if let Some(s) = &q.status {
        if !status::ALL.contains(&s.as_str()) {
            return Err(AppError::bad_request(format!("unknown status {s}")));
        }
    }
    let filter = MessageFilter {
        guest_id: q.guest_id,
        status: q.status,
        batch_id: q.batch_id,
        id: None,
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let tz = state.settings.timezone;
    let messages = state
        .db(move |conn| Ok(history::messages(conn, &filter, limit, tz)?))
        .await?;
    Ok(HttpResponse::Ok().json(Messages { messages }))
}

#[utoipa::path(tag = "mail", responses((status = 200, body = MessageView), (status = 404), (status = 409)))]
#[post("/mail/messages/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let id = path.into_inner();
    let tz = state.settings.timezone;
    let view = state
        .write(move |tx| {
            outbox::find(tx, id)?.ok_or(AppError::NotFound("message"))?;
            if !outbox::requeue(tx, id)? {
                return Err(AppError::conflict(
                    "not_failed",
                    "only a failed or cancelled message is sent again",
                ));
            }
            crate::audit::record(
                tx,
                &user.actor(),
                "resend",
                "mail",
                id,
                serde_json::json!({}),
            )?;
            let one = MessageFilter {
                id: Some(id),
                ..MessageFilter::default()
            };
            history::messages(tx, &one, 1, tz)?
                .pop()
                .ok_or(AppError::NotFound("message"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Which day's kitchen sheets.
#[derive(Deserialize, ToSchema, Default)]
pub struct KitchenSheetsRequest {
    /// Default: tomorrow.
    pub day: Option<NaiveDate>,
}

/// How many lists were queued.
#[derive(Serialize, ToSchema)]
pub struct ListsQueued {
    pub queued: usize,
    /// Recipients without an address.
    pub no_email: usize,
}

#[utoipa::path(tag = "mail", request_body = KitchenSheetsRequest, responses((status = 200, body = ListsQueued)))]
#[post("/mail/kitchen-sheets")]
pub async fn kitchen_sheets(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(SENDERS)?;
    let req: KitchenSheetsRequest = if body.iter().all(u8::is_ascii_whitespace) {
        KitchenSheetsRequest::default()
    } else {
        parse_json(&body)?
    };
    let tz = state.settings.timezone;
    let by = user.username.clone();
    let (queued, no_email) = state
        .write(move |tx| {
            let tomorrow = time::local_date(tz, tx.now()) + chrono::Duration::days(1);
            let day = req.day.unwrap_or(tomorrow);
            Ok(crate::meals::letters::kitchen_sheets(tx, day, &by, false)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ListsQueued { queued, no_email }))
}

#[utoipa::path(tag = "mail", responses((status = 200, body = ListsQueued)))]
#[post("/mail/rosters")]
pub async fn rosters(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(ROSTER_SENDERS)?;
    let by = user.username.clone();
    let (queued, no_email) = state
        .write(move |tx| Ok(crate::hygiene::letters::rosters(tx, &by)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListsQueued { queued, no_email }))
}
