//! Request rates per client address and per user in fixed one-minute windows, counted in this
//! process and shared through the cache (`rl:{scope}:{id}:{window}`, expiring with the window).
//!
//! A request waits for no cache round trip: it is counted in memory and judged by this process's
//! count plus the last total it read from the shared counter. A background task adds what was
//! counted to the shared counters every `FLUSH_INTERVAL`, every key in one round trip, and reads
//! their totals back (one Redis round trip on every request halved what the API stack serves:
//! docs/performance.md, "Eighth pass"). One process limits exactly; with several, a client can
//! get past a limit by what the other processes admitted within one interval (docs/decisions.md).
//! When the cache is unreachable each process keeps limiting by its own counts.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use domain::UserId;

use crate::Clock;
use crate::cache::Cache;

const WINDOW_SECONDS: i64 = 60;

/// The one-minute window `at` falls in, as keys and counts name it.
fn window_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(WINDOW_SECONDS)
}
const COUNTER_TTL: Duration = Duration::from_secs(WINDOW_SECONDS as u64 + 1);
/// How often counts reach the shared counters: the most a client can exceed a limit by through
/// other processes is what they admit in this long.
const FLUSH_INTERVAL: Duration = Duration::from_millis(100);
/// Keys counted in memory at once. Past it (a flood of addresses), requests with new keys are
/// counted in the shared cache directly, one round trip each, so memory stays bounded (about
/// 10 MB here).
const MAX_LOCAL_KEYS: usize = 100_000;

/// A refused request: which limit, and when its window ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    /// `ip` or `user`.
    pub scope: &'static str,
    pub limit: u32,
    pub reset_at: DateTime<Utc>,
    pub retry_after_seconds: u64,
}

#[derive(Debug, Clone)]
pub struct RateLimiter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    cache: Arc<dyn Cache>,
    clock: Arc<dyn Clock>,
    per_ip: Option<u32>,
    per_user: Option<u32>,
    counts: Mutex<HashMap<String, Count>>,
    /// One flush at a time, so a total read back is never older than one already applied.
    flushing: tokio::sync::Mutex<()>,
    /// Starts the flusher; once started, a request's check of it is a plain read.
    flusher: Once,
    cache_failing: AtomicBool,
}

/// One key's requests in its window, as this process knows them.
#[derive(Debug, Default)]
struct Count {
    window: i64,
    /// The shared counter's value when last read (this process's flushed requests included).
    shared: i64,
    /// Requests on their way to the shared counter.
    in_flight: i64,
    /// Requests not yet sent.
    pending: i64,
}

impl Count {
    fn total(&self) -> i64 {
        self.shared + self.in_flight + self.pending
    }
}

impl RateLimiter {
    pub fn new(cache: Arc<dyn Cache>, clock: Arc<dyn Clock>, per_ip: Option<u32>, per_user: Option<u32>) -> Self {
        let inner = Inner {
            cache,
            clock,
            per_ip,
            per_user,
            counts: Mutex::default(),
            flushing: tokio::sync::Mutex::new(()),
            flusher: Once::new(),
            cache_failing: AtomicBool::new(false),
        };
        Self { inner: Arc::new(inner) }
    }

