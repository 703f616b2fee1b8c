//! Cards as the API shows them, wherever they appear: card routes, the study queue, error
//! details (a duplicate's existing card) and generation results.

use chrono::{DateTime, Utc};
use serde::Serialize;
use services::cards::{Card, CardProgress};
use services::counts::DayCounts;
use services::generation::{WordResult, WordStatus};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressResponse {
    #[schema(value_type = super::values::CardStateValue, example = "learning")]
    pub state: String,
    pub due: DateTime<Utc>,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub reps: i32,
    pub lapses: i32,
    pub last_review: Option<DateTime<Utc>>,
}

impl From<CardProgress> for ProgressResponse {
    fn from(p: CardProgress) -> Self {
        Self {
            state: p.state.as_str().to_owned(),
            due: p.due,
            stability: p.stability,
            difficulty: p.difficulty,
            reps: p.reps,
            lapses: p.lapses,
            last_review: p.last_review,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardResponse {
    pub id: Uuid,
    pub deck_id: Uuid,
    pub profile_id: Uuid,
    pub front: String,
    pub back: String,
    pub lemma: Option<String>,
    pub part_of_speech: Option<String>,
    pub gender: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub forms: Option<serde_json::Value>,
    pub transcription: Option<String>,
    pub example: Option<String>,
    pub example_translation: Option<String>,
    pub notes: Option<String>,
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub progress: Option<ProgressResponse>,
}

impl From<Card> for CardResponse {
    fn from(c: Card) -> Self {
        Self {
            id: c.id,
            deck_id: c.deck_id.as_uuid(),
            profile_id: c.profile_id.as_uuid(),
            front: c.content.front,
            back: c.content.back,
            lemma: c.content.lemma,
            part_of_speech: c.content.part_of_speech,
            gender: c.content.gender,
            forms: c.content.forms,
            transcription: c.content.transcription,
            example: c.content.example,
            example_translation: c.content.example_translation,
            notes: c.content.notes,
            source: c.source,
            created_at: c.created_at,
            updated_at: c.updated_at,
            progress: c.progress.map(Into::into),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayCountsResponse {
    /// New cards still allowed today.
    pub new: u64,
    pub learning: u64,
    pub due: u64,
    /// Never-studied cards beyond today's new-card allowance (`POST /api/study/more` lets
    /// some of them in today).
    pub waiting: u64,
}

impl From<DayCounts> for DayCountsResponse {
    fn from(c: DayCounts) -> Self {
        Self { new: c.new, learning: c.learning, due: c.due, waiting: c.waiting }
    }
}

/// Why one word failed (the batch as a whole may still have succeeded).
#[derive(Debug, Serialize, ToSchema)]
pub struct WordErrorResponse {
    /// Always `LLM_SERVICE_ERROR`.
    #[schema(example = "LLM_SERVICE_ERROR")]
    pub code: &'static str,
    /// `truncated`, `refused`, `malformed` or `unavailable`.
    #[schema(example = "malformed")]
    pub reason: &'static str,
    pub message: &'static str,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WordOutcome {
    Created,
    Duplicate,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WordResultResponse {
    pub word: String,
    pub status: WordOutcome,
    /// The new card, or for a duplicate the card already there.
    pub card: Option<CardResponse>,
    pub error: Option<WordErrorResponse>,
}

impl From<WordResult> for WordResultResponse {
    fn from(r: WordResult) -> Self {
        use services::llm::FailureReason;
        let status = match r.status {
            WordStatus::Created => WordOutcome::Created,
            WordStatus::Duplicate => WordOutcome::Duplicate,
            WordStatus::Failed => WordOutcome::Failed,
        };
        let error = r.error.map(|reason| WordErrorResponse {
            code: "LLM_SERVICE_ERROR",
            reason: reason.as_str(),
            message: match reason {
                FailureReason::Truncated => "the answer was cut off",
                FailureReason::Refused => "the model refused to answer",
                FailureReason::Malformed => "the model's answer was unusable or not about this word",
                FailureReason::Unavailable => "the model could not be reached",
            },
        });
        Self { word: r.word, status, card: r.card.map(Into::into), error }
    }
}
