//! Yingbin (迎宾): guest hospitality for large events.
//!
//! `Application::build` turns settings into a running service: pool → migrations → first
//! admin → routes. `main.rs` and the tests start exactly this.

pub mod accounts;
pub mod arrangements;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod error_zh;
pub mod guests;
pub mod hotels;
pub mod http;
pub mod hygiene;
pub mod i18n;
pub mod layers;
pub mod letters;
pub mod live;
pub mod meals;
pub mod openapi;
pub mod outbox;
pub mod passes;
pub mod pickups;
pub mod reception;
pub mod scan;
pub mod time;
pub mod tls;
pub mod web;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{middleware, web as aw, App, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::db::DbPool;
use crate::error::AppError;

/// What every handler can reach.
pub struct AppState {
    /// The database pool.
    pub pool: DbPool,
    /// The settings the service started with.
    pub settings: Arc<Settings>,
    /// Public keys for verifying passes, cached.
    pub keys: Arc<passes::keys::KeyRing>,
    /// Zones and scan points, cached for the scan path.
    pub scan_cache: Arc<scan::service::ScanCache>,
    /// Signed-in users, cached for a few seconds.
    pub sessions: auth::extract::SessionCache,
    /// The scan log's group-commit writer (both backends).
    pub scan_writer: scan::writer::ScanWriter,
    /// Changes pushed to open pickup boards.
    pub live: live::LiveFeed,
    /// Outgoing email: the transport and this instance's sending worker.
    pub mail: outbox::Mailer,
    /// Bounds concurrent password checks (one per core).
    pub hashing: auth::password::HashGate,
}

impl AppState {
    /// Runs `f` with a pooled connection on the blocking thread pool (r2d2 and diesel block).
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut db::DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        aw::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs a change: one write transaction on a pooled connection, acting at one reading of
    /// the clock (`tx.now()`), on the blocking thread pool. Every part of `f` commits
    /// together or not at all.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut db::Tx) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.write_or_rehearse(false, f).await
    }

    /// Runs a change without committing it (`dry_run`) or for real: a preview is the change.
    pub async fn write_or_rehearse<T, F>(&self, dry_run: bool, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut db::Tx) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        aw::block(move || {
            let mut conn = pool.get()?;
            let now = time::now_utc();
            if dry_run {
                db::rehearse(&mut conn, now, f)
            } else {
                db::write_tx(&mut conn, now, f)
            }
        })
        .await?
    }
}

/// Opens the pool and brings the database up to date; on an empty database creates the
/// first admin. Returns the pool and, when one was generated, the admin's password.
pub fn prepare_database(settings: &Settings) -> Result<(DbPool, Option<String>), String> {
    let pool = db::open_pool(
        &settings.database,
        &db::PoolOptions {
            max_size: settings.pool_size,
            timeout: settings.pool_timeout,
            create_sqlite: settings.create_database,
        },
    )?;
    let mut conn = pool
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    db::run_migrations(&mut conn)?;
    let generated = auth::service::ensure_admin(&mut conn, settings.admin_password.as_deref())?;
    db::write_tx(&mut conn, time::now_utc(), passes::keys::ensure_key)
        .map_err(|e: diesel::result::Error| format!("cannot create the signing key: {e}"))?;
    Ok((pool, generated))
}

