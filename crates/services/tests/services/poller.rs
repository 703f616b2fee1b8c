//! Long polling into the inbox: only the leader polls, the offset moves only past stored
//! updates, and a standby takes over when the leader stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use services::ManualClock;
use services::cache::{Cache, RedisCache};
use services::leader::LeaderLock;
use services::poller::{Poller, PollerConfig, RawUpdate, Round, SourceError, UpdateSource};
use test_support::backends::migrated_postgres;
use tokio::sync::{Mutex, watch};

/// A fake `getUpdates`: hands out queued updates from the offset on, and records how many
/// calls ran at once.
#[derive(Default)]
struct FakeTelegram {
    queued: Mutex<Vec<i64>>,
    offsets: Mutex<Vec<Option<i64>>>,
    in_flight: AtomicUsize,
    most_at_once: AtomicUsize,
    calls: AtomicUsize,
}

#[async_trait::async_trait]
impl UpdateSource for FakeTelegram {
    async fn get_updates(&self, offset: Option<i64>, _timeout: Duration) -> Result<Vec<RawUpdate>, SourceError> {
        // Counted down on drop: a poller that stops mid-poll abandons the call.
        struct InFlight<'a>(&'a AtomicUsize);
        impl Drop for InFlight<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let _in_flight = InFlight(&self.in_flight);
        self.most_at_once.fetch_max(now, Ordering::SeqCst);
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.offsets.lock().await.push(offset);
        tokio::time::sleep(Duration::from_millis(30)).await;
        let mut queued = self.queued.lock().await;
        // Telegram forgets what an offset confirms.
        if let Some(offset) = offset {
            queued.retain(|id| *id >= offset);
        }
        let batch = queued
            .iter()
            .map(|id| RawUpdate {
                update_id: *id,
                json: format!(r#"{{"update_id":{id},"message":{{"chat":{{"id":{id}}},"text":"x"}}}}"#),
            })
            .collect();
        Ok(batch)
    }
}

async fn redis() -> Arc<dyn Cache> {
    let url = test_support::require_redis().await;
    let vars = [
        ("APP_ENV", "test".to_owned()),
        ("REDIS_URL", url),
        ("REDIS_KEY_PREFIX", format!("test:{}:", uuid::Uuid::new_v4().simple())),
    ];
    let settings =
        config::Settings::from_vars(vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()).expect("settings");
    Arc::new(RedisCache::new(settings.redis.as_ref().expect("redis settings")).expect("redis cache"))
}

#[tokio::test]
async fn the_offset_moves_only_past_stored_updates_and_duplicates_are_stored_once() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let telegram = Arc::new(FakeTelegram::default());
    telegram.queued.lock().await.extend([5, 6, 7]);
    let lock = LeaderLock::new(redis().await, "bot-poller", Duration::from_secs(5));
    let poller = Poller::new(app.inbox.clone(), telegram.clone(), lock, PollerConfig::default());

    let (round, offset) = poller.round(None).await;
    assert_eq!((round, offset), (Round::Stored(3), Some(8)));
    // The same updates again (an unconfirmed batch after a crash): stored once.
    let (round, _) = poller.round(None).await;
    assert_eq!(round, Round::Stored(3));
    assert_eq!(app.inbox.backlog().await.unwrap(), 3);
    let (round, offset) = poller.round(Some(8)).await;
    assert_eq!((round, offset), (Round::Stored(0), Some(8)));
    assert_eq!(*telegram.offsets.lock().await, vec![None, None, Some(8)]);
}

#[tokio::test]
async fn two_pollers_never_poll_at_once_and_a_standby_takes_over() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let telegram = Arc::new(FakeTelegram::default());
    let cache = redis().await;
    let config = PollerConfig { poll_timeout: Duration::from_millis(30), max_backoff: Duration::from_millis(50) };
    // A short lock, so the standby checks (every third of it) often.
    let lock = |cache: &Arc<dyn Cache>| LeaderLock::new(cache.clone(), "bot-poller", Duration::from_millis(300));
    let (stop_a, stopped_a) = watch::channel(false);
    let (stop_b, stopped_b) = watch::channel(false);
    let a = tokio::spawn(Poller::new(app.inbox.clone(), telegram.clone(), lock(&cache), config.clone()).run(stopped_a));
    // `a` leads; `b` starts as the standby.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let b = tokio::spawn(Poller::new(app.inbox.clone(), telegram.clone(), lock(&cache), config).run(stopped_b));
    tokio::time::sleep(Duration::from_millis(600)).await;
    let before = telegram.calls.load(Ordering::SeqCst);
    assert!(before >= 5, "the leader polls continuously ({before} calls)");
    assert_eq!(telegram.most_at_once.load(Ordering::SeqCst), 1, "never two getUpdates at once");

    // The leader stops and gives the lock up; the standby carries on polling.
    stop_a.send(true).unwrap();
    a.await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = telegram.calls.load(Ordering::SeqCst);
    assert!(after >= before + 5, "polling goes on after one poller stops ({before} → {after})");
    assert_eq!(telegram.most_at_once.load(Ordering::SeqCst), 1);
    stop_b.send(true).unwrap();
    b.await.unwrap();
}
