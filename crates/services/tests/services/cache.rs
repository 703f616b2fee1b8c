//! One behaviour suite, run against Redis and against the in-memory cache: the two must be
//! interchangeable.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use config::RedisSettings;
use secrecy::SecretString;
use services::ManualClock;
use services::cache::{Cache, CacheError, MemoryCache, RedisCache};

const MINUTE: Duration = Duration::from_secs(60);

async fn redis() -> Arc<dyn Cache> {
    let url = test_support::require_redis().await;
    Arc::new(RedisCache::new(&redis_settings(&url)).unwrap())
}

fn redis_settings(url: &str) -> RedisSettings {
    RedisSettings {
        url: SecretString::from(url.to_owned()),
        // A prefix per test keeps parallel tests (and other users of this Redis) apart.
        key_prefix: format!("test:{}:", uuid::Uuid::new_v4().simple()),
        pool_size: 8,
        timeout_ms: 500,
    }
}

fn memory() -> (Arc<dyn Cache>, ManualClock) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap());
    (Arc::new(MemoryCache::new(Arc::new(clock.clone()))), clock)
}

async fn set_get_and_delete(cache: Arc<dyn Cache>) {
    cache.ping().await.unwrap();
    assert_eq!(cache.get("k").await.unwrap(), None);
    cache.set_ex("k", "v1", MINUTE).await.unwrap();
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some("v1"));
    cache.set_ex("k", "v2", MINUTE).await.unwrap();
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some("v2"));
    assert!(cache.delete("k").await.unwrap());
    assert!(!cache.delete("k").await.unwrap());
    assert_eq!(cache.get("k").await.unwrap(), None);
}

async fn set_nx_only_sets_once(cache: Arc<dyn Cache>) {
    assert!(cache.set_nx_ex("lock", "first", MINUTE).await.unwrap());
    assert!(!cache.set_nx_ex("lock", "second", MINUTE).await.unwrap());
    assert_eq!(cache.get("lock").await.unwrap().as_deref(), Some("first"));
}

async fn get_del_hands_the_value_to_exactly_one_caller(cache: Arc<dyn Cache>) {
    cache.set_ex("ex:1", "answer", MINUTE).await.unwrap();
    let takers = (0..20).map(|_| {
        let cache = cache.clone();
        tokio::spawn(async move { cache.get_del("ex:1").await.unwrap() })
    });
    let results = futures_util::future::join_all(takers).await;
    let winners = results.into_iter().filter(|r| r.as_ref().unwrap().is_some()).count();
    assert_eq!(winners, 1);
    assert_eq!(cache.get("ex:1").await.unwrap(), None);
}

async fn counters_are_atomic_and_keep_their_first_ttl(cache: Arc<dyn Cache>) {
    assert_eq!(cache.incr_by("quota", 1, MINUTE).await.unwrap(), 1);
    assert_eq!(cache.incr_by("quota", 3, MINUTE * 60).await.unwrap(), 4);
    let ttl = cache.ttl("quota").await.unwrap().unwrap();
    assert!(ttl <= MINUTE && ttl > MINUTE - Duration::from_secs(5), "ttl was extended: {ttl:?}");

    let adders = (0..50).map(|_| {
        let cache = cache.clone();
        tokio::spawn(async move { cache.incr_by("hits", 1, MINUTE).await.unwrap() })
    });
    futures_util::future::join_all(adders).await;
    assert_eq!(cache.incr_by("hits", 0, MINUTE).await.unwrap(), 50);
}

