//! A leader lock in the shared cache: of several processes only the holder does the work
//! (bot-poller's `getUpdates`, which Telegram refuses to serve to two callers at once). The
//! lock is a key holding the holder's random id with a TTL; the holder renews it well before
//! it expires and gives it up on shutdown, and a holder that dies loses it when the TTL runs
//! out. Every change is compare-and-swap on the id, so nobody frees or extends a lock it does
//! not hold.

use std::sync::Arc;
use std::time::Duration;

use crate::cache::{Cache, CacheError};

#[derive(Debug, Clone)]
pub struct LeaderLock {
    cache: Arc<dyn Cache>,
    key: String,
    holder: String,
    ttl: Duration,
}

impl LeaderLock {
    /// `name` says what is led (`bot-poller`); the holder id is random per lock.
    pub fn new(cache: Arc<dyn Cache>, name: &str, ttl: Duration) -> Self {
        Self { cache, key: format!("leader:{name}"), holder: uuid::Uuid::new_v4().to_string(), ttl }
    }

    /// Takes the lock when nobody holds it, or keeps it for another TTL when this lock holds it.
    /// `false`: someone else leads.
    pub async fn acquire_or_renew(&self) -> Result<bool, CacheError> {
        if self.cache.set_nx_ex(&self.key, &self.holder, self.ttl).await? {
            return Ok(true);
        }
        self.cache.compare_and_swap(&self.key, &self.holder, Some(&self.holder), self.ttl).await
    }

    /// Gives the lock up if this lock holds it.
    pub async fn release(&self) -> Result<bool, CacheError> {
        self.cache.compare_and_swap(&self.key, &self.holder, None, self.ttl).await
    }

    /// How often a holder renews: a third of the TTL, so two failed renewals in a row still
    /// leave it the lock.
    pub fn renew_every(&self) -> Duration {
        self.ttl / 3
    }
}
