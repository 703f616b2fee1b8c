//! The tutor: `POST /api/sessions/chat` (JSON or SSE), `GET/DELETE /api/dialog/history`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::ProfileId;
use serde::{Deserialize, Serialize};
use serde_json::json;
use services::tutor::{Channel, ChatInput, ChatReply, ChatStart, Delivery, Message, WordSuggestion};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode};
use crate::extractors::idempotency_key;
use crate::schemas::QuotaResponse;
use crate::sse::{self, Frame};
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

#[derive(Debug, Serialize, ToSchema)]
pub struct WordSuggestionResponse {
    /// In the target language, dictionary form.
    pub word: String,
    /// In the interface language.
    pub translation: String,
    pub note: Option<String>,
}

impl From<WordSuggestion> for WordSuggestionResponse {
    fn from(w: WordSuggestion) -> Self {
        Self { word: w.word, translation: w.translation, note: w.note }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub id: Uuid,
    pub profile_id: Uuid,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    /// `miniapp` or `bot`.
    pub channel: String,
    pub created_at: DateTime<Utc>,
    /// Words the answer taught, for one-tap cards (assistant messages; `[]` otherwise).
    pub words: Vec<WordSuggestionResponse>,
}

impl From<Message> for MessageResponse {
    fn from(m: Message) -> Self {
        Self {
            id: m.id,
            profile_id: m.profile_id.as_uuid(),
            role: m.role,
            content: m.content,
            channel: m.channel.as_str().to_owned(),
            created_at: m.created_at,
            words: m.words.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatReplyResponse {
    pub user_message: MessageResponse,
    pub assistant_message: MessageResponse,
    pub quota: QuotaResponse,
}

impl From<ChatReply> for ChatReplyResponse {
    fn from(r: ChatReply) -> Self {
        Self {
            user_message: r.user_message.into(),
            assistant_message: r.assistant_message.into(),
            quota: r.quota.into(),
        }
    }
}

/// A new message, or `retry_message_id` to answer the latest message again after its answer
/// failed: exactly one of the two.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ChatRequest {
    New(NewMessage),
    Retry(RetryMessage),
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    #[validate(length(min = 1, max = 4000))]
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    pub message: String,
    pub profile_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RetryMessage {
    /// The learner's latest message, still without an answer.
    pub retry_message_id: Uuid,
    pub profile_id: Option<Uuid>,
}

impl Validate for ChatRequest {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        match self {
            Self::New(new) => new.validate(),
            Self::Retry(retry) => retry.validate(),
        }
    }
}

impl ChatRequest {
    fn profile_id(&self) -> Option<ProfileId> {
        match self {
            Self::New(NewMessage { profile_id, .. }) | Self::Retry(RetryMessage { profile_id, .. }) => {
                profile_id.map(ProfileId::from_uuid)
            }
        }
    }

    fn input(self) -> Result<ChatInput, ApiError> {
        match self {
            Self::Retry(retry) => Ok(ChatInput::Retry(retry.retry_message_id)),
            Self::New(new) => {
                let text = new.message.trim();
                if text.is_empty() {
                    return Err(ApiError::new(ErrorCode::ValidationError)
                        .with_details(json!({ "message": ["must not be blank"] })));
                }
                Ok(ChatInput::New(text.to_owned()))
            }
        }
    }
}

/// Sends a message to the tutor. With `Accept: text/event-stream` the answer streams:
/// `user_message`, `delta`…, then `done` (or `error`). A repeat with the same
/// `Idempotency-Key` answers the first reply and costs nothing.
#[utoipa::path(post, path = "/api/sessions/chat", tag = "tutor", security(("bearer" = [])), request_body = ChatRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key answers the first reply",
             min_length = 1, max_length = 100, pattern = "^[!-~]+$")),
    responses((status = 200, body = ChatReplyResponse, description = "JSON, or an SSE stream when asked for"),
              (status = 400, description = "CONTENT_REJECTED", body = crate::error::ErrorBody),
              (status = 404, description = "PROFILE_NOT_FOUND, or NOT_FOUND: no such message to retry", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: the message cannot be retried, the key is in use, or the history was cleared", body = crate::error::ErrorBody),
              (status = 429, description = "QUOTA_EXCEEDED", body = crate::error::ErrorBody),
              (status = 502, description = "LLM_SERVICE_ERROR with details.user_message_id", body = crate::error::ErrorBody),
              (status = 503, description = "LLM_NOT_CONFIGURED", body = crate::error::ErrorBody)))]
