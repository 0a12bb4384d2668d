//! Queries on users and sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::model::{NewSession, NewUser, User};
use crate::db::schema::{sessions, users};
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

/// Records a failed sign-in and, past the threshold, a lock until `locked_until`.
pub fn update_failed_login(
    conn: &mut DbConn,
    id: i64,
    failed: i32,
    locked_until: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(failed),
            users::locked_until.eq(locked_until),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Clears the failure count after a successful sign-in.
pub fn reset_failed_logins(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
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
