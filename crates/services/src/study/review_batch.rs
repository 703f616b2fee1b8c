//! Group commit for reviews on PostgreSQL: the reviews that arrive while others are being
//! written wait in one queue, and the next transaction takes them together (one per learner, up
//! to `MOST_IN_BATCH`): one lock statement for their learners, one read of their cards with
//! their profiles' counts, one write of their logs, progress and activity, one commit. Each
//! review is still decided under its learner's lock and answers what it alone would have; a
//! lone review is a batch of one, so nothing waits for company (docs/performance.md, "Tenth
//! pass"). A batch that fails as a whole is not retried as one: each of its reviews runs
//! again in a transaction of its own, so one bad review costs only itself.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use domain::{StudyDay, UserId};
use repositories::review_read::{self, BatchRead, BatchTarget, ReviewRead};
use repositories::{RepoError, TransactionTrait, review_write, users};
use tokio::sync::oneshot;

use super::{ReviewRequest, ReviewResult, StudyError, StudyService, plan_review};
use crate::detached::{Detached, Panicked};
use crate::learner::study_day_of;
use crate::profiles::ProfileError;

/// At most this many reviews share a transaction: enough that a batch pays for its round
/// trips, few enough that a failed batch's reviews rerun quickly one by one.
const MOST_IN_BATCH: usize = 32;

/// At most this many batches are written at once, each on a pooled connection: two keep both
/// of PostgreSQL's cores of the reference machine busy while the next batch gathers.
const BATCHES_AT_ONCE: usize = 2;

/// What a batch answers for one of its reviews.
enum Answer {
    Recorded(ReviewResult),
    /// The learner already recorded this `client_review_id`: the caller answers the recorded
    /// result (`StudyService::replayed`).
    Replayed,
    /// The batch failed as a whole: the caller runs the review alone.
    RunAlone,
}

/// Why a batch wrote nothing.
enum BatchFailed {
    Refused(StudyError),
    Panicked,
}

impl From<Panicked> for BatchFailed {
    fn from(_: Panicked) -> Self {
        Self::Panicked
    }
}

struct Job {
    user_id: UserId,
    request: ReviewRequest,
    reply: oneshot::Sender<Result<Answer, StudyError>>,
}

/// The reviews waiting for a batch, and how many batch runners are at work.
#[derive(Default)]
pub(crate) struct ReviewBatches {
    state: Mutex<Waiting>,
}

#[derive(Default)]
struct Waiting {
    jobs: VecDeque<Job>,
    runners: usize,
}

impl std::fmt::Debug for ReviewBatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("ReviewBatches").field("waiting", &state.jobs.len()).field("runners", &state.runners).finish()
    }
}

impl ReviewBatches {
    fn state(&self) -> MutexGuard<'_, Waiting> {
        // Nothing panics while holding the lock; if something did, the queue is still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues the review; `true` when the caller must start a runner for it.
    fn push(&self, job: Job) -> bool {
        let mut state = self.state();
        state.jobs.push_back(job);
        let start = state.runners < BATCHES_AT_ONCE;
        if start {
            state.runners += 1;
        }
        start
    }

    /// The next batch: the waiting reviews in their order, the first of each learner (a
    /// learner's next review waits for a later batch, as it would wait for the lock), as
    /// many as the largest power of two that they fill, up to `MOST_IN_BATCH`. Empty
    /// when none is waiting, and then the runner is counted out under the same lock, so a
    /// review queued after this look starts a runner of its own.
    fn next_batch(&self) -> Vec<Job> {
        let mut state = self.state();
        let mut batch = Vec::new();
        let mut learners = HashSet::new();
        let mut later = VecDeque::new();
        while let Some(job) = state.jobs.pop_front() {
            if batch.len() < MOST_IN_BATCH && learners.insert(job.user_id) {
                batch.push(job);
            } else {
                later.push_back(job);
            }
        }
        // A batch's lock and write statements have a text per number of reviews, and every
        // pooled connection keeps each text it ran prepared: batches of 1, 2, 4, … 32 bound
        // that to six texts a statement. The rest go first in the next batch.
        let size = batch.len().checked_ilog2().map_or(0, |log| 1 << log);
        for job in batch.split_off(size).into_iter().rev() {
            later.push_front(job);
        }
        state.jobs = later;
        if batch.is_empty() {
            state.runners -= 1;
        }
        batch
    }
}

