//! Request and response helpers every domain's handlers share: the rule every text the API
//! takes passes at the edge (no control characters, a length limit per field), the JSON body
//! read after the role check, the middleware that applies the rule to paths and query strings
//! and answers every error in the JSON envelope, and CSV downloads.
//!
//! One rule for all text, on both backends: PostgreSQL refuses a NUL byte in `text` (a 500
//! if it got that far) and SQLite would store it; neither is what anyone meant to send.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use serde_json::Value;

use crate::error::AppError;
use crate::i18n::Lang;

/// Characters a text may have unless its field says otherwise.
pub const DEFAULT_MAX_CHARS: usize = 1_000;
/// Characters a multi-line text (a note, a comment, a reason) may have.
pub const MULTILINE_MAX_CHARS: usize = 10_000;

/// How long a field's text may be, and whether it may hold line breaks and tabs.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TextRule {
    /// At most this many characters (Unicode scalar values).
    pub max_chars: usize,
    /// `\t`, `\n` and `\r` are allowed (other control characters never are).
    pub multiline: bool,
}

/// Fields of free, multi-line text, by their JSON key (wherever they appear).
const MULTILINE_FIELDS: &[&str] = &[
    "address",
    "body",
    "closing",
    "comment",
    "description",
    "detail",
    "follow_up",
    "greeting",
    "intro",
    "message",
    "message_en",
    "message_zh",
    "note",
    "notes",
    "reason",
    "reason_en",
    "reason_zh",
    "revoked_note",
    "revoked_reason",
    "summary",
    "text",
    "why",
    "withdrawn_reason",
];

/// The rule for a field, by its JSON key or query parameter name. The table is in
/// docs/api.md ("Limits"); keep the two together.
pub fn rule_for(field: &str) -> TextRule {
    let single = |max_chars| TextRule {
        max_chars,
        multiline: false,
    };
    match field {
        // A scan's idempotency key and the handset's name.
        "nonce" | "device" => single(100),
        "username" => single(64),
        // What a QR code holds: at most ~4,300 characters in the largest code. A keyboard-wedge
        // scanner ends it with Enter (or Tab), which the scan trims.
        "payload" => TextRule {
            max_chars: 4_400,
            multiline: true,
        },
        // Comma-separated ids of a print batch (`?ids=1,2,3`): hundreds of passes.
        "ids" => single(100_000),
        // A photo as base64 or a data: URL; the body limit bounds it.
        "photo" => single(usize::MAX),
        f if MULTILINE_FIELDS.contains(&f) => TextRule {
            max_chars: MULTILINE_MAX_CHARS,
            multiline: true,
        },
        _ => single(DEFAULT_MAX_CHARS),
    }
}

/// What is wrong with a text.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// A control character (U+0000–U+001F, U+007F; tab and line breaks only in multi-line
    /// text).
    Control,
    /// Longer than the field allows.
    TooLong(usize),
}

/// Checks one text against a rule.
pub fn check_text(value: &str, rule: TextRule) -> Result<(), TextProblem> {
    let mut chars = 0usize;
    for c in value.chars() {
        if is_refused(c, rule.multiline) {
            return Err(TextProblem::Control);
        }
        chars += 1;
    }
    if chars > rule.max_chars {
        return Err(TextProblem::TooLong(rule.max_chars));
    }
    Ok(())
}

/// Whether `c` is a control character the rule refuses.
pub fn is_refused(c: char, multiline: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => !multiline,
        '\u{0}'..='\u{1f}' | '\u{7f}' => true,
        _ => false,
    }
}

impl TextProblem {
    /// The 422 naming `field`.
    pub fn into_error(self, field: &str) -> AppError {
        let (code, zh, en) = match self {
            TextProblem::Control => (
                "control_character",
                format!("“{field}”含有不允许的控制字符"),
                format!("{field} contains a control character, which is not allowed"),
            ),
            TextProblem::TooLong(max) => (
                "too_long",
                format!("“{field}”最多 {max} 个字符"),
                format!("{field} is at most {max} characters"),
            ),
        };
        let mut detail = serde_json::json!({"field": field, "code": code});
        if let TextProblem::TooLong(max) = self {
            detail["max_chars"] = Value::from(max);
        }
        AppError::Field {
            zh,
            en,
            details: Value::Array(vec![detail]),
        }
    }
}

/// Checks every string (and key) in a JSON document; the error names the first bad field by
/// its path (`items[2].note`). The rule is the one of the nearest key.
pub fn check_json(value: &Value) -> Result<(), AppError> {
    let mut trail = Vec::new();
    walk(value, "", &mut trail).map_err(|problem| problem.into_error(&path_of(&trail)))
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_of(trail: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in trail {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                // A key with a control character is named without it.
                out.extend(
                    k.chars()
                        .map(|c| if is_refused(c, false) { '?' } else { c }),
                );
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        out.push_str("body");
    }
    out
}

fn walk<'a>(value: &'a Value, key: &'a str, trail: &mut Vec<Seg<'a>>) -> Result<(), TextProblem> {
    match value {
        Value::String(s) => check_text(s, rule_for(key)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                trail.push(Seg::Index(i));
                walk(item, key, trail)?;
                trail.pop();
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, v) in map {
                trail.push(Seg::Key(k));
                check_text(k, rule_for(""))?;
                walk(v, k, trail)?;
                trail.pop();
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Parses a JSON request body. Handlers take the raw body and call this *after* checking
/// the caller's role, so that a role without access gets 403 whatever it sends. Every text in
/// it passes [`check_json`] before the typed value is built.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))?;
    check_json(&value)?;
    T::deserialize(&value).map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))
}

/// Checks the path's segments and the query string's names and values (percent-decoded).
pub fn check_uri(path: &str, query: &str) -> Result<(), AppError> {
    for segment in path.split('/') {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        check_text(&decoded, rule_for("path")).map_err(|p| p.into_error("path"))?;
    }
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        check_text(&name, rule_for("")).map_err(|p| p.into_error("query"))?;
        check_text(&value, rule_for(&name)).map_err(|p| p.into_error(&name))?;
    }
    Ok(())
}

/// The edge of every request: the path and query string pass the text rule (422 naming the
/// parameter), and every error answer — ours or one actix raised before a handler ran (a body
/// over the limit, a malformed header) — is the JSON envelope in the caller's language.
pub async fn edge(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::of_request(req.request());
    if let Err(e) = check_uri(req.path(), req.query_string()) {
        let response = e.response_in(lang);
        return Ok(req.into_response(response));
    }
    let res = next.call(req).await?;
    let Some(error) = res.response().error() else {
        return Ok(res.map_into_boxed_body());
    };
    let rendered = match error.as_error::<AppError>() {
        Some(app) if lang == Lang::Zh => Some(app.response_in(lang)),
        Some(_) => None,
        None => {
            let status = res.status();
            let is_json = res
                .headers()
                .get(actix_web::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("json"));
            (!is_json).then(|| AppError::from_status(status, &error.to_string()).response_in(lang))
        }
    };
    Ok(match rendered {
        Some(response) => {
            let (req, _) = res.into_parts();
            ServiceResponse::new(req, response)
        }
        None => res.map_into_boxed_body(),
    })
}

/// A CSV file to download under `filename`.
pub fn csv_download(bytes: Vec<u8>, filename: impl Into<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename.into())],
        })
        .body(bytes)
}
