//! Daily quotas of LLM-costing work per plan, counted in the user's local calendar day (reset
//! at local midnight) in the shared cache: `quota:{user}:{kind}:{date}`, 48 h TTL.
//!
//! A call first reserves its units atomically (so concurrent requests cannot overshoot) and
//! gives them back when the call fails: in effect only successful calls are charged. When the
//! cache is unreachable the quota is not enforced (logged): an outage must not stop learning.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use config::PlanSettings;
use domain::{Plan, StudyDay, TimeZone, UserId};
use repositories::{Database, RepoError, users};

use crate::Clock;
use crate::cache::Cache;

const COUNTER_TTL: Duration = Duration::from_secs(48 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    /// Tutor answers, from the Mini App and the bot.
    Messages,
    /// Words turned into cards by the LLM.
    CardGeneration,
}

impl QuotaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Messages => "messages",
            Self::CardGeneration => "card_generation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaStatus {
    pub kind: QuotaKind,
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

/// Units taken from a quota; give them back with [`QuotaService::refund`] if the work failed.
#[derive(Debug)]
#[must_use = "refund the reservation when the work fails"]
pub struct Reservation {
    key: Option<String>,
    pub status: QuotaStatus,
}

#[derive(Debug, Clone)]
pub struct QuotaService {
    db: Database,
    cache: Arc<dyn Cache>,
    clock: Arc<dyn Clock>,
    plans: PlanSettings,
}

struct Subject {
    key: String,
    max: Option<u32>,
    reset_at: DateTime<FixedOffset>,
}

impl QuotaService {
    pub fn new(db: Database, cache: Arc<dyn Cache>, clock: Arc<dyn Clock>, plans: PlanSettings) -> Self {
        Self { db, cache, clock, plans }
    }

    fn max(&self, plan: Plan, kind: QuotaKind) -> Option<u32> {
        match (plan, kind) {
            (Plan::Free, QuotaKind::Messages) => Some(self.plans.free_daily_messages),
            (Plan::Premium, QuotaKind::Messages) => self.plans.premium_daily_messages,
            (Plan::Free, QuotaKind::CardGeneration) => Some(self.plans.free_daily_card_generation),
            (Plan::Premium, QuotaKind::CardGeneration) => self.plans.premium_daily_card_generation,
        }
    }

    async fn subject(&self, user_id: UserId, kind: QuotaKind) -> Result<Subject, QuotaError> {
        let user = users::find_by_id(self.db.conn(), user_id).await?.ok_or(QuotaError::UserGone)?;
        let now = self.clock.now();
        let zone = TimeZone::parse(&user.timezone).unwrap_or(TimeZone::UTC);
        let day = StudyDay::containing(now, zone, 0);
        Ok(Subject {
            key: format!("quota:{}:{}:{}", user_id, kind.as_str(), day.date),
            max: self.max(Plan::of(user.premium_until, now), kind),
            reset_at: day.ends_at.with_timezone(&zone.tz()).fixed_offset(),
        })
    }

    pub async fn status(&self, user_id: UserId, kind: QuotaKind) -> Result<QuotaStatus, QuotaError> {
        let subject = self.subject(user_id, kind).await?;
        let used = match self.cache.get(&subject.key).await {
            Ok(value) => value.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0),
            Err(error) => {
                tracing::warn!(%error, "quota counter unreadable; showing it as unused");
                0
            }
        };
        Ok(QuotaStatus { kind, used: clamp(used), max: subject.max, reset_at: subject.reset_at })
    }

    /// Takes `amount` units, or refuses with the current status when they do not fit.
    pub async fn reserve(&self, user_id: UserId, kind: QuotaKind, amount: u32) -> Result<Reservation, QuotaError> {
        let subject = self.subject(user_id, kind).await?;
        let status = |used: i64| QuotaStatus { kind, used: clamp(used), max: subject.max, reset_at: subject.reset_at };
        let by = i64::from(amount);
        let used = match self.cache.incr_by(&subject.key, by, COUNTER_TTL).await {
            Ok(used) => used,
            Err(error) => {
                tracing::warn!(%error, kind = kind.as_str(), "quota counter unavailable; not enforcing it");
                return Ok(Reservation { key: None, status: status(0) });
            }
        };
        if let Some(max) = subject.max
            && used > i64::from(max)
        {
            self.give_back(&subject.key, by).await;
            let status = status(used - by);
            let retry_after_seconds = status.retry_after_seconds(self.clock.now());
            return Err(QuotaError::Exceeded { status, retry_after_seconds });
        }
        Ok(Reservation { key: Some(subject.key), status: status(used) })
    }

    /// Gives back `amount` of the reserved units (all of them when the work failed).
    pub async fn refund(&self, reservation: &mut Reservation, amount: u32) {
        if let Some(key) = &reservation.key {
            self.give_back(key, i64::from(amount)).await;
            reservation.status.used = reservation.status.used.saturating_sub(amount);
        }
    }

    async fn give_back(&self, key: &str, by: i64) {
        if let Err(error) = self.cache.incr_by(key, -by, COUNTER_TTL).await {
            tracing::warn!(%error, "could not give quota units back");
        }
    }
}

fn clamp(used: i64) -> u32 {
    u32::try_from(used.max(0)).unwrap_or(u32::MAX)
}
