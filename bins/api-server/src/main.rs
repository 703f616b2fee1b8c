//! api-server: the REST API, the Telegram webhook and the Mini App's files.
//!
//! `api-server` serves; `api-server migrate` applies pending migrations and exits;
//! `api-server openapi` prints the OpenAPI document of this configuration (the Mini App's API
//! types are generated from it).

use std::process::ExitCode;

use api::Application;
use config::{Settings, telemetry};
use repositories::Database;
use telegram::runtime::BotRuntime;
use tokio::sync::watch;
use tokio::task::JoinHandle;

const USAGE: &str = "usage: api-server [serve | migrate | openapi | healthcheck]";

#[tokio::main]
async fn main() -> ExitCode {
    // Before the configuration: a probe needs only the port.
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return services::healthcheck::run("PORT", Some(8000));
    }
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
    let bot = start_bot(&app.state().app)?;
    let result = app.run_until_stopped().await;
    if let Some((stop, processor)) = bot {
        let _ = stop.send(true);
        if let Err(error) = processor.await {
            tracing::warn!(%error, "the bot's update processor ended abnormally");
        }
    }
    result?;
    tracing::info!("api-server stopped");
    Ok(())
}

/// With a webhook secret the webhook route stores updates, so this process also handles them;
/// with a webhook URL too, it tells Telegram where to send them.
fn start_bot(app: &services::App) -> anyhow::Result<Option<(watch::Sender<bool>, JoinHandle<()>)>> {
    let telegram = &app.settings.telegram;
    let Some(secret) = telegram.webhook_secret.clone() else {
        return Ok(None);
    };
    let runtime = BotRuntime::new(app)?;
    if let Some(url) = telegram.webhook_url.clone() {
        let (api, bot) = (runtime.api.clone(), runtime.bot.clone());
        tokio::spawn(async move {
            match telegram::startup::set_webhook(&api, &url, &secret).await {
                Ok(()) => tracing::info!("webhook registered with Telegram"),
                Err(error) => tracing::error!(%error, "setWebhook failed: Telegram will not deliver updates here"),
            }
            bot.register().await;
        });
    }
    let (stop, stopped) = watch::channel(false);
    let processor = runtime.spawn_processor(app, stopped);
    tracing::info!("processing Telegram updates from the webhook");
    Ok(Some((stop, processor)))
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
