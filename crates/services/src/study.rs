//! The study loop: today's queue with interval previews, reviews (idempotent by the client's
//! id), undo, and the day's counts, all in the learner's study day.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::{CardState, ProfileId, Rating, StudyDay, UserId};
use repositories::progress::{self, ProgressRow, ProgressValues};
use repositories::review_read::{self, ReviewRead, ReviewTarget};
use repositories::review_write::{self, DayDelta, ReviewWrite};
use repositories::reviews::{self, NewReview};
use repositories::study_queue::{self, QueueQuery};
use repositories::{Database, RepoError, TransactionTrait, activity, profiles, users};
use uuid::Uuid;

use crate::Clock;
use crate::cards::{Card, CardProgress};
pub use crate::counts::DayCounts;
use crate::counts::{day_counts, new_allowance};
use crate::learner::study_day_of;
use crate::metrics::LearningMetrics;
use crate::profiles::ProfileError;
use crate::srs::{Progress, Scheduler, SchedulerConfig, SchedulerError};
use crate::user_cache::UserCache;
use review_batch::ReviewBatches;

mod review_batch;

/// How far ahead learning cards are shown once nothing else is left (Anki's default).
const LEARN_AHEAD: chrono::Duration = chrono::Duration::minutes(20);

#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error("card not found")]
    CardNotFound,
    #[error("deck not found")]
    DeckNotFound,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("this client_review_id was used for another answer")]
    ReplayMismatch,
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Scheduler(#[from] SchedulerError),
    #[error("stored progress is unreadable: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Clone)]
pub struct QueueItem {
    pub card: Card,
    /// Seconds each rating (Again, Hard, Good, Easy) would schedule the card from now.
    pub intervals: [i64; 4],
}

#[derive(Debug, Clone)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    pub counts: DayCounts,
    pub day: StudyDay,
    pub rating_buttons: i16,
}

#[derive(Debug, Clone)]
pub struct ReviewResult {
    pub card_id: Uuid,
    /// This `client_review_id` was recorded before: nothing changed now.
    pub replayed: bool,
    pub progress: Option<CardProgress>,
    pub scheduled_seconds: i64,
    pub counts: DayCounts,
}

#[derive(Debug, Clone, Copy)]
pub struct ReviewRequest {
    pub card_id: Uuid,
    pub rating: Rating,
    pub duration_ms: Option<u32>,
    pub client_review_id: Uuid,
}

#[derive(Debug, Clone)]
pub struct StudyService {
    db: Database,
    clock: Arc<dyn Clock>,
    users: UserCache,
    metrics: LearningMetrics,
    /// Reviews waiting to share a transaction (PostgreSQL; `review_batch`).
    batches: Arc<ReviewBatches>,
}

/// The profile's scheduler: its desired retention, and its own FSRS parameters once a fit was
/// adopted (`services::memory`), else the defaults. Queue previews and reviews both come here,
/// so the intervals on the buttons are the ones a review gives.
fn scheduler_for(profile_retention: f64, parameters: Option<&serde_json::Value>) -> Result<Scheduler, StudyError> {
    let config = SchedulerConfig { desired_retention: profile_retention, ..SchedulerConfig::default() };
    let parameters =
        crate::memory::parameters_of(parameters).map_err(|e| StudyError::Corrupt(format!("FSRS parameters: {e}")))?;
    Ok(Scheduler::with_parameters(parameters.as_deref().unwrap_or_default(), config)?)
}

