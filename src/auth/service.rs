//! Use cases of accounts: sign in and out, create and change users, the first admin.

use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use serde_json::json;

use crate::audit::{self, Actor};
use crate::auth::extract::token_hash;
use crate::auth::model::{NewSession, NewUser, Role, User};
use crate::auth::{password, rules, store};
use crate::db::{write_tx, DbConn, PooledConn, Tx};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::time::now_utc;

/// A fresh random token: 32 bytes from the OS, hex.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// How long a source stays known to an account after a successful sign-in from it: a known
/// source is not held back by the account's lock (only by its own).
pub const KNOWN_SOURCE_DAYS: i64 = 30;

/// Failures a key forgets after this long without a new one (and without a running lock), so
/// a desk's occasional typos never add up to a lock.
pub const FAILURE_MEMORY_MINUTES: i64 = 15;

/// Who tries to sign in, and from where (the client's address; see
/// [`crate::auth::extract::client_address`]).
#[derive(Clone, Debug)]
pub struct LoginAttempt {
    username: String,
    source: String,
}

impl LoginAttempt {
    /// An attempt with this name (trimmed) from this source.
    pub fn new(username: &str, source: &str) -> LoginAttempt {
        LoginAttempt {
            username: username.trim().to_string(),
            source: source.to_string(),
        }
    }

    fn source_key(&self) -> String {
        format!("ip:{}", self.source)
    }

    /// The same for known and unknown names, so throttling tells nothing about which exist.
    fn account_key(&self) -> String {
        format!("user:{}", self.username)
    }

    fn known_key(&self, user_id: i64) -> String {
        format!("ok:{user_id}:{}", self.source)
    }
}

/// Before the password is checked (and without holding the connection while it is): refuses
/// with 429 a source that is locked, and an account that is locked unless this source signed
/// in to it lately; returns the account the name belongs to, if any.
pub fn check_login(
    conn: &mut DbConn,
    attempt: &LoginAttempt,
    now: NaiveDateTime,
) -> Result<Option<User>, AppError> {
    let user = store::find_user_by_name(conn, &attempt.username)?;
    let (source_key, account_key) = (attempt.source_key(), attempt.account_key());
    let known_key = user.as_ref().map(|u| attempt.known_key(u.id));
    let mut keys = vec![source_key.as_str(), account_key.as_str()];
    keys.extend(known_key.as_deref());
    let rows = store::find_throttles(conn, &keys)?;
    let row = |key: &str| rows.iter().find(|r| r.throttle_key == key);
    let lock = |key: &str| row(key).and_then(|r| r.locked_until).filter(|u| *u > now);
    let known = known_key
        .as_deref()
        .and_then(row)
        .is_some_and(|r| r.updated_at > now - Duration::days(KNOWN_SOURCE_DAYS));
    let until = match (lock(&source_key), lock(&account_key)) {
        (Some(until), _) => Some(until),
        (None, Some(until)) if !known => Some(until),
        _ => None,
    };
    match until {
        Some(until) => Err(AppError::TooManyAttempts {
            retry_after: (until - now).num_seconds().max(1) as u64,
        }),
        None => Ok(user),
    }
}

/// Counts a wrong password against the source and the account name, each in one atomic
/// statement; past the free attempts the key is locked, which is logged for security (the
/// audit log and the `security` log target).
pub fn record_failure(
    tx: &mut Tx,
    attempt: &LoginAttempt,
    user_id: Option<i64>,
) -> Result<(), AppError> {
    let now = tx.now();
    for (key, of_account) in [(attempt.source_key(), false), (attempt.account_key(), true)] {
        store::forget_old_failures(
            tx,
            &key,
            now - Duration::minutes(FAILURE_MEMORY_MINUTES),
            now,
        )?;
        let failures = store::count_failure(tx, &key, now)?;
        let Some(until) = rules::lock_after_failures(failures, now) else {
            continue;
        };
        store::lock_throttle(tx, &key, until)?;
        tracing::warn!(target: "security", key = %key, failures, until = %until, "sign-in throttled");
        let detail = json!({
            "username": attempt.username,
            "source": attempt.source,
            "failures": failures,
            "locked": if of_account { "account" } else { "source" },
            "seconds": (until - now).num_seconds(),
        });
        match (of_account, user_id) {
            (true, Some(id)) => {
                audit::record(tx, &Actor::system("login"), "throttle", "user", id, detail)?
            }
            _ => audit::record(
                tx,
                &Actor::system("login"),
                "throttle",
                "login",
                &key,
                detail,
            )?,
        }
    }
    Ok(())
}

/// After the right password: forgets the failures of the source and the account, remembers
/// the source as known to the account, and opens a session under `token`.
pub fn open_session(
    tx: &mut Tx,
    attempt: &LoginAttempt,
    user_id: i64,
    token: &str,
    session_hours: i64,
) -> Result<(), AppError> {
    let now = tx.now();
    let (source_key, account_key) = (attempt.source_key(), attempt.account_key());
    store::clear_throttles(tx, &[&source_key, &account_key])?;
    store::touch_throttle(tx, &attempt.known_key(user_id), now)?;
    store::insert_session(
        tx,
        &NewSession {
            token_hash: &token_hash(token),
            user_id,
            created_at: now,
            expires_at: now + Duration::hours(session_hours),
        },
    )?;
    store::delete_expired_sessions(tx, now)?;
    store::delete_stale_throttles(tx, now - Duration::days(KNOWN_SOURCE_DAYS), now)?;
    Ok(())
}

