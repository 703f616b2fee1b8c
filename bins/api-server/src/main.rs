//! api-server: the REST API, the Telegram webhook and the Mini App's files.
//!
//! `api-server` serves; `api-server migrate` applies pending migrations and exits.

use std::process::ExitCode;

use api::Application;
use config::{Settings, telemetry};
use repositories::Database;

const USAGE: &str = "usage: api-server [serve | migrate]";

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::load_or_report("api-server") else {
        return ExitCode::from(2);
    };
    telemetry::init(&settings, "api-server");
    let command = std::env::args().nth(1);
    let result = match command.as_deref() {
        None | Some("serve") => serve(settings).await,
        Some("migrate") => migrate(&settings).await,
        Some(_) => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "api-server failed");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let host = settings.server.host.clone();
    let app = Application::build(settings).await?;
    tracing::info!(url = format!("http://{host}:{}", app.port()), "api-server is listening");
    if let Some(port) = app.metrics_port() {
        tracing::info!(url = format!("http://{host}:{port}/metrics"), "metrics listener is up");
    }
    app.run_until_stopped().await?;
    tracing::info!("api-server stopped");
    Ok(())
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = Database::connect(&settings.database).await?;
    let pending = db.pending_migrations().await?;
    db.migrate().await?;
    tracing::info!(applied = pending, "migrations are up to date");
    db.close().await?;
    Ok(())
}
