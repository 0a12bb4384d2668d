//! The accounts desk (admin): users, their roles and scopes, and the audit log. Above the
//! domains, because a scope names a department, a hub or an inspector — things `auth`, below
//! them, must not know.

pub mod audit_log;
mod scope;
pub mod users;

use actix_web::web;

/// The accounts desk's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(users::list_users)
        .service(users::create_user)
        .service(users::update_user)
        .service(users::reset_password)
        .service(audit_log::list_audit);
}
