//! Starts the real app on 127.0.0.1:0 with a fresh database, and speaks HTTP to it.
#![allow(dead_code)]

use std::collections::HashMap;

use diesel::{Connection, RunQueryDsl};
use rand::Rng;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use yingbin::config::Settings;
use yingbin::db::DbPool;

/// The first admin's password in every test app.
pub const ADMIN_PASSWORD: &str = "Reception-Head-2026";
/// The password of every user a test creates.
pub const USER_PASSWORD: &str = "Welcome-To-2027!";

/// Tests return this so `?` works.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Which database a test app runs on.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database: a temp SQLite file, or `test_<random>` on the PostgreSQL server of
/// `TEST_DATABASE_URL`, dropped afterwards.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

/// `TEST_DATABASE_URL`, or `None` when PostgreSQL tests cannot run here. In CI its absence
/// is a failure, so the PostgreSQL half can never be skipped silently.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must set TEST_DATABASE_URL: PostgreSQL tests may not be skipped"
            );
            eprintln!("TEST_DATABASE_URL is not set: skipping the PostgreSQL run of this scenario");
            None
        }
    }
}

/// Makes a fresh database and returns its URL.
pub fn fresh_database(backend: Backend) -> Option<(String, TestDb)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().ok()?;
            let path = dir.path().join("yingbin.db");
            Some((path.to_string_lossy().into_owned(), TestDb::Sqlite(dir)))
        }
        Backend::Postgres => {
            let admin_url = postgres_url()?;
            let name = format!("test_{}", rand::thread_rng().gen::<u64>());
            let mut conn =
                diesel::PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin_url.clone());
            Some((
                format!("{base}/{name}"),
                TestDb::Postgres { admin_url, name },
            ))
        }
    }
}

/// A running app.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// A client without a cookie jar (tests pass tokens explicitly).
    pub client: reqwest::Client,
    /// The app's pool, for checks that look under the API.
    pub pool: DbPool,
    /// Which backend.
    pub backend: Backend,
    /// The database URL (another instance can share it).
    pub database_url: String,
    /// Where the app writes files (`mail/` holds the `.eml` of the file transport).
    pub data_dir: std::path::PathBuf,
    _data: tempfile::TempDir,
    _db: TestDb,
}

/// A JSON request with a bearer token: the status and the JSON body.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = app.req(method, path, Some(token));
    if let Some(b) = body {
        r = r.json(&b);
    }
    json_of(r.send().await.expect("request")).await
}

/// Starts the app on SQLite.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await.expect("sqlite app")
}

/// Starts the app on `backend`; `None` when PostgreSQL is not available outside CI.
pub async fn spawn_app_on(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// Starts the app on `backend` with extra settings (`YINGBIN_SMTP_URL`…).
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, String)]) -> Option<TestApp> {
    let (url, db) = fresh_database(backend)?;
    let data = tempfile::tempdir().expect("data dir");
    let (address, pool) = start_instance(&url, data.path(), extra);
    Some(TestApp {
        address,
        client: reqwest::Client::new(),
        pool,
        backend,
        database_url: url,
        data_dir: data.path().to_path_buf(),
        _data: data,
        _db: db,
    })
}

/// Starts one more instance of the service on an existing database; returns its address
/// and pool. It runs until the test ends.
pub fn start_instance(
    url: &str,
    data_dir: &std::path::Path,
    extra: &[(&str, String)],
) -> (String, DbPool) {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", url.to_string());
    env.insert("YINGBIN_DATA_DIR", data_dir.display().to_string());
    env.insert("YINGBIN_BIND", "127.0.0.1:0".into());
    env.insert("YINGBIN_ADMIN_PASSWORD", ADMIN_PASSWORD.into());
    env.insert("YINGBIN_DB_POOL", "4".into());
    env.insert("YINGBIN_WORKERS", "2".into());
    env.insert("YINGBIN_MAX_UPLOAD_MB", "2".into());
    for (k, v) in extra {
        env.insert(k, v.clone());
    }
    let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("settings");
    let (pool, _) = yingbin::prepare_database(&settings).expect("database");
    let app = yingbin::Application::build(settings, pool.clone()).expect("build");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (address, pool)
}

impl TestApp {
    /// A request with a bearer token (or none).
    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self
            .client
            .request(method, format!("{}{path}", self.address));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// Signs in and returns the token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), 200, "login as {username}");
        let body: Value = response.json().await.expect("login body");
        body["token"].as_str().expect("token").to_string()
    }

    /// The admin's token.
    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user with a role and scope, signs them in, returns the token.
    pub async fn user(
        &self,
        admin: &str,
        username: &str,
        role: &str,
        scope: Option<&str>,
    ) -> String {
        let response = self
            .req(Method::POST, "/api/v1/users", Some(admin))
            .json(&serde_json::json!({"username": username, "password": USER_PASSWORD, "role": role, "scope": scope}))
            .send()
            .await
            .expect("create user");
        assert_eq!(
            response.status(),
            201,
            "create {username}: {}",
            response.text().await.unwrap_or_default()
        );
        self.login(username, USER_PASSWORD).await
    }

    /// Imports a CSV (as bytes) and returns status and body.
    pub async fn import(
        &self,
        token: &str,
        csv: impl Into<Vec<u8>>,
        dry_run: bool,
    ) -> (u16, Value) {
        let path = if dry_run {
            "/api/v1/guests/import?dry_run=true"
        } else {
            "/api/v1/guests/import"
        };
        let response = self
            .req(Method::POST, path, Some(token))
            .header("Content-Type", "text/csv")
            .body(csv.into())
            .send()
            .await
            .expect("import");
        json_of(response).await
    }

    /// The hub with this code as `GET /hubs` shows it (`Null` when there is none).
    pub async fn hub(&self, token: &str, code: &str) -> Value {
        let (_, hubs) = self.get_json("/api/v1/hubs", token).await;
        hubs.as_array()
            .and_then(|list| list.iter().find(|h| h["code"] == code))
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// GET a JSON resource.
    pub async fn get_json(&self, path: &str, token: &str) -> (u16, Value) {
        json_of(
            self.req(Method::GET, path, Some(token))
                .send()
                .await
                .expect("get"),
        )
        .await
    }

    /// How many guests there are, looking as admin.
    pub async fn guest_total(&self, token: &str) -> i64 {
        let (status, body) = self.get_json("/api/v1/guests?limit=0", token).await;
        assert_eq!(status, 200);
        body["total"].as_i64().expect("total")
    }
}

/// Status and JSON body (Null when the body is not JSON).
pub async fn json_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Runs a scenario on SQLite and on PostgreSQL: `on_both_backends!(name, scenario_fn)`
/// makes the tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $scenario:path) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::common::{spawn_app_on, Backend, TestResult};

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> TestResult {
                let app = spawn_app_on(Backend::Sqlite).await.expect("sqlite");
                $scenario(app).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> TestResult {
                match spawn_app_on(Backend::Postgres).await {
                    Some(app) => $scenario(app).await,
                    None => Ok(()),
                }
            }
        }
    };
}

/// A valid Chinese resident ID with this first 17 digits.
pub fn resident_id(first17: &str) -> String {
    format!(
        "{first17}{}",
        yingbin::guests::id_number::check_digit(first17).expect("17 digits")
    )
}
