//! notifier: the scheduled worker (streak reminders, expiries, retention, paced outbound
//! sends). Until those jobs land it only starts, reports and stops.

use std::process::ExitCode;

use config::{Settings, telemetry};
use services::lifecycle::ShutdownSignal;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::load_or_report("notifier") else {
        return ExitCode::from(2);
    };
    telemetry::init(&settings, "notifier");
    let shutdown = match ShutdownSignal::install() {
        Ok(shutdown) => shutdown,
        Err(e) => {
            tracing::error!(error = %e, "cannot install signal handlers");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(app_env = settings.app_env.as_str(), "notifier started");
    let signal = shutdown.wait().await;
    tracing::info!(signal, "notifier stopped");
    ExitCode::SUCCESS
}
