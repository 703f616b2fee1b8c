//! Signed-in users kept in this process for a few seconds, so authenticating a request and
//! reading the learner's calendar cost no database round trip. Every write to a user's row (or
//! to what the entry derives from it: the active profile's interface language) made through
//! this process forgets the entry at once; a change made anywhere else (another api-server
//! instance, a worker, SQL by hand) is seen within `AUTH_USER_CACHE_SECONDS`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::UserId;
use repositories::users::{self, UserWithLanguage};
use repositories::{Database, RepoError};

use crate::Clock;

/// At most this many users are held (about 1 KB each); the least used go first.
const CAPACITY: u64 = 100_000;

#[derive(Clone)]
struct Entry {
    /// By the application clock, so the freshness bound is testable.
    read_at: DateTime<Utc>,
    user: Arc<UserWithLanguage>,
}

#[derive(Clone)]
pub struct UserCache {
    db: Database,
    clock: Arc<dyn Clock>,
    ttl: chrono::Duration,
    /// `None` when caching is off (`AUTH_USER_CACHE_SECONDS=0`).
    entries: Option<moka::sync::Cache<UserId, Entry>>,
}

impl std::fmt::Debug for UserCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserCache").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl UserCache {
    pub fn new(db: Database, clock: Arc<dyn Clock>, ttl: Duration) -> Self {
        // moka's own expiry only bounds memory; freshness is judged by `clock` below.
        let entries =
            (!ttl.is_zero()).then(|| moka::sync::Cache::builder().max_capacity(CAPACITY).time_to_live(ttl).build());
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::zero());
        Self { db, clock, ttl, entries }
    }

    /// The user and their interface language; `None` when the user no longer exists.
    pub async fn get(&self, id: UserId) -> Result<Option<Arc<UserWithLanguage>>, RepoError> {
        let now = self.clock.now();
        if let Some(entry) = self.entries.as_ref().and_then(|entries| entries.get(&id))
            && now - entry.read_at < self.ttl
        {
            return Ok(Some(entry.user));
        }
        let Some(found) = users::find_with_language(self.db.conn(), id).await? else {
            self.forget(id);
            return Ok(None);
        };
        let user = Arc::new(found);
        if let Some(entries) = &self.entries {
            entries.insert(id, Entry { read_at: now, user: Arc::clone(&user) });
        }
        Ok(Some(user))
    }

    /// Drops the cached entry after the user's row or active profile changed.
    pub fn forget(&self, id: UserId) {
        if let Some(entries) = &self.entries {
            entries.invalidate(&id);
        }
    }
}
