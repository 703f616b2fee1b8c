//! Each learner's own memory model: the notifier fits FSRS parameters from a profile's review
//! log once it has enough reviews (`FSRS_FIT_*`), adopts them only when they predict the
//! learner's most recent reviews better than the parameters in use, and scheduling then uses
//! them (`study::scheduler_for`). Card states are never rewritten: the next review of each card
//! simply continues from its stored stability and difficulty under the new parameters.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use config::MemorySettings;
use domain::{ProfileId, UserId};
use repositories::fsrs::{self, FitCandidate, FitFigures, FitOutcome, FitPolicy, FitRecord};
use repositories::{Database, RepoError, TransactionTrait, profiles};

use crate::Clock;
use crate::learner::study_day_of;
use crate::profiles::ProfileError;
use crate::srs::fitting::{self, FitConfig, LoggedReview};
use crate::user_cache::UserCache;

#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("stored FSRS parameters are unreadable: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

/// Days the workload forecast covers, today included.
pub const FORECAST_DAYS: usize = 30;

/// What the profile's memory model is and how it is doing, for the profile's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryReport {
    /// Reviews in the profile's log (undone ones left out).
    pub review_count: i64,
    /// The parameters scheduling uses now: the profile's own, or FSRS-6's defaults.
    pub parameters: Vec<f32>,
    pub personal_since: Option<DateTime<Utc>>,
    pub last_fit: Option<LastFit>,
    /// The review count at which the next fit is due (the notifier may take a little longer).
    pub next_fit_at_reviews: i64,
    pub desired_retention: f64,
    /// Recalled share of the long-term reviews of the last 30 days; `None` without any.
    pub true_retention: Option<f64>,
    pub retention_reviews: i64,
    /// Reviews coming due on each of the next 30 study days (overdue ones on today).
    pub forecast: Vec<(NaiveDate, u32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LastFit {
    pub at: DateTime<Utc>,
    /// `adopted`, `rejected` or `failed`.
    pub outcome: String,
    pub review_count: i64,
    pub held_out: i64,
    /// `None` for a failed fit.
    pub figures: Option<FitFigures>,
}

/// What one round of the fitting job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FitRound {
    pub adopted: usize,
    pub rejected: usize,
    pub failed: usize,
    /// Due, but another notifier holds them.
    pub skipped: usize,
}

#[derive(Debug, Clone)]
pub struct MemoryService {
    db: Database,
    clock: Arc<dyn Clock>,
    users: UserCache,
    settings: MemorySettings,
}

