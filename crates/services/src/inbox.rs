//! The Telegram inbox (architecture.md, "Telegram updates: inbox, never inline"): the webhook
//! and the poller only store an update; [`InboxProcessor`] claims stored updates in order per
//! chat and hands each to an [`UpdateHandler`] (the bot's router). Telegram never waits for
//! the LLM, a redelivered `update_id` is stored once, and a crash loses nothing: a claim is a
//! lease, and a row whose processor died is taken again when its lease runs out.
//!
//! Delivery to the handler is at least once: a process killed after the handler answered but
//! before the row was marked done runs that update again. Handlers keep their own effects
//! idempotent where a repeat would show (a review is keyed by the update, for example).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
pub use repositories::inbox::ClaimedUpdate;
use repositories::inbox::{self, NewUpdate};
use repositories::{Database, RepoError};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::Clock;

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("the update is not valid JSON with a numeric update_id: {0}")]
    Malformed(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// What went wrong handling an update. A retryable failure runs again after a backoff (up to
/// the attempt limit); any other parks the update with the message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct HandlerError {
    pub message: String,
    pub retryable: bool,
}

impl HandlerError {
    pub fn retry(message: impl Into<String>) -> Self {
        Self { message: message.into(), retryable: true }
    }

    pub fn park(message: impl Into<String>) -> Self {
        Self { message: message.into(), retryable: false }
    }
}

/// The bot's side: one update at a time per chat, in `update_id` order.
#[async_trait::async_trait]
pub trait UpdateHandler: Send + Sync + 'static {
    async fn handle(&self, update: &ClaimedUpdate) -> Result<(), HandlerError>;
}

/// Whether a stored update was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Stored,
    /// Telegram sent this `update_id` before; nothing changes.
    Duplicate,
}

#[derive(Debug, Clone)]
pub struct InboxService {
    db: Database,
    clock: Arc<dyn Clock>,
    /// Wakes this process's processor as soon as an update is stored.
    arrived: Arc<Notify>,
}

impl InboxService {
    pub fn new(db: Database, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock, arrived: Arc::new(Notify::new()) }
    }

    /// Stores an update exactly as received (`raw` is its JSON). One statement.
    pub async fn receive(&self, raw: &str) -> Result<Received, InboxError> {
        let update = parse(raw)?;
        let stored = inbox::insert(self.db.conn(), &update, self.clock.now()).await?;
        if stored {
            self.arrived.notify_one();
        }
        Ok(if stored { Received::Stored } else { Received::Duplicate })
    }

    pub async fn backlog(&self) -> Result<u64, InboxError> {
        Ok(inbox::backlog(self.db.conn()).await?)
    }

    /// Deletes finished updates older than `age`; kept that long so a late redelivery is
    /// still recognised.
    pub async fn prune(&self, age: chrono::Duration) -> Result<u64, InboxError> {
        Ok(inbox::prune(self.db.conn(), self.clock.now() - age).await?)
    }

    pub async fn find(&self, update_id: i64) -> Result<Option<inbox::InboxRow>, InboxError> {
        Ok(inbox::find(self.db.conn(), update_id).await?)
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// The update's id and whose updates it runs in order with: the chat it happened in, or the
/// user it came from when there is no chat (inline queries, payments).
fn parse(raw: &str) -> Result<NewUpdate, InboxError> {
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| InboxError::Malformed(e.to_string()))?;
    let update_id = value
        .get("update_id")
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| InboxError::Malformed("update_id is missing".to_owned()))?;
    let chat_id = value.as_object().and_then(|fields| {
        fields.iter().filter(|(key, _)| key.as_str() != "update_id").find_map(|(_, body)| {
            let id_at = |path: &[&str]| {
                path.iter().try_fold(body, |node, key| node.get(key)).and_then(serde_json::Value::as_i64)
            };
            id_at(&["chat", "id"]).or_else(|| id_at(&["message", "chat", "id"])).or_else(|| id_at(&["from", "id"]))
        })
    });
    Ok(NewUpdate { update_id, chat_id, payload: raw.to_owned() })
}

#[derive(Debug, Clone)]
pub struct ProcessorConfig {
    /// Updates handled at once (of different chats).
    pub concurrency: usize,
    /// How long a claim holds; a handler is cut off before it runs out.
    pub lease: Duration,
    /// Attempts before an update is parked as failed.
    pub max_attempts: u32,
    /// How often to look for work when nothing wakes the processor (updates stored by
    /// another process, retries coming due).
    pub idle_poll: Duration,
    /// How long shutdown waits for handlers already running.
    pub shutdown_grace: Duration,
    /// The least time between two claims, so a burst of arrivals costs one query.
    pub claim_gap: Duration,
}

impl Default for ProcessorConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            lease: Duration::from_secs(300),
            max_attempts: 5,
            idle_poll: Duration::from_millis(500),
            shutdown_grace: Duration::from_secs(20),
            claim_gap: Duration::from_millis(20),
        }
    }
}

/// Claims stored updates and runs them through the handler until told to stop.
pub struct InboxProcessor {
    inbox: InboxService,
    handler: Arc<dyn UpdateHandler>,
    config: ProcessorConfig,
}

