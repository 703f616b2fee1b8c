//! The notifier's schedule: every tick runs each job to completion (so far: refresh-session
//! retention and pruning of finished Telegram updates). A shutdown signal is
//! noticed between ticks, never in the middle of a job, so no work is cut off halfway.

use std::time::Duration;

use services::App;
use services::lifecycle::Worker;
use tokio::time::MissedTickBehavior;

/// Ticks until a shutdown signal; returns its name.
pub async fn run_until_stopped(worker: &mut Worker) -> &'static str {
    let interval = Duration::from_secs(worker.app.settings.notifier.interval_seconds);
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            signal = worker.shutdown.wait() => return signal,
            _ = ticks.tick() => {}
        }
        run_jobs(&worker.app).await;
    }
}

/// One round of every job; a failing job is logged and tried again next tick.
async fn run_jobs(app: &App) {
    if let Err(error) = app.auth.purge_dead_sessions().await {
        tracing::warn!(%error, "purging dead refresh sessions failed");
    }
    // Finished Telegram updates are kept a week, far past Telegram's own redelivery window
    // (24 h), so a late redelivery is still recognised.
    match app.inbox.prune(chrono::Duration::days(7)).await {
        Ok(0) => {}
        Ok(pruned) => tracing::info!(pruned, "pruned finished Telegram updates"),
        Err(error) => tracing::warn!(%error, "pruning the Telegram inbox failed"),
    }
}
