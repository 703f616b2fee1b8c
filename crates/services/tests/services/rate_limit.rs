//! Rate limits counted in the process and shared through Redis: one process limits exactly and
//! at once; processes learn each other's counts at the next flush; windows turn; an unreachable
//! Redis leaves each process limiting by its own counts.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use config::RedisSettings;
use domain::UserId;
use secrecy::SecretString;
use services::cache::{Cache, RedisCache};
use services::rate_limit::RateLimiter;
use services::{Clock, ManualClock};

const ADDRESS: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7)));

fn clock() -> ManualClock {
    // The start of a minute, so no window turns unless a test turns it.
    ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap())
}

async fn redis(prefix: &str, url: Option<&str>) -> Arc<dyn Cache> {
    let url = match url {
        Some(url) => url.to_owned(),
        None => test_support::require_redis().await,
    };
    let settings =
        RedisSettings { url: SecretString::from(url), key_prefix: prefix.to_owned(), pool_size: 2, timeout_ms: 300 };
    Arc::new(RedisCache::new(&settings).unwrap())
}

fn prefix() -> String {
    format!("test:{}:", uuid::Uuid::new_v4().simple())
}

async fn admitted(limiter: &RateLimiter, user: UserId, tries: usize) -> usize {
    let mut admitted = 0;
    for _ in 0..tries {
        if limiter.check(ADDRESS, Some(user)).await.is_ok() {
            admitted += 1;
        }
    }
    admitted
}

#[tokio::test]
async fn one_process_limits_exactly_without_waiting_for_a_flush() {
    let clock = clock();
    let limiter = RateLimiter::new(redis(&prefix(), None).await, Arc::new(clock.clone()), None, Some(5));
    let user = UserId::new();
    assert_eq!(admitted(&limiter, user, 8).await, 5);
    let refused = limiter.check(ADDRESS, Some(user)).await.unwrap_err();
    assert_eq!((refused.scope, refused.limit, refused.retry_after_seconds), ("user", 5, 60));
    assert_eq!(admitted(&limiter, UserId::new(), 1).await, 1, "another user has a count of their own");

    clock.advance(chrono::Duration::seconds(60));
    assert_eq!(admitted(&limiter, user, 6).await, 5, "a new minute, a new count");
}

#[tokio::test]
async fn processes_share_their_counts_through_redis() {
    let (prefix, clock) = (prefix(), clock());
    let first = RateLimiter::new(redis(&prefix, None).await, Arc::new(clock.clone()), Some(100), Some(10));
    let second = RateLimiter::new(redis(&prefix, None).await, Arc::new(clock.clone()), Some(100), Some(10));
    let user = UserId::new();
    assert_eq!(admitted(&first, user, 6).await, 6);
    first.flush().await;
    // The second process learns the shared total with its own first flush.
    assert_eq!(admitted(&second, user, 1).await, 1);
    second.flush().await;
    assert_eq!(admitted(&second, user, 5).await, 3, "6 + 1 counted, 3 more fit in 10");
    second.flush().await;
    // A process reads the shared total back when it flushes its own requests: the first still
    // knows 6, admits one more and learns the total with that request's flush. This is the
    // documented bound: one flush interval's requests per process beyond the limit.
    assert_eq!(admitted(&first, user, 1).await, 1);
    first.flush().await;
    assert_eq!(admitted(&first, user, 1).await, 0, "the first process sees the second's requests");
    first.flush().await;

    let shared = redis(&prefix, None).await;
    let window = clock.now().timestamp() / 60;
    let counted = shared.get(&format!("rl:user:{user}:{window}")).await.unwrap();
    assert_eq!(counted.as_deref(), Some("14"), "refused requests count too: 6 + 1 + 5 + 1 + 1");
    let address = shared.get(&format!("rl:ip:203.0.113.7:{window}")).await.unwrap();
    assert_eq!(address.as_deref(), Some("14"));
}

#[tokio::test]
async fn an_unreachable_redis_leaves_each_process_limiting_by_its_own_counts() {
    let clock = clock();
    // Nothing listens on port 9: every flush fails.
    let cache = redis(&prefix(), Some("redis://127.0.0.1:9")).await;
    let limiter = RateLimiter::new(cache, Arc::new(clock.clone()), None, Some(4));
    let user = UserId::new();
    assert_eq!(admitted(&limiter, user, 2).await, 2);
    limiter.flush().await;
    assert_eq!(admitted(&limiter, user, 5).await, 2, "the failed flush forgot nothing");
}
