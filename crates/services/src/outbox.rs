//! The outbox of bot messages the notifier sends at Telegram's pace: claimed with a lease (a
//! sender that dies leaves them to be sent after it), then marked sent, retried or failed.

use std::sync::Arc;

use chrono::Duration;
use repositories::{Database, RepoError, TransactionTrait, outbox, reminders};
use serde::Deserialize;
use uuid::Uuid;

use crate::Clock;

/// Tries before a message is given up.
pub const MAX_ATTEMPTS: i32 = 5;

/// A message to send now.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub chat_id: i64,
    pub kind: String,
    pub html: String,
    /// Telegram's `InlineKeyboardMarkup` as JSON.
    pub keyboard: Option<serde_json::Value>,
    pub attempts: i32,
    /// Pointless after this (a reminder once the day it speaks of is over).
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize)]
struct Payload {
    html: String,
    #[serde(default)]
    keyboard: Option<serde_json::Value>,
    #[serde(default)]
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone)]
pub struct OutboxService {
    db: Database,
    clock: Arc<dyn Clock>,
    /// How long a claimed message is left to its sender before another may send it
    /// (`OUTBOX_LEASE_SECONDS`).
    lease: std::time::Duration,
}

impl OutboxService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, lease: std::time::Duration) -> Self {
        Self { db, clock, lease }
    }

    /// A sender stops taking messages of its batch this long after the claim, well inside the
    /// lease, so another sender never sends the same ones.
    pub fn send_within(&self) -> std::time::Duration {
        self.lease.mul_f64(0.8)
    }

    /// Up to `limit` due messages, leased to this sender. A row whose payload cannot be read is
    /// failed at once rather than retried forever.
    pub async fn claim(&self, limit: u64) -> Result<Vec<Outgoing>, RepoError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await?;
        let lease = Duration::from_std(self.lease).unwrap_or(Duration::minutes(5));
        let rows = outbox::claim(&txn, now, now + lease, limit).await?;
        txn.commit().await?;
        let mut messages = Vec::with_capacity(rows.len());
        for row in rows {
            match serde_json::from_str::<Payload>(&row.payload) {
                Ok(payload) if payload.expires_at.is_some_and(|at| at <= now) => {
                    outbox::mark_failed(self.db.conn(), row.id, "expired before it could be sent").await?;
                }
                Ok(payload) => messages.push(Outgoing {
                    id: row.id,
                    user_id: row.user_id,
                    chat_id: row.chat_id,
                    kind: row.kind,
                    html: payload.html,
                    keyboard: payload.keyboard.filter(|k| !k.is_null()),
                    attempts: row.attempts + 1,
                    expires_at: payload.expires_at,
                }),
                Err(error) => {
                    outbox::mark_failed(self.db.conn(), row.id, &format!("unreadable payload: {error}")).await?
                }
            }
        }
        Ok(messages)
    }

    pub async fn sent(&self, id: Uuid) -> Result<(), RepoError> {
        outbox::mark_sent(self.db.conn(), id, self.clock.now()).await
    }

    /// Tries again after `wait`, or gives up once the message has had its tries.
    pub async fn retry(&self, message: &Outgoing, wait: std::time::Duration, error: &str) -> Result<(), RepoError> {
        if message.attempts >= MAX_ATTEMPTS {
            return outbox::mark_failed(self.db.conn(), message.id, error).await;
        }
        let at = self.clock.now() + Duration::from_std(wait).unwrap_or(Duration::minutes(1));
        outbox::retry_at(self.db.conn(), message.id, at, error).await
    }

    /// The recipient blocked the bot: the message is failed and their reminders go off.
    pub async fn blocked(&self, message: &Outgoing, error: &str) -> Result<(), RepoError> {
        outbox::mark_failed(self.db.conn(), message.id, error).await?;
        if let Some(user) = message.user_id {
            reminders::disable(self.db.conn(), user).await?;
        }
        Ok(())
    }

    pub async fn failed(&self, message: &Outgoing, error: &str) -> Result<(), RepoError> {
        outbox::mark_failed(self.db.conn(), message.id, error).await
    }

    /// Deletes messages sent or failed more than `age` ago.
    pub async fn prune(&self, age: Duration) -> Result<u64, RepoError> {
        outbox::prune(self.db.conn(), self.clock.now() - age).await
    }
}
