//! bot-poller: Telegram long polling into the same inbox as the webhook, for development and
//! deployments without a public URL. Until the bot lands it only starts, reports and stops.

use std::process::ExitCode;

use config::{Settings, telemetry};
use services::lifecycle::ShutdownSignal;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::load_or_report("bot-poller") else {
        return ExitCode::from(2);
    };
    telemetry::init(&settings, "bot-poller");
    let shutdown = match ShutdownSignal::install() {
        Ok(shutdown) => shutdown,
        Err(e) => {
            tracing::error!(error = %e, "cannot install signal handlers");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(app_env = settings.app_env.as_str(), "bot-poller started");
    let signal = shutdown.wait().await;
    tracing::info!(signal, "bot-poller stopped");
    ExitCode::SUCCESS
}
