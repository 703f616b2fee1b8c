//! Process lifecycle shared by the binaries: settings, logs, signals and the service graph,
//! the same way in each.

use std::process::ExitCode;
use std::sync::Arc;

use config::{Settings, telemetry};
use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::{App, SystemClock};

/// A background process (bot-poller, notifier) that has started: its services and the signal
/// that ends it.
pub struct Worker {
    pub name: &'static str,
    pub app: App,
    pub shutdown: ShutdownSignal,
}

impl Worker {
    /// Reads the settings (exit 2 and every problem listed when they are bad), sets up logs
    /// and signals, and builds the service graph (exit 1 when that fails).
    pub async fn start(name: &'static str) -> Result<Self, ExitCode> {
        let mut settings = Settings::load_or_report(name).ok_or(ExitCode::from(2))?;
        // api-server (or `api-server migrate`) owns a shared database's schema: workers started
        // beside it must not race it to the same migration. The embedded SQLite file is this
        // machine's alone (and SQLite serialises writers), so a worker started on its own, such
        // as bot-poller as a development bot, brings it up to date as api-server would.
        if !settings.database.is_sqlite() {
            settings.database.run_migrations = false;
        }
        telemetry::init(&settings, name);
        let app_env = settings.app_env.as_str();
        let shutdown = ShutdownSignal::install().map_err(|e| {
            tracing::error!(error = %e, "cannot install signal handlers");
            ExitCode::FAILURE
        })?;
        let app = App::build(settings, Arc::new(SystemClock)).await.map_err(|e| {
            tracing::error!(error = format!("{e:#}"), "{name} cannot start");
            ExitCode::FAILURE
        })?;
        tracing::info!(app_env, "{name} started");
        Ok(Self { name, app, shutdown })
    }

    /// Closes the database pool and reports the stop.
    pub async fn stop(self, signal: &str) -> ExitCode {
        if let Err(e) = self.app.db.clone().close().await {
            tracing::warn!(error = %e, "closing the database pool failed");
        }
        tracing::info!(signal, "{} stopped", self.name);
        ExitCode::SUCCESS
    }
}

/// SIGINT (Ctrl-C) and SIGTERM (what Docker and systemd send). Installed eagerly, before a
/// process announces it is ready, so a signal that arrives right after never kills it
/// mid-start-up with the default action.
pub struct ShutdownSignal {
    interrupt: Signal,
    terminate: Signal,
}

impl ShutdownSignal {
    pub fn install() -> std::io::Result<Self> {
        Ok(Self { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    /// Resolves with the signal's name when the first of them arrives.
    pub async fn wait(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}
