//! api-server: the REST API, the Telegram webhook and the Mini App's files.
//!
//! `api-server` serves; `api-server migrate` applies pending migrations and exits;
//! `api-server openapi` prints the OpenAPI document of this configuration (the Mini App's API
//! types are generated from it).

use std::process::ExitCode;

use api::Application;
use config::{Settings, telemetry};
use repositories::Database;

const USAGE: &str = "usage: api-server [serve | migrate | openapi]";

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::load_or_report("api-server") else {
        return ExitCode::from(2);
    };
    let command = std::env::args().nth(1);
    // The document goes to stdout alone, without log lines.
    if command.as_deref() != Some("openapi") {
        telemetry::init(&settings, "api-server");
    }
    let result = match command.as_deref() {
        None | Some("serve") => serve(settings).await,
        Some("migrate") => migrate(&settings).await,
        Some("openapi") => print_openapi(&settings),
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

fn print_openapi(settings: &Settings) -> anyhow::Result<()> {
    use std::io::Write;
    let document = serde_json::to_string_pretty(&api::routes::openapi::document(settings))?;
    writeln!(std::io::stdout(), "{document}")?;
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
