//! The in-process twin of Redis for single-node local runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Cache, CacheError};
use crate::Clock;

/// Expired entries are dropped lazily on access and swept every this many writes.
const SWEEP_EVERY_WRITES: u64 = 1024;

#[derive(Debug, Clone)]
pub struct MemoryCache {
    inner: Arc<Mutex<Store>>,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Default)]
struct Store {
    entries: HashMap<String, Entry>,
    writes: u64,
}

#[derive(Debug)]
struct Entry {
    value: String,
    expires_at: DateTime<Utc>,
}

impl MemoryCache {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { inner: Arc::default(), clock }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave an entry half-written, so keep going.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn expiry(&self, ttl: Duration) -> DateTime<Utc> {
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
        self.clock.now().checked_add_signed(ttl).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

impl Store {
    fn live(&mut self, key: &str, now: DateTime<Utc>) -> Option<&mut Entry> {
        if self.entries.get(key).is_some_and(|e| e.expires_at <= now) {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }

    fn insert(&mut self, key: &str, value: String, expires_at: DateTime<Utc>, now: DateTime<Utc>) {
        self.writes += 1;
        if self.writes.is_multiple_of(SWEEP_EVERY_WRITES) {
            self.entries.retain(|_, e| e.expires_at > now);
        }
        self.entries.insert(key.to_owned(), Entry { value, expires_at });
    }
}

#[async_trait]
impl Cache for MemoryCache {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let now = self.clock.now();
        Ok(self.store().live(key, now).map(|e| e.value.clone()))
    }

    async fn set_ex(&self, key: &str, value: &str, ttl: Duration) -> Result<(), CacheError> {
        let now = self.clock.now();
        let expires_at = self.expiry(ttl);
        self.store().insert(key, value.to_owned(), expires_at, now);
        Ok(())
    }

    async fn set_nx_ex(&self, key: &str, value: &str, ttl: Duration) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let expires_at = self.expiry(ttl);
        let mut store = self.store();
        if store.live(key, now).is_some() {
            return Ok(false);
        }
        store.insert(key, value.to_owned(), expires_at, now);
        Ok(true)
    }

    async fn get_del(&self, key: &str) -> Result<Option<String>, CacheError> {
        let now = self.clock.now();
        let mut store = self.store();
        let value = store.live(key, now).map(|e| e.value.clone());
        store.entries.remove(key);
        Ok(value)
    }

    async fn incr_by(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError> {
        let now = self.clock.now();
        let expires_at = self.expiry(ttl);
        let mut store = self.store();
        if let Some(entry) = store.live(key, now) {
            let current: i64 =
                entry.value.parse().map_err(|_| CacheError::Command(format!("{key} does not hold an integer")))?;
            let next = current.checked_add(by).ok_or_else(|| CacheError::Command(format!("{key} would overflow")))?;
            entry.value = next.to_string();
            return Ok(next);
        }
        store.insert(key, by.to_string(), expires_at, now);
        Ok(by)
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, CacheError> {
        let now = self.clock.now();
        let mut store = self.store();
        Ok(keys.iter().map(|key| store.live(key, now).map(|e| e.value.clone())).collect())
    }

    async fn incr_each(&self, increments: &[(String, i64)], ttl: Duration) -> Result<Vec<i64>, CacheError> {
        let mut values = Vec::with_capacity(increments.len());
        for (key, by) in increments {
            values.push(self.incr_by(key, *by, ttl).await?);
        }
        Ok(values)
    }

    async fn incr_by_at_most(
        &self,
        key: &str,
        by: i64,
        max: i64,
        ttl: Duration,
    ) -> Result<Result<i64, i64>, CacheError> {
        let now = self.clock.now();
        let expires_at = self.expiry(ttl);
        let mut store = self.store();
        let current = match store.live(key, now) {
            Some(entry) => entry
                .value
                .parse::<i64>()
                .map_err(|_| CacheError::Command(format!("{key} does not hold an integer")))?,
            None => 0,
        };
        let next = current.checked_add(by).ok_or_else(|| CacheError::Command(format!("{key} would overflow")))?;
        if next > max {
            return Ok(Err(current));
        }
        match store.live(key, now) {
            Some(entry) => entry.value = next.to_string(),
            None => store.insert(key, next.to_string(), expires_at, now),
        }
        Ok(Ok(next))
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: &str,
        new: Option<&str>,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let expires_at = self.expiry(ttl);
        let mut store = self.store();
        if store.live(key, now).is_none_or(|entry| entry.value != expected) {
            return Ok(false);
        }
        match new {
            Some(value) => store.insert(key, value.to_owned(), expires_at, now),
            None => {
                store.entries.remove(key);
            }
        }
        Ok(true)
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let mut store = self.store();
        let existed = store.live(key, now).is_some();
        store.entries.remove(key);
        Ok(existed)
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        let now = self.clock.now();
        Ok(self.store().live(key, now).map(|e| (e.expires_at - now).to_std().unwrap_or(Duration::ZERO)))
    }
}
