//! `/api/topics` and `/api/exercises`: the learner's topics with their accuracy, suggestions,
//! batches of exercises (never with their answers), hints, grading and the history.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::ProfileId;
use serde::{Deserialize, Serialize};
use services::exercises::{
    Attempt, Batch, ExerciseKind, GenerateRequest, Grade, Graded, HistoryQuery, Mistake, NewTopic, Submission, Topic,
    TopicKind, TopicPatch, TopicSuggestion,
};
use services::tutor::{Channel, WordSuggestion};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::values::non_blank;
use crate::schemas::{PageQuery, Pagination, ProfileListQuery, QuotaResponse};
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicStatsResponse {
    pub attempts: u64,
    pub correct: u64,
    pub partial: u64,
    /// (correct + partial / 2) / attempts, 0–1; `null` before the first attempt.
    pub accuracy: Option<f64>,
    pub last_practised_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicResponse {
    pub id: Uuid,
    pub profile_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    #[schema(value_type = crate::schemas::values::TopicKindValue)]
    pub kind: TopicKind,
    /// The profile's one active topic: exercises without a topic are on it.
    pub is_active: bool,
    pub archived: bool,
    pub stats: TopicStatsResponse,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Topic> for TopicResponse {
    fn from(t: Topic) -> Self {
        Self {
            id: t.id,
            profile_id: t.profile_id.as_uuid(),
            name: t.name,
            description: t.description,
            kind: t.kind,
            is_active: t.is_active,
            archived: t.archived,
            stats: TopicStatsResponse {
                attempts: t.stats.attempts,
                correct: t.stats.correct,
                partial: t.stats.partial,
                accuracy: t.stats.accuracy,
                last_practised_at: t.stats.last_practised_at,
            },
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicList {
    pub data: Vec<TopicResponse>,
    pub pagination: Pagination,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateTopicRequest {
    /// Unique in the profile, case-insensitively (409 `CONFLICT`).
    #[validate(length(min = 1, max = 100), custom(function = "non_blank"))]
    #[schema(value_type = crate::schemas::values::TopicNameValue)]
    pub name: String,
    #[validate(length(max = 500))]
    #[schema(max_length = 500, pattern = "^[^\\u0000]*$")]
    pub description: Option<String>,
    #[schema(value_type = crate::schemas::values::TopicKindValue)]
    pub kind: TopicKind,
    pub profile_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateTopicRequest {
    #[validate(length(min = 1, max = 100), custom(function = "non_blank"))]
    #[schema(value_type = Option<crate::schemas::values::TopicNameValue>)]
    pub name: Option<String>,
    /// `null` clears it.
    #[validate(length(max = 500))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 500, pattern = "^[^\\u0000]*$")]
    pub description: Option<Option<String>>,
    #[schema(value_type = Option<crate::schemas::values::TopicKindValue>)]
    pub kind: Option<TopicKind>,
    /// An archived topic leaves the list and stops being the active one.
    pub archived: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SuggestTopicsRequest {
    pub profile_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicSuggestionResponse {
    pub name: String,
    pub description: String,
    #[schema(value_type = crate::schemas::values::TopicKindValue)]
    pub kind: TopicKind,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicSuggestions {
    /// 5–7 topics from the model, none the learner already has (fewer when some were).
    pub suggestions: Vec<TopicSuggestionResponse>,
}

impl From<TopicSuggestion> for TopicSuggestionResponse {
    fn from(s: TopicSuggestion) -> Self {
        Self { name: s.name, description: s.description, kind: s.kind }
    }
}

#[utoipa::path(get, path = "/api/topics", tag = "exercises", security(("bearer" = [])), params(ProfileListQuery),
    responses((status = 200, body = TopicList),
              (status = 404, description = "PROFILE_NOT_FOUND: no such profile, or no active one", body = crate::error::ErrorBody)))]
pub async fn list_topics(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ProfileListQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let profile_id = query.profile_id.map(ProfileId::from_uuid);
    let topics = state.exercises.topics(user.id(), profile_id, query.include_archived).await?;
    let (page, pagination) = PageQuery { limit: query.limit, offset: query.offset }.slice(topics);
    Ok(HttpResponse::Ok().json(TopicList { data: page.into_iter().map(Into::into).collect(), pagination }))
}

#[utoipa::path(post, path = "/api/topics", tag = "exercises", security(("bearer" = [])), request_body = CreateTopicRequest,
    responses((status = 201, body = TopicResponse),
              (status = 404, description = "PROFILE_NOT_FOUND: no such profile, or no active one", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT (details.field name): the name exists in the profile", body = crate::error::ErrorBody)))]
pub async fn create_topic(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateTopicRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let new = NewTopic { name: body.name, description: body.description, kind: body.kind };
    let topic = state.exercises.create_topic(user.id(), body.profile_id.map(ProfileId::from_uuid), new).await?;
    Ok(HttpResponse::Created().json(TopicResponse::from(topic)))
}

#[utoipa::path(get, path = "/api/topics/{id}", tag = "exercises", security(("bearer" = [])),
    responses((status = 200, body = TopicResponse)))]
pub async fn get_topic(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(TopicResponse::from(state.exercises.topic(user.id(), *id).await?)))
}

#[utoipa::path(patch, path = "/api/topics/{id}", tag = "exercises", security(("bearer" = [])), request_body = UpdateTopicRequest,
    responses((status = 200, body = TopicResponse),
              (status = 409, description = "CONFLICT (details.field name): the name exists in the profile", body = crate::error::ErrorBody)))]
pub async fn update_topic(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateTopicRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let patch = TopicPatch { name: body.name, description: body.description, kind: body.kind, archived: body.archived };
    Ok(HttpResponse::Ok().json(TopicResponse::from(state.exercises.update_topic(user.id(), *id, patch).await?)))
}

#[utoipa::path(delete, path = "/api/topics/{id}", tag = "exercises", security(("bearer" = [])),
    responses((status = 204, description = "Deleted; its exercises stay in the history without a topic")))]
pub async fn delete_topic(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.exercises.delete_topic(user.id(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/topics/{id}/activate", tag = "exercises", security(("bearer" = [])),
    responses((status = 200, body = TopicResponse)))]
pub async fn activate_topic(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(TopicResponse::from(state.exercises.activate_topic(user.id(), *id).await?)))
}

#[utoipa::path(post, path = "/api/topics/suggest", tag = "exercises", security(("bearer" = [])),
    request_body(content = SuggestTopicsRequest, description = "Optional; `{}` is the active profile"),
    responses((status = 200, body = TopicSuggestions),
              (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody),
              (status = 502, description = "LLM_SERVICE_ERROR", body = crate::error::ErrorBody),
              (status = 503, description = "LLM_NOT_CONFIGURED", body = crate::error::ErrorBody)))]
pub async fn suggest_topics(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<SuggestTopicsRequest>,
) -> Result<HttpResponse, ApiError> {
    let profile_id = body.0.profile_id.map(ProfileId::from_uuid);
    let suggestions = state.exercises.suggest_topics(user.id(), profile_id).await?;
    Ok(HttpResponse::Ok().json(TopicSuggestions { suggestions: suggestions.into_iter().map(Into::into).collect() }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExerciseResponse {
    pub id: Uuid,
    pub topic_id: Uuid,
    #[schema(value_type = crate::schemas::values::ExerciseKindValue)]
    pub kind: ExerciseKind,
    /// The instruction, in the interface language.
    pub question: String,
    /// The material to work on.
    pub prompt: String,
    /// The four options of `multiple_choice`; `null` for free text.
    pub options: Option<Vec<String>>,
    /// After this the exercise can no longer be answered (404 `EXERCISE_NOT_FOUND`).
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExerciseBatch {
    pub topic: TopicResponse,
    #[schema(value_type = crate::schemas::values::DifficultyValue)]
    pub difficulty: services::exercises::Difficulty,
    /// Questions only: answers, the right option and hints stay on the server.
    pub exercises: Vec<ExerciseResponse>,
    pub quota: QuotaResponse,
}

impl From<Batch> for ExerciseBatch {
    fn from(batch: Batch) -> Self {
        Self {
            topic: batch.topic.into(),
            difficulty: batch.difficulty,
            exercises: batch
                .exercises
                .into_iter()
                .map(|e| ExerciseResponse {
                    id: e.id,
                    topic_id: e.topic_id,
                    kind: e.kind,
                    question: e.question,
                    prompt: e.prompt,
                    options: e.options,
                    expires_at: e.expires_at,
                })
                .collect(),
            quota: batch.quota.into(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct GenerateExercisesRequest {
    /// Default: the profile's active topic.
    pub topic_id: Option<Uuid>,
    /// Only this kind; default: a mix.
    #[schema(value_type = Option<crate::schemas::values::ExerciseKindValue>)]
    pub kind: Option<ExerciseKind>,
    /// 1–10 (default 5), each one unit of the `exercises` quota.
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub count: Option<u8>,
    pub profile_id: Option<Uuid>,
}

#[utoipa::path(post, path = "/api/exercises/generate", tag = "exercises", security(("bearer" = [])),
    request_body = GenerateExercisesRequest,
    responses((status = 200, body = ExerciseBatch),
              (status = 404, description = "PROFILE_NOT_FOUND, or TOPIC_NOT_FOUND (details.reason no_active_topic when none is active)", body = crate::error::ErrorBody),
              (status = 429, description = "QUOTA_EXCEEDED (details.kind exercises)", body = crate::error::ErrorBody),
              (status = 502, description = "LLM_SERVICE_ERROR: the model failed or wrote unusable exercises twice", body = crate::error::ErrorBody),
              (status = 503, description = "LLM_NOT_CONFIGURED", body = crate::error::ErrorBody)))]
pub async fn generate(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<GenerateExercisesRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let request = GenerateRequest {
        profile_id: body.profile_id.map(ProfileId::from_uuid),
        topic_id: body.topic_id,
        kind: body.kind,
        count: body.count,
    };
    Ok(HttpResponse::Ok().json(ExerciseBatch::from(state.exercises.generate(user.id(), request).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HintResponse {
    pub hint: String,
}

#[utoipa::path(post, path = "/api/exercises/{id}/hint", tag = "exercises", security(("bearer" = [])),
    responses((status = 200, body = HintResponse, description = "The attempt is now recorded as hinted"),
              (status = 404, description = "EXERCISE_NOT_FOUND: expired (30 min), answered, or not yours", body = crate::error::ErrorBody)))]
pub async fn hint(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(HintResponse { hint: state.exercises.hint(user.id(), *id).await? }))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// The answer to a free-text exercise.
    #[validate(length(min = 1, max = 1000), custom(function = "non_blank"))]
    #[schema(value_type = Option<crate::schemas::values::AnswerValue>)]
    pub answer: Option<String>,
    /// The chosen option's index (0–3) for `multiple_choice`.
    #[validate(range(max = 3))]
    #[schema(minimum = 0, maximum = 3)]
    pub choice: Option<u8>,
    /// How long the learner took, counted in the day's time spent.
    #[validate(range(max = 86_400_000))]
    #[schema(minimum = 0, maximum = 86_400_000)]
    pub duration_ms: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MistakeResponse {
    /// grammar, vocabulary, spelling, word_order, meaning or other.
    #[serde(rename = "type")]
    pub kind: String,
    /// The wrong part as the learner wrote it.
    pub text: String,
    pub suggestion: String,
}

impl From<Mistake> for MistakeResponse {
    fn from(m: Mistake) -> Self {
        Self { kind: m.kind, text: m.text, suggestion: m.suggestion }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissedWord {
    pub word: String,
    pub translation: String,
}

impl From<WordSuggestion> for MissedWord {
    fn from(w: WordSuggestion) -> Self {
        Self { word: w.word, translation: w.translation }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitResponse {
    pub exercise_id: Uuid,
    #[schema(value_type = crate::schemas::values::GradeValue)]
    pub result: Grade,
    pub correct_answer: String,
    pub user_answer: String,
    pub explanation: String,
    pub mistakes: Vec<MistakeResponse>,
    pub alternatives: Vec<String>,
    pub used_hint: bool,
    /// Words of the exercise to add as cards; empty when the answer was right.
    pub words: Vec<MissedWord>,
    /// The topic with its stats after this answer; `null` if it was deleted meanwhile.
    pub topic: Option<TopicResponse>,
}

impl From<Graded> for SubmitResponse {
    fn from(g: Graded) -> Self {
        Self {
            exercise_id: g.exercise_id,
            result: g.result,
            correct_answer: g.correct_answer,
            user_answer: g.user_answer,
            explanation: g.explanation,
            mistakes: g.mistakes.into_iter().map(Into::into).collect(),
            alternatives: g.alternatives,
            used_hint: g.used_hint,
            words: g.words.into_iter().map(Into::into).collect(),
            topic: g.topic.map(Into::into),
        }
    }
}

#[utoipa::path(post, path = "/api/exercises/{id}/submit", tag = "exercises", security(("bearer" = [])),
    request_body = SubmitRequest,
    responses((status = 200, body = SubmitResponse),
              (status = 400, description = "INVALID_FIELD_VALUE: details.reason answer_required (free text) or choice_required (multiple choice); nothing is consumed", body = crate::error::ErrorBody),
              (status = 404, description = "EXERCISE_NOT_FOUND: expired, already answered (a second submit), or not yours", body = crate::error::ErrorBody),
              (status = 502, description = "LLM_SERVICE_ERROR: the grader failed; the exercise can be answered again", body = crate::error::ErrorBody)))]
pub async fn submit(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<SubmitRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let submission = Submission {
        answer: body.answer,
        choice: body.choice.map(usize::from),
        duration_ms: body.duration_ms,
        channel: Channel::MiniApp,
    };
    Ok(HttpResponse::Ok().json(SubmitResponse::from(state.exercises.submit(user.id(), *id, submission).await?)))
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    pub profile_id: Option<Uuid>,
    pub topic_id: Option<Uuid>,
    #[param(value_type = Option<crate::schemas::values::GradeValue>)]
    pub result: Option<Grade>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(range(max = crate::schemas::MAX_OFFSET))]
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptResponse {
    pub id: Uuid,
    pub topic_id: Option<Uuid>,
    /// The topic's name now; `null` once it is deleted.
    pub topic_name: Option<String>,
    #[schema(value_type = crate::schemas::values::ExerciseKindValue)]
    pub kind: ExerciseKind,
    pub question: String,
    pub prompt: String,
    pub options: Option<Vec<String>>,
    pub correct_answer: String,
    pub user_answer: String,
    #[schema(value_type = crate::schemas::values::GradeValue)]
    pub result: Grade,
    pub explanation: String,
    pub mistakes: Vec<MistakeResponse>,
    pub used_hint: bool,
    pub duration_ms: Option<u32>,
    pub completed_at: DateTime<Utc>,
}

impl From<Attempt> for AttemptResponse {
    fn from(a: Attempt) -> Self {
        Self {
            id: a.id,
            topic_id: a.topic_id,
            topic_name: a.topic_name,
            kind: a.kind,
            question: a.question,
            prompt: a.prompt,
            options: a.options,
            correct_answer: a.correct_answer,
            user_answer: a.user_answer,
            result: a.result,
            explanation: a.feedback.explanation,
            mistakes: a.feedback.mistakes.into_iter().map(Into::into).collect(),
            used_hint: a.used_hint,
            duration_ms: a.duration_ms,
            completed_at: a.completed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptPage {
    pub data: Vec<AttemptResponse>,
    pub pagination: Pagination,
}

#[utoipa::path(get, path = "/api/exercises/history", tag = "exercises", security(("bearer" = [])), params(HistoryParams),
    responses((status = 200, body = AttemptPage),
              (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn history(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<HistoryParams>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let limit = query.limit.unwrap_or(20);
    let offset = query.offset.unwrap_or(0);
    let request = HistoryQuery {
        profile_id: query.profile_id.map(ProfileId::from_uuid),
        topic_id: query.topic_id,
        result: query.result,
        limit: u64::from(limit),
        offset: u64::from(offset),
    };
    let (attempts, total) = state.exercises.history(user.id(), request).await?;
    let has_more = u64::from(offset) + (attempts.len() as u64) < total;
    Ok(HttpResponse::Ok().json(AttemptPage {
        data: attempts.into_iter().map(Into::into).collect(),
        pagination: Pagination { limit, offset, total, has_more },
    }))
}
