//! Topics and exercises, for the Mini App and the bot alike: topics per profile (one active),
//! suggestions from the model, batches of exercises kept in the cache for 30 minutes without
//! their answers ever leaving the server, hints, and grading that consumes an exercise once.

mod grade;
mod llm_io;
mod model;
mod topics;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::{DailyQuota, ProfileId, UserId};
use repositories::{Database, RepoError, activity, exercise_attempts, users};
use uuid::Uuid;

pub use self::grade::normalise;
use self::llm_io::{Grading, WrittenExercise, WrittenExercises};
pub use self::model::*;
use crate::Clock;
use crate::cache::{Cache, CacheError};
use crate::learner::study_day_of;
use crate::llm::{CallContext, ChatMessage, LlmError, LlmFeatures, LlmGateway, Operation, Role};
use crate::metrics::LearningMetrics;
use crate::profiles::{Profile, ProfileError, ProfileService};
use crate::prompts::{ExercisePrompt, GradingPrompt, LearnerContext, PromptError};
use crate::quota::QuotaError;

/// How long a generated exercise can be answered.
pub const EXERCISE_TTL: Duration = Duration::from_secs(30 * 60);
pub const MAX_BATCH: u8 = 10;
const DEFAULT_BATCH: u8 = 5;
/// Times an exercise is given back after a failed grading before it is consumed for good.
const MAX_PUT_BACKS: u8 = 2;
/// The attempts on a topic that set the next batch's difficulty.
const RECENT_ATTEMPTS: u64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum ExerciseError {
    #[error("no LLM provider is configured")]
    NotConfigured,
    #[error("topic not found")]
    TopicNotFound,
    #[error("the profile has no active topic")]
    NoActiveTopic,
    #[error("a topic of this profile already has that name")]
    NameTaken,
    /// Never generated, expired, already answered, or someone else's.
    #[error("exercise not found")]
    ExerciseNotFound,
    /// `answer` for a free-text exercise, `choice` (0–3) for multiple choice.
    #[error("the answer does not fit the exercise: {0}")]
    WrongAnswerShape(&'static str),
    #[error("the model could not be used: {0}")]
    Llm(#[from] LlmError),
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("pending exercises are unavailable: {0}")]
    Cache(#[from] CacheError),
}

#[derive(Debug, Clone)]
pub struct ExerciseService {
    db: Database,
    clock: Arc<dyn Clock>,
    profiles: ProfileService,
    features: LlmFeatures,
    metrics: LearningMetrics,
}

fn exercise_key(id: Uuid) -> String {
    format!("exercise:{id}")
}

fn hint_key(id: Uuid) -> String {
    format!("exercise:{id}:hint")
}

impl ExerciseService {
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        profiles: ProfileService,
        features: LlmFeatures,
        metrics: LearningMetrics,
    ) -> Self {
        Self { db, clock, profiles, features, metrics }
    }

    pub fn is_configured(&self) -> bool {
        self.features.llm.is_some()
    }

    fn llm(&self) -> Result<&LlmGateway, ExerciseError> {
        self.features.llm.as_ref().ok_or(ExerciseError::NotConfigured)
    }

    fn cache(&self) -> &Arc<dyn Cache> {
        &self.features.cache
    }

    /// A batch of exercises on the topic (the active one when none is named), as hard as the
    /// learner's recent results on it suggest. Costs `count` units of the exercises quota,
    /// charged only when the batch is there.
    pub async fn generate(&self, user_id: UserId, request: GenerateRequest) -> Result<Batch, ExerciseError> {
        let llm = self.llm()?;
        let (profile, topic) = self.profile_and_topic(user_id, request.profile_id, request.topic_id).await?;
        let count = request.count.unwrap_or(DEFAULT_BATCH).clamp(1, MAX_BATCH);
        let kinds: Vec<ExerciseKind> = match request.kind {
            Some(kind) => vec![kind],
            None => ExerciseKind::ALL.to_vec(),
        };
        let recent = exercise_attempts::recent_results(self.db.conn(), user_id, topic.id, RECENT_ATTEMPTS).await?;
        let difficulty = difficulty_of(&recent);
        let reservation = self.features.quotas.reserve(user_id, DailyQuota::Exercises, u32::from(count)).await?;

        let learner = LearnerContext::from(&profile);
        let ask = ExercisePrompt {
            topic: topic.name.clone(),
            topic_kind: topic.kind.as_str(),
            topic_description: topic.description.clone(),
            difficulty: difficulty.as_str(),
            difficulty_note: difficulty_note(difficulty),
            count,
            kinds: kinds.iter().map(|k| k.as_str()).collect(),
        };
        let messages = vec![
            ChatMessage { role: Role::System, content: self.features.prompts.exercises_system(&learner, &ask)? },
            ChatMessage { role: Role::User, content: format!("Write the {count} exercises.") },
        ];
        let context = CallContext { user_id, profile_id: Some(profile.id), operation: Operation::Exercises };
        let fits = |written: &WrittenExercises| {
            if written.exercises.len() != usize::from(count) {
                return Err(format!("exactly {count} exercises are needed, got {}", written.exercises.len()));
            }
            match written.exercises.iter().find(|e| !kinds.contains(&e.kind)) {
                Some(e) => Err(format!("kind \"{}\" was not asked for", e.kind.as_str())),
                None => Ok(()),
            }
        };
        let written: WrittenExercises = llm.structured_for(context, messages, fits).await?;

        let expires_at = self.clock.now() + chrono::Duration::from_std(EXERCISE_TTL).unwrap_or_default();
        let mut exercises = Vec::with_capacity(written.exercises.len());
        for exercise in written.exercises {
            let pending = pending_of(exercise, user_id, profile.id, topic.id, expires_at);
            let json = serde_json::to_string(&pending).map_err(|e| CacheError::Command(e.to_string()))?;
            self.cache().set_ex(&exercise_key(pending.id), &json, EXERCISE_TTL).await?;
            exercises.push(pending.public());
        }
        let quota = reservation.settle(u32::from(count)).await;
        Ok(Batch { topic, difficulty, exercises, quota })
    }

    /// The learner's pending exercise, still unanswered.
    async fn pending(&self, user_id: UserId, id: Uuid) -> Result<PendingExercise, ExerciseError> {
        let json = self.cache().get(&exercise_key(id)).await?.ok_or(ExerciseError::ExerciseNotFound)?;
        let pending: PendingExercise = serde_json::from_str(&json).map_err(|_| ExerciseError::ExerciseNotFound)?;
        // The cache's TTL ends it too; the clock's word is the one the API gave (`expires_at`).
        if pending.user_id != user_id.as_uuid() || pending.expires_at <= self.clock.now() {
            return Err(ExerciseError::ExerciseNotFound);
        }
        Ok(pending)
    }

    /// The exercise's hint; the attempt is then recorded as hinted.
    pub async fn hint(&self, user_id: UserId, id: Uuid) -> Result<String, ExerciseError> {
        let pending = self.pending(user_id, id).await?;
        let left = (pending.expires_at - self.clock.now()).to_std().unwrap_or(Duration::from_secs(1));
        self.cache().set_ex(&hint_key(id), "1", left.max(Duration::from_secs(1))).await?;
        Ok(pending.hint)
    }

    /// Grades the answer once: the exercise is taken out of the cache atomically, so a second
    /// submit (a double tap, the bot and the Mini App at once) finds nothing. An answer of the
    /// wrong shape is refused before anything is consumed; when the model cannot grade, the
    /// exercise is put back so the learner can try again.
    pub async fn submit(&self, user_id: UserId, id: Uuid, submission: Submission) -> Result<Graded, ExerciseError> {
        let pending = self.pending(user_id, id).await?;
        let shaped = shape(&pending, &submission)?;
        self.cache().get_del(&exercise_key(id)).await?.ok_or(ExerciseError::ExerciseNotFound)?;
        // Taken: from here every failure puts it back, or the learner's answer would be lost.
        let used_hint = match self.cache().get_del(&hint_key(id)).await {
            Ok(hint) => hint.is_some(),
            Err(error) => return Err(self.put_back(&pending, false, error.into()).await),
        };
        let profile = match self.profiles.resolve(user_id, Some(ProfileId::from_uuid(pending.profile_id))).await {
            Ok(profile) => profile,
            Err(error) => return Err(self.put_back(&pending, used_hint, error.into()).await),
        };

        let (result, user_answer, explanation, mistakes) = match shaped {
            Answer::Choice(choice) => {
                let chosen = pending.options.as_ref().and_then(|o| o.get(choice)).cloned().unwrap_or_default();
                (grade::grade_choice(&pending, choice), chosen, pending.explanation.clone(), Vec::new())
            }
            Answer::Text(text) => match grade::grade_exactly(&pending, &text) {
                Some(result) => (result, text, pending.explanation.clone(), Vec::new()),
                None => match self.grade_by_model(user_id, &profile, &pending, &text).await {
                    Ok(grading) => (grading.result, text, grading.explanation, grading.mistakes),
                    Err(error) => return Err(self.put_back(&pending, used_hint, error).await),
                },
            },
        };

        let now = self.clock.now();
        let feedback = Feedback {
            explanation: explanation.clone(),
            mistakes: mistakes.clone(),
            alternatives: pending.alternatives.clone(),
        };
        let attempt = exercise_attempts::NewAttempt {
            id: pending.id,
            user_id,
            profile_id: profile.id,
            topic_id: Some(pending.topic_id),
            kind: pending.kind.as_str().to_owned(),
            question: pending.question.clone(),
            prompt: pending.prompt.clone(),
            options: pending.options.as_ref().map(|o| serde_json::json!(o)),
            correct_answer: pending.answer.clone(),
            user_answer: user_answer.clone(),
            result: result.as_str().to_owned(),
            feedback: serde_json::to_value(&feedback).unwrap_or_default(),
            used_hint,
            duration_ms: submission.duration_ms.and_then(|d| i32::try_from(d).ok()),
            channel: submission.channel.as_str().to_owned(),
            completed_at: now,
        };
        // A topic deleted (or unshared) meanwhile: the attempt is kept without it.
        let topic_row = self.topic_reachable(user_id, pending.topic_id).await?;
        let attempt = exercise_attempts::NewAttempt { topic_id: topic_row.as_ref().map(|t| t.id), ..attempt };
        if let Err(error) = exercise_attempts::insert(self.db.conn(), attempt).await {
            // Not recorded, so not graded: the learner can answer again.
            return Err(self.put_back(&pending, used_hint, error.into()).await);
        }
        self.metrics.exercise_graded(pending.kind.as_str(), result.as_str());
        let seconds = submission.duration_ms.map_or(0, |ms| ms / 1000);
        if let Err(error) = self.count_in_activity(user_id, profile.id, now, seconds).await {
            tracing::warn!(%error, "could not count the exercise in daily activity");
        }
        let topic = match topic_row {
            Some(row) => Some(self.with_tally_of(user_id, row).await?),
            None => None,
        };
        let words = if result == Grade::Correct { Vec::new() } else { pending.words.clone() };
        Ok(Graded {
            exercise_id: pending.id,
            result,
            correct_answer: pending.answer,
            user_answer,
            explanation,
            mistakes,
            alternatives: pending.alternatives,
            used_hint,
            words,
            topic,
        })
    }

    async fn grade_by_model(
        &self,
        user_id: UserId,
        profile: &Profile,
        pending: &PendingExercise,
        answer: &str,
    ) -> Result<Grading, ExerciseError> {
        let llm = self.llm()?;
        let prompts = &self.features.prompts;
        let exercise = GradingPrompt {
            kind: pending.kind.as_str(),
            question: &pending.question,
            prompt: &pending.prompt,
            answer: &pending.answer,
            alternatives: &pending.alternatives,
        };
        let messages = vec![
            ChatMessage { role: Role::System, content: prompts.grading_system(&LearnerContext::from(profile))? },
            ChatMessage { role: Role::User, content: prompts.grading_user(&exercise, answer)? },
        ];
        let context = CallContext { user_id, profile_id: Some(profile.id), operation: Operation::Grading };
        Ok(llm.structured(context, messages).await?)
    }

    /// Returns a taken exercise to the cache for the rest of its time after `error` (a failed
    /// grading, an outage), and hands the error back. At most [`MAX_PUT_BACKS`] times: an answer
    /// crafted to break the grader cannot buy unmetered model calls forever.
    async fn put_back(&self, pending: &PendingExercise, used_hint: bool, error: ExerciseError) -> ExerciseError {
        if pending.put_backs >= MAX_PUT_BACKS {
            return error;
        }
        let Ok(left) = (pending.expires_at - self.clock.now()).to_std() else { return error };
        if left.is_zero() {
            return error;
        }
        let again = PendingExercise { put_backs: pending.put_backs + 1, ..pending.clone() };
        let Ok(json) = serde_json::to_string(&again) else { return error };
        let restored = async {
            self.cache().set_ex(&exercise_key(pending.id), &json, left).await?;
            if used_hint {
                self.cache().set_ex(&hint_key(pending.id), "1", left).await?;
            }
            Ok::<(), CacheError>(())
        };
        if let Err(error) = restored.await {
            tracing::warn!(%error, "could not put an ungraded exercise back");
        }
        error
    }

    async fn count_in_activity(
        &self,
        user_id: UserId,
        profile_id: ProfileId,
        now: DateTime<Utc>,
        seconds: u32,
    ) -> Result<(), RepoError> {
        let Some(user) = users::find_by_id(self.db.conn(), user_id).await? else { return Ok(()) };
        let day = study_day_of(&user, now);
        activity::add_exercise(self.db.conn(), user_id, profile_id, day.date, seconds).await
    }

    /// A page of the learner's graded exercises, newest first, and the total.
    pub async fn history(&self, user_id: UserId, query: HistoryQuery) -> Result<(Vec<Attempt>, u64), ExerciseError> {
        let profile = self.profiles.resolve(user_id, query.profile_id).await?;
        let filter = exercise_attempts::HistoryFilter {
            topic_id: query.topic_id,
            result: query.result.map(|r| r.as_str().to_owned()),
        };
        let (rows, total) =
            exercise_attempts::history(self.db.conn(), user_id, profile.id, &filter, query.limit, query.offset).await?;
        Ok((rows.into_iter().map(Attempt::from).collect(), total))
    }
}

/// The submission as the exercise needs it.
enum Answer {
    Choice(usize),
    Text(String),
}

const MAX_ANSWER_CHARS: usize = 1000;

fn shape(pending: &PendingExercise, submission: &Submission) -> Result<Answer, ExerciseError> {
    if pending.kind.is_choice() {
        let options = pending.options.as_ref().map_or(0, Vec::len);
        return match submission.choice {
            Some(choice) if choice < options => Ok(Answer::Choice(choice)),
            _ => Err(ExerciseError::WrongAnswerShape("choice")),
        };
    }
    match submission.answer.as_deref().map(str::trim) {
        Some(text) if (1..=MAX_ANSWER_CHARS).contains(&text.chars().count()) => Ok(Answer::Text(text.to_owned())),
        _ => Err(ExerciseError::WrongAnswerShape("answer")),
    }
}

fn pending_of(
    exercise: WrittenExercise,
    user_id: UserId,
    profile_id: ProfileId,
    topic_id: Uuid,
    expires_at: DateTime<Utc>,
) -> PendingExercise {
    let words = exercise.words();
    let choice = exercise.kind.is_choice();
    PendingExercise {
        id: Uuid::now_v7(),
        user_id: user_id.as_uuid(),
        profile_id: profile_id.as_uuid(),
        topic_id,
        kind: exercise.kind,
        question: exercise.question.trim().to_owned(),
        prompt: exercise.prompt.trim().to_owned(),
        options: if choice {
            exercise.options.map(|o| o.into_iter().map(|s| s.trim().to_owned()).collect())
        } else {
            None
        },
        correct_index: if choice { exercise.correct_index.and_then(|i| usize::try_from(i).ok()) } else { None },
        answer: exercise.answer.trim().to_owned(),
        alternatives: exercise.alternatives.into_iter().map(|a| a.trim().to_owned()).collect(),
        hint: exercise.hint.trim().to_owned(),
        explanation: exercise.explanation.trim().to_owned(),
        words,
        expires_at,
        put_backs: 0,
    }
}

/// Easy after mostly wrong answers, hard after mostly right ones, medium otherwise and at first.
pub fn difficulty_of(recent: &[String]) -> Difficulty {
    let score: f64 = recent
        .iter()
        .map(|r| match Grade::parse(r) {
            Some(Grade::Correct) => 1.0,
            Some(Grade::Partial) => 0.5,
            _ => 0.0,
        })
        .sum();
    #[allow(clippy::cast_precision_loss)] // at most ten attempts
    let accuracy = if recent.is_empty() { 0.0 } else { score / recent.len() as f64 };
    match recent.len() {
        n if n >= 5 && accuracy >= 0.8 => Difficulty::Hard,
        n if n >= 3 && accuracy < 0.5 => Difficulty::Easy,
        _ => Difficulty::Medium,
    }
}

fn difficulty_note(difficulty: Difficulty) -> &'static str {
    match difficulty {
        Difficulty::Easy => {
            "the learner got most recent exercises on this topic wrong: short sentences, common words, regular forms"
        }
        Difficulty::Medium => "everyday sentences at the learner's current level",
        Difficulty::Hard => {
            "the learner got most recent exercises on this topic right: longer sentences, less common words and \
             exceptions, a little above the current level"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difficulty_follows_recent_results() {
        let results = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(difficulty_of(&[]), Difficulty::Medium);
        assert_eq!(difficulty_of(&results(&["correct"; 5])), Difficulty::Hard);
        assert_eq!(difficulty_of(&results(&["correct"; 4])), Difficulty::Medium);
        assert_eq!(difficulty_of(&results(&["incorrect", "incorrect", "partial"])), Difficulty::Easy);
        assert_eq!(difficulty_of(&results(&["correct", "partial", "incorrect", "correct"])), Difficulty::Medium);
    }
}
