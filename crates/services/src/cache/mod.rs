//! Short-lived shared state (pending exercises, quota counters, rate limits, locks) behind one
//! trait. Every write carries a TTL and every read-modify-write is atomic, so the Redis and
//! in-memory implementations behave the same under concurrency.

mod memory;
mod redis;
mod redis_connections;

use std::time::Duration;

use async_trait::async_trait;

pub use self::memory::MemoryCache;
pub use self::redis::RedisCache;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache unavailable: {0}")]
    Unavailable(String),
    #[error("cache command failed: {0}")]
    Command(String),
}

/// Connection-pool occupancy, exported as metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePoolStats {
    pub size: usize,
    pub available: usize,
    pub max: usize,
}

#[async_trait]
pub trait Cache: Send + Sync + std::fmt::Debug {
    /// `"redis"` or `"memory"`, for logs and readiness output.
    fn backend(&self) -> &'static str;

    async fn ping(&self) -> Result<(), CacheError>;

    async fn get(&self, key: &str) -> Result<Option<String>, CacheError>;

    /// Sets the value, replacing any previous one, expiring after `ttl`.
    async fn set_ex(&self, key: &str, value: &str, ttl: Duration) -> Result<(), CacheError>;

    /// Sets the value only when the key is absent; `true` when this call set it.
    async fn set_nx_ex(&self, key: &str, value: &str, ttl: Duration) -> Result<bool, CacheError>;

    /// Reads and deletes in one step: of two concurrent callers only one gets the value.
    async fn get_del(&self, key: &str) -> Result<Option<String>, CacheError>;

    /// Adds `by` to a counter and returns the new value; the TTL is set only when the counter
    /// is created, so repeated increments never extend its life.
    async fn incr_by(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError>;

    /// The values of several keys in one round trip, in the order of `keys`.
    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, CacheError>;

    /// Adds each amount to its counter in one round trip (TTL as for `incr_by`) and returns the
    /// new values in the order given.
    async fn incr_each(&self, increments: &[(String, i64)], ttl: Duration) -> Result<Vec<i64>, CacheError>;

    /// Adds `by` only when the result stays at most `max`, in one atomic step: `Ok(new value)`
    /// when added, `Err(current value)` when refused (nothing changes). TTL as for `incr_by`.
    async fn incr_by_at_most(
        &self,
        key: &str,
        by: i64,
        max: i64,
        ttl: Duration,
    ) -> Result<Result<i64, i64>, CacheError>;

    /// Only when the key still holds exactly `expected`: replaces it with `new` (expiring after
    /// `ttl`) or, with `new = None`, deletes it. `true` when it did. One atomic step, so a
    /// holder never overwrites or frees what someone else wrote since.
    async fn compare_and_swap(
        &self,
        key: &str,
        expected: &str,
        new: Option<&str>,
        ttl: Duration,
    ) -> Result<bool, CacheError>;

    /// `true` when a key was deleted.
    async fn delete(&self, key: &str) -> Result<bool, CacheError>;

    /// Remaining time to live; `None` when the key does not exist.
    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError>;

    /// `None` for implementations without a pool.
    fn pool_stats(&self) -> Option<CachePoolStats> {
        None
    }
}