impl MemoryService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, users: UserCache, settings: MemorySettings) -> Self {
        Self { db, clock, users, settings }
    }

    pub async fn report(&self, user_id: UserId, profile_id: ProfileId) -> Result<MemoryReport, MemoryError> {
        let conn = self.db.conn();
        let profile = profiles::find_owned(conn, user_id, profile_id).await?.ok_or(ProfileError::NotFound)?;
        let user = self.users.get(user_id).await?.ok_or(ProfileError::UserGone)?;
        let now = self.clock.now();
        let (user_uuid, profile_uuid) = (user_id.as_uuid(), profile_id.as_uuid());
        let stored = fsrs::memory(conn, profile_uuid).await?;
        let tally = fsrs::recall_since(conn, user_uuid, profile_uuid, now - Duration::days(30)).await?;
        let today = study_day_of(&user.user, now);
        let horizon = today.ends_at + Duration::days(FORECAST_DAYS as i64 - 1);
        let mut forecast: Vec<(NaiveDate, u32)> = (0..FORECAST_DAYS as u64)
            .filter_map(|d| today.date.checked_add_days(chrono::Days::new(d)))
            .map(|d| (d, 0))
            .collect();
        for due in fsrs::due_times(conn, user_uuid, profile_uuid, horizon).await? {
            let day = if due <= now { today.date } else { study_day_of(&user.user, due).date };
            if let Some(slot) = forecast.iter_mut().find(|(date, _)| *date == day) {
                slot.1 += 1;
            }
        }
        let personal = parameters_of(stored.parameters.as_ref())?;
        let last_fit = match (stored.fit_at, stored.fit_outcome.clone()) {
            (Some(at), Some(outcome)) => Some(LastFit {
                at,
                outcome,
                review_count: i64::from(stored.fit_review_count.unwrap_or(0)),
                held_out: i64::from(stored.fit_held_out.unwrap_or(0)),
                figures: match (stored.log_loss_before, stored.rmse_before, stored.log_loss_after, stored.rmse_after) {
                    (Some(log_loss_before), Some(rmse_before), Some(log_loss_after), Some(rmse_after)) => {
                        Some(FitFigures { log_loss_before, rmse_before, log_loss_after, rmse_after })
                    }
                    _ => None,
                },
            }),
            _ => None,
        };
        let next_fit_at_reviews = match &last_fit {
            Some(fit) => fit.review_count + i64::from(self.settings.refit_reviews),
            None => i64::from(self.settings.fit_min_reviews),
        };
        Ok(MemoryReport {
            review_count: tally.total,
            parameters: personal.clone().unwrap_or_else(fsrs_defaults),
            personal_since: personal.and(stored.parameters_since),
            last_fit,
            next_fit_at_reviews,
            desired_retention: profile.desired_retention,
            true_retention: (tally.long_term > 0).then(|| tally.recalled as f64 / tally.long_term as f64),
            retention_reviews: tally.long_term,
            forecast,
        })
    }

    /// Back to FSRS-6's defaults (the fits stay on record; the next fit waits as usual).
    pub async fn reset(&self, user_id: UserId, profile_id: ProfileId) -> Result<MemoryReport, MemoryError> {
        profiles::find_owned(self.db.conn(), user_id, profile_id).await?.ok_or(ProfileError::NotFound)?;
        fsrs::reset(self.db.conn(), profile_id.as_uuid()).await?;
        self.report(user_id, profile_id).await
    }

    /// Fits up to `limit` due profiles one after the other. Each fit runs on a blocking thread
    /// with one core and a deadline, so a notifier round stays bounded.
    pub async fn fit_due(&self, limit: u64) -> Result<FitRound, MemoryError> {
        let now = self.clock.now();
        let policy = FitPolicy {
            min_reviews: i64::from(self.settings.fit_min_reviews),
            refit_every: i64::from(self.settings.refit_reviews),
            refit_before: now - Duration::days(i64::from(self.settings.refit_days)),
        };
        let mut round = FitRound::default();
        for candidate in fsrs::due_for_fit(self.db.conn(), policy, now, limit).await? {
            match self.fit_one(&candidate).await? {
                Some(Outcome::Adopted) => round.adopted += 1,
                Some(Outcome::Rejected) => round.rejected += 1,
                Some(Outcome::Failed) => round.failed += 1,
                None => round.skipped += 1,
            }
        }
        Ok(round)
    }

    async fn fit_one(&self, candidate: &FitCandidate) -> Result<Option<Outcome>, MemoryError> {
        let now = self.clock.now();
        let timeout = StdDuration::from_secs(u64::from(self.settings.fit_timeout_seconds));
        // Whole milliseconds, so the stored lease compares equal on every engine.
        let lease = (now + Duration::from_std(timeout).unwrap_or_default() + Duration::minutes(5))
            .duration_trunc(Duration::milliseconds(1))
            .unwrap_or(now);
        if !fsrs::lease(self.db.conn(), candidate, lease, now).await? {
            return Ok(None);
        }
        let current = parameters_of(fsrs::memory(self.db.conn(), candidate.profile_id).await?.parameters.as_ref())?;
        let (rows, total) = fsrs::review_log(
            self.db.conn(),
            candidate.user_id,
            candidate.profile_id,
            u64::from(self.settings.fit_max_reviews),
        )
        .await?;
        let log: Vec<LoggedReview> = rows
            .into_iter()
            .map(|r| LoggedReview {
                card_id: r.card_id,
                rating: u8::try_from(r.rating).unwrap_or(0),
                elapsed_days: u32::try_from(r.elapsed_days).unwrap_or(0),
                reviewed_at: r.reviewed_at,
                first_review: r.first_review,
            })
            .filter(|r| (1..=4).contains(&r.rating))
            .collect();
        let config = FitConfig { deadline: timeout, ..FitConfig::default() };
        let fitted = tokio::task::spawn_blocking(move || fitting::fit(&log, current.as_deref(), &config)).await;
        let (outcome, kind) = match fitted {
            Ok(Ok(report)) => {
                let adopted = report.is_improvement();
                let outcome = FitOutcome::Ran {
                    adopted,
                    parameters: serde_json::json!(report.parameters),
                    trained_on: count(report.trained_on),
                    held_out: count(report.held_out),
                    figures: FitFigures {
                        log_loss_before: report.before.log_loss,
                        rmse_before: report.before.rmse_bins,
                        log_loss_after: report.after.log_loss,
                        rmse_after: report.after.rmse_bins,
                    },
                };
                (outcome, if adopted { Outcome::Adopted } else { Outcome::Rejected })
            }
            Ok(Err(error)) => (FitOutcome::Failed { error: error.to_string() }, Outcome::Failed),
            Err(join) => (FitOutcome::Failed { error: format!("the fit panicked: {join}") }, Outcome::Failed),
        };
        if let FitOutcome::Failed { error } = &outcome {
            tracing::warn!(profile_id = %candidate.profile_id, %error, "FSRS fit failed; parameters unchanged");
        }
        let record = FitRecord { profile_id: candidate.profile_id, review_count: total, outcome, at: self.clock.now() };
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        if !fsrs::record_fit(&txn, &record, lease).await? {
            // The lease ran out and another notifier took the profile: its result stands.
            return Ok(None);
        }
        txn.commit().await.map_err(RepoError::from)?;
        Ok(Some(kind))
    }
}

enum Outcome {
    Adopted,
    Rejected,
    Failed,
}

fn fsrs_defaults() -> Vec<f32> {
    ::fsrs::DEFAULT_PARAMETERS.to_vec()
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The stored parameters, `None` for FSRS's defaults.
/// Read in place (`&Value` is a deserializer), so the queue and the review clone nothing.
pub fn parameters_of(stored: Option<&serde_json::Value>) -> Result<Option<Vec<f32>>, MemoryError> {
    use serde::Deserialize;
    stored.map(|v| Vec::<f32>::deserialize(v).map_err(|e| MemoryError::Corrupt(e.to_string()))).transpose()
}
