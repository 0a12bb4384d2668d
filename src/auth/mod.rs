//! Accounts, sessions, roles and scopes.
//!
//! A user has one role and, for scoped roles, one scope (a department, a hub, a hotel…).
//! Sessions are rows, so several instances can serve one PostgreSQL: the token is random,
//! only its SHA-256 is stored. Passwords are argon2id hashes. After five wrong passwords in a
//! row, each further attempt must wait twice as long as the last (up to 15 minutes).
//! Every handler says which roles it admits; no session → 401, wrong role or scope → 403.

pub mod extract;
mod model;
pub mod password;
pub mod routes;
pub mod rules;
pub mod service;
mod store;

pub use model::{NewSession, NewUser, Role, User, UserResponse};
/// The demo loader seeds its accounts directly.
pub use store::{find_user_by_name, insert_user, list_users, update_contact};

use actix_web::web;

pub use extract::CurrentUser;

/// The account routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(routes::login)
        .service(routes::logout)
        .service(routes::me);
}
