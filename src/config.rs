//! All settings, read from the environment once at start and passed explicitly.

use std::path::PathBuf;
use std::time::Duration;

use crate::db::DbUrl;

/// Everything the service needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `DATABASE_URL`: a file path or `sqlite://…` (SQLite), or `postgres://…`.
    pub database: DbUrl,
    /// `YINGBIN_BIND`: the listening address.
    pub bind: String,
    /// `YINGBIN_DATA_DIR`: where files the service writes go.
    pub data_dir: PathBuf,
    /// `YINGBIN_ADMIN_PASSWORD`: the first admin's password on an empty database.
    pub admin_password: Option<String>,
    /// `YINGBIN_DB_POOL`: connections in the pool.
    pub pool_size: u32,
    /// `YINGBIN_DB_TIMEOUT_SECS`: wait for a pooled connection before 503.
    pub pool_timeout: Duration,
    /// `YINGBIN_CREATE_DATABASE`: create a missing SQLite file (default true).
    pub create_database: bool,
    /// `YINGBIN_TIMEZONE`: the event's time zone (default Asia/Shanghai).
    pub timezone: chrono_tz::Tz,
    /// `YINGBIN_SESSION_HOURS`: how long a sign-in lasts.
    pub session_hours: i64,
    /// `YINGBIN_COOKIE_SECURE`: mark the session cookie Secure (behind HTTPS).
    pub cookie_secure: bool,
    /// `YINGBIN_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `YINGBIN_MAX_UPLOAD_MB`: largest accepted upload (CSV or photo).
    pub max_upload_bytes: usize,
    /// `YINGBIN_TRUSTED_PROXY`: addresses of reverse proxies (comma-separated) whose
    /// `X-Forwarded-For` names the client; from anyone else the header is ignored and the
    /// peer address is the client (sign-in throttling counts by it).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `YINGBIN_TLS_CERT` and `YINGBIN_TLS_KEY`: PEM files; with both the service speaks HTTPS
    /// only (and the session cookie is Secure).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// `YINGBIN_RECEPTION_PHONE`, `YINGBIN_RECEPTION_EMAIL`: how guests reach the reception
    /// office, at the foot of every message to a guest.
    pub reception_phone: Option<String>,
    pub reception_email: Option<String>,
    /// `YINGBIN_OFFLINE_MAX_AGE_MINUTES`: how old a scanner's offline lists may grow before
    /// it stops accepting (default 30); a point may allow longer.
    pub offline_max_age_minutes: i64,
    /// Outgoing email.
    pub mail: MailSettings,
}

/// How email goes out.
#[derive(Clone, Debug, PartialEq)]
pub struct MailSettings {
    /// `YINGBIN_SMTP_URL`: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465` (TLS). Unset: `.eml` files in `data_dir/mail`.
    pub smtp_url: Option<String>,
    /// `YINGBIN_MAIL_FROM`: the sender, e.g. `迎宾 <reception@games.cn>`.
    pub from: String,
    /// `YINGBIN_MAIL_PER_SECOND`: most messages a second this instance sends (relays throttle).
    pub per_second: u32,
    /// `YINGBIN_MAIL_RETRY_SECS`: wait before the first retry after a temporary failure;
    /// it doubles each time, up to an hour.
    pub retry_secs: u64,
    /// `YINGBIN_MAIL_ATTEMPTS`: tries before a message is failed for good.
    pub max_attempts: i32,
    /// `YINGBIN_MAIL_CONNECTIONS`: messages this instance hands to the server at once.
    pub connections: usize,
    /// `YINGBIN_MAIL_WORKER`: whether this instance sends (any number may; none send twice).
    pub worker: bool,
    /// `YINGBIN_MAIL_CHANGE_HOLD_SECS`: how long a "your pickup changed" waits before it goes,
    /// so that a desk's burst of run edits reaches the guest as one message.
    pub change_hold_secs: i64,
    /// `YINGBIN_KITCHEN_SHEET_HOUR`: from this hour (event time) tomorrow's kitchen sheets
    /// are mailed to the dining points; `off` never.
    pub kitchen_sheet_hour: Option<u32>,
}

impl MailSettings {
    /// How long a change message waits before it goes (see `change_hold_secs`).
    pub fn change_hold(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.change_hold_secs)
    }
}

