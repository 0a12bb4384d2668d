//! One error type for the whole service, mapped to a status and one JSON envelope:
//! `{"error": "snake_code", "message": "…", "details": …}`.
//!
//! A 500 says only "internal error"; what went wrong goes to the log, never to the client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use serde_json::Value;

use crate::error_zh;
use crate::i18n::Lang;

/// Everything a request can fail with, by meaning.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request itself is malformed.
    #[error("{message}")]
    BadRequest {
        /// What is wrong, for people.
        message: String,
    },
    /// 400 about one request parameter, named in `details`.
    #[error("{message}")]
    BadRequestField {
        /// What is wrong, for people.
        message: String,
        /// The parameter.
        field: String,
    },
    /// 401: no valid session or token.
    #[error("sign in first")]
    Unauthenticated,
    /// 401: wrong username or password.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// 403: signed in, but this role or scope may not do this.
    #[error("not allowed for this role or scope")]
    Forbidden,
    /// 404.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: clashes with what is stored.
    #[error("{message}")]
    Conflict {
        /// Machine-readable code.
        code: &'static str,
        /// For people.
        message: String,
    },
    /// 413.
    #[error("{0}")]
    TooLarge(String),
    /// 415.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but breaks a rule; `details` says where.
    #[error("{message}")]
    Unprocessable {
        /// Machine-readable code.
        code: &'static str,
        /// For people.
        message: String,
        /// Field- or row-level problems.
        details: Value,
    },
    /// 422 answered with a whole report (an import's counts and every bad line): the report's
    /// fields, with the envelope's `error`, `message` and `details` (the report's `errors`).
    #[error("{message}")]
    Rejected {
        /// Machine-readable code.
        code: &'static str,
        /// For people.
        message: String,
        /// The report, a JSON object.
        report: Box<Value>,
    },
    /// 422 about one field, said in both languages (the edge's text rule: a control
    /// character, a text over its limit); answered in the caller's language.
    #[error("{en}")]
    Field {
        /// For people, in Chinese.
        zh: String,
        /// For people, in English.
        en: String,
        /// `[{"field": …, "code": …}]`.
        details: Value,
    },
    /// 429: too many attempts; retry after the given seconds.
    #[error("too many attempts; try again in {retry_after} s")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 503: the database is busy or unreachable.
    #[error("service unavailable")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure; the text is logged, not shown.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            message: message.into(),
        }
    }

    /// 422 `validation_failed` with a message and details.
    pub fn invalid(message: impl Into<String>, details: Value) -> AppError {
        AppError::Unprocessable {
            code: "validation_failed",
            message: message.into(),
            details,
        }
    }

    /// 409 with a code and message.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } | AppError::BadRequestField { .. } => "bad_request",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { code, .. } => code,
            AppError::TooLarge(_) => "too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Unprocessable { code, .. } | AppError::Rejected { code, .. } => code,
            AppError::Field { .. } => "validation_failed",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

/// Every error answer (the OpenAPI document's name for the envelope).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code (`validation_failed`, `too_large`, …).
    pub error: String,
    /// For people, in the caller's language.
    pub message: String,
    /// Where: `[{"field": …}]`, an import's bad rows, or empty (`[]`); any JSON value.
    pub details: Value,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: &'a str,
    message: String,
    details: Value,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } | AppError::BadRequestField { .. } => {
                StatusCode::BAD_REQUEST
            }
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable { .. } | AppError::Rejected { .. } | AppError::Field { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.response_in(Lang::En)
    }
}

