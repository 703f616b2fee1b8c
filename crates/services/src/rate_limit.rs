//! Request rates per client address and per user in fixed one-minute windows in the shared
//! cache (`rl:{scope}:{id}:{window}`, atomic `INCR`, expiring with the window). When the cache
//! is unreachable nothing is limited (logged): an outage must not turn every request into an
//! error.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use domain::UserId;

use crate::Clock;
use crate::cache::Cache;

const WINDOW_SECONDS: i64 = 60;

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
    cache: Arc<dyn Cache>,
    clock: Arc<dyn Clock>,
    per_ip: Option<u32>,
    per_user: Option<u32>,
}

impl RateLimiter {
    pub fn new(cache: Arc<dyn Cache>, clock: Arc<dyn Clock>, per_ip: Option<u32>, per_user: Option<u32>) -> Self {
        Self { cache, clock, per_ip, per_user }
    }

    /// Counts the request against the address and (when known) the user; refuses it when either
    /// is over its limit this minute.
    pub async fn check(&self, ip: Option<IpAddr>, user: Option<UserId>) -> Result<(), Limited> {
        let now = self.clock.now();
        let window = now.timestamp().div_euclid(WINDOW_SECONDS);
        let reset_at = Utc.timestamp_opt((window + 1) * WINDOW_SECONDS, 0).single().unwrap_or(now);
        let buckets: Vec<(&'static str, String, u32)> =
            [("ip", ip.map(|ip| ip.to_string()), self.per_ip), ("user", user.map(|u| u.to_string()), self.per_user)]
                .into_iter()
                .filter_map(|(scope, id, limit)| Some((scope, id?, limit?)))
                .collect();
        let keys: Vec<String> = buckets.iter().map(|(scope, id, _)| format!("rl:{scope}:{id}:{window}")).collect();
        // Both counters in one round trip.
        let counts = match self.cache.incr_each(&keys, Duration::from_secs(WINDOW_SECONDS as u64 + 1)).await {
            Ok(counts) => counts,
            Err(error) => {
                tracing::warn!(%error, "rate-limit counter unavailable; not limiting");
                return Ok(());
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
}
