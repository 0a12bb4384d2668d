//! Sign-in, sign-out, and user administration.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::extract::SESSION_COOKIE;
use crate::auth::model::UserResponse;
use crate::auth::service::{self};
use crate::auth::{store, CurrentUser};
use crate::error::AppError;
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

/// Signs in: a token and an HttpOnly, SameSite=Strict session cookie.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401), (status = 429)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    form: web::Json<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let hours = state.settings.session_hours;
    let LoginRequest { username, password } = form.into_inner();
    let (token, user) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        service::login(&mut conn, &username, &password, hours)
    })
    .await??;
    let cookie = Cookie::build(SESSION_COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.cookie_secure)
        .max_age(actix_web::cookie::time::Duration::hours(hours))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse {
        token,
        user: UserResponse::from(&user),
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
    Ok(HttpResponse::Ok().json(UserResponse::from(&found)))
}