/// Counts a runner out when its task is dropped before it stops by itself (its runtime shutting
/// down), and lets the waiting reviews go: their callers run them alone instead of waiting for
/// a runner that no review may come to start.
struct RunnerGuard<'a> {
    batches: &'a ReviewBatches,
    stopped: bool,
}

impl Drop for RunnerGuard<'_> {
    fn drop(&mut self) {
        if !self.stopped {
            let mut state = self.batches.state();
            state.runners = state.runners.saturating_sub(1);
            state.jobs.clear();
        }
    }
}

impl StudyService {
    /// A review through the batch queue (PostgreSQL).
    pub(crate) async fn review_in_batch(
        &self,
        user_id: UserId,
        request: ReviewRequest,
    ) -> Result<ReviewResult, StudyError> {
        let (reply, answer) = oneshot::channel();
        if self.batches.push(Job { user_id, request, reply }) {
            let runner = self.clone();
            tokio::spawn(async move { runner.run_batches().await });
        }
        match answer.await {
            Ok(Ok(Answer::Recorded(result))) => Ok(result),
            Ok(Ok(Answer::Replayed)) => self.replayed(user_id, &request).await,
            Ok(Err(error)) => Err(error),
            // The batch failed, or its runner died: the review is idempotent, so running it
            // alone records it once or answers what the batch recorded.
            Ok(Ok(Answer::RunAlone)) | Err(_) => self.review_alone(user_id, request).await,
        }
    }

    /// Writes batches until none is waiting.
    async fn run_batches(self) {
        let mut guard = RunnerGuard { batches: &self.batches, stopped: false };
        loop {
            let jobs = self.batches.next_batch();
            if jobs.is_empty() {
                guard.stopped = true;
                return;
            }
            let requests: Vec<(UserId, ReviewRequest)> = jobs.iter().map(|job| (job.user_id, job.request)).collect();
            let (service, now) = (self.clone(), self.clock.now());
            // On a task of its own: a panic in one batch drops its replies (their callers run
            // alone) instead of stopping the runner, whose count the queue relies on.
            let written =
                Detached::spawn(async move { service.write_batch(&requests, now).await.map_err(BatchFailed::Refused) });
            let answers = match written.outcome().await {
                Ok(answers) => answers,
                Err(BatchFailed::Refused(error)) => {
                    tracing::warn!(error = %error, reviews = jobs.len(), "a review batch failed; its reviews run alone");
                    jobs.iter().map(|_| Ok(Answer::RunAlone)).collect()
                }
                Err(BatchFailed::Panicked) => {
                    tracing::error!(reviews = jobs.len(), "a review batch panicked; its reviews run alone");
                    continue;
                }
            };
            for (job, answer) in jobs.into_iter().zip(answers) {
                // The caller may have gone (a dropped request): what was recorded stays.
                let _ = job.reply.send(answer);
            }
        }
    }