/// Fuzz is seeded by card and repetition, so the previewed interval is the one given.
fn fuzz_seed(card_id: Uuid, reps: u32) -> u64 {
    let (high, low) = card_id.as_u64_pair();
    high ^ low ^ u64::from(reps).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn to_progress(row: Option<&ProgressRow>, now: DateTime<Utc>) -> Result<Progress, StudyError> {
    let Some(row) = row else {
        return Ok(Progress::new_card(now));
    };
    Ok(Progress {
        state: row.state.parse().map_err(|e: domain::UnknownValue| StudyError::Corrupt(e.0))?,
        step: row.step.and_then(|s| u32::try_from(s).ok()),
        stability: row.stability,
        difficulty: row.difficulty,
        due: row.due,
        last_review: row.last_review,
        reps: u32::try_from(row.reps).unwrap_or(0),
        lapses: u32::try_from(row.lapses).unwrap_or(0),
    })
}

fn to_values(p: &Progress) -> ProgressValues {
    ProgressValues {
        state: p.state.as_str().to_owned(),
        stability: p.stability,
        difficulty: p.difficulty,
        due: p.due,
        last_review: p.last_review,
        reps: i32::try_from(p.reps).unwrap_or(i32::MAX),
        lapses: i32::try_from(p.lapses).unwrap_or(i32::MAX),
        step: p.step.and_then(|s| i32::try_from(s).ok()),
    }
}

/// How many more items fit under `limit` after `taken`.
fn limit_room(limit: u64, taken: usize) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX).saturating_sub(taken)
}

/// What one review writes and answers, worked out from what its read found.
struct PlannedReview {
    write: ReviewWrite,
    result: ReviewResult,
}

/// Schedules the review of `target` and builds its writes and its answer (the counts as the
/// write will leave them).
fn plan_review(
    user_id: UserId,
    request: &ReviewRequest,
    target: &ReviewTarget,
    day: &StudyDay,
    now: DateTime<Utc>,
) -> Result<PlannedReview, StudyError> {
    let scheduler = scheduler_for(target.profile.desired_retention, target.profile.fsrs_parameters.as_ref())?;
    let (card, before_row) = (&target.card, target.progress.as_ref());
    let before = to_progress(before_row, now)?;
    let outcome = scheduler.review(&before, request.rating, now, fuzz_seed(card.id, before.reps))?;
    let after = to_values(&outcome.progress);
    let seconds = request.duration_ms.map_or(0, |ms| i32::try_from(ms / 1000).unwrap_or(0));
    let day_delta = DayDelta { date: day.date, was_new: before.state == CardState::New, seconds };
    let review = NewReview {
        user_id,
        card_id: card.id,
        profile_id: target.profile.profile_id,
        client_review_id: request.client_review_id,
        rating: i16::from(request.rating.value()),
        state_before: before.state.as_str().to_owned(),
        state_after: outcome.progress.state.as_str().to_owned(),
        elapsed_days: i32::try_from(outcome.elapsed_days).unwrap_or(i32::MAX),
        scheduled_days: i32::try_from(outcome.scheduled.num_days()).unwrap_or(i32::MAX),
        stability_after: outcome.progress.stability,
        difficulty_after: outcome.progress.difficulty,
        progress_before: serde_json::to_value(before_row.map(ProgressValues::from)).unwrap_or_default(),
        progress_after: serde_json::to_value(&after).unwrap_or_default(),
        scheduled_seconds: outcome.scheduled.num_seconds(),
        duration_ms: request.duration_ms.and_then(|d| i32::try_from(d).ok()),
        local_date: day.date,
        reviewed_at: now,
    };
    let result = ReviewResult {
        replayed: false,
        card_id: card.id,
        progress: Some(CardProgress::from(&after)),
        scheduled_seconds: outcome.scheduled.num_seconds(),
        counts: DayCounts::after_review(target, &after, day_delta.was_new, day.ends_at),
    };
    Ok(PlannedReview { write: ReviewWrite { review, after, day: day_delta }, result })
}

