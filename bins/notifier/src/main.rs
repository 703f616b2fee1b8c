//! notifier: the scheduled worker (streak reminders, expiries, retention, paced outbound
//! sends). It builds the same service graph as api-server and runs its jobs every
//! `NOTIFICATION_WORKER_INTERVAL_SECONDS`; so far that is the retention of refresh sessions.

mod jobs;

use std::process::ExitCode;

use services::lifecycle::Worker;

#[tokio::main]
async fn main() -> ExitCode {
    let mut worker = match Worker::start("notifier").await {
        Ok(worker) => worker,
        Err(code) => return code,
    };
    let signal = jobs::run_until_stopped(&mut worker).await;
    worker.stop(signal).await
}