    /// One transaction for the batch's reviews, each of another learner. An error means
    /// nothing was written.
    async fn write_batch(
        &self,
        requests: &[(UserId, ReviewRequest)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<Answer, StudyError>>, StudyError> {
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let ids: Vec<UserId> = requests.iter().map(|(user_id, _)| *user_id).collect();
        let learners: HashMap<_, _> =
            users::lock_many(&txn, &ids).await?.into_iter().map(|user| (user.id, user)).collect();
        let mut slots: Vec<Slot> = requests
            .iter()
            .map(|&(user_id, request)| match learners.get(&user_id.as_uuid()) {
                Some(user) => Slot { user_id, request, day: Some(study_day_of(user, now)), answer: None, result: None },
                None => Slot {
                    user_id,
                    request,
                    day: None,
                    answer: Some(Err(StudyError::Profile(ProfileError::UserGone))),
                    result: None,
                },
            })
            .collect();
        let reads: Vec<BatchRead> = slots
            .iter()
            .filter_map(|slot| {
                let day = slot.day.as_ref()?;
                let read = ReviewRead {
                    user_id: slot.user_id,
                    card_id: slot.request.card_id,
                    now,
                    day: day.date,
                    day_end: day.ends_at,
                };
                Some(BatchRead { read, client_review_id: slot.request.client_review_id })
            })
            .collect();
        let found = if reads.is_empty() { Vec::new() } else { review_read::read_many(&txn, &reads).await? };
        let mut writes = Vec::new();
        for (slot, found) in slots.iter_mut().filter(|slot| slot.day.is_some()).zip(found) {
            let Some(day) = slot.day.as_ref() else { continue };
            match found {
                None => slot.answer = Some(Err(StudyError::CardNotFound)),
                Some(BatchTarget { replayed: true, .. }) => slot.answer = Some(Ok(Answer::Replayed)),
                Some(BatchTarget { target, .. }) => match plan_review(slot.user_id, &slot.request, &target, day, now) {
                    Ok(planned) => {
                        writes.push(planned.write);
                        slot.result = Some(planned.result);
                    }
                    Err(error) => slot.answer = Some(Err(error)),
                },
            }
        }
        let expected = u64::try_from(writes.len()).unwrap_or(u64::MAX);
        if review_write::record_many(&txn, writes, now).await? != expected {
            // A review of the batch was recorded after the read looked: the learner's lock
            // makes that impossible for reviews, so something else wrote one. Run them alone.
            txn.rollback().await.map_err(RepoError::from)?;
            return Err(StudyError::Corrupt("a review of the batch was recorded meanwhile".to_owned()));
        }
        txn.commit().await.map_err(RepoError::from)?;
        Ok(slots
            .into_iter()
            .map(|slot| match slot.result {
                Some(result) => {
                    self.metrics.review_recorded(slot.request.rating);
                    Ok(Answer::Recorded(result))
                }
                None => slot.answer.unwrap_or(Ok(Answer::RunAlone)),
            })
            .collect())
    }
}

/// One review of a batch as the batch works it out.
struct Slot {
    user_id: UserId,
    request: ReviewRequest,
    /// The learner's study day; `None` when the learner is gone.
    day: Option<StudyDay>,
    /// Decided without a write (an error, a replay).
    answer: Option<Result<Answer, StudyError>>,
    /// What the review answers once its write commits.
    result: Option<ReviewResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(user: u128) -> (Job, oneshot::Receiver<Result<Answer, StudyError>>) {
        let (reply, answer) = oneshot::channel();
        let request = ReviewRequest {
            card_id: uuid::Uuid::from_u128(user),
            rating: domain::Rating::Good,
            duration_ms: None,
            client_review_id: uuid::Uuid::from_u128(user),
        };
        (Job { user_id: UserId::from_uuid(uuid::Uuid::from_u128(user)), request, reply }, answer)
    }

    #[test]
    fn batches_take_one_review_per_learner_in_powers_of_two_and_keep_the_rest_in_order() {
        let batches = ReviewBatches::default();
        let mut answers = Vec::new();
        let mut started = Vec::new();
        // Learners 1 to 6 and then learner 1 again: two runners start, the rest wait for them.
        for user in [1, 2, 3, 4, 5, 6, 1] {
            let (job, answer) = job(user);
            answers.push(answer);
            started.push(batches.push(job));
        }
        assert_eq!(started, [true, true, false, false, false, false, false]);
        let learners = |jobs: &[Job]| jobs.iter().map(|j| j.user_id.as_uuid().as_u128()).collect::<Vec<_>>();
        assert_eq!(learners(&batches.next_batch()), [1, 2, 3, 4], "six learners fill a batch of four");
        assert_eq!(learners(&batches.next_batch()), [5, 6], "then the next two");
        assert_eq!(learners(&batches.next_batch()), [1], "then the learner's second review");
        assert_eq!(batches.state().runners, BATCHES_AT_ONCE);
        assert!(batches.next_batch().is_empty());
        assert_eq!(batches.state().runners, BATCHES_AT_ONCE - 1, "an empty look counts the runner out");
    }

    #[test]
    fn a_runner_dropped_mid_way_is_counted_out_and_lets_the_waiting_reviews_go() {
        let batches = ReviewBatches::default();
        let (first, _) = job(1);
        assert!(batches.push(first));
        let (waiting, mut answer) = job(2);
        batches.push(waiting);
        drop(RunnerGuard { batches: &batches, stopped: false });
        assert_eq!(batches.state().runners, 1, "one of the two runners is gone");
        assert!(batches.state().jobs.is_empty());
        assert!(answer.try_recv().is_err(), "the waiting review's caller runs it alone");
        drop(RunnerGuard { batches: &batches, stopped: true });
        assert_eq!(batches.state().runners, 1, "a runner that stopped by itself was counted out already");
    }
}
