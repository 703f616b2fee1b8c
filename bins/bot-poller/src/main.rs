//! bot-poller: Telegram long polling into the same inbox as the webhook, for development and
//! deployments without a public URL. It builds the same service graph as api-server; until the
//! bot lands it only starts, reports and stops.

use std::process::ExitCode;

use services::lifecycle::Worker;

#[tokio::main]
async fn main() -> ExitCode {
    let mut worker = match Worker::start("bot-poller").await {
        Ok(worker) => worker,
        Err(code) => return code,
    };
    let signal = worker.shutdown.wait().await;
    worker.stop(signal).await
}
