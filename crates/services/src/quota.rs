//! Daily quotas of LLM-costing work per plan, counted in the user's local calendar day (reset
//! at local midnight) in the shared cache: `quota:{user}:{kind}:{local date}`, 48 h TTL.
//!
//! The day is fixed when its first unit is taken (`quota:{user}:window` holds its date and
//! reset instant until then), so changing the time zone mid-day cannot open a fresh day.
//!
//! A call reserves its units with one check-and-increment (so concurrent requests can neither
//! overshoot nor crowd each other out) and settles
//! them when it is done; units not settled as used (a failure, a cancelled request, a panic)
//! are given back: in effect only successful work is charged. When the cache is unreachable
//! the quota is not enforced (logged): an outage must not stop learning.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone as _, Utc};
use domain::{DailyQuota, Plans, StudyDay, TimeZone, UserId};
use repositories::RepoError;

use crate::Clock;
use crate::cache::Cache;
use crate::learner::zone_of;
use crate::plans::Entitlement;
use crate::user_cache::UserCache;
use repositories::users::UserWithLanguage;

const COUNTER_TTL: Duration = Duration::from_secs(48 * 3600);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuotaStatus {
    pub kind: DailyQuota,
    pub used: u32,
    /// `None`: unlimited.
    pub max: Option<u32>,
    /// The next local midnight, with the user's offset.
    pub reset_at: DateTime<FixedOffset>,
}

impl QuotaStatus {
    /// Seconds from `now` until the counter starts again (at least 1).
    pub fn retry_after_seconds(&self, now: DateTime<Utc>) -> u64 {
        u64::try_from((self.reset_at.with_timezone(&Utc) - now).num_seconds()).unwrap_or(0).max(1)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QuotaError {
    #[error("the daily {} quota is used up", .status.kind.as_str())]
    Exceeded { status: QuotaStatus, retry_after_seconds: u64 },
    #[error("the user no longer exists")]
    UserGone,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Units taken from a quota. [`settle`](Self::settle) keeps the ones used; whatever is still
/// held when the reservation is dropped (an error, a cancelled request, a panic) goes back.
#[derive(Debug)]
#[must_use = "settle the reservation once the work is done"]
pub struct Reservation {
    cache: Option<Arc<dyn Cache>>,
    key: String,
    held: u32,
    status: QuotaStatus,
}

impl Reservation {
    /// Keeps `used` of the held units, gives the rest back, and returns the resulting status.
    pub async fn settle(mut self, used: u32) -> QuotaStatus {
        let unused = self.held.saturating_sub(used);
        if unused > 0
            && let Some(cache) = &self.cache
        {
            give_back(cache.as_ref(), &self.key, unused).await;
        }
        self.held = 0;
        let mut status = self.status.clone();
        status.used = status.used.saturating_sub(unused);
        status
    }

    pub fn status(&self) -> &QuotaStatus {
        &self.status
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let (Some(cache), held) = (self.cache.clone(), self.held) else { return };
        if held == 0 {
            return;
        }
        let key = std::mem::take(&mut self.key);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move { give_back(cache.as_ref(), &key, held).await });
            }
            Err(_) => tracing::warn!("quota units could not be given back outside a runtime"),
        }
    }
}

async fn give_back(cache: &dyn Cache, key: &str, units: u32) {
    if let Err(error) = cache.incr_by(key, -i64::from(units), COUNTER_TTL).await {
        tracing::warn!(%error, "could not give quota units back");
    }
}

#[derive(Debug, Clone)]
pub struct QuotaService {
    users: UserCache,
    cache: Arc<dyn Cache>,
    clock: Arc<dyn Clock>,
    plans: Plans,
}

/// One user's quota day: its local date and the instant it ends.
struct Window {
    date: NaiveDate,
    reset: DateTime<Utc>,
}

impl Window {
    /// The day that starts for a first unit taken at `now` in `zone`.
    fn starting(now: DateTime<Utc>, zone: TimeZone) -> Self {
        let day = StudyDay::containing(now, zone, 0);
        Self { date: day.date, reset: day.ends_at }
    }

    /// A stored `date|reset` window that is still open at `now`.
    fn parse(value: Option<String>, now: DateTime<Utc>) -> Option<Self> {
        let value = value?;
        let (date, reset) = value.split_once('|')?;
        let window = Self { date: date.parse().ok()?, reset: Utc.timestamp_opt(reset.parse().ok()?, 0).single()? };
        (window.reset > now).then_some(window)
    }
}

fn window_key(user_id: UserId) -> String {
    format!("quota:{user_id}:window")
}

fn counter_key(user_id: impl std::fmt::Display, kind: DailyQuota, date: NaiveDate) -> String {
    format!("quota:{}:{}:{}", user_id, kind.as_str(), date)
}

struct Subject {
    key: String,
    max: Option<u32>,
    reset_at: DateTime<FixedOffset>,
}

impl QuotaService {
    pub fn new(users: UserCache, cache: Arc<dyn Cache>, clock: Arc<dyn Clock>, plans: Plans) -> Self {
        Self { users, cache, clock, plans }
    }

    /// The open quota day, or one starting now in `zone` (recorded when `open` is set).
    async fn window(&self, user_id: UserId, zone: TimeZone, now: DateTime<Utc>, open: bool) -> Window {
        let key = window_key(user_id);
        if let Some(window) = Window::parse(self.cache.get(&key).await.ok().flatten(), now) {
            return window;
        }
        let fresh = Window::starting(now, zone);
        if !open {
            return fresh;
        }
        let ttl = (fresh.reset - now).to_std().unwrap_or(Duration::from_secs(1));
        let value = format!("{}|{}", fresh.date, fresh.reset.timestamp());
        match self.cache.set_nx_ex(&key, &value, ttl).await {
            Ok(true) | Err(_) => fresh,
            // Opened by a concurrent request a moment ago.
            Ok(false) => Window::parse(self.cache.get(&key).await.ok().flatten(), now).unwrap_or(fresh),
        }
    }