impl AppError {
    /// The message in `lang`: English as written where the error happens, Chinese from
    /// [`crate::error_zh`] (English only for a message the catalogue does not know).
    pub fn message_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let known = match self {
            AppError::Field { zh, .. } => Some(zh.clone()),
            AppError::Unauthenticated => Some("请先登录".into()),
            AppError::InvalidCredentials => Some("用户名或密码错误".into()),
            AppError::Forbidden => Some("当前角色或范围无权执行此操作".into()),
            AppError::NotFound(what) => Some(format!("未找到{}", error_zh::record(what))),
            AppError::TooManyAttempts { retry_after } => {
                Some(format!("尝试次数过多，请 {retry_after} 秒后再试"))
            }
            AppError::TooLarge(_) => Some("请求内容太大".into()),
            AppError::UnsupportedMediaType(_) => Some("不支持的内容类型".into()),
            AppError::Unavailable(_) => Some("服务暂时不可用，请稍后重试".into()),
            AppError::Internal(_) => Some("内部错误".into()),
            AppError::Conflict { code, message } => error_zh::conflict(code)
                .map(str::to_string)
                .or_else(|| error_zh::text(message)),
            AppError::BadRequest { message }
            | AppError::BadRequestField { message, .. }
            | AppError::Unprocessable { message, .. }
            | AppError::Rejected { message, .. } => error_zh::text(message),
        };
        known.unwrap_or_else(|| self.to_string())
    }

    /// An error that actix raised before a handler ran, by its status, in the envelope.
    pub fn from_status(status: StatusCode, text: &str) -> AppError {
        match status.as_u16() {
            401 => AppError::Unauthenticated,
            403 => AppError::Forbidden,
            404 => AppError::NotFound("route"),
            413 => AppError::TooLarge("request body too large".into()),
            415 => AppError::UnsupportedMediaType(text.to_string()),
            400..=499 => AppError::bad_request(text.to_string()),
            503 => AppError::Unavailable(text.to_string()),
            _ => AppError::Internal(text.to_string()),
        }
    }

    /// The response, with the message in `lang`.
    pub fn response_in(&self, lang: Lang) -> HttpResponse {
        match self {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::Unavailable(detail) => tracing::warn!(%detail, "unavailable"),
            _ => {}
        }
        let details = match self {
            AppError::Unprocessable { details, .. } | AppError::Field { details, .. } => {
                details.clone()
            }
            AppError::Rejected { report, .. } => report["errors"].clone(),
            AppError::BadRequestField { field, .. } => serde_json::json!([{ "field": field }]),
            _ => Value::Array(vec![]),
        };
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::Rejected { report, .. } = self {
            let mut body = (**report).clone();
            if let Value::Object(map) = &mut body {
                map.insert("error".into(), Value::from(self.code()));
                map.insert("message".into(), Value::from(self.message_in(lang)));
                map.insert("details".into(), details);
            }
            return response.json(body);
        }
        if let AppError::TooManyAttempts { retry_after } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        response.json(Envelope {
            error: self.code(),
            message: self.message_in(lang),
            details,
        })
    }
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> AppError {
        match e {
            DieselError::NotFound => AppError::NotFound("record"),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                AppError::conflict(
                    "already_exists",
                    format!("already exists: {}", info.message()),
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                AppError::conflict("in_use", "still referenced by other records")
            }
            // The server went away (a failover, a restart): the pool drops the connection
            // and opens a new one; this request may be retried.
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable(e.to_string())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database is locked") =>
            {
                AppError::Unavailable(e.to_string())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> AppError {
        AppError::Unavailable(format!("database pool: {e}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> AppError {
        AppError::Internal(format!("blocking task failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    #[test]
    fn each_meaning_has_its_status() {
        let cases = [
            (AppError::bad_request("x"), 400),
            (AppError::Unauthenticated, 401),
            (AppError::Forbidden, 403),
            (AppError::NotFound("guest"), 404),
            (AppError::conflict("c", "x"), 409),
            (AppError::TooLarge("x".into()), 413),
            (AppError::UnsupportedMediaType("x".into()), 415),
            (AppError::invalid("x", Value::Null), 422),
            (AppError::TooManyAttempts { retry_after: 3 }, 429),
            (AppError::Unavailable("x".into()), 503),
            (AppError::Internal("x".into()), 500),
        ];
        for (error, status) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{error:?}");
        }
    }

    #[test]
    fn diesel_not_found_is_404_and_other_failures_are_500() {
        assert_eq!(AppError::from(DieselError::NotFound).status_code(), 404);
        assert_eq!(
            AppError::from(DieselError::RollbackTransaction).status_code(),
            500
        );
    }

    #[actix_web::test]
    async fn an_internal_error_never_shows_its_detail() {
        let response = AppError::Internal("SELECT secret FROM users".into()).error_response();
        let body = to_bytes(response.into_body()).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("\"internal\""), "{text}");
        assert!(!text.contains("SELECT"), "{text}");
    }
}
