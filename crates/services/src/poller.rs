//! Long polling into the inbox (bot-poller): while this process holds the leader lock it asks
//! Telegram for updates, stores each in the inbox, and only then moves its offset past them
//! (the next `getUpdates` confirms them to Telegram). A crash between the two loses nothing:
//! Telegram sends the unconfirmed updates again and the inbox ignores the ones it has.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::inbox::{InboxError, InboxService};
use crate::leader::LeaderLock;
use crate::metrics::PollerMetrics;

/// One update as Telegram sent it: its id and its JSON text.
#[derive(Debug, Clone)]
pub struct RawUpdate {
    pub update_id: i64,
    pub json: String,
}

#[derive(Debug, thiserror::Error)]
#[error("getUpdates failed: {0}")]
pub struct SourceError(pub String);

/// Telegram's `getUpdates` (the bot crate implements it on the Bot API client).
#[async_trait::async_trait]
pub trait UpdateSource: Send + Sync + 'static {
    /// Updates from `offset` on (all unconfirmed ones when `None`), waiting up to `timeout`
    /// for the first to arrive.
    async fn get_updates(&self, offset: Option<i64>, timeout: Duration) -> Result<Vec<RawUpdate>, SourceError>;
}

#[derive(Debug, Clone)]
pub struct PollerConfig {
    /// Telegram's long-poll timeout (50 s in bot.md).
    pub poll_timeout: Duration,
    /// Longest wait after a failure (doubling from a second).
    pub max_backoff: Duration,
}

impl Default for PollerConfig {
    fn default() -> Self {
        Self { poll_timeout: Duration::from_secs(50), max_backoff: Duration::from_secs(30) }
    }
}

pub struct Poller {
    inbox: InboxService,
    source: Arc<dyn UpdateSource>,
    lock: LeaderLock,
    config: PollerConfig,
    metrics: Option<PollerMetrics>,
}

/// What one round did, for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Another process leads; this one waits.
    Standby,
    /// Stored this many updates (duplicates included).
    Stored(usize),
    Failed,
}

impl Poller {
    /// `lock`'s TTL must outlast one long poll (`config.poll_timeout` plus the request's own
    /// slack), because the holder renews it only between polls.
    pub fn new(inbox: InboxService, source: Arc<dyn UpdateSource>, lock: LeaderLock, config: PollerConfig) -> Self {
        Self { inbox, source, lock, config, metrics: None }
    }

    /// Counts rounds and keeps the heartbeat that bot-poller's `/health` reads.
    pub fn with_metrics(self, metrics: PollerMetrics) -> Self {
        Self { metrics: Some(metrics), ..self }
    }

    /// Polls until `stop` turns true, then gives the lock up.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut offset = None;
        let mut failures = 0_u32;
        while !*stop.borrow() {
            let (round, next) = tokio::select! {
                _ = stop.changed() => break,
                outcome = self.round(offset) => outcome,
            };
            offset = next;
            if let Some(metrics) = &self.metrics {
                let outcome = match round {
                    Round::Stored(_) => "stored",
                    Round::Standby => "standby",
                    Round::Failed => "failed",
                };
                metrics.round_done(outcome, chrono::Utc::now());
            }
            let pause = match round {
                Round::Stored(_) => {
                    failures = 0;
                    continue;
                }
                Round::Standby => {
                    failures = 0;
                    self.lock.renew_every()
                }
                Round::Failed => {
                    failures = failures.saturating_add(1);
                    backoff(failures, self.config.max_backoff)
                }
            };
            tokio::select! {
                _ = stop.changed() => break,
                _ = tokio::time::sleep(pause) => {}
            }
        }
        if let Err(error) = self.lock.release().await {
            tracing::warn!(%error, "cannot release the poller's leader lock; it expires by itself");
        }
    }

    /// One `getUpdates` if this process leads; returns the offset to ask for next.
    pub async fn round(&self, offset: Option<i64>) -> (Round, Option<i64>) {
        match self.lock.acquire_or_renew().await {
            Ok(true) => {}
            // A standby forgets its offset: when it leads, it starts from what is unconfirmed.
            Ok(false) => return (Round::Standby, None),
            Err(error) => {
                tracing::warn!(%error, "cannot reach the cache for the poller's leader lock");
                return (Round::Failed, offset);
            }
        }
        let updates = match self.source.get_updates(offset, self.config.poll_timeout).await {
            Ok(updates) => updates,
            Err(error) => {
                tracing::warn!(%error, "long polling failed");
                return (Round::Failed, offset);
            }
        };
        let mut next = offset;
        let mut stored = 0;
        for update in updates {
            match self.inbox.receive(&update.json).await {
                Ok(_) => stored += 1,
                // Telegram's own update that we cannot read: logged and skipped, or it would
                // come back forever.
                Err(InboxError::Malformed(reason)) => {
                    tracing::warn!(update_id = update.update_id, %reason, "skipping an unreadable update");
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot store an update; asking for it again");
                    return (Round::Failed, next);
                }
            }
            next = Some(next.map_or(update.update_id + 1, |n: i64| n.max(update.update_id + 1)));
        }
        (Round::Stored(stored), next)
    }
}

fn backoff(failures: u32, max: Duration) -> Duration {
    Duration::from_secs(1_u64 << failures.saturating_sub(1).min(6)).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap() {
        let max = Duration::from_secs(30);
        assert_eq!(backoff(1, max), Duration::from_secs(1));
        assert_eq!(backoff(3, max), Duration::from_secs(4));
        assert_eq!(backoff(50, max), max);
    }
}
