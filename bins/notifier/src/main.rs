//! notifier: the scheduled worker. It builds the same service graph as api-server and, every
//! `NOTIFICATION_WORKER_INTERVAL_SECONDS`, queues due streak reminders, sends the outbox at
//! Telegram's pace and keeps the tables tidy. Any number may run: users and outbox rows are
//! claimed with row locks. With `METRICS_PORT` it serves its own `/health` and `/metrics`.

mod jobs;
mod monitor;

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use services::lifecycle::Worker;
use telegram::runtime::BotRuntime;

#[tokio::main]
async fn main() -> ExitCode {
    // `notifier healthcheck`: the container's probe of /health on METRICS_PORT.
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return services::healthcheck::run("METRICS_PORT", None);
    }
    let mut worker = match Worker::start("notifier").await {
        Ok(worker) => worker,
        Err(code) => return code,
    };
    let runtime = match BotRuntime::new(&worker.app) {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "notifier cannot set up the Bot API client");
            return ExitCode::FAILURE;
        }
    };
    let metrics = match monitor::JobMetrics::register(&worker.app.registry) {
        Ok(metrics) => metrics,
        Err(error) => {
            tracing::error!(%error, "notifier cannot register its metrics");
            return ExitCode::FAILURE;
        }
    };
    let server = &worker.app.settings.server;
    let monitor = match server.metrics_port {
        Some(port) => {
            let served = TcpListener::bind((server.metrics_host.as_str(), port)).and_then(|listener| {
                let address = listener.local_addr()?;
                // Three intervals, and never under three minutes: one slow round is not a stall.
                let interval = worker.app.settings.notifier.interval_seconds;
                let stale_after = Duration::from_secs(interval.saturating_mul(3).max(180));
                let handle = api::monitor::serve(
                    listener,
                    api::monitor::Monitor {
                        registry: worker.app.registry.clone(),
                        token: server.metrics_token.clone(),
                        heartbeat: metrics.last_tick.clone(),
                        stale_after,
                        backlog: Some(worker.app.metrics.backlog.clone()),
                    },
                )?;
                tracing::info!(%address, "notifier health and metrics listening");
                Ok(handle)
            });
            match served {
                Ok(handle) => Some(handle),
                Err(error) => {
                    tracing::error!(%error, port, "notifier cannot serve health and metrics");
                    return ExitCode::FAILURE;
                }
            }
        }
        None => None,
    };
    let signal = jobs::run_until_stopped(&mut worker, &runtime.bot_sender(), &metrics).await;
    if let Some(handle) = monitor {
        handle.stop(true).await;
    }
    worker.stop(signal).await
}
