//! Accounts, sessions, roles and scopes.
//!
//! A user has one role and, for scoped roles, one scope (a department, a hub, a hotel…).
//! Sessions are rows, so several instances can serve one PostgreSQL: the token is random,
//! only its SHA-256 is stored. Passwords are argon2id hashes, checked at most one per core at a
//! time and never while holding a database connection.
//!
//! Sign-in throttling slows the attacker, not the victim: wrong passwords are counted (one
//! atomic statement each) against the client's address and against the account name — the
//! same for names that exist and names that don't. After five in a row (forgotten after 15
//! quiet minutes), each further one doubles the wait, from 2 s up to 15 minutes. A locked
//! address is refused for every account; a locked account only for addresses that have not
//! signed in to it in the last 30 days, so the desk that signs in every day keeps working
//! while someone elsewhere guesses. Every lock is in the audit log (`throttle`).
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
