//! Use cases of accounts: sign in and out, create and change users, the first admin.

use chrono::Duration;
use rand::RngCore;
use serde_json::json;

use crate::audit::{self, Actor};
use crate::auth::extract::token_hash;
use crate::auth::model::{NewSession, NewUser, Role, User};
use crate::auth::{password, rules, store};
use crate::db::{legacy_tx, DbConn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::time::now_utc;

/// A fresh random token: 32 bytes from the OS, hex.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Checks the name and password; on success opens a session and returns its token.
pub fn login(
    conn: &mut DbConn,
    username: &str,
    password_text: &str,
    session_hours: i64,
) -> Result<(String, User), AppError> {
    let now = now_utc();
    let Some(user) = store::find_user_by_name(conn, username.trim())? else {
        // Same work as a real check, so response time does not tell which names exist.
        password::verify(password_text, password::DUMMY_HASH);
        return Err(AppError::InvalidCredentials);
    };
    if let Some(until) = user.locked_until.filter(|until| *until > now) {
        let wait = (until - now).num_seconds().max(1) as u64;
        return Err(AppError::TooManyAttempts { retry_after: wait });
    }
    if !password::verify(password_text, &user.password_hash) {
        let failed = user.failed_logins + 1;
        store::update_failed_login(
            conn,
            user.id,
            failed,
            rules::lock_after_failures(failed, now),
        )?;
        return Err(AppError::InvalidCredentials);
    }
    if user.disabled {
        return Err(AppError::conflict(
            "account_disabled",
            "this account is disabled",
        ));
    }
    let token = new_token();
    legacy_tx(conn, |conn| -> Result<(), AppError> {
        store::reset_failed_logins(conn, user.id)?;
        store::insert_session(
            conn,
            &NewSession {
                token_hash: &token_hash(&token),
                user_id: user.id,
                created_at: now,
                expires_at: now + Duration::hours(session_hours),
            },
        )?;
        store::delete_expired_sessions(conn, now)?;
        Ok(())
    })?;
    Ok((token, user))
}

/// Ends one session.
pub fn logout(conn: &mut DbConn, token_hash: &str) -> Result<(), AppError> {
    store::delete_session(conn, token_hash)?;
    Ok(())
}

/// Checks a role's scope and returns it in stored form.
fn check_scope(
    conn: &mut DbConn,
    role: Role,
    scope: Option<&str>,
) -> Result<Option<String>, AppError> {
    let scope = scope.map(str::trim).filter(|s| !s.is_empty());
    match (role.needs_scope(), scope) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(AppError::invalid(
            format!("role {} takes no scope", role.as_str()),
            json!([{"field": "scope"}]),
        )),
        (true, None) => Err(AppError::invalid(
            format!("role {} needs a scope", role.as_str()),
            json!([{"field": "scope"}]),
        )),
        (true, Some(scope)) => match role {
            Role::Department => {
                let id = crate::guests::registry::resolve_department_scope(conn, scope)?;
                Ok(Some(id.to_string()))
            }
            Role::Greeter => {
                let id = crate::guests::registry::resolve_hub_scope(conn, scope)?;
                Ok(Some(id.to_string()))
            }
            // An inspector account is one inspector of the roster.
            Role::Inspector => match scope.parse::<i64>() {
                Ok(id) if crate::hygiene::store::find_inspector(conn, id)?.is_some() => {
                    Ok(Some(id.to_string()))
                }
                _ => Err(AppError::invalid(
                    format!("unknown inspector {scope}"),
                    json!([{"field": "scope"}]),
                )),
            },
            _ => Ok(Some(scope.to_string())),
        },
    }
}

fn parse_role(role: &str) -> Result<Role, AppError> {
    Role::parse(role).ok_or_else(|| {
        AppError::invalid(
            format!("unknown role {role}"),
            json!([{"field": "role", "allowed": Role::ALL.map(Role::as_str)}]),
        )
    })
}

