//! What topics and exercises look like to callers: the API, the bot and the tests.

use chrono::{DateTime, Utc};
use domain::ProfileId;
use repositories::exercise_attempts::AttemptWithTopic;
use repositories::topics::{TopicTally, TopicWithTally};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::quota::QuotaStatus;
use crate::tutor::Channel;
use crate::tutor::WordSuggestion;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($wire => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

wire_enum!(
    /// What a topic practises.
    TopicKind { Grammar => "grammar", Vocabulary => "vocabulary", Situation => "situation" }
);

wire_enum!(
    /// How an exercise is answered: free text for all but multiple choice.
    ExerciseKind {
        Translate => "translate",
        Transform => "transform",
        FillGap => "fill_gap",
        WordOrder => "word_order",
        MultipleChoice => "multiple_choice",
    }
);

wire_enum!(
    /// How an answer was graded.
    Grade { Correct => "correct", Partial => "partial", Incorrect => "incorrect" }
);

wire_enum!(
    /// How hard the next exercises are, from the learner's recent results on the topic.
    Difficulty { Easy => "easy", Medium => "medium", Hard => "hard" }
);

impl ExerciseKind {
    pub fn is_choice(self) -> bool {
        self == Self::MultipleChoice
    }

    /// The free-text kinds.
    pub const FREE_TEXT: &'static [Self] = &[Self::Translate, Self::Transform, Self::FillGap, Self::WordOrder];
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicStats {
    pub attempts: u64,
    pub correct: u64,
    pub partial: u64,
    /// (correct + partial / 2) / attempts; `None` before the first attempt.
    pub accuracy: Option<f64>,
    pub last_practised_at: Option<DateTime<Utc>>,
}

/// (correct + partial / 2) / attempts, 0–1: a partial answer counts half. `None` without
/// attempts. The one definition for topics, the stats screen and the bot.
#[allow(clippy::cast_precision_loss)] // counts far below 2^52
pub fn accuracy(attempts: u64, correct: u64, partial: u64) -> Option<f64> {
    (attempts > 0).then(|| (correct as f64 + partial as f64 / 2.0) / attempts as f64)
}

impl From<TopicTally> for TopicStats {
    fn from(tally: TopicTally) -> Self {
        Self {
            attempts: tally.attempts,
            correct: tally.correct,
            partial: tally.partial,
            accuracy: accuracy(tally.attempts, tally.correct, tally.partial),
            last_practised_at: tally.last_practised_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    pub id: Uuid,
    pub profile_id: ProfileId,
    pub name: String,
    pub description: Option<String>,
    pub kind: TopicKind,
    pub is_active: bool,
    pub archived: bool,
    pub stats: TopicStats,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<TopicWithTally> for Topic {
    fn from(value: TopicWithTally) -> Self {
        let row = value.topic;
        Self {
            id: row.id,
            profile_id: ProfileId::from_uuid(row.profile_id),
            // The column's CHECK admits only the three kinds.
            kind: TopicKind::parse(&row.kind).unwrap_or(TopicKind::Grammar),
            name: row.name,
            description: row.description,
            is_active: row.is_active,
            archived: row.archived_at.is_some(),
            stats: value.tally.into(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSuggestion {
    pub name: String,
    pub description: String,
    pub kind: TopicKind,
}

#[derive(Debug, Clone)]
pub struct NewTopic {
    pub name: String,
    pub description: Option<String>,
    pub kind: TopicKind,
}

#[derive(Debug, Clone, Default)]
pub struct TopicPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub kind: Option<TopicKind>,
    pub archived: Option<bool>,
}

/// An exercise as the learner sees it: no answer, no right option, no hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exercise {
    pub id: Uuid,
    pub topic_id: Uuid,
    pub kind: ExerciseKind,
    pub question: String,
    pub prompt: String,
    pub options: Option<Vec<String>>,
    pub expires_at: DateTime<Utc>,
}

/// An exercise waiting for its answer, kept in the cache with everything needed to grade it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingExercise {
    pub id: Uuid,
    pub user_id: Uuid,
    pub profile_id: Uuid,
    pub topic_id: Uuid,
    pub kind: ExerciseKind,
    pub question: String,
    pub prompt: String,
    pub options: Option<Vec<String>>,
    pub correct_index: Option<usize>,
    pub answer: String,
    pub alternatives: Vec<String>,
    pub hint: String,
    pub explanation: String,
    pub words: Vec<WordSuggestion>,
    pub expires_at: DateTime<Utc>,
    /// How often a failed grading gave it back.
    #[serde(default)]
    pub put_backs: u8,
}

impl PendingExercise {
    pub fn public(&self) -> Exercise {
        Exercise {
            id: self.id,
            topic_id: self.topic_id,
            kind: self.kind,
            question: self.question.clone(),
            prompt: self.prompt.clone(),
            options: self.options.clone(),
            expires_at: self.expires_at,
        }
    }
}

/// A batch of exercises for one session.
#[derive(Debug, Clone)]
pub struct Batch {
    pub topic: Topic,
    pub difficulty: Difficulty,
    pub exercises: Vec<Exercise>,
    pub quota: QuotaStatus,
}

#[derive(Debug, Clone, Default)]
pub struct GenerateRequest {
    pub profile_id: Option<ProfileId>,
    pub topic_id: Option<Uuid>,
    pub kind: Option<ExerciseKind>,
    /// 1–10; 5 when not given.
    pub count: Option<u8>,
}

/// What the learner answered: text for free-text kinds, an option's index for multiple choice.
#[derive(Debug, Clone)]
pub struct Submission {
    pub answer: Option<String>,
    pub choice: Option<usize>,
    pub duration_ms: Option<u32>,
    pub channel: Channel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mistake {
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
    pub suggestion: String,
}

/// The grade of one answer, with what the learner needs to learn from it.
#[derive(Debug, Clone)]
pub struct Graded {
    pub exercise_id: Uuid,
    pub result: Grade,
    pub correct_answer: String,
    pub user_answer: String,
    pub explanation: String,
    pub mistakes: Vec<Mistake>,
    pub alternatives: Vec<String>,
    pub used_hint: bool,
    /// Words of the exercise, offered as cards when the answer was not right.
    pub words: Vec<WordSuggestion>,
    /// The topic with its stats after this attempt (`None` if it was deleted meanwhile).
    pub topic: Option<Topic>,
}

/// The stored feedback of an attempt (`exercise_attempts.feedback`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub explanation: String,
    pub mistakes: Vec<Mistake>,
    pub alternatives: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: Uuid,
    pub topic_id: Option<Uuid>,
    pub topic_name: Option<String>,
    pub kind: ExerciseKind,
    pub question: String,
    pub prompt: String,
    pub options: Option<Vec<String>>,
    pub correct_answer: String,
    pub user_answer: String,
    pub result: Grade,
    pub feedback: Feedback,
    pub used_hint: bool,
    pub duration_ms: Option<u32>,
    pub completed_at: DateTime<Utc>,
}

impl From<AttemptWithTopic> for Attempt {
    fn from(value: AttemptWithTopic) -> Self {
        let row = value.attempt;
        Self {
            id: row.id,
            topic_id: row.topic_id,
            topic_name: value.topic_name,
            // The columns' CHECKs admit only these values.
            kind: ExerciseKind::parse(&row.kind).unwrap_or(ExerciseKind::Translate),
            result: Grade::parse(&row.result).unwrap_or(Grade::Incorrect),
            options: row.options.and_then(|o| serde_json::from_value(o).ok()),
            feedback: serde_json::from_value(row.feedback).unwrap_or_default(),
            question: row.question,
            prompt: row.prompt,
            correct_answer: row.correct_answer,
            user_answer: row.user_answer,
            used_hint: row.used_hint,
            duration_ms: row.duration_ms.and_then(|d| u32::try_from(d).ok()),
            completed_at: row.completed_at,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct HistoryQuery {
    pub profile_id: Option<ProfileId>,
    pub topic_id: Option<Uuid>,
    pub result: Option<Grade>,
    pub limit: u64,
    pub offset: u64,
}
