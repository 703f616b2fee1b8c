//! bot-poller: Telegram long polling into the same inbox as the webhook, for development and
//! deployments without a public URL. Until the bot lands it only starts, reports and stops.

use std::process::ExitCode;

use config::{Settings, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("bot-poller cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings, "bot-poller");
    tracing::info!(app_env = settings.app_env.as_str(), "bot-poller started");
    let signal = services::lifecycle::shutdown_signal().await;
    tracing::info!(signal, "bot-poller stopped");
    ExitCode::SUCCESS
}
