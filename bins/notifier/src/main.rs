//! notifier: the scheduled worker. It builds the same service graph as api-server and, every
//! `NOTIFICATION_WORKER_INTERVAL_SECONDS`, queues due streak reminders, sends the outbox at
//! Telegram's pace and keeps the tables tidy. Any number may run: users and outbox rows are
//! claimed with row locks.

mod jobs;

use std::process::ExitCode;

use services::lifecycle::Worker;
use telegram::runtime::BotRuntime;

#[tokio::main]
async fn main() -> ExitCode {
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
    let signal = jobs::run_until_stopped(&mut worker, &runtime.bot_sender()).await;
    worker.stop(signal).await
}
