//! bot-poller: Telegram long polling into the same inbox as the webhook, for development and
//! deployments without a public URL. With the embedded defaults and a bot token it is a whole
//! bot: it polls, stores, processes and sends, on the same service graph as api-server.
//! With `METRICS_PORT` it serves its own `/health` (503 once no poll round ended for three
//! minutes) and `/metrics` on `METRICS_HOST`.

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use services::lifecycle::Worker;
use telegram::runtime::BotRuntime;

#[tokio::main]
async fn main() -> ExitCode {
    // `bot-poller healthcheck`: the container's probe of /health on METRICS_PORT.
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return services::healthcheck::run("METRICS_PORT", None);
    }
    let mut worker = match Worker::start("bot-poller").await {
        Ok(worker) => worker,
        Err(code) => return code,
    };
    let runtime = match BotRuntime::new(&worker.app) {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot set up the Bot API client");
            return ExitCode::FAILURE;
        }
    };
    if worker.app.settings.telegram.is_development_token() {
        tracing::warn!(
            "TELEGRAM_BOT_TOKEN is the local development token: Telegram will refuse it; set a token from @BotFather"
        );
    }
    let monitor = match serve_monitor(&worker.app) {
        Ok(monitor) => monitor,
        Err(error) => {
            tracing::error!(%error, "bot-poller cannot serve health and metrics");
            return ExitCode::FAILURE;
        }
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let registration = {
        let bot = runtime.bot.clone();
        tokio::spawn(async move { bot.register().await })
    };
    let processor = runtime.spawn_processor(&worker.app, stopped.clone());
    let poller = runtime.spawn_poller(&worker.app, stopped);
    let signal = worker.shutdown.wait().await;
    let _ = stop.send(true);
    registration.abort();
    for task in [poller, processor] {
        if let Err(error) = task.await {
            tracing::warn!(%error, "a bot task ended abnormally");
        }
    }
    if let Some(handle) = monitor {
        handle.stop(true).await;
    }
    worker.stop(signal).await
}

/// A round is one long poll (50 s) or a standby's wait, plus the network: three minutes
/// without one ending means the loop is stuck.
const POLL_STALE_AFTER: Duration = Duration::from_secs(180);

/// `/health` and `/metrics` on `METRICS_HOST:METRICS_PORT`, when a port is set.
fn serve_monitor(app: &services::App) -> std::io::Result<Option<api::monitor::ServerHandle>> {
    let server = &app.settings.server;
    let Some(port) = server.metrics_port else { return Ok(None) };
    let listener = TcpListener::bind((server.metrics_host.as_str(), port))?;
    let address = listener.local_addr()?;
    let handle = api::monitor::serve(
        listener,
        api::monitor::Monitor {
            registry: app.registry.clone(),
            token: server.metrics_token.clone(),
            heartbeat: app.metrics.poller.last_round.clone(),
            stale_after: POLL_STALE_AFTER,
            backlog: Some(app.metrics.backlog.clone()),
        },
    )?;
    tracing::info!(%address, "bot-poller health and metrics listening");
    Ok(Some(handle))
}
