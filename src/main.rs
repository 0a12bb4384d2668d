//! The `yingbin` command: serve (the default), migrate, demo, import.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use yingbin::config::Settings;

#[derive(Parser)]
#[command(
    name = "yingbin",
    version,
    about = "迎宾 Yingbin — guest hospitality for large events"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP (the default).
    Serve {
        /// Load the demo event first if the database has no guests.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database up to date and stop.
    Migrate,
    /// Load the demo event into a database without guests.
    Demo,
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Pass signing keys.
    Keys {
        #[command(subcommand)]
        what: KeysCommand,
    },
    /// Verify a pass token offline, with the public keys from `GET /api/v1/passes/keys`.
    Verify {
        /// The token as read from the QR code.
        token: String,
        /// The keys file (JSON as the endpoint serves it).
        #[arg(long)]
        keys: PathBuf,
        /// The signed revocation list (JSON as `GET /api/v1/passes/revocations` serves it):
        /// a revoked or replaced card then says so.
        #[arg(long)]
        revocations: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a new signing key; older keys still verify until retired.
    Rotate,
    /// List the keys.
    List,
    /// Retire a key: tokens it signed are rejected from then on.
    Retire {
        /// The key id.
        key_id: i32,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// A guest list CSV (UTF-8 or GB18030), as `POST /api/v1/guests/import` takes.
    Guests {
        /// The CSV file.
        file: PathBuf,
        /// Check and report without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("yingbin: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let json = std::env::var("YINGBIN_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn run(cli: Cli) -> Result<(), String> {
    // Offline verification needs no database.
    if let Some(Command::Verify {
        token,
        keys,
        revocations,
    }) = &cli.command
    {
        let read = |path: &PathBuf| {
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        let keys = read(keys)?;
        let revocations = revocations.as_ref().map(read).transpose()?;
        let report = yingbin::passes::verify::verify_offline(
            token,
            &keys,
            revocations.as_deref(),
            chrono::Utc::now().timestamp(),
        )?;
        println!("{report}");
        return if report.starts_with("VALID") {
            Ok(())
        } else {
            Err("the token is not valid".into())
        };
    }
    let settings = Settings::from_env()?;
    let (pool, generated) = yingbin::prepare_database(&settings)?;
    if let Some(password) = generated {
        // Printed once, on the console only: it is not stored anywhere in clear.
        println!("\n  迎宾 Yingbin: created user `admin` with password  {password}\n  (set YINGBIN_ADMIN_PASSWORD to choose it)\n");
    }
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Migrate => Ok(()),
        Command::Demo => load_demo(&pool, &settings),
        Command::Import {
            what: ImportWhat::Guests { file, dry_run },
        } => yingbin::demo::import_file(&pool, &settings, &file, dry_run),
        Command::Keys { what } => keys(&pool, what),
        Command::Verify { .. } => Ok(()),
        Command::Serve { demo } => {
            if demo {
                load_demo(&pool, &settings)?;
                yingbin::demo::start_clock(pool.clone(), &settings);
            }
            serve(settings, pool)
        }
    }
}

fn keys(pool: &yingbin::db::DbPool, what: KeysCommand) -> Result<(), String> {
    use yingbin::db::write_tx;
    use yingbin::passes::keys as k;
    use yingbin::time::now_utc;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    match what {
        KeysCommand::Rotate => {
            let id = write_tx(&mut conn, now_utc(), k::create_key).map_err(|e| e.to_string())?;
            println!("key {id} now signs new passes; older keys still verify until retired");
        }
        KeysCommand::Retire { key_id } => {
            let retired = write_tx(&mut conn, now_utc(), |tx| {
                if k::retire_key(tx, key_id)? == 0 {
                    return Ok(false);
                }
                // A key must always sign: retiring the last one makes a new one.
                k::ensure_key(tx)?;
                Ok::<_, diesel::result::Error>(true)
            })
            .map_err(|e| e.to_string())?;
            if !retired {
                return Err(format!("no key {key_id}"));
            }
            println!("key {key_id} retired");
        }
        KeysCommand::List => {
            for key in k::list_keys(&mut conn).map_err(|e| e.to_string())? {
                let state = key
                    .retired_at
                    .map_or("active".to_string(), |t| format!("retired {t}"));
                println!(
                    "{}\t{}\t{}\t{state}",
                    key.key_id, key.public_key, key.created_at
                );
            }
        }
    }
    Ok(())
}

fn load_demo(pool: &yingbin::db::DbPool, settings: &Settings) -> Result<(), String> {
    match yingbin::demo::load(pool, settings)? {
        Some(summary) => println!("{summary}"),
        None => println!("demo: the database already has guests; left as it is"),
    }
    Ok(())
}

fn serve(settings: Settings, pool: yingbin::db::DbPool) -> Result<(), String> {
    let bind = settings.bind.clone();
    actix_web::rt::System::new().block_on(async move {
        let app = yingbin::Application::build(settings, pool)?;
        tracing::info!(%bind, "serving; open http://{bind}/");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}
