//! The signed-in user cache on PostgreSQL: changes made elsewhere (here: SQL beside the cache,
//! as another instance or an operator would write) are heard at once, entries outlive the short
//! bound only while the listener is heard, and a lost listener falls back to the short bound
//! and comes back.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{TimeDelta, TimeZone, Utc};
use domain::UserId;
use repositories::ConnectionTrait;
use services::ManualClock;
use services::user_cache::UserCache;
use test_support::backends::{Backend, migrated_postgres};

const SHORT: Duration = Duration::from_secs(10);
const HEARD: Duration = Duration::from_secs(600);

struct Setup {
    backend: Backend,
    clock: ManualClock,
    cache: UserCache,
    user: UserId,
    /// Statements the cache ran.
    reads: Arc<AtomicUsize>,
}

impl Setup {
    async fn new(listening: bool) -> Self {
        let backend = migrated_postgres().await;
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap());
        let app = crate::app_on(&backend, &clock);
        let (user, _) = crate::learner_with_profile(&app, &clock, 501, "de").await;
        let reads = Arc::new(AtomicUsize::new(0));
        let mut observed = backend.db.clone();
        let counter = Arc::clone(&reads);
        observed.observe_statements(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let cache = UserCache::new(observed, Arc::new(clock.clone()), SHORT).trusting_heard_changes_for(HEARD);
        if listening {
            cache.listen_for_changes();
            eventually("the cache hears changes", || async { cache.hears_changes() }).await;
        }
        Self { backend, clock, cache, user, reads }
    }

    /// Statements the cache ran since the last call.
    fn reads(&self) -> usize {
        self.reads.swap(0, Ordering::SeqCst)
    }

    async fn first_name(&self) -> Option<String> {
        self.cache.get(self.user).await.unwrap().map(|found| found.user.first_name.clone())
    }

    async fn elsewhere(&self, sql: &str) {
        let sql = sql.replace("{user}", &self.user.as_uuid().to_string());
        self.backend.db.conn().execute_unprepared(&sql).await.unwrap();
    }
}

/// Polls `check` for up to five seconds.
async fn eventually<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not within 5 s: {what}");
}

#[tokio::test]
async fn changes_made_elsewhere_are_seen_at_once_and_entries_live_long_while_heard() {
    let s = Setup::new(true).await;
    assert_eq!(s.first_name().await.as_deref(), Some("Ann"));
    assert_eq!(s.reads(), 1);
    s.clock.advance(TimeDelta::minutes(5));
    assert_eq!(s.first_name().await.as_deref(), Some("Ann"));
    assert_eq!(s.reads(), 0, "past the short bound, still trusted while changes are heard");

    s.elsewhere("UPDATE users SET first_name = 'Changed' WHERE id = '{user}'").await;
    eventually("the rename is seen", || async { s.first_name().await.as_deref() == Some("Changed") }).await;
    s.reads();

    s.elsewhere("UPDATE language_profiles SET interface_language = 'en' WHERE user_id = '{user}'").await;
    eventually("the new interface language is seen", || async {
        s.cache.get(s.user).await.unwrap().unwrap().interface_language.as_deref() == Some("en")
    })
    .await;

    s.elsewhere("DELETE FROM users WHERE id = '{user}'").await;
    eventually("the erasure is seen", || async { s.first_name().await.is_none() }).await;
}

#[tokio::test]
async fn without_hearing_changes_an_entry_keeps_the_short_bound() {
    let s = Setup::new(false).await;
    assert!(!s.cache.hears_changes());
    s.first_name().await;
    s.elsewhere("UPDATE users SET first_name = 'Changed' WHERE id = '{user}'").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.first_name().await.as_deref(), Some("Ann"), "unheard, the entry is served until it is 10 s old");
    assert_eq!(s.reads(), 1);
    s.clock.advance(TimeDelta::seconds(10));
    assert_eq!(s.first_name().await.as_deref(), Some("Changed"));
    assert_eq!(s.reads(), 1);
}

#[tokio::test]
async fn a_lost_listener_falls_back_to_the_short_bound_and_listens_again() {
    let s = Setup::new(true).await;
    s.first_name().await;
    s.clock.advance(TimeDelta::minutes(1));
    s.first_name().await;
    assert_eq!(s.reads(), 1, "read once, then trusted while heard");

    s.elsewhere(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .await;
    // The entry was read in the lost session: whatever the listener missed meanwhile, it is
    // now trusted for the short bound only, and it is a minute old.
    eventually("the entry read before the loss is read again", || async {
        s.first_name().await;
        s.reads() > 0
    })
    .await;

    eventually("the cache hears changes again", || async { s.cache.hears_changes() }).await;
    s.elsewhere("UPDATE users SET first_name = 'Again' WHERE id = '{user}'").await;
    eventually("a change after the reconnection is seen", || async {
        s.first_name().await.as_deref() == Some("Again")
    })
    .await;
}
