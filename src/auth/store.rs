//! Queries on users and sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::model::{NewSession, NewUser, User};
use crate::db::schema::{login_throttle, sessions, users};
use crate::db::DbConn;

/// The user with this name, if any.
pub fn find_user_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(name))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// The user with this id.
pub fn find_user(conn: &mut DbConn, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

/// All users by name.
pub fn list_users(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .order(users::username.asc())
        .select(User::as_select())
        .load(conn)
}

/// How many users exist.
pub fn count_users(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Inserts a user and returns its id.
pub fn insert_user(conn: &mut DbConn, user: &NewUser) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values(user)
        .returning(users::id)
        .get_result(conn)
}

/// Changes role and scope.
pub fn update_role(
    conn: &mut DbConn,
    id: i64,
    role: &str,
    scope: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(role),
            users::scope.eq(scope),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Disables or enables a user.
pub fn update_disabled(
    conn: &mut DbConn,
    id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::disabled.eq(disabled), users::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// Sets a new password hash and clears any lock.
pub fn update_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Inserts a session.
pub fn insert_session(conn: &mut DbConn, session: &NewSession) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)
        .map(|_| ())
}

/// The enabled user owning an unexpired session with this token hash.
pub fn find_session_user(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<User>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(users::disabled.eq(false))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Deletes one session.
pub fn delete_session(conn: &mut DbConn, token_hash: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
}

/// Deletes every session of a user (disabled, password reset, role changed).
pub fn delete_user_sessions(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// Deletes expired sessions.
pub fn delete_expired_sessions(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
}

/// A user's name and phone as guests see them.
pub fn update_contact(
    conn: &mut DbConn,
    id: i64,
    display_name: Option<&str>,
    phone: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::display_name.eq(display_name),
            users::phone.eq(phone),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A throttle row: failures and lock of one key, or a recent successful source.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = login_throttle)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Throttle {
    /// `ip:…`, `user:…` or `ok:<user id>:…`.
    pub throttle_key: String,
    /// No sign-in through this key until then.
    pub locked_until: Option<NaiveDateTime>,
    /// Last change (for `ok:` keys, the last success).
    pub updated_at: NaiveDateTime,
}

/// The throttle rows of these keys that exist.
pub fn find_throttles(conn: &mut DbConn, keys: &[&str]) -> QueryResult<Vec<Throttle>> {
    login_throttle::table
        .filter(login_throttle::throttle_key.eq_any(keys))
        .select(Throttle::as_select())
        .load(conn)
}

/// Counts one failure for `key` in one statement (`failures = failures + 1 … RETURNING`), so
/// that simultaneous tries each count; returns the new count. The first failure inserts the
/// row; when another try inserted it first, the caller's transaction fails with a unique
/// violation and is retried.
pub fn count_failure(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> QueryResult<i32> {
    let counted = diesel::update(login_throttle::table.find(key))
        .set((
            login_throttle::failures.eq(login_throttle::failures + 1),
            login_throttle::updated_at.eq(now),
        ))
        .returning(login_throttle::failures)
        .get_result::<i32>(conn)
        .optional()?;
    if let Some(n) = counted {
        return Ok(n);
    }
    diesel::insert_into(login_throttle::table)
        .values((
            login_throttle::throttle_key.eq(key),
            login_throttle::failures.eq(1),
            login_throttle::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(1)
}

/// Locks `key` until `until`, unless a later lock is already set (a slower, simultaneous try
/// never shortens a lock).
pub fn lock_throttle(conn: &mut DbConn, key: &str, until: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        login_throttle::table.find(key).filter(
            login_throttle::locked_until
                .is_null()
                .or(login_throttle::locked_until.lt(until)),
        ),
    )
    .set(login_throttle::locked_until.eq(until))
    .execute(conn)
    .map(|_| ())
}

/// Forgets the failures of these keys (after a success).
pub fn clear_throttles(conn: &mut DbConn, keys: &[&str]) -> QueryResult<usize> {
    diesel::delete(login_throttle::table.filter(login_throttle::throttle_key.eq_any(keys)))
        .execute(conn)
}

/// Records a successful sign-in through `key` (an `ok:` key) at `now`.
pub fn touch_throttle(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> QueryResult<()> {
    let updated = diesel::update(login_throttle::table.find(key))
        .set(login_throttle::updated_at.eq(now))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::throttle_key.eq(key),
                login_throttle::failures.eq(0),
                login_throttle::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes throttle rows untouched since `before` whose lock (if any) has passed.
pub fn delete_stale_throttles(
    conn: &mut DbConn,
    before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        login_throttle::table
            .filter(login_throttle::updated_at.lt(before))
            .filter(
                login_throttle::locked_until
                    .is_null()
                    .or(login_throttle::locked_until.lt(now)),
            ),
    )
    .execute(conn)
}

/// Drops `key`'s failures when the last one is older than `before` and no lock runs.
pub fn forget_old_failures(
    conn: &mut DbConn,
    key: &str,
    before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        login_throttle::table
            .find(key)
            .filter(login_throttle::updated_at.lt(before))
            .filter(
                login_throttle::locked_until
                    .is_null()
                    .or(login_throttle::locked_until.lt(now)),
            ),
    )
    .execute(conn)
}