impl InboxProcessor {
    pub fn new(inbox: InboxService, handler: Arc<dyn UpdateHandler>, config: ProcessorConfig) -> Self {
        Self { inbox, handler, config }
    }

    /// Runs until `stop` turns true, then lets running handlers finish within the grace
    /// period. A handler still running after it is abandoned; its lease brings it back later.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut running: JoinSet<()> = JoinSet::new();
        let mut idle = tokio::time::interval(self.config.idle_poll);
        idle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_claim: Option<tokio::time::Instant> = None;
        while !*stop.borrow() {
            // Arrivals and finished handlers come in bursts: one claim per `claim_gap` takes
            // them together instead of one query per webhook request.
            if let Some(wait) = last_claim.map(|at| self.config.claim_gap.saturating_sub(at.elapsed()))
                && !wait.is_zero()
            {
                tokio::select! {
                    _ = stop.changed() => continue,
                    _ = tokio::time::sleep(wait) => {}
                }
            }
            let room = self.config.concurrency.saturating_sub(running.len());
            if room > 0 {
                last_claim = Some(tokio::time::Instant::now());
                match self.claim(room).await {
                    // Whatever is left waits for a handler to finish (which wakes the loop).
                    Ok(claimed) => {
                        for update in claimed {
                            running.spawn(self.task(update));
                        }
                    }
                    Err(error) => tracing::warn!(%error, "cannot claim inbox updates"),
                }
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = self.inbox.arrived.notified() => {}
                _ = idle.tick() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
            }
        }
        let drained =
            tokio::time::timeout(self.config.shutdown_grace, async { while running.join_next().await.is_some() {} })
                .await;
        if drained.is_err() {
            tracing::warn!(
                abandoned = running.len(),
                "inbox handlers still running at shutdown; their leases bring them back"
            );
            running.abort_all();
        }
    }

    async fn claim(&self, room: usize) -> Result<Vec<ClaimedUpdate>, RepoError> {
        let now = self.inbox.now();
        let lease = chrono::Duration::from_std(self.config.lease).unwrap_or(chrono::Duration::minutes(5));
        inbox::claim(self.inbox.db.conn(), now, now + lease, room as u64).await
    }

    fn task(&self, update: ClaimedUpdate) -> impl Future<Output = ()> + Send + 'static {
        let (inbox, handler) = (self.inbox.clone(), self.handler.clone());
        // Cut off a little before the lease ends, so no other processor takes the update
        // while this one still works on it.
        let deadline = self.config.lease.mul_f64(0.9);
        let max_attempts = self.config.max_attempts;
        async move {
            let outcome = match tokio::time::timeout(deadline, handler.handle(&update)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(HandlerError::retry("the handler ran out of time")),
            };
            let now = inbox.now();
            let recorded = match &outcome {
                Ok(()) => inbox::mark_done(inbox.db.conn(), update.update_id, now).await,
                Err(error) => {
                    let attempts = u32::try_from(update.attempts).unwrap_or(u32::MAX);
                    let retry_at = (error.retryable && attempts < max_attempts).then(|| now + backoff(attempts));
                    tracing::warn!(
                        update_id = update.update_id,
                        attempts,
                        parked = retry_at.is_none(),
                        error = %error,
                        "an inbox update failed"
                    );
                    inbox::mark_failed(inbox.db.conn(), update.update_id, &error.message, retry_at, now).await
                }
            };
            if let Err(error) = recorded {
                // The lease runs out and the update runs again: at least once, never lost.
                tracing::warn!(update_id = update.update_id, %error, "cannot record an inbox outcome");
            }
        }
    }
}

/// 2, 4, 8 … seconds after the n-th failed attempt, at most a minute.
fn backoff(attempts: u32) -> chrono::Duration {
    chrono::Duration::seconds(2_i64.saturating_pow(attempts.clamp(1, 6)).min(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chat_comes_from_the_message_the_callback_or_the_sender() {
        let message =
            parse(r#"{"update_id":7,"message":{"message_id":1,"chat":{"id":-100,"type":"group"},"from":{"id":5}}}"#)
                .expect("parsed");
        assert_eq!((message.update_id, message.chat_id), (7, Some(-100)));
        let callback =
            parse(r#"{"update_id":8,"callback_query":{"id":"x","from":{"id":5},"message":{"chat":{"id":42}}}}"#)
                .expect("parsed");
        assert_eq!(callback.chat_id, Some(42));
        let checkout = parse(r#"{"update_id":9,"pre_checkout_query":{"id":"q","from":{"id":77}}}"#).expect("parsed");
        assert_eq!(checkout.chat_id, Some(77));
        let bare = parse(r#"{"update_id":10,"poll":{"id":"p"}}"#).expect("parsed");
        assert_eq!(bare.chat_id, None);
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for raw in ["", "[]", "{}", r#"{"update_id":"1"}"#, r#"{"update_id":1.5}"#, "\u{0}"] {
            assert!(matches!(parse(raw), Err(InboxError::Malformed(_))), "{raw:?}");
        }
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        assert_eq!(backoff(1).num_seconds(), 2);
        assert_eq!(backoff(3).num_seconds(), 8);
        assert_eq!(backoff(40).num_seconds(), 60);
    }
}
