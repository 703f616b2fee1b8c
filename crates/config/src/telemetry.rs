//! Process-wide logging set-up. Nothing else in the workspace configures `tracing`.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::{LogFormat, Settings};

/// Installs the global subscriber: JSON lines outside local, human-readable in local.
/// `RUST_LOG`, when set, overrides `LOG_LEVEL` for ad-hoc debugging.
/// Calling it twice (as tests do) keeps the first subscriber.
pub fn init(settings: &Settings, service: &'static str) {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .or_else(|| EnvFilter::try_new(&settings.log_level).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_span_events(FmtSpan::NONE).with_target(true);
    let installed = match settings.log_format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
    if installed.is_ok() {
        tracing::info!(service, app_env = settings.app_env.as_str(), "telemetry initialised");
    }
}
