//! The study loop: today's queue with interval previews, reviews (idempotent by the client's
//! id), undo, and the day's counts, all in the learner's study day.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::{CardState, ProfileId, Rating, StudyDay, UserId};
use repositories::progress::{self, ProgressRow, ProgressValues, Scope};
use repositories::reviews::{self, NewReview, ReviewRow};
use repositories::{Database, RepoError, TransactionTrait, activity, cards, profiles, users};
use uuid::Uuid;

use crate::Clock;
use crate::cards::{Card, CardProgress};
pub use crate::counts::DayCounts;
use crate::counts::{day_counts, new_allowance};
use crate::learner::study_day_of;
use crate::profiles::{Profile, ProfileError, ProfileService};
use crate::srs::{Progress, Scheduler, SchedulerConfig, SchedulerError};

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
    pub progress: Option<CardProgress>,
    pub scheduled_seconds: i64,
    pub counts: DayCounts,
}

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
    profiles: ProfileService,
}

/// The learner's study day at a moment, and their rating buttons.
struct Learner {
    day: StudyDay,
    rating_buttons: i16,
}

async fn learner(
    conn: &impl repositories::ConnectionTrait,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<Learner, StudyError> {
    let user = users::find_by_id(conn, user_id).await?.ok_or(StudyError::Profile(ProfileError::UserGone))?;
    Ok(Learner { day: study_day_of(&user, now), rating_buttons: user.rating_buttons })
}

fn scheduler_for(profile_retention: f64) -> Result<Scheduler, SchedulerError> {
    Scheduler::new(SchedulerConfig { desired_retention: profile_retention, ..SchedulerConfig::default() })
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

impl StudyService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, profiles: ProfileService) -> Self {
        Self { db, clock, profiles }
    }

    pub async fn queue(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        deck_id: Option<domain::DeckId>,
        limit: u64,
    ) -> Result<Queue, StudyError> {
        let now = self.clock.now();
        let conn = self.db.conn();
        let profile: Profile = self.profiles.resolve(user_id, profile_id).await?;
        let learner = learner(conn, user_id, now).await?;
        let day = learner.day;
        let scope = Scope { profile_id: profile.id, deck_id };
        if let Some(deck) = deck_id {
            let owned = repositories::decks::find_owned(conn, user_id, deck).await?;
            if owned.is_none_or(|d| d.profile_id != profile.id.as_uuid()) {
                return Err(StudyError::DeckNotFound);
            }
        }
        let mut rows: Vec<ProgressRow> = progress::learning_due(conn, user_id, scope, now, limit).await?;
        let room = limit.saturating_sub(rows.len() as u64);
        rows.extend(progress::reviews_due(conn, user_id, scope, day.ends_at, room).await?);
        let room = limit.saturating_sub(rows.len() as u64);
        let allowance = new_allowance(conn, user_id, profile.id, &day).await?;
        let new_cards = progress::unstudied_cards(conn, user_id, scope, room.min(allowance)).await?;
        if rows.is_empty() && new_cards.is_empty() {
            // Nothing else left today: learning steps due soon are shown early, as Anki's
            // learn-ahead limit does, instead of making the learner wait for the clock.
            rows = progress::learning_due(conn, user_id, scope, now + LEARN_AHEAD, limit).await?;
        }

        let scheduler = scheduler_for(profile.desired_retention)?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.card_id).collect();
        let studied_cards = repositories::cards::find_many(conn, &ids).await?;
        let mut items = Vec::with_capacity(rows.len() + new_cards.len());
        for row in &rows {
            let Some(card) = studied_cards.iter().find(|c| c.id == row.card_id) else {
                continue;
            };
            let progress = to_progress(Some(row), now)?;
            let intervals = scheduler.preview(&progress, now, fuzz_seed(card.id, progress.reps))?;
            items.push(QueueItem {
                card: Card::from_rows(card.clone(), Some(row)),
                intervals: intervals.map(|d| d.num_seconds()),
            });
        }
        for card in new_cards {
            let progress = Progress::new_card(now);
            let intervals = scheduler.preview(&progress, now, fuzz_seed(card.id, 0))?;
            items.push(QueueItem { card: Card::from_rows(card, None), intervals: intervals.map(|d| d.num_seconds()) });
        }
        let counts = day_counts(self.db.conn(), now, user_id, scope).await?;
        Ok(Queue { items, counts, day, rating_buttons: learner.rating_buttons })
    }

    /// Records one review. Replaying a `client_review_id` answers the recorded result and
    /// changes nothing, so a retried request never counts twice. The user's row is locked
    /// first, so two reviews of one learner never interleave.
    pub async fn review(&self, user_id: UserId, request: ReviewRequest) -> Result<ReviewResult, StudyError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = users::lock(&txn, user_id).await?.ok_or(StudyError::Profile(ProfileError::UserGone))?;
        if let Some(done) = reviews::find_by_client_id(&txn, user_id, request.client_review_id).await? {
            txn.commit().await.map_err(RepoError::from)?;
            if done.card_id != request.card_id || done.rating != i16::from(request.rating.value()) {
                return Err(StudyError::ReplayMismatch);
            }
            return self.replayed(user_id, done).await;
        }
        let day = study_day_of(&user, now);
        let card = cards::find_owned(&txn, user_id, request.card_id).await?.ok_or(StudyError::CardNotFound)?;
        let profile_id = ProfileId::from_uuid(card.profile_id);
        let profile_row = profiles::find_owned(&txn, user_id, profile_id).await?.ok_or(StudyError::CardNotFound)?;
        let profile = Profile::try_from(profile_row)?;
        let before_row = progress::find(&txn, user_id, card.id).await?;
        let before = to_progress(before_row.as_ref(), now)?;
        let scheduler = scheduler_for(profile.desired_retention)?;
        let outcome = scheduler.review(&before, request.rating, now, fuzz_seed(card.id, before.reps))?;

        let after = to_values(&outcome.progress);
        progress::upsert(&txn, user_id, card.id, &after, now).await?;
        reviews::insert(
            &txn,
            NewReview {
                user_id,
                card_id: card.id,
                profile_id,
                client_review_id: request.client_review_id,
                rating: i16::from(request.rating.value()),
                state_before: before.state.as_str().to_owned(),
                state_after: outcome.progress.state.as_str().to_owned(),
                elapsed_days: i32::try_from(outcome.elapsed_days).unwrap_or(i32::MAX),
                scheduled_days: i32::try_from(outcome.scheduled.num_days()).unwrap_or(i32::MAX),
                stability_after: outcome.progress.stability,
                difficulty_after: outcome.progress.difficulty,
                progress_before: serde_json::to_value(before_row.as_ref().map(ProgressValues::from))
                    .unwrap_or_default(),
                progress_after: serde_json::to_value(&after).unwrap_or_default(),
                scheduled_seconds: outcome.scheduled.num_seconds(),
                duration_ms: request.duration_ms.and_then(|d| i32::try_from(d).ok()),
                local_date: day.date,
                reviewed_at: now,
            },
        )
        .await?;
        let seconds = request.duration_ms.map_or(0, |ms| i32::try_from(ms / 1000).unwrap_or(0));
        activity::add_review(&txn, user_id, profile_id, day.date, before.state == CardState::New, seconds, 1).await?;
        txn.commit().await.map_err(RepoError::from)?;

        let counts = day_counts(self.db.conn(), now, user_id, Scope { profile_id, deck_id: None }).await?;
        Ok(ReviewResult {
            card_id: card.id,
            progress: Some(CardProgress::from(&after)),
            scheduled_seconds: outcome.scheduled.num_seconds(),
            counts,
        })
    }

    /// The result recorded for a review, as its first answer gave it.
    async fn replayed(&self, user_id: UserId, done: ReviewRow) -> Result<ReviewResult, StudyError> {
        let after: Option<ProgressValues> =
            serde_json::from_value(done.progress_after.clone()).map_err(|e| StudyError::Corrupt(e.to_string()))?;
        let scope = Scope { profile_id: ProfileId::from_uuid(done.profile_id), deck_id: None };
        Ok(ReviewResult {
            card_id: done.card_id,
            progress: after.as_ref().map(CardProgress::from),
            scheduled_seconds: done.scheduled_seconds,
            counts: day_counts(self.db.conn(), self.clock.now(), user_id, scope).await?,
        })
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
