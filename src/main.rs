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
        Command::Serve { demo } => {
            if demo {
                load_demo(&pool, &settings)?;
            }
            serve(settings, pool)
        }
    }
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
