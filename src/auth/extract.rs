//! The signed-in user, taken from `Authorization: Bearer …` or the session cookie.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use sha2::{Digest, Sha256};

use crate::auth::model::Role;
use crate::auth::store;
use crate::error::AppError;
use crate::time::now_utc;
use crate::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "yingbin_session";

/// Who is calling, for handlers to authorize against.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// Name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Scope of a scoped role.
    pub scope: Option<String>,
    /// SHA-256 of the session token used (for logout).
    pub token_hash: String,
}

impl CurrentUser {
    /// 403 unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The department a `department` user is confined to; `None` for every other role.
    pub fn department_scope(&self) -> Option<i64> {
        match self.role {
            // A department user without a valid scope sees nothing rather than everything.
            Role::Department => Some(
                self.scope
                    .as_deref()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(-1),
            ),
            _ => None,
        }
    }

    /// The audit actor for changes this user makes.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            user_id: Some(self.id),
            username: self.username.clone(),
        }
    }
}

/// SHA-256 of a token, hex: what the sessions table stores.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn token_of(req: &HttpRequest) -> Option<String> {
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    bearer.or_else(|| req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()))
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<CurrentUser, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = token_of(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token
                .filter(|t| !t.is_empty())
                .ok_or(AppError::Unauthenticated)?;
            let state = state.ok_or_else(|| AppError::Internal("app state missing".into()))?;
            let hash = token_hash(&token);
            if let Some(user) = state.sessions.get(&hash) {
                return Ok(user);
            }
            let pool = state.pool.clone();
            let lookup = hash.clone();
            let user = web::block(move || -> Result<_, AppError> {
                let mut conn = pool.get()?;
                Ok(store::find_session_user(&mut conn, &lookup, now_utc())?)
            })
            .await??
            .ok_or(AppError::Unauthenticated)?;
            let role = Role::parse(&user.role)
                .ok_or_else(|| AppError::Internal(format!("unknown role {}", user.role)))?;
            let current = CurrentUser {
                id: user.id,
                username: user.username,
                role,
                scope: user.scope,
                token_hash: hash,
            };
            state.sessions.put(&current);
            Ok(current)
        })
    }
}

/// Signed-in users by token hash, remembered for a few seconds so that a scanner posting
/// many scans a second does not look its session up each time. The sessions table stays the
/// truth: a sign-out here forgets at once; one on another instance, or a disabled account,
/// is seen within `SESSION_CACHE_TTL`.
#[derive(Default)]
pub struct SessionCache {
    entries:
        std::sync::RwLock<std::collections::HashMap<String, (std::time::Instant, CurrentUser)>>,
}

/// How long a looked-up session is trusted without asking the database again.
pub const SESSION_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(3);

impl SessionCache {
    fn get(&self, hash: &str) -> Option<CurrentUser> {
        let entries = self.entries.read().ok()?;
        entries
            .get(hash)
            .filter(|(at, _)| at.elapsed() < SESSION_CACHE_TTL)
            .map(|(_, user)| user.clone())
    }

    fn put(&self, user: &CurrentUser) {
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() > 10_000 {
                entries.retain(|_, (at, _)| at.elapsed() < SESSION_CACHE_TTL);
            }
            entries.insert(
                user.token_hash.clone(),
                (std::time::Instant::now(), user.clone()),
            );
        }
    }

    /// Forgets a session (sign-out), or every session of a user (`user_id`).
    pub fn forget(&self, hash: Option<&str>, user_id: Option<i64>) {
        if let Ok(mut entries) = self.entries.write() {
            entries.retain(|h, (_, u)| Some(h.as_str()) != hash && Some(u.id) != user_id);
        }
    }
}

/// The client's address, for sign-in throttling: the peer, or — when the peer is one of the
/// `trusted` reverse proxies — the last address in `X-Forwarded-For` that is not itself a
/// trusted proxy. A header from anyone else is ignored (it could name any address).
pub fn client_address(req: &HttpRequest, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
        .to_string()
}