pub async fn chat(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<ChatRequest>,
) -> Result<HttpResponse, ApiError> {
    let profile_id = body.0.profile_id();
    let input = body.0.input()?;
    let key = idempotency_key(&req)?;
    let delivery = if sse::wanted(&req) { Delivery::Streamed } else { Delivery::Whole };
    let run = match state.tutor.start(user.id(), profile_id, input, Channel::MiniApp, delivery, key.as_deref()).await? {
        ChatStart::Replay(reply) => return Ok(replay(&req, reply)),
        ChatStart::Running(run) => run,
    };
    if !sse::wanted(&req) {
        return Ok(HttpResponse::Ok().json(ChatReplyResponse::from(run.reply.outcome().await?)));
    }
    Ok(sse::stream(&req, move |frames| async move {
        let _ = frames.send(Frame::json("user_message", &MessageResponse::from(run.user_message)));
        sse::relay(run.deltas, &frames, |text| Frame::json("delta", &json!({ "text": text }))).await;
        Ok(Frame::json("done", &ChatReplyResponse::from(run.reply.outcome().await?)))
    }))
}

/// The first reply again: as JSON, or as the stream's frames with the answer in one delta.
fn replay(req: &HttpRequest, reply: ChatReply) -> HttpResponse {
    let response = ChatReplyResponse::from(reply);
    if !sse::wanted(req) {
        return HttpResponse::Ok().json(response);
    }
    sse::frames(vec![
        Frame::json("user_message", &response.user_message),
        Frame::json("delta", &json!({ "text": response.assistant_message.content })),
        Frame::json("done", &response),
    ])
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    pub profile_id: Option<Uuid>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// A message id: the page holds messages older than it.
    pub before: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CursorPagination {
    pub limit: u32,
    pub has_more: bool,
    /// Pass as `before` for the previous page; `null` when there is none.
    pub next_before: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryResponse {
    /// Oldest first within the page.
    pub data: Vec<MessageResponse>,
    pub pagination: CursorPagination,
}

#[utoipa::path(get, path = "/api/dialog/history", tag = "tutor", security(("bearer" = [])), params(HistoryQuery),
    responses((status = 200, body = HistoryResponse),
              (status = 404, description = "NOT_FOUND: `before` is not a message of the profile; PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn history(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let limit = query.limit.unwrap_or(20);
    let profile_id = query.profile_id.map(ProfileId::from_uuid);
    let page = state.tutor.history(user.id(), profile_id, query.before, limit).await?;
    Ok(HttpResponse::Ok().json(HistoryResponse {
        data: page.messages.into_iter().map(Into::into).collect(),
        pagination: CursorPagination { limit, has_more: page.has_more, next_before: page.next_before },
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ClearQuery {
    pub profile_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClearResponse {
    pub deleted: u64,
}

/// Erases the profile's whole conversation.
#[utoipa::path(delete, path = "/api/dialog/history", tag = "tutor", security(("bearer" = [])), params(ClearQuery),
    responses((status = 200, body = ClearResponse),
              (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn clear(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ClearQuery>,
) -> Result<HttpResponse, ApiError> {
    let deleted = state.tutor.clear(user.id(), query.profile_id.map(ProfileId::from_uuid)).await?;
    Ok(HttpResponse::Ok().json(ClearResponse { deleted }))
}