/// A bound, not yet running service.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds the listener (port 0 picks a free one) and builds the server.
    pub fn build(settings: Settings, pool: DbPool) -> Result<Application, String> {
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let workers = settings.workers;
        let settings_pool_size = settings.pool_size;
        let max_upload = settings.max_upload_bytes;
        let tls = match &settings.tls {
            Some((cert, key)) => Some(tls::server_config(cert, key)?),
            None => None,
        };
        if let db::DbUrl::Sqlite(path) = &settings.database {
            db::start_checkpointer(path.clone())?;
        }
        let keys = Arc::new(passes::keys::KeyRing::default());
        let scan_cache = Arc::new(scan::service::ScanCache::default());
        let scan_writers = match settings.database {
            db::DbUrl::Sqlite(_) => 1,
            db::DbUrl::Postgres(_) => 2,
        };
        let scan_writer = scan::writer::ScanWriter::start(
            pool.clone(),
            keys.clone(),
            scan_cache.clone(),
            scan_writers,
        )?;
        let live = live::LiveFeed::start(pool.clone());
        let settings = Arc::new(settings);
        let mail = outbox::Mailer::start(
            pool.clone(),
            settings.clone(),
            Arc::new(letters::AllLetters),
        )?;
        let state = aw::Data::new(AppState {
            pool,
            settings,
            keys,
            scan_cache,
            sessions: auth::extract::SessionCache::default(),
            scan_writer,
            live,
            mail,
            hashing: auth::password::HashGate::default(),
        });
        let blocking_threads = settings_pool_size.max(2) as usize;
        let server =
            HttpServer::new(move || {
                App::new()
                    .app_data(state.clone())
                    .app_data(aw::PayloadConfig::new(max_upload))
                    .app_data(
                        aw::JsonConfig::default()
                            .limit(1024 * 1024)
                            .error_handler(json_error),
                    )
                    .app_data(aw::QueryConfig::default().error_handler(query_error))
                    .app_data(aw::PathConfig::default().error_handler(|e, _| {
                        AppError::bad_request(format!("bad path: {e}")).into()
                    }))
                    // Innermost: sees every handler's and extractor's error before the logger.
                    .wrap(middleware::from_fn(http::edge))
                    .wrap(middleware::DefaultHeaders::new().add(("X-Frame-Options", "DENY")))
                    .wrap(TracingLogger::default())
                    .service(web::healthz)
                    .service(web::openapi_json)
                    .service(
                        aw::scope("/api/v1")
                            // Scans first: the busiest route is matched before the others.
                            .configure(scan::routes)
                            .configure(auth::routes)
                            .configure(accounts::routes)
                            .configure(arrangements::routes)
                            .configure(reception::routes)
                            .configure(guests::routes)
                            .configure(passes::routes)
                            .configure(hotels::routes)
                            .configure(pickups::routes)
                            .configure(meals::routes)
                            .configure(hygiene::routes)
                            .configure(letters::routes)
                            .default_service(aw::to(|| async {
                                Err::<actix_web::HttpResponse, _>(AppError::NotFound("route"))
                            })),
                    )
                    .default_service(aw::get().to(web::static_file))
            })
            // Database work runs on the blocking pool; more threads than connections would
            // only queue on the connection pool's lock and switch contexts.
            .worker_max_blocking_threads(blocking_threads);
        let mut server = match tls {
            Some(config) => server.listen_rustls_0_23(listener, config),
            None => server.listen(listener),
        }
        .map_err(|e| e.to_string())?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Application {
            port,
            server: server.run(),
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// A query string that does not fit: 400, naming the parameter when serde says which (an
/// unknown filter must never silently return everything).
fn query_error(
    e: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    let text = e.to_string();
    let field = text
        .split('`')
        .nth(1)
        .filter(|_| text.contains("unknown field") || text.contains("missing field"));
    match field {
        Some(name) if text.contains("unknown field") => AppError::BadRequestField {
            message: format!("unknown query parameter: {name}"),
            field: name.to_string(),
        },
        Some(name) => AppError::BadRequestField {
            message: format!("missing query parameter: {name}"),
            field: name.to_string(),
        },
        None => AppError::bad_request(format!("bad query: {text}")),
    }
    .into()
}

fn json_error(
    e: actix_web::error::JsonPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    match e {
        J::Overflow { .. } | J::OverflowKnownLength { .. } => {
            AppError::TooLarge("request body too large".into()).into()
        }
        J::ContentType => {
            AppError::UnsupportedMediaType("send JSON (Content-Type: application/json)".into())
                .into()
        }
        other => AppError::bad_request(format!("bad JSON: {other}")).into(),
    }
}
