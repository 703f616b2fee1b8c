//! Signed-in users kept in this process, so authenticating a request and reading the learner's
//! calendar cost no database round trip. Every write to a user's row (or to what the entry
//! derives from it: the active profile's interface language) made through this process forgets
//! the entry at once. A change made anywhere else (another api-server instance, a worker, SQL by
//! hand) is announced by PostgreSQL (`repositories::user_changes`); while this process hears
//! those announcements an entry is trusted for `AUTH_USER_CACHE_LISTEN_SECONDS`, otherwise for
//! `AUTH_USER_CACHE_SECONDS`, which therefore bounds how long a change made elsewhere can go
//! unseen in every case.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::UserId;
use repositories::user_changes::{self, Heard, UserChangeFeed};
use repositories::users::{self, UserWithLanguage};
use repositories::{Database, RepoError};

use crate::Clock;

/// At most this many users are held (about 1 KB each); the least used go first.
const CAPACITY: u64 = 100_000;

type Entries = moka::sync::Cache<UserId, Entry>;

#[derive(Clone)]
struct Entry {
    /// By the application clock, so the freshness bounds are testable.
    read_at: DateTime<Utc>,
    /// The listening session during which it was read, if this process was hearing changes.
    heard_in: Option<u64>,
    user: Arc<UserWithLanguage>,
}

#[derive(Clone)]
pub struct UserCache {
    db: Database,
    clock: Arc<dyn Clock>,
    /// Trusted this long after the read, whatever happens elsewhere.
    ttl: chrono::Duration,
    /// Trusted this long while every change is heard (not longer than `ttl` when not listening).
    heard_ttl: chrono::Duration,
    /// `None` when caching is off (`AUTH_USER_CACHE_SECONDS=0`).
    entries: Option<Entries>,
    hearing: Arc<Hearing>,
}

impl std::fmt::Debug for UserCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserCache").field("ttl", &self.ttl).field("heard_ttl", &self.heard_ttl).finish_non_exhaustive()
    }
}

/// What this process hears of changes made elsewhere.
struct Hearing {
    connected: AtomicBool,
    /// Bumped on every (re)connection: entries read before it may have missed a change.
    session: AtomicU64,
    /// When anything (a change, a heartbeat) was last heard, in ms since `started`.
    last_heard_ms: AtomicU64,
    started: Instant,
    /// Not hearing anything for this long means the connection cannot be trusted.
    live_within: Duration,
    /// Bumped by every forgotten entry, so a read that raced a change is not kept.
    forgets: AtomicU64,
}

