//! bot-poller: Telegram long polling into the same inbox as the webhook, for development and
//! deployments without a public URL. With the embedded defaults and a bot token it is a whole
//! bot: it polls, stores, processes and sends, on the same service graph as api-server.

use std::process::ExitCode;

use services::lifecycle::Worker;
use telegram::runtime::BotRuntime;

#[tokio::main]
async fn main() -> ExitCode {
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
    worker.stop(signal).await
}
