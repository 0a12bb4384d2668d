//! Sign-in, sign-out, and user administration.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::extract::{client_address, SESSION_COOKIE};
use crate::auth::model::UserResponse;
use crate::auth::password;
use crate::auth::service::{self};
use crate::auth::{store, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::time::now_utc;
use crate::AppState;

/// Sign-in form.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A successful sign-in.
#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token (also set as the session cookie).
    pub token: String,
    /// Who signed in.
    pub user: UserResponse,
}

/// Signs in: a token and an HttpOnly, SameSite=Strict session cookie. Wrong passwords are
/// counted against the client's address and the account name; the password is checked
/// without holding a database connection.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form: LoginRequest = crate::http::parse_json(&body)?;
    let hours = state.settings.session_hours;
    let source = client_address(&req, &state.settings.trusted_proxies);
    let attempt = service::LoginAttempt::new(&form.username, &source);
    let now = crate::time::now_utc();
    let checking = attempt.clone();
    let user = state
        .db(move |conn| service::check_login(conn, &checking, now))
        .await?;
    let stored = user
        .as_ref()
        .map_or(password::DUMMY_HASH, |u| u.password_hash.as_str())
        .to_string();
    let right = state.hashing.verify(form.password, stored).await?;
    let user_id = user.as_ref().map(|u| u.id);
    let Some(user) = user.filter(|_| right) else {
        // The first failure of a key inserts its row; a simultaneous first failure on another
        // connection makes this one a unique violation, and once more counts it.
        for _ in 0..2 {
            let failed = attempt.clone();
            match state
                .write(move |tx| service::record_failure(tx, &failed, user_id))
                .await
            {
                Err(AppError::Conflict { .. }) => continue,
                other => other?,
            }
            break;
        }
        return Err(AppError::InvalidCredentials);
    };
    if user.disabled {
        return Err(AppError::conflict(
            "account_disabled",
            "this account is disabled",
        ));
    }
    let token = service::session_token();
    let (opened, user_id) = (token.clone(), user.id);
    state
        .write(move |tx| service::open_session(tx, &attempt, user_id, &opened, hours))
        .await?;
    let cookie = Cookie::build(SESSION_COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.cookie_secure)
        .max_age(actix_web::cookie::time::Duration::hours(hours))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse {
        token,
        user: UserResponse::from(&user).with_event_clock(state.settings.timezone, now_utc()),
    }))
}

/// Signs out: ends this session and clears the cookie.
#[utoipa::path(tag = "auth", responses((status = 204), (status = 401)))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    state.sessions.forget(Some(&user.token_hash), None);
    let pool = state.pool.clone();
    web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        service::logout(&mut conn, &user.token_hash)
    })
    .await??;
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// The signed-in user.
#[utoipa::path(tag = "auth", responses((status = 200, body = UserResponse), (status = 401)))]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let found = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(store::find_user(&mut conn, user.id)?)
    })
    .await??;
    let tz = state.settings.timezone;
    Ok(HttpResponse::Ok().json(UserResponse::from(&found).with_event_clock(tz, now_utc())))
}