    /// Counts the request against the address and (when known) the user; refuses it when either
    /// is over its limit this minute.
    pub async fn check(&self, ip: Option<IpAddr>, user: Option<UserId>) -> Result<(), Limited> {
        let inner = &self.inner;
        let now = inner.clock.now();
        let window = window_of(now);
        let reset_at = Utc.timestamp_opt((window + 1) * WINDOW_SECONDS, 0).single().unwrap_or(now);
        let buckets: Vec<(&'static str, String, u32)> =
            [("ip", ip.map(|ip| ip.to_string()), inner.per_ip), ("user", user.map(|u| u.to_string()), inner.per_user)]
                .into_iter()
                .filter_map(|(scope, id, limit)| Some((scope, id?, limit?)))
                .collect();
        if buckets.is_empty() {
            return Ok(());
        }
        self.start_flusher();
        let keys: Vec<String> = buckets.iter().map(|(scope, id, _)| format!("rl:{scope}:{id}:{window}")).collect();
        let counts = match inner.count_locally(&keys, window) {
            Some(counts) => counts,
            None => {
                let increments: Vec<(String, i64)> = keys.into_iter().map(|key| (key, 1)).collect();
                match inner.cache.incr_each(&increments, COUNTER_TTL).await {
                    Ok(counts) => counts,
                    Err(error) => {
                        tracing::warn!(%error, "rate-limit counter unavailable and too many keys to count here; not limiting");
                        return Ok(());
                    }
                }
            }
        };
        for ((scope, _, limit), count) in buckets.into_iter().zip(counts) {
            if count > i64::from(limit) {
                let retry_after_seconds = u64::try_from((reset_at - now).num_seconds()).unwrap_or(0).max(1);
                return Err(Limited { scope, limit, reset_at, retry_after_seconds });
            }
        }
        Ok(())
    }

    /// Sends what this process counted to the shared counters and reads their totals back. The
    /// background task does this every `FLUSH_INTERVAL`; tests call it to share counts at once.
    pub async fn flush(&self) {
        self.inner.flush().await;
    }

    /// The flusher runs from the first request on, for as long as the limiter lives.
    fn start_flusher(&self) {
        self.inner.flusher.call_once(|| {
            crate::detached::every(FLUSH_INTERVAL, Arc::downgrade(&self.inner), |inner| async move {
                inner.flush().await;
            });
        });
    }
}

impl Inner {
    fn counts(&self) -> MutexGuard<'_, HashMap<String, Count>> {
        // A panic while holding the lock cannot leave a count half-written, so keep going.
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Each key's count with this request; `None` when new keys would not fit in memory.
    fn count_locally(&self, keys: &[String], window: i64) -> Option<Vec<i64>> {
        let mut counts = self.counts();
        if counts.len() + keys.len() > MAX_LOCAL_KEYS && keys.iter().any(|key| !counts.contains_key(key)) {
            return None;
        }
        let totals = keys.iter().map(|key| {
            let count = counts.entry(key.clone()).or_insert_with(|| Count { window, ..Count::default() });
            count.pending += 1;
            count.total()
        });
        Some(totals.collect())
    }

    async fn flush(&self) {
        let _one_at_a_time = self.flushing.lock().await;
        let window = window_of(self.clock.now());
        let batch: Vec<(String, i64)> = {
            let mut counts = self.counts();
            counts.retain(|_, count| count.window >= window || count.pending > 0);
            counts
                .iter_mut()
                .filter(|(_, count)| count.pending > 0)
                .map(|(key, count)| {
                    let by = std::mem::take(&mut count.pending);
                    count.in_flight += by;
                    (key.clone(), by)
                })
                .collect()
        };
        if batch.is_empty() {
            return;
        }
        let result = self.cache.incr_each(&batch, COUNTER_TTL).await;
        let mut counts = self.counts();
        let totals = match result {
            Ok(totals) => {
                if self.cache_failing.swap(false, Ordering::AcqRel) {
                    tracing::info!("rate-limit counters are shared again");
                }
                totals.into_iter().map(Some).collect()
            }
            Err(error) => {
                if !self.cache_failing.swap(true, Ordering::AcqRel) {
                    tracing::warn!(%error, "rate-limit counters cannot be shared; limiting by this process's counts");
                }
                vec![None; batch.len()]
            }
        };
        for ((key, by), total) in batch.into_iter().zip(totals) {
            let Some(count) = counts.get_mut(&key) else { continue };
            count.in_flight -= by;
            // Unshared requests still count here; a total read back already holds them.
            count.shared = total.map_or(count.shared + by, |total| count.shared.max(total));
        }
    }
}