/// A new session token.
pub fn session_token() -> String {
    new_token()
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
    resolve: ScopeResolver,
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
        (true, Some(scope)) => Ok(Some(resolve(conn, role, scope)?)),
    }
}

/// Turns a scope as an admin typed it (a department's name, a hub's code, an inspector…) into
/// the stored form, or says why it names nothing. Given by the layer above, which knows the
/// domains the scopes point into; `auth` knows none of them.
pub type ScopeResolver<'a> = &'a dyn Fn(&mut DbConn, Role, &str) -> Result<String, AppError>;

fn parse_role(role: &str) -> Result<Role, AppError> {
    Role::parse(role).ok_or_else(|| {
        AppError::invalid(
            format!("unknown role {role}"),
            json!([{"field": "role", "allowed": Role::ALL.map(Role::as_str)}]),
        )
    })
}

/// A new account's name and password, checked and hashed before any transaction opens
/// (argon2 takes tens of milliseconds on purpose).
pub struct NewAccount {
    username: String,
    hash: String,
}

impl NewAccount {
    /// Checks the name and the password's strength, and hashes the password.
    pub fn prepare(
        username: &str,
        password_text: &str,
        lang: Lang,
    ) -> Result<NewAccount, AppError> {
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
        password::check_strength(password_text, username, lang)
            .map_err(|m| AppError::invalid(m, json!([{"field": "password"}])))?;
        Ok(NewAccount {
            username: username.to_string(),
            hash: password::hash(password_text).map_err(AppError::Internal)?,
        })
    }
}

/// Creates a user (admin).
pub fn create_user(
    tx: &mut Tx,
    actor: &Actor,
    account: &NewAccount,
    role: &str,
    scope: Option<&str>,
    resolve: ScopeResolver,
) -> Result<User, AppError> {
    let now = tx.now();
    let role = parse_role(role)?;
    let (username, hash) = (account.username.as_str(), &account.hash);
    let scope = check_scope(tx, role, scope, resolve)?;
    if store::find_user_by_name(tx, username)?.is_some() {
        return Err(AppError::conflict(
            "username_taken",
            format!("username {username} is taken"),
        ));
    }
    let id = store::insert_user(
        tx,
        &NewUser {
            username,
            password_hash: hash,
            role: role.as_str(),
            scope: scope.as_deref(),
            created_at: now,
            updated_at: now,
        },
    )?;
    audit::record(
        tx,
        actor,
        "create",
        "user",
        id,
        json!({"username": username, "role": role.as_str(), "scope": scope}),
    )?;
    Ok(store::find_user(tx, id)?)
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
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    changes: UserChanges,
    resolve: ScopeResolver,
) -> Result<User, AppError> {
    let now = tx.now();
    let user = store::find_user(tx, id).map_err(|e| match e {
        diesel::result::Error::NotFound => AppError::NotFound("user"),
        e => e.into(),
    })?;
    if changes.role.is_some() || changes.scope.is_some() {
        let role = parse_role(changes.role.as_deref().unwrap_or(&user.role))?;
        let scope = match &changes.scope {
            Some(s) => s.clone(),
            None => user.scope.clone(),
        };
        let scope = check_scope(tx, role, scope.as_deref(), resolve)?;
        if actor.user_id == Some(id) && role != Role::Admin {
            return Err(AppError::conflict(
                "last_admin",
                "you cannot take away your own admin role",
            ));
        }
        store::update_role(tx, id, role.as_str(), scope.as_deref(), now)?;
        store::delete_user_sessions(tx, id)?;
    }
    if let Some(disabled) = changes.disabled {
        if disabled && actor.user_id == Some(id) {
            return Err(AppError::conflict(
                "last_admin",
                "you cannot disable yourself",
            ));
        }
        store::update_disabled(tx, id, disabled, now)?;
        if disabled {
            store::delete_user_sessions(tx, id)?;
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
        store::update_contact(tx, id, name.as_deref(), phone.as_deref(), now)?;
    }
    let after = store::find_user(tx, id)?;
    audit::record(
        tx,
        actor,
        "update",
        "user",
        id,
        json!({"role": after.role, "scope": after.scope, "disabled": after.disabled}),
    )?;
    Ok(after)
}

/// A user's name, for checking a new password against it before hashing.
pub fn username_of(conn: &mut DbConn, id: i64) -> Result<String, AppError> {
    store::find_user(conn, id)
        .map(|u| u.username)
        .map_err(|e| match e {
            diesel::result::Error::NotFound => AppError::NotFound("user"),
            e => e.into(),
        })
}

/// Checks a new password's strength for `username` and hashes it (outside any transaction).
pub fn hash_new_password(
    password_text: &str,
    username: &str,
    lang: Lang,
) -> Result<String, AppError> {
    password::check_strength(password_text, username, lang)
        .map_err(|m| AppError::invalid(m, json!([{"field": "password"}])))?;
    password::hash(password_text).map_err(AppError::Internal)
}

/// Sets a new password, hashed by [`hash_new_password`] (admin reset), and ends the user's
/// sessions.
pub fn reset_password(tx: &mut Tx, actor: &Actor, id: i64, hash: &str) -> Result<(), AppError> {
    let now = tx.now();
    store::update_password(tx, id, hash, now)?;
    store::delete_user_sessions(tx, id)?;
    audit::record(tx, actor, "reset_password", "user", id, json!({}))?;
    Ok(())
}

/// On a database without users, creates `admin` with the given password, or a random one
/// that is returned so the caller can print it once.
pub fn ensure_admin(
    conn: &mut PooledConn,
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
    write_tx(conn, now, |tx| -> Result<(), diesel::result::Error> {
        let id = store::insert_user(
            tx,
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
            tx,
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