    async fn subject(&self, user_id: UserId, kind: DailyQuota, open: bool) -> Result<Subject, QuotaError> {
        Ok(self.subjects(user_id, &[kind], open).await?.into_iter().next().ok_or(QuotaError::UserGone)?.1)
    }

    /// The counters of `kinds` in the user's quota day (the user from the sign-in cache).
    async fn subjects(
        &self,
        user_id: UserId,
        kinds: &[DailyQuota],
        open: bool,
    ) -> Result<Vec<(DailyQuota, Subject)>, QuotaError> {
        let (user, now) = self.user_now(user_id).await?;
        let zone = zone_of(&user.user);
        let window = self.window(user_id, zone, now, open).await;
        Ok(self.subjects_in(&user, zone, &window, kinds, now))
    }

    async fn user_now(&self, user_id: UserId) -> Result<(Arc<UserWithLanguage>, DateTime<Utc>), QuotaError> {
        let user = self.users.get(user_id).await?.ok_or(QuotaError::UserGone)?;
        Ok((user, self.clock.now()))
    }

    fn subjects_in(
        &self,
        user: &UserWithLanguage,
        zone: TimeZone,
        window: &Window,
        kinds: &[DailyQuota],
        now: DateTime<Utc>,
    ) -> Vec<(DailyQuota, Subject)> {
        let limits = Entitlement::of(&self.plans, user.user.premium_until, now).limits;
        let subject = |kind: DailyQuota| Subject {
            key: counter_key(user.user.id, kind, window.date),
            max: limits.daily(kind),
            reset_at: window.reset.with_timezone(&zone.tz()).fixed_offset(),
        };
        kinds.iter().map(|&kind| (kind, subject(kind))).collect()
    }

    pub async fn status(&self, user_id: UserId, kind: DailyQuota) -> Result<QuotaStatus, QuotaError> {
        let mut statuses = self.statuses(user_id, &[kind]).await?;
        statuses.pop().ok_or(QuotaError::UserGone)
    }

    /// Several quotas at once, in one cache round trip whatever their number: the window and
    /// the counters of the day starting now are read together, and only a window opened on
    /// another local date (a zone changed mid-day) costs a second read.
    pub async fn statuses(&self, user_id: UserId, kinds: &[DailyQuota]) -> Result<Vec<QuotaStatus>, QuotaError> {
        let (user, now) = self.user_now(user_id).await?;
        let zone = zone_of(&user.user);
        let fresh = Window::starting(now, zone);
        let mut keys = vec![window_key(user_id)];
        keys.extend(kinds.iter().map(|&kind| counter_key(user_id, kind, fresh.date)));
        let mut values = self.read_counters(&keys).await;
        let counters = values.split_off(1.min(values.len()));
        let (window, counters) = match Window::parse(values.pop().flatten(), now) {
            Some(open) if open.date != fresh.date => {
                let keys: Vec<String> = kinds.iter().map(|&kind| counter_key(user_id, kind, open.date)).collect();
                let counters = self.read_counters(&keys).await;
                (open, counters)
            }
            Some(open) => (open, counters),
            None => (fresh, counters),
        };
        Ok(self
            .subjects_in(&user, zone, &window, kinds, now)
            .into_iter()
            .zip(counters.into_iter().chain(std::iter::repeat(None)))
            .map(|((kind, subject), value)| {
                let used = value.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                QuotaStatus { kind, used: clamp(used), max: subject.max, reset_at: subject.reset_at }
            })
            .collect())
    }

    async fn read_counters(&self, keys: &[String]) -> Vec<Option<String>> {
        self.cache.get_many(keys).await.unwrap_or_else(|error| {
            tracing::warn!(%error, "quota counters unreadable; showing them as unused");
            vec![None; keys.len()]
        })
    }

    /// Takes `amount` units, or refuses with the current status when they do not fit.
    pub async fn reserve(&self, user_id: UserId, kind: DailyQuota, amount: u32) -> Result<Reservation, QuotaError> {
        let subject = self.subject(user_id, kind, true).await?;
        let status = |used: i64| QuotaStatus { kind, used: clamp(used), max: subject.max, reset_at: subject.reset_at };
        let by = i64::from(amount);
        let taken = match subject.max {
            Some(max) => self.cache.incr_by_at_most(&subject.key, by, i64::from(max), COUNTER_TTL).await,
            None => self.cache.incr_by(&subject.key, by, COUNTER_TTL).await.map(Ok),
        };
        let used = match taken {
            Ok(Ok(used)) => used,
            Ok(Err(current)) => {
                let status = status(current);
                let retry_after_seconds = status.retry_after_seconds(self.clock.now());
                return Err(QuotaError::Exceeded { status, retry_after_seconds });
            }
            Err(error) => {
                tracing::warn!(%error, kind = kind.as_str(), "quota counter unavailable; not enforcing it");
                return Ok(Reservation { cache: None, key: subject.key, held: 0, status: status(0) });
            }
        };
        Ok(Reservation { cache: Some(self.cache.clone()), key: subject.key, held: amount, status: status(used) })
    }
}

fn clamp(used: i64) -> u32 {
    u32::try_from(used.max(0)).unwrap_or(u32::MAX)
}