impl StudyService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, users: UserCache, metrics: LearningMetrics) -> Self {
        Self { db, clock, users, metrics, batches: Arc::default() }
    }

    /// Today's queue in one round trip: the learner's calendar comes from the sign-in cache,
    /// everything else from one statement (`study_queue::read`).
    pub async fn queue(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        deck_id: Option<domain::DeckId>,
        limit: u64,
    ) -> Result<Queue, StudyError> {
        let now = self.clock.now();
        let user = self.users.get(user_id).await?.ok_or(StudyError::Profile(ProfileError::UserGone))?;
        let day = study_day_of(&user.user, now);
        let query = QueueQuery {
            user_id,
            profile_id,
            deck_id,
            now,
            learning_until: now + LEARN_AHEAD,
            day_end: day.ends_at,
            day: day.date,
            limit,
        };
        let snapshot = study_queue::read(self.db.conn(), query).await?.ok_or(ProfileError::NotFound)?;
        if !snapshot.profile.deck_found {
            return Err(StudyError::DeckNotFound);
        }
        let counts = DayCounts::of(&snapshot);
        let scheduler = scheduler_for(snapshot.profile.desired_retention, snapshot.profile.fsrs_parameters.as_ref())?;
        let allowance = new_allowance(snapshot.profile.new_cards_per_day, snapshot.profile.new_cards_studied_today);
        let (learning_now, learning_ahead): (Vec<_>, Vec<_>) =
            snapshot.learning.into_iter().partition(|(_, progress)| progress.due <= now);
        let mut studied = learning_now;
        let room = limit_room(limit, studied.len());
        studied.extend(snapshot.reviews.into_iter().take(room));
        let room = limit_room(limit, studied.len());
        let fresh: Vec<_> =
            snapshot.fresh.into_iter().take(room.min(usize::try_from(allowance).unwrap_or(usize::MAX))).collect();
        if studied.is_empty() && fresh.is_empty() {
            // Nothing else left today: learning steps due soon are shown early, as Anki's
            // learn-ahead limit does, instead of making the learner wait for the clock.
            studied = learning_ahead;
        }
        let mut items = Vec::with_capacity(studied.len() + fresh.len());
        for (card, row) in studied {
            let progress = to_progress(Some(&row), now)?;
            let intervals = scheduler.preview(&progress, now, fuzz_seed(card.id, progress.reps))?;
            items.push(QueueItem {
                card: Card::from_rows(card, Some(&row)),
                intervals: intervals.map(|d| d.num_seconds()),
            });
        }
        for card in fresh {
            let progress = Progress::new_card(now);
            let intervals = scheduler.preview(&progress, now, fuzz_seed(card.id, 0))?;
            items.push(QueueItem { card: Card::from_rows(card, None), intervals: intervals.map(|d| d.num_seconds()) });
        }
        Ok(Queue { items, counts, day, rating_buttons: user.user.rating_buttons })
    }

    /// Records one review: lock the learner, read the card with its progress and its
    /// profile's counts, append the review (once per `client_review_id`) with the progress and
    /// the day's activity (one statement on PostgreSQL, three on SQLite), and answer the counts
    /// as the write left them (`DayCounts::after_review`). Replaying a `client_review_id`
    /// answers the recorded result and changes nothing, so a retried request never counts
    /// twice. The user's row is locked first, so two reviews of one learner never interleave.
    /// On PostgreSQL the reviews that arrive together share one transaction
    /// (`review_batch`), each still under its learner's lock.
    pub async fn review(&self, user_id: UserId, request: ReviewRequest) -> Result<ReviewResult, StudyError> {
        if self.db.conn().get_database_backend() == repositories::DbBackend::Postgres {
            return self.review_in_batch(user_id, request).await;
        }
        self.review_alone(user_id, request).await
    }

    /// A review in a transaction of its own.
    async fn review_alone(&self, user_id: UserId, request: ReviewRequest) -> Result<ReviewResult, StudyError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = users::lock(&txn, user_id).await?.ok_or(StudyError::Profile(ProfileError::UserGone))?;
        let day = study_day_of(&user, now);
        let read = ReviewRead { user_id, card_id: request.card_id, now, day: day.date, day_end: day.ends_at };
        let target = review_read::read(&txn, read).await?.ok_or(StudyError::CardNotFound)?;
        let planned = plan_review(user_id, &request, &target, &day, now)?;
        let recorded = review_write::record(&txn, planned.write, now).await?;
        if !recorded {
            // A retry of a review already made: whatever was written goes with the rollback.
            txn.rollback().await.map_err(RepoError::from)?;
            return self.replayed(user_id, &request).await;
        }
        txn.commit().await.map_err(RepoError::from)?;
        self.metrics.review_recorded(request.rating);
        Ok(planned.result)
    }

    /// The result recorded for a review, as its first answer gave it.
    async fn replayed(&self, user_id: UserId, request: &ReviewRequest) -> Result<ReviewResult, StudyError> {
        let conn = self.db.conn();
        let done = reviews::find_by_client_id(conn, user_id, request.client_review_id)
            .await?
            .ok_or_else(|| StudyError::Corrupt("a replayed review vanished".to_owned()))?;
        if done.card_id != request.card_id || done.rating != i16::from(request.rating.value()) {
            return Err(StudyError::ReplayMismatch);
        }
        let after: Option<ProgressValues> =
            serde_json::from_value(done.progress_after.clone()).map_err(|e| StudyError::Corrupt(e.to_string()))?;
        let user = self.users.get(user_id).await?.ok_or(StudyError::Profile(ProfileError::UserGone))?;
        let profile_id = ProfileId::from_uuid(done.profile_id);
        let counts = day_counts(conn, &user.user, self.clock.now(), profile_id, None).await?;
        Ok(ReviewResult {
            replayed: true,
            card_id: done.card_id,
            progress: after.as_ref().map(CardProgress::from),
            scheduled_seconds: done.scheduled_seconds,
            counts: counts.map(|(counts, _)| counts).unwrap_or_default(),
        })
    }

    /// "Study more today", as Anki's custom study: `count` more new cards for the profile
    /// (the active one when `None`) in the study day that contains now, on top of its daily
    /// number. The queue and every count read it through the same allowance. Answers the
    /// profile-wide counts after the change.
    pub async fn study_more(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        count: u32,
    ) -> Result<DayCounts, StudyError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = users::lock(&txn, user_id).await?.ok_or(StudyError::Profile(ProfileError::UserGone))?;
        let profile = match profile_id {
            Some(id) => profiles::find_owned(&txn, user_id, id).await?,
            None => profiles::find_active(&txn, user_id).await?,
        }
        .ok_or(ProfileError::NotFound)?;
        let profile_id = ProfileId::from_uuid(profile.id);
        let day = study_day_of(&user, now);
        activity::add_extra_new_cards(&txn, user_id, profile_id, day.date, count).await?;
        let counts =
            day_counts(&txn, &user, now, profile_id, None).await?.map(|(counts, _)| counts).unwrap_or_default();
        txn.commit().await.map_err(RepoError::from)?;
        Ok(counts)
    }

    /// Restores the card's state from before the user's latest review still in effect.
    pub async fn undo(&self, user_id: UserId) -> Result<(Uuid, Option<CardProgress>), StudyError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        users::lock(&txn, user_id).await?.ok_or(StudyError::Profile(ProfileError::UserGone))?;
        let review = reviews::latest_in_effect(&txn, user_id).await?.ok_or(StudyError::NothingToUndo)?;
        let before: Option<ProgressValues> =
            serde_json::from_value(review.progress_before.clone()).map_err(|e| StudyError::Corrupt(e.to_string()))?;
        match &before {
            Some(values) => progress::upsert(&txn, user_id, review.card_id, values, now).await?,
            None => progress::delete(&txn, user_id, review.card_id).await?,
        }
        if !reviews::mark_undone(&txn, review.id, now).await? {
            return Err(StudyError::NothingToUndo);
        }
        let seconds = review.duration_ms.map_or(0, |ms| ms / 1000);
        let profile_id = ProfileId::from_uuid(review.profile_id);
        activity::add_review(&txn, user_id, profile_id, review.local_date, review.state_before == "new", seconds, -1)
            .await?;
        txn.commit().await.map_err(RepoError::from)?;
        let restored = progress::find(self.db.conn(), user_id, review.card_id).await?;
        Ok((review.card_id, restored.as_ref().map(CardProgress::from)))
    }
}
