//! Each learner's own memory model: the notifier fits FSRS parameters from a profile's review
//! log once it has enough reviews (`FSRS_FIT_*`), adopts them only when they predict the
//! learner's most recent reviews better than the parameters in use, and scheduling then uses
//! them (`study::scheduler_for`). Card states are never rewritten: the next review of each card
//! simply continues from its stored stability and difficulty under the new parameters.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, DurationRound};
use config::MemorySettings;
use repositories::fsrs::{self, FitCandidate, FitFigures, FitOutcome, FitPolicy, FitRecord};
use repositories::{Database, RepoError, TransactionTrait};

use crate::Clock;
use crate::srs::fitting::{self, FitConfig, LoggedReview};

#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("stored FSRS parameters are unreadable: {0}")]
    Corrupt(String),
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
    settings: MemorySettings,
}

impl MemoryService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, settings: MemorySettings) -> Self {
        Self { db, clock, settings }
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
        if !fsrs::lease(self.db.conn(), candidate.profile_id, lease, now).await? {
            return Ok(None);
        }
        let current = parameters_of(fsrs::memory(self.db.conn(), candidate.profile_id).await?.parameters)?;
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

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The stored parameters, `None` for FSRS's defaults.
pub fn parameters_of(stored: Option<serde_json::Value>) -> Result<Option<Vec<f32>>, MemoryError> {
    stored.map(|v| serde_json::from_value(v).map_err(|e| MemoryError::Corrupt(e.to_string()))).transpose()
}