async fn several_counters_move_in_one_call(cache: Arc<dyn Cache>) {
    assert_eq!(cache.incr_by("a", 4, MINUTE).await.unwrap(), 4);
    let ones = [("a".to_owned(), 1), ("b".to_owned(), 1)];
    assert_eq!(cache.incr_each(&ones, MINUTE * 60).await.unwrap(), vec![5, 1]);
    assert_eq!(cache.incr_each(&[("a".to_owned(), 1), ("b".to_owned(), 3)], MINUTE * 60).await.unwrap(), vec![6, 4]);
    assert!(cache.ttl("a").await.unwrap().unwrap() <= MINUTE, "the first TTL stays");
    assert!(cache.ttl("b").await.unwrap().unwrap() > MINUTE, "a new counter takes the TTL given");
    assert_eq!(cache.incr_each(&[], MINUTE).await.unwrap(), Vec::<i64>::new());
    let read = cache.get_many(&["b".to_owned(), "missing".to_owned(), "a".to_owned()]).await.unwrap();
    assert_eq!(read, vec![Some("4".to_owned()), None, Some("6".to_owned())]);
    assert_eq!(cache.get_many(&[]).await.unwrap(), Vec::<Option<String>>::new());
}

async fn bounded_counters_refuse_what_does_not_fit(cache: Arc<dyn Cache>) {
    assert_eq!(cache.incr_by_at_most("q", 3, 5, MINUTE).await.unwrap(), Ok(3));
    assert_eq!(cache.incr_by_at_most("q", 3, 5, MINUTE).await.unwrap(), Err(3), "3 + 3 > 5: refused");
    assert_eq!(cache.incr_by_at_most("q", 2, 5, MINUTE * 60).await.unwrap(), Ok(5));
    let ttl = cache.ttl("q").await.unwrap().unwrap();
    assert!(ttl <= MINUTE, "the first TTL stays: {ttl:?}");
    assert_eq!(cache.incr_by_at_most("fresh", 7, 5, MINUTE).await.unwrap(), Err(0));
    assert_eq!(cache.get("fresh").await.unwrap(), None, "a refusal creates nothing");

    let takers = (0..40).map(|_| {
        let cache = cache.clone();
        tokio::spawn(async move { cache.incr_by_at_most("shared", 1, 25, MINUTE).await.unwrap().is_ok() })
    });
    let granted = futures_util::future::join_all(takers).await.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(granted, 25, "never more than the limit, never fewer under contention");
    cache.set_ex("text", "hello", MINUTE).await.unwrap();
    assert!(matches!(cache.incr_by_at_most("text", 1, 5, MINUTE).await, Err(CacheError::Command(_))));
}

async fn compare_and_swap_changes_only_what_it_expects(cache: Arc<dyn Cache>) {
    assert!(!cache.compare_and_swap("claim", "mine", None, MINUTE).await.unwrap(), "nothing there");
    cache.set_ex("claim", "theirs", MINUTE).await.unwrap();
    assert!(!cache.compare_and_swap("claim", "mine", None, MINUTE).await.unwrap());
    assert!(!cache.compare_and_swap("claim", "mine", Some("done"), MINUTE).await.unwrap());
    assert_eq!(cache.get("claim").await.unwrap().as_deref(), Some("theirs"), "someone else's value stays");
    assert!(cache.compare_and_swap("claim", "theirs", Some("done"), MINUTE * 60).await.unwrap());
    assert_eq!(cache.get("claim").await.unwrap().as_deref(), Some("done"));
    assert!(cache.ttl("claim").await.unwrap().unwrap() > MINUTE * 59, "the new TTL applies");
    assert!(cache.compare_and_swap("claim", "done", None, MINUTE).await.unwrap());
    assert_eq!(cache.get("claim").await.unwrap(), None);
}

async fn ttl_reports_what_is_left(cache: Arc<dyn Cache>) {
    assert_eq!(cache.ttl("missing").await.unwrap(), None);
    cache.set_ex("t", "v", MINUTE * 30).await.unwrap();
    let ttl = cache.ttl("t").await.unwrap().unwrap();
    assert!(ttl <= MINUTE * 30 && ttl > MINUTE * 29, "{ttl:?}");
}

async fn incrementing_a_non_number_is_an_error(cache: Arc<dyn Cache>) {
    cache.set_ex("text", "hello", MINUTE).await.unwrap();
    assert!(matches!(cache.incr_by("text", 1, MINUTE).await, Err(CacheError::Command(_))));
}

