//! Sign-in, sign-out, and user administration.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::extract::SESSION_COOKIE;
use crate::auth::model::UserResponse;
use crate::auth::service::{self, UserChanges};
use crate::auth::{store, CurrentUser, Role};
use crate::error::AppError;
use crate::http::parse_json;
use crate::i18n::Lang;
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

/// Lists every user (admin).
#[utoipa::path(tag = "users", responses((status = 200, body = Vec<UserResponse>)))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin])?;
    let pool = state.pool.clone();
    let users = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(store::list_users(&mut conn)?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(users.iter().map(UserResponse::from).collect::<Vec<_>>()))
}

/// A new user.
#[derive(Deserialize, ToSchema)]
pub struct CreateUserRequest {
    /// Name, no spaces.
    pub username: String,
    /// At least 10 characters, two kinds.
    pub password: String,
    /// Role code.
    pub role: String,
    /// Scope for scoped roles (department id or name, hub id or code, …).
    pub scope: Option<String>,
    /// The person's name as guests should know it (a greeter's is in the itinerary).
    pub display_name: Option<String>,
    /// Their work phone.
    pub phone: Option<String>,
}

/// Creates a user (admin).
#[utoipa::path(tag = "users", request_body = CreateUserRequest,
    responses((status = 201, body = UserResponse), (status = 409), (status = 422)))]
#[post("/users")]
pub async fn create_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin])?;
    let form: CreateUserRequest = parse_json(&body)?;
    let lang = Lang::of_request(&req);
    let (username, password) = (form.username.clone(), form.password.clone());
    let account =
        web::block(move || service::NewAccount::prepare(&username, &password, lang)).await??;
    let created = state
        .write(move |tx| {
            let created = service::create_user(
                tx,
                &user.actor(),
                &account,
                &form.role,
                form.scope.as_deref(),
            )?;
            if form.display_name.is_none() && form.phone.is_none() {
                return Ok(created);
            }
            let contact = UserChanges {
                role: None,
                scope: None,
                disabled: None,
                display_name: Some(form.display_name),
                phone: Some(form.phone),
            };
            service::update_user(tx, &user.actor(), created.id, contact)
        })
        .await?;
    Ok(HttpResponse::Created().json(UserResponse::from(&created)))
}

/// Changes to a user.
#[derive(Deserialize, ToSchema)]
pub struct UpdateUserRequest {
    /// New role.
    pub role: Option<String>,
    /// New scope (`null` clears it).
    #[serde(default, with = "serde_with_double_option")]
    #[schema(value_type = Option<String>)]
    pub scope: Option<Option<String>>,
    /// Disable or enable.
    pub disabled: Option<bool>,
    /// The name to show guests (`null` clears it).
    #[serde(default, with = "serde_with_double_option")]
    #[schema(value_type = Option<String>)]
    pub display_name: Option<Option<String>>,
    /// Work phone (`null` clears it).
    #[serde(default, with = "serde_with_double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

/// Tells an absent key (`None`) from an explicit `null` (`Some(None)`).
mod serde_with_double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// Changes a user's role, scope, or disabled flag (admin).
#[utoipa::path(tag = "users", request_body = UpdateUserRequest,
    responses((status = 200, body = UserResponse), (status = 404), (status = 422)))]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin])?;
    let form: UpdateUserRequest = parse_json(&body)?;
    let id = id.into_inner();
    let changes = UserChanges {
        role: form.role,
        scope: form.scope,
        disabled: form.disabled,
        display_name: form.display_name,
        phone: form.phone,
    };
    let updated = state
        .write(move |tx| service::update_user(tx, &user.actor(), id, changes))
        .await?;
    state.sessions.forget(None, Some(id));
    Ok(HttpResponse::Ok().json(UserResponse::from(&updated)))
}

/// A new password.
#[derive(Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    /// The new password.
    pub password: String,
}

/// Resets a user's password and ends their sessions (admin).
#[utoipa::path(tag = "users", request_body = ResetPasswordRequest,
    responses((status = 204), (status = 404), (status = 422)))]
#[post("/users/{id}/password")]
pub async fn reset_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(&[Role::Admin])?;
    let form: ResetPasswordRequest = parse_json(&body)?;
    let lang = Lang::of_request(&req);
    let id = id.into_inner();
    let username = state.db(move |conn| service::username_of(conn, id)).await?;
    let hash =
        web::block(move || service::hash_new_password(&form.password, &username, lang)).await??;
    state
        .write(move |tx| service::reset_password(tx, &user.actor(), id, &hash))
        .await?;
    state.sessions.forget(None, Some(id));
    Ok(HttpResponse::NoContent().finish())
}