/// Creates a user (admin).
pub fn create_user(
    conn: &mut DbConn,
    actor: &Actor,
    username: &str,
    password_text: &str,
    role: &str,
    scope: Option<&str>,
    lang: Lang,
) -> Result<User, AppError> {
    let username = username.trim();
    if username.is_empty()
        || username.chars().count() > 64
        || username.chars().any(char::is_whitespace)
    {
        return Err(AppError::invalid(
            lang.pick(
                "用户名须为 1–64 个字符且不含空格",
                "username must be 1–64 characters without spaces",
            ),
            json!([{"field": "username"}]),
        ));
    }
    let role = parse_role(role)?;
    password::check_strength(password_text, username, lang)
        .map_err(|m| AppError::invalid(m, json!([{"field": "password"}])))?;
    let hash = password::hash(password_text).map_err(AppError::Internal)?;
    legacy_tx(conn, |conn| {
        let scope = check_scope(conn, role, scope)?;
        if store::find_user_by_name(conn, username)?.is_some() {
            return Err(AppError::conflict(
                "username_taken",
                format!("username {username} is taken"),
            ));
        }
        let now = now_utc();
        let id = store::insert_user(
            conn,
            &NewUser {
                username,
                password_hash: &hash,
                role: role.as_str(),
                scope: scope.as_deref(),
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            actor,
            "create",
            "user",
            id,
            json!({"username": username, "role": role.as_str(), "scope": scope}),
        )?;
        Ok(store::find_user(conn, id)?)
    })
}

/// What an admin may change about a user.
#[derive(Debug, Default)]
pub struct UserChanges {
    /// New role (with `scope`).
    pub role: Option<String>,
    /// New scope; `Some(None)` clears it.
    pub scope: Option<Option<String>>,
    /// Disable or enable.
    pub disabled: Option<bool>,
    /// New name to show guests; `Some(None)` clears it.
    pub display_name: Option<Option<String>>,
    /// New phone; `Some(None)` clears it.
    pub phone: Option<Option<String>>,
}

/// Changes role, scope or disabled; ends the user's sessions when their rights change.
pub fn update_user(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    changes: UserChanges,
) -> Result<User, AppError> {
    legacy_tx(conn, |conn| {
        let user = store::find_user(conn, id).map_err(|e| match e {
            diesel::result::Error::NotFound => AppError::NotFound("user"),
            e => e.into(),
        })?;
        let now = now_utc();
        if changes.role.is_some() || changes.scope.is_some() {
            let role = parse_role(changes.role.as_deref().unwrap_or(&user.role))?;
            let scope = match &changes.scope {
                Some(s) => s.clone(),
                None => user.scope.clone(),
            };
            let scope = check_scope(conn, role, scope.as_deref())?;
            if actor.user_id == Some(id) && role != Role::Admin {
                return Err(AppError::conflict(
                    "last_admin",
                    "you cannot take away your own admin role",
                ));
            }
            store::update_role(conn, id, role.as_str(), scope.as_deref(), now)?;
            store::delete_user_sessions(conn, id)?;
        }
        if let Some(disabled) = changes.disabled {
            if disabled && actor.user_id == Some(id) {
                return Err(AppError::conflict(
                    "last_admin",
                    "you cannot disable yourself",
                ));
            }
            store::update_disabled(conn, id, disabled, now)?;
            if disabled {
                store::delete_user_sessions(conn, id)?;
            }
        }
        if changes.display_name.is_some() || changes.phone.is_some() {
            let clean = |v: &Option<Option<String>>, was: &Option<String>| match v {
                Some(v) => v
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                None => was.clone(),
            };
            let name = clean(&changes.display_name, &user.display_name);
            let phone = clean(&changes.phone, &user.phone);
            if name.as_ref().is_some_and(|n| n.chars().count() > 64)
                || phone.as_ref().is_some_and(|p| p.chars().count() > 32)
            {
                return Err(AppError::invalid(
                    "display_name is at most 64 characters, phone at most 32",
                    json!([{"field": "display_name"}, {"field": "phone"}]),
                ));
            }
            store::update_contact(conn, id, name.as_deref(), phone.as_deref(), now)?;
        }
        let after = store::find_user(conn, id)?;
        audit::record(
            conn,
            actor,
            "update",
            "user",
            id,
            json!({"role": after.role, "scope": after.scope, "disabled": after.disabled}),
        )?;
        Ok(after)
    })
}

/// Sets a new password (admin reset) and ends the user's sessions.
pub fn reset_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    password_text: &str,
    lang: Lang,
) -> Result<(), AppError> {
    let user = store::find_user(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => AppError::NotFound("user"),
        e => e.into(),
    })?;
    password::check_strength(password_text, &user.username, lang)
        .map_err(|m| AppError::invalid(m, json!([{"field": "password"}])))?;
    let hash = password::hash(password_text).map_err(AppError::Internal)?;
    legacy_tx(conn, |conn| -> Result<(), AppError> {
        store::update_password(conn, id, &hash, now_utc())?;
        store::delete_user_sessions(conn, id)?;
        audit::record(conn, actor, "reset_password", "user", id, json!({}))?;
        Ok(())
    })
}

/// On a database without users, creates `admin` with the given password, or a random one
/// that is returned so the caller can print it once.
pub fn ensure_admin(
    conn: &mut DbConn,
    password_text: Option<&str>,
) -> Result<Option<String>, String> {
    let count = store::count_users(conn).map_err(|e| e.to_string())?;
    if count > 0 {
        return Ok(None);
    }
    let (password_text, generated) = match password_text {
        Some(p) => {
            password::check_strength(p, "admin", Lang::En)
                .map_err(|m| format!("YINGBIN_ADMIN_PASSWORD is too weak: {m}"))?;
            (p.to_string(), false)
        }
        None => {
            let mut bytes = [0u8; 12];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            (format!("Yb-{}", hex::encode(bytes)), true)
        }
    };
    let hash = password::hash(&password_text)?;
    let now = now_utc();
    legacy_tx(conn, |conn| -> Result<(), diesel::result::Error> {
        let id = store::insert_user(
            conn,
            &NewUser {
                username: "admin",
                password_hash: &hash,
                role: Role::Admin.as_str(),
                scope: None,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            &Actor::system("start"),
            "create",
            "user",
            id,
            json!({"username": "admin", "role": "admin"}),
        )
    })
    .map_err(|e| e.to_string())?;
    Ok(generated.then_some(password_text))
}
