//! HTTP handlers of the accounts desk: users with their roles and scopes (admin).

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts::scope;
use crate::auth::service::{self, UserChanges};
use crate::auth::{CurrentUser, Role, UserResponse};
use crate::error::AppError;
use crate::http::parse_json;
use crate::i18n::Lang;
use crate::AppState;

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
        Ok(crate::auth::list_users(&mut conn)?)
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
                &scope::resolve,
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
            service::update_user(tx, &user.actor(), created.id, contact, &scope::resolve)
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
        .write(move |tx| service::update_user(tx, &user.actor(), id, changes, &scope::resolve))
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