impl Settings {
    /// Reads the settings from the environment, with defaults; says which one is wrong.
    pub fn from_env() -> Result<Settings, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the settings through `lookup` (tests pass their own).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let database = DbUrl::parse(&get("DATABASE_URL").unwrap_or_else(|| "./yingbin.db".into()))?;
        let default_pool = match database {
            DbUrl::Sqlite(_) => 8,
            DbUrl::Postgres(_) => 10,
        };
        let settings = Settings {
            database,
            bind: get("YINGBIN_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir: PathBuf::from(get("YINGBIN_DATA_DIR").unwrap_or_else(|| ".".into())),
            admin_password: get("YINGBIN_ADMIN_PASSWORD"),
            pool_size: parse_num(&get, "YINGBIN_DB_POOL", default_pool)?,
            pool_timeout: Duration::from_secs(parse_num(&get, "YINGBIN_DB_TIMEOUT_SECS", 5)?),
            create_database: parse_bool(&get, "YINGBIN_CREATE_DATABASE", true)?,
            timezone: match get("YINGBIN_TIMEZONE") {
                Some(tz) => tz
                    .parse()
                    .map_err(|_| format!("YINGBIN_TIMEZONE: unknown time zone {tz}"))?,
                None => chrono_tz::Asia::Shanghai,
            },
            session_hours: parse_num(&get, "YINGBIN_SESSION_HOURS", 12)?,
            // Behind HTTPS of its own the cookie is Secure unless said otherwise.
            cookie_secure: parse_bool(
                &get,
                "YINGBIN_COOKIE_SECURE",
                get("YINGBIN_TLS_CERT").is_some(),
            )?,
            workers: match get("YINGBIN_WORKERS") {
                Some(_) => Some(parse_num(&get, "YINGBIN_WORKERS", 2)?),
                None => None,
            },
            max_upload_bytes: parse_num::<usize>(&get, "YINGBIN_MAX_UPLOAD_MB", 20)? * 1024 * 1024,
            trusted_proxies: get("YINGBIN_TRUSTED_PROXY")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse()
                        .map_err(|_| format!("YINGBIN_TRUSTED_PROXY: {a} is not an IP address"))
                })
                .collect::<Result<_, _>>()?,
            tls: match (get("YINGBIN_TLS_CERT"), get("YINGBIN_TLS_KEY")) {
                (Some(c), Some(k)) => Some((PathBuf::from(c), PathBuf::from(k))),
                (None, None) => None,
                _ => {
                    return Err("give both YINGBIN_TLS_CERT and YINGBIN_TLS_KEY, or neither".into())
                }
            },
            reception_phone: get("YINGBIN_RECEPTION_PHONE").map(|v| v.trim().to_string()),
            reception_email: get("YINGBIN_RECEPTION_EMAIL").map(|v| v.trim().to_string()),
            offline_max_age_minutes: parse_num(&get, "YINGBIN_OFFLINE_MAX_AGE_MINUTES", 30)?,
            mail: MailSettings {
                smtp_url: get("YINGBIN_SMTP_URL"),
                from: get("YINGBIN_MAIL_FROM")
                    .unwrap_or_else(|| "迎宾 Yingbin <noreply@yingbin.local>".into()),
                per_second: parse_num(&get, "YINGBIN_MAIL_PER_SECOND", 200)?,
                retry_secs: parse_num(&get, "YINGBIN_MAIL_RETRY_SECS", 60)?,
                max_attempts: parse_num(&get, "YINGBIN_MAIL_ATTEMPTS", 8)?,
                connections: parse_num(&get, "YINGBIN_MAIL_CONNECTIONS", 8)?,
                worker: parse_bool(&get, "YINGBIN_MAIL_WORKER", true)?,
                change_hold_secs: parse_num(&get, "YINGBIN_MAIL_CHANGE_HOLD_SECS", 120)?,
                kitchen_sheet_hour: match get("YINGBIN_KITCHEN_SHEET_HOUR")
                    .as_deref()
                    .map(str::trim)
                {
                    Some("off") => None,
                    Some(_) => Some(parse_num(&get, "YINGBIN_KITCHEN_SHEET_HOUR", 16)?),
                    None => Some(16),
                },
            },
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that parse but make no sense.
    pub fn validate(&self) -> Result<(), String> {
        if self.pool_size == 0 {
            return Err("YINGBIN_DB_POOL must be at least 1".into());
        }
        if self.session_hours <= 0 {
            return Err("YINGBIN_SESSION_HOURS must be positive".into());
        }
        if self.max_upload_bytes == 0 {
            return Err("YINGBIN_MAX_UPLOAD_MB must be at least 1".into());
        }
        if self.mail.per_second == 0 {
            return Err("YINGBIN_MAIL_PER_SECOND must be at least 1".into());
        }
        if !(1..=32).contains(&self.mail.connections) {
            return Err("YINGBIN_MAIL_CONNECTIONS must be 1–32".into());
        }
        if !(0..=86_400).contains(&self.mail.change_hold_secs) {
            return Err("YINGBIN_MAIL_CHANGE_HOLD_SECS must be 0–86400".into());
        }
        if self.mail.max_attempts < 1 {
            return Err("YINGBIN_MAIL_ATTEMPTS must be at least 1".into());
        }
        if self.mail.kitchen_sheet_hour.is_some_and(|h| h > 23) {
            return Err("YINGBIN_KITCHEN_SHEET_HOUR must be 0–23 or off".into());
        }
        self.mail
            .from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("YINGBIN_MAIL_FROM: {e}"))?;
        Ok(())
    }
}

fn parse_num<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: T,
) -> Result<T, String> {
    match get(key) {
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{key}: not a number: {v}")),
        None => Ok(default),
    }
}

fn parse_bool(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: bool,
) -> Result<bool, String> {
    match get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(format!("{key}: expected true or false, got {v}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_a_local_sqlite_service() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.database, DbUrl::Sqlite(PathBuf::from("./yingbin.db")));
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.timezone, chrono_tz::Asia::Shanghai);
    }

    #[test]
    fn a_bad_number_names_its_setting() {
        let err =
            Settings::from_lookup(|k| (k == "YINGBIN_DB_POOL").then(|| "many".into())).unwrap_err();
        assert!(err.contains("YINGBIN_DB_POOL"), "{err}");
    }
}