macro_rules! both_backends {
    ($($behaviour:ident),* $(,)?) => {
        mod on_redis {
            $( #[tokio::test] async fn $behaviour() { super::$behaviour(super::redis().await).await } )*
        }
        mod in_memory {
            $( #[tokio::test] async fn $behaviour() { super::$behaviour(super::memory().0).await } )*
        }
    };
}

both_backends!(
    set_get_and_delete,
    set_nx_only_sets_once,
    get_del_hands_the_value_to_exactly_one_caller,
    counters_are_atomic_and_keep_their_first_ttl,
    several_counters_move_in_one_call,
    bounded_counters_refuse_what_does_not_fit,
    compare_and_swap_changes_only_what_it_expects,
    ttl_reports_what_is_left,
    incrementing_a_non_number_is_an_error,
);

#[tokio::test]
async fn memory_entries_expire_when_the_clock_passes_their_ttl() {
    let (cache, clock) = memory();
    cache.set_ex("k", "v", MINUTE).await.unwrap();
    cache.incr_by("n", 5, MINUTE).await.unwrap();
    clock.advance(chrono::Duration::seconds(59));
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some("v"));
    clock.advance(chrono::Duration::seconds(1));
    assert_eq!(cache.get("k").await.unwrap(), None);
    assert_eq!(cache.ttl("k").await.unwrap(), None);
    assert!(cache.set_nx_ex("k", "again", MINUTE).await.unwrap(), "an expired key is absent");
    assert_eq!(cache.incr_by("n", 1, MINUTE).await.unwrap(), 1, "an expired counter restarts");
}

#[tokio::test]
async fn an_unreachable_redis_fails_fast_with_unavailable() {
    // Port 1 on loopback: nothing listens, so connecting is refused at once.
    let cache = RedisCache::new(&redis_settings("redis://127.0.0.1:1")).unwrap();
    let started = std::time::Instant::now();
    let result = cache.ping().await;
    assert!(matches!(result, Err(CacheError::Unavailable(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Settings that reach the test Redis through a `FaultProxy`, and the proxy.
async fn redis_behind_proxy() -> (test_support::fault_proxy::FaultProxy, RedisSettings) {
    let url = test_support::require_redis().await;
    let (proxy, through) = test_support::fault_proxy::FaultProxy::in_front_of(&url).await;
    (proxy, redis_settings(&through))
}

/// A Redis that accepts and never answers (through a stalling proxy): the first operation gives
/// up at its deadline, the next ones fail at once instead of each waiting it out, and once
/// Redis answers again the cache works within the breaker's cool-off, on the same pool.
#[tokio::test]
async fn a_hung_redis_costs_one_deadline_then_fails_fast_until_it_answers_again() {
    let (proxy, settings) = redis_behind_proxy().await;
    let deadline = Duration::from_millis(settings.timeout_ms);
    let cache = RedisCache::new(&settings).unwrap();
    cache.set_ex("k", "v", MINUTE).await.unwrap();

    proxy.stall();
    let started = std::time::Instant::now();
    assert!(matches!(cache.get("k").await, Err(CacheError::Unavailable(_))));
    let first = started.elapsed();
    assert!(first >= deadline.mul_f32(0.9) && first < deadline * 2, "the first call took {first:?}");
    let started = std::time::Instant::now();
    for _ in 0..20 {
        assert!(matches!(cache.incr_by("n", 1, MINUTE).await, Err(CacheError::Unavailable(_))));
    }
    let next = started.elapsed();
    assert!(next < deadline / 2, "20 calls during the outage took {next:?}, not failing at once");

    proxy.restore();
    let started = std::time::Instant::now();
    let value = loop {
        if let Ok(value) = cache.get("k").await {
            break value;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "the cache did not come back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(value.as_deref(), Some("v"));
    assert!(started.elapsed() < Duration::from_secs(3), "back after {:?}", started.elapsed());
}

/// MONITOR's view of Redis from now on: one line per command received,
/// `<time> [<db> <client address>] "<COMMAND>" "<argument>"…`.
async fn monitor(url: &str) -> impl futures_util::Stream<Item = String> + Unpin {
    let client = deadpool_redis::redis::Client::open(url).unwrap();
    Box::pin(client.get_async_monitor().await.unwrap().into_on_message::<String>())
}

/// The client address of a MONITOR line: `1700000000.1 [0 127.0.0.1:5000] "GET" "k"` →
/// `127.0.0.1:5000`.
fn sender_of(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once(" [")?;
    let (db_and_address, _) = rest.split_once(']')?;
    db_and_address.split(' ').nth(1)
}

/// The command name of a MONITOR line: `GET` in the example above.
fn command_of(line: &str) -> Option<&str> {
    let (_, command) = line.split_once("] \"")?;
    command.split('"').next()
}

/// Reads `lines` until `expected` commands on keys under `prefix` have gone by, and returns
/// every command the client that sent them sent meanwhile.
async fn commands_of_the_client_using(
    lines: &mut (impl futures_util::Stream<Item = String> + Unpin),
    prefix: &str,
    expected: usize,
) -> Vec<String> {
    use futures_util::StreamExt;
    let mut seen = Vec::new();
    let mut ours = None;
    let mut found = 0;
    while found < expected {
        let next = tokio::time::timeout(Duration::from_secs(5), lines.next()).await;
        let line = next.expect("MONITOR went quiet").expect("MONITOR ended");
        if line.contains(&format!("\"{prefix}")) {
            found += 1;
            ours = sender_of(&line).map(str::to_owned);
        }
        seen.push(line);
    }
    seen.iter()
        .filter(|line| sender_of(line) == ours.as_deref())
        .filter_map(|line| command_of(line).map(str::to_owned))
        .collect()
}

/// deadpool-redis pings a connection (UNWATCH + PING) every time it leaves the pool, doubling
/// the round trips of every command; ours pings only a connection quiet for a second.
#[tokio::test]
async fn a_busy_connection_goes_back_out_without_a_ping_and_a_quiet_one_is_pinged() {
    let url = test_support::require_redis().await;
    let settings = RedisSettings { pool_size: 1, ..redis_settings(&url) };
    let prefix = settings.key_prefix.clone();
    let cache = RedisCache::new(&settings).unwrap();
    let mut lines = monitor(&url).await;

    for _ in 0..5 {
        cache.get("k").await.unwrap();
    }
    let commands = commands_of_the_client_using(&mut lines, &prefix, 5).await;
    assert_eq!(commands, vec!["GET"; 5], "one round trip per command, no PING between them");

    tokio::time::sleep(Duration::from_millis(1_100)).await;
    cache.get("k").await.unwrap();
    let commands = commands_of_the_client_using(&mut lines, &prefix, 1).await;
    assert_eq!(commands, ["UNWATCH", "PING", "GET"], "a connection quiet for a second is checked first");
}

/// Without the ping, a connection that broke while in the pool must not be handed out again:
/// the command that finds it broken takes it out, and the next one opens a new connection.
#[tokio::test]
async fn a_connection_found_broken_leaves_the_pool() {
    let (proxy, settings) = redis_behind_proxy().await;
    let cache = RedisCache::new(&RedisSettings { pool_size: 1, ..settings }).unwrap();
    cache.set_ex("k", "v", MINUTE).await.unwrap();
    assert_eq!(cache.pool_stats().unwrap().size, 1);

    proxy.cut();
    tokio::time::sleep(Duration::from_millis(50)).await; // the proxy drops the connection
    assert!(matches!(cache.get("k").await, Err(CacheError::Unavailable(_))));
    assert_eq!(cache.pool_stats().unwrap().size, 0, "the broken connection was taken out");

    proxy.restore();
    tokio::time::sleep(Duration::from_millis(1_100)).await; // the breaker's cool-off
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some("v"));
}