impl Hearing {
    fn new(live_within: Duration) -> Self {
        Self {
            connected: AtomicBool::new(false),
            session: AtomicU64::new(0),
            last_heard_ms: AtomicU64::new(0),
            started: Instant::now(),
            live_within,
            forgets: AtomicU64::new(0),
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn heard(&self) {
        self.last_heard_ms.store(self.elapsed_ms(), SeqCst);
    }

    /// The session whose changes are all being heard now, if any.
    fn session_now(&self) -> Option<u64> {
        let session = self.session.load(SeqCst);
        let quiet = self.elapsed_ms().saturating_sub(self.last_heard_ms.load(SeqCst));
        let live = u128::from(quiet) < self.live_within.as_millis();
        (self.connected.load(SeqCst) && live).then_some(session)
    }

    fn connected(&self) {
        self.session.fetch_add(1, SeqCst);
        self.heard();
        self.connected.store(true, SeqCst);
    }

    fn disconnected(&self) {
        self.connected.store(false, SeqCst);
    }
}

impl UserCache {
    pub fn new(db: Database, clock: Arc<dyn Clock>, ttl: Duration) -> Self {
        let hearing = Arc::new(Hearing::new(ttl));
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::zero());
        let mut cache = Self { db, clock, ttl, heard_ttl: ttl, entries: None, hearing };
        cache.entries = cache.build_entries();
        cache
    }

    /// Trusts entries for `heard_ttl` while changes are heard (see [`Self::listen_for_changes`]).
    pub fn trusting_heard_changes_for(mut self, heard_ttl: Duration) -> Self {
        let heard_ttl = chrono::Duration::from_std(heard_ttl).unwrap_or(chrono::Duration::zero());
        self.heard_ttl = heard_ttl.max(self.ttl);
        self.entries = self.build_entries();
        self
    }

    fn build_entries(&self) -> Option<Entries> {
        // moka's own expiry only bounds memory (`heard_ttl` is never below `ttl`); freshness is
        // judged by `clock` below.
        let longest = self.heard_ttl.to_std().unwrap_or_default();
        (!self.ttl.is_zero()).then(|| moka::sync::Cache::builder().max_capacity(CAPACITY).time_to_live(longest).build())
    }

    /// The user and their interface language; `None` when the user no longer exists.
    pub async fn get(&self, id: UserId) -> Result<Option<Arc<UserWithLanguage>>, RepoError> {
        let now = self.clock.now();
        if let Some(entry) = self.entries.as_ref().and_then(|entries| entries.get(&id))
            && self.is_fresh(&entry, now)
        {
            return Ok(Some(entry.user));
        }
        let forgets = self.hearing.forgets.load(SeqCst);
        let heard_in = self.hearing.session_now();
        let Some(found) = users::find_with_language(self.db.conn(), id).await? else {
            self.forget(id);
            return Ok(None);
        };
        let user = Arc::new(found);
        if let Some(entries) = &self.entries {
            entries.insert(id, Entry { read_at: now, heard_in, user: Arc::clone(&user) });
            // A change heard while the row was being read may be older than what was read, or
            // newer: not knowing which, keep nothing.
            if self.hearing.forgets.load(SeqCst) != forgets {
                entries.invalidate(&id);
            }
        }
        Ok(Some(user))
    }

    fn is_fresh(&self, entry: &Entry, now: DateTime<Utc>) -> bool {
        let age = now - entry.read_at;
        age < self.ttl
            || (age < self.heard_ttl && entry.heard_in.is_some() && entry.heard_in == self.hearing.session_now())
    }

    /// Whether changes made elsewhere are being heard now (entries then live `heard_ttl`).
    pub fn hears_changes(&self) -> bool {
        self.hearing.session_now().is_some()
    }

    /// Drops the cached entry after the user's row or active profile changed.
    pub fn forget(&self, id: UserId) {
        forget(&self.hearing, self.entries.as_ref(), id);
    }

    /// Starts hearing the changes PostgreSQL announces (nothing on SQLite, or when entries are
    /// not trusted longer while heard): a task that listens, reconnecting after a loss, and one
    /// that sends a heartbeat every quarter of `AUTH_USER_CACHE_SECONDS`. Both end once every
    /// clone of this cache is gone.
    pub fn listen_for_changes(&self) {
        let Some(entries) = self.entries.clone() else { return };
        if self.heard_ttl <= self.ttl || self.db.backend() != repositories::DbBackend::Postgres {
            return;
        }
        let beat = (self.hearing.live_within / 4).clamp(Duration::from_millis(250), Duration::from_secs(5));
        tokio::spawn(listen(Arc::downgrade(&self.hearing), entries, self.db.clone()));
        let db = self.db.clone();
        crate::detached::every(beat, Arc::downgrade(&self.hearing), move |_| {
            let db = db.clone();
            async move {
                if let Err(err) = user_changes::heartbeat(&db).await {
                    tracing::debug!(error = %err, "cannot send the user-changes heartbeat");
                }
            }
        });
    }
}

fn forget(hearing: &Hearing, entries: Option<&Entries>, id: UserId) {
    hearing.forgets.fetch_add(1, SeqCst);
    if let Some(entries) = entries {
        entries.invalidate(&id);
    }
}

async fn listen(hearing: Weak<Hearing>, entries: Entries, db: Database) {
    const FIRST_RETRY: Duration = Duration::from_millis(250);
    let mut retry = FIRST_RETRY;
    loop {
        let Some(live_within) = hearing.upgrade().map(|h| h.live_within) else { return };
        let mut feed = match UserChangeFeed::listen(&db).await {
            Ok(Some(feed)) => feed,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for user changes; cached users keep the short bound");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        retry = FIRST_RETRY;
        match hearing.upgrade() {
            Some(h) => h.connected(),
            None => return,
        }
        tracing::debug!("listening for user changes");
        loop {
            let heard = tokio::time::timeout(live_within, feed.next()).await;
            let Some(h) = hearing.upgrade() else { return };
            let alive = match heard {
                Ok(Ok(Some(Heard::User(id)))) => {
                    h.heard();
                    forget(&h, Some(&entries), id);
                    true
                }
                Ok(Ok(Some(Heard::Alive))) => {
                    h.heard();
                    true
                }
                Ok(Ok(None)) => {
                    tracing::warn!("lost the connection that hears user changes; reconnecting");
                    false
                }
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "hearing user changes failed; reconnecting");
                    false
                }
                Err(_) => {
                    tracing::warn!(?live_within, "heard no user change nor heartbeat; reconnecting");
                    false
                }
            };
            if !alive {
                h.disconnected();
                break;
            }
        }
        // A server that accepts and then drops the connection at once is not hammered.
        tokio::time::sleep(FIRST_RETRY).await;
    }
}
