//! The notifier's schedule: every tick runs each job to completion: streak reminders (new users
//! scheduled, due ones claimed and reminded), premium-expiry warnings, teachers' weekly
//! digests, the outbox sent at Telegram's pace, personal FSRS parameters fitted for a few
//! profiles that have enough new reviews, and the housekeeping (refresh sessions, old
//! Telegram updates, old outbox rows). A shutdown signal is noticed between ticks, never in
//! the middle of a job, so no claimed work is cut off halfway.

use std::time::Duration;

use services::App;
use services::billing::ExpiryWarning;
use services::lifecycle::Worker;
use telegram::reminders::{compose, drain_outbox};
use telegram::sender::Sender;
use tokio::time::MissedTickBehavior;

use crate::monitor::JobMetrics;

/// Users handled per transaction: locks are held briefly and a crash loses little.
const REMINDER_BATCH: u64 = 200;
/// Outbox messages claimed at once (about seven seconds of sending at Telegram's pace).
const OUTBOX_BATCH: u64 = 200;
/// Profiles fitted per tick: a fit takes about a second on one core (docs/fsrs.md), so a tick
/// stays short and the reminders after it are not held up.
const FITS_PER_TICK: u64 = 2;

/// Ticks until a shutdown signal; returns its name.
pub async fn run_until_stopped(worker: &mut Worker, sender: &Sender, metrics: &JobMetrics) -> &'static str {
    let interval = Duration::from_secs(worker.app.settings.notifier.interval_seconds);
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            signal = worker.shutdown.wait() => return signal,
            _ = ticks.tick() => {}
        }
        run_jobs(&worker.app, sender, metrics).await;
        metrics.tick_done();
    }
}

/// One round of every job; a failing job is logged and tried again next tick.
pub async fn run_jobs(app: &App, sender: &Sender, metrics: &JobMetrics) {
    remind(app, metrics).await;
    warn_premium_expiry(app, metrics).await;
    teacher_digests(app, metrics).await;
    send_outbox(app, sender, metrics).await;
    fit_memory(app, metrics).await;
    housekeeping(app, metrics).await;
}

/// Personal FSRS parameters for profiles with enough new reviews (`services::memory`): leased,
/// so replicas never fit one profile twice; a failed fit changes nothing.
async fn fit_memory(app: &App, metrics: &JobMetrics) {
    match app.memory.fit_due(FITS_PER_TICK).await {
        Ok(round) => {
            metrics.alive();
            if round != services::memory::FitRound::default() {
                tracing::info!(
                    adopted = round.adopted,
                    rejected = round.rejected,
                    failed = round.failed,
                    skipped = round.skipped,
                    "FSRS parameters fitted"
                );
            }
        }
        Err(error) => {
            tracing::warn!(%error, "fitting FSRS parameters failed");
            metrics.job_failed("memory_fit");
        }
    }
}

async fn remind(app: &App, metrics: &JobMetrics) {
    loop {
        match app.reminders.schedule_new(REMINDER_BATCH).await {
            Ok(n) if n < usize::try_from(REMINDER_BATCH).unwrap_or(usize::MAX) => break,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "scheduling reminders failed");
                metrics.job_failed("schedule_reminders");
                break;
            }
        }
    }
    let mini_app = app.settings.telegram.mini_app_url.clone();
    let write = move |facts: &services::reminders::ReminderFacts| compose(facts, mini_app.as_ref());
    loop {
        match app.reminders.run_due(REMINDER_BATCH, &write).await {
            Ok(run) => {
                metrics.alive();
                metrics.reminders.inc_by(u64::try_from(run.sent).unwrap_or(0));
                if run.sent > 0 {
                    tracing::info!(due = run.due, sent = run.sent, "streak reminders queued");
                }
                if run.due < usize::try_from(REMINDER_BATCH).unwrap_or(usize::MAX) {
                    break;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "streak reminders failed");
                metrics.job_failed("streak_reminders");
                break;
            }
        }
    }
}

/// Premium-expiry warnings, 3 days and 1 day before the end, each once per end date.
async fn warn_premium_expiry(app: &App, metrics: &JobMetrics) {
    let mini_app = app.settings.telegram.mini_app_url.clone();
    let write = move |facts: &services::billing::ExpiryFacts| telegram::compose_expiry(facts, mini_app.as_ref());
    for warning in [ExpiryWarning::ThreeDays, ExpiryWarning::OneDay] {
        loop {
            match app.billing.warn_expiring(warning, REMINDER_BATCH, &write).await {
                Ok(sent) => {
                    metrics.alive();
                    if sent > 0 {
                        tracing::info!(sent, ?warning, "premium-expiry warnings queued");
                    }
                    if sent < usize::try_from(REMINDER_BATCH).unwrap_or(usize::MAX) {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "premium-expiry warnings failed");
                    metrics.job_failed("premium_expiry");
                    break;
                }
            }
        }
    }
}

/// Teachers' weekly digests (Monday, from their reminder hour), each once per ISO week.
async fn teacher_digests(app: &App, metrics: &JobMetrics) {
    let mini_app = app.settings.telegram.mini_app_url.clone();
    let write = move |facts: &services::groups::DigestFacts| telegram::digest::compose(facts, mini_app.as_ref());
    match app.groups.run_teacher_digests(REMINDER_BATCH, &write).await {
        Ok(run) => {
            metrics.alive();
            if run.sent > 0 {
                tracing::info!(teachers = run.candidates, sent = run.sent, "teacher digests queued");
            }
        }
        Err(error) => {
            tracing::warn!(%error, "teacher digests failed");
            metrics.job_failed("teacher_digests");
        }
    }
}

async fn send_outbox(app: &App, sender: &Sender, metrics: &JobMetrics) {
    loop {
        match drain_outbox(app, sender, OUTBOX_BATCH).await {
            Ok(run) if run.sent + run.retried + run.failed == 0 => break,
            // Each message's outcome is counted by kind where it is sent (`outbox_messages_total`).
            Ok(run) => {
                metrics.alive();
                tracing::info!(sent = run.sent, retried = run.retried, failed = run.failed, "outbox sent");
            }
            Err(error) => {
                tracing::warn!(%error, "sending the outbox failed");
                metrics.job_failed("outbox");
                break;
            }
        }
    }
}

async fn housekeeping(app: &App, metrics: &JobMetrics) {
    if let Err(error) = app.auth.purge_dead_sessions().await {
        tracing::warn!(%error, "purging dead refresh sessions failed");
        metrics.job_failed("housekeeping");
    }
    // Finished Telegram updates are kept a week, far past Telegram's own redelivery window
    // (24 h), so a late redelivery is still recognised.
    match app.inbox.prune(chrono::Duration::days(7)).await {
        Ok(0) => {}
        Ok(pruned) => tracing::info!(pruned, "pruned finished Telegram updates"),
        Err(error) => {
            tracing::warn!(%error, "pruning the Telegram inbox failed");
            metrics.job_failed("housekeeping");
        }
    }
    match app.outbox.prune(chrono::Duration::days(7)).await {
        Ok(0) => {}
        Ok(pruned) => tracing::info!(pruned, "pruned sent outbox messages"),
        Err(error) => {
            tracing::warn!(%error, "pruning the outbox failed");
            metrics.job_failed("housekeeping");
        }
    }
}
