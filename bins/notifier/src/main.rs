//! notifier: the scheduled worker (streak reminders, expiries, retention, paced outbound
//! sends). Until those jobs land it only starts, reports and stops.

use std::process::ExitCode;

use config::{Settings, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("notifier cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings, "notifier");
    tracing::info!(app_env = settings.app_env.as_str(), "notifier started");
    let signal = services::lifecycle::shutdown_signal().await;
    tracing::info!(signal, "notifier stopped");
    ExitCode::SUCCESS
}
