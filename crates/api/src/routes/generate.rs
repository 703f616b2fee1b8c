//! `POST /api/cards/generate`: cards from 1–20 words by the LLM, JSON or SSE, with
//! `Idempotency-Key`.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::{DeckId, ProfileId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use services::generation::{EventSink, GenerateReport, GenerateRequest, GenerationEvent, WordResult, WordStatus};
use services::idempotency::{Claim, IdempotencyKey};
use services::llm::LlmError;
use tokio::sync::mpsc::unbounded_channel;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode};
use crate::routes::cards::CardResponse;
use crate::schemas::QuotaResponse;
use crate::sse::{self, Frame};
use crate::state::AppState;
use crate::validated_json::ValidatedJson;

const IDEMPOTENCY_HEADER: &str = "idempotency-key";

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WordErrorResponse {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WordResultResponse {
    pub word: String,
    /// `created`, `duplicate` or `failed`.
    pub status: &'static str,
    /// The new card, or for a duplicate the card already there.
    pub card: Option<CardResponse>,
    pub error: Option<WordErrorResponse>,
}

impl From<WordResult> for WordResultResponse {
    fn from(r: WordResult) -> Self {
        let status = match r.status {
            WordStatus::Created => "created",
            WordStatus::Duplicate => "duplicate",
            WordStatus::Failed => "failed",
        };
        let error = r.error.map(|e| WordErrorResponse {
            code: ErrorCode::LlmServiceError.as_str(),
            message: match e {
                LlmError::Truncated => "the answer was cut off",
                LlmError::Refused => "the model refused to answer",
                LlmError::Malformed(_) => "the model's answer was unusable",
                LlmError::Status { .. } | LlmError::Transport(_) => "the model could not be reached",
            }
            .to_owned(),
        });
        Self { word: r.word, status, card: r.card.map(Into::into), error }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GenerateReportResponse {
    /// In the order the words were sent (repeats merged).
    pub results: Vec<WordResultResponse>,
    pub created: usize,
    pub duplicates: usize,
    pub failed: usize,
    pub quota: QuotaResponse,
}

impl From<GenerateReport> for GenerateReportResponse {
    fn from(report: GenerateReport) -> Self {
        Self {
            created: report.count(WordStatus::Created),
            duplicates: report.count(WordStatus::Duplicate),
            failed: report.count(WordStatus::Failed),
            results: report.results.into_iter().map(Into::into).collect(),
            quota: report.quota.into(),
        }
    }
}

fn each_word(words: &[String]) -> Result<(), ValidationError> {
    let ok = words.iter().all(|w| (1..=100).contains(&w.trim().chars().count()));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("word").with_message("each word must be 1 to 100 characters".into()))
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct GenerateCardsRequest {
    #[validate(length(min = 1, max = 20), custom(function = "each_word"))]
    pub words: Vec<String>,
    pub deck_id: Option<Uuid>,
    pub profile_id: Option<Uuid>,
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_HEADER) else { return Ok(None) };
    match value.to_str() {
        Ok(key) if (1..=100).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_owned()))
        }
        _ => Err(ApiError::new(ErrorCode::ValidationError)
            .with_details(json!({ "Idempotency-Key": ["must be 1 to 100 visible ASCII characters"] }))),
    }
}

/// Generates cards for the words. With `Accept: text/event-stream`: `word` per word as it is
/// settled (duplicates first), `progress` as each LLM call ends, then `done` (or `error`).
#[utoipa::path(post, path = "/api/cards/generate", tag = "cards", security(("bearer" = [])), request_body = GenerateCardsRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key answers the first result")),
    responses((status = 200, body = GenerateReportResponse, description = "JSON, or an SSE stream when asked for"),
              (status = 402, description = "LIMIT_REACHED", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: the same Idempotency-Key is still running or was used for another body", body = crate::error::ErrorBody),
              (status = 429, description = "QUOTA_EXCEEDED", body = crate::error::ErrorBody),
              (status = 502, description = "LLM_SERVICE_ERROR: every word failed (details.results)", body = crate::error::ErrorBody),
              (status = 503, description = "LLM_NOT_CONFIGURED", body = crate::error::ErrorBody)))]
pub async fn generate(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<GenerateCardsRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = user.0.id;
    let key = idempotency_key(&req)?;
    let claim = match &key {
        Some(key) => {
            let fingerprint = serde_json::to_vec(&body.0).unwrap_or_default();
            state.idempotency.begin(user_id, "cards.generate", key, &fingerprint).await
        }
        None => Claim::Fresh(IdempotencyKey::none()),
    };
    let key = match claim {
        Claim::Fresh(key) => key,
        Claim::Replay(response) => return Ok(replay(&req, response)),
        Claim::InProgress => {
            return Err(ApiError::new(ErrorCode::Conflict).with_details(json!({ "reason": "in_progress" })));
        }
        Claim::Mismatch => {
            return Err(ApiError::new(ErrorCode::Conflict).with_details(json!({ "reason": "idempotency_key_reused" })));
        }
    };
    let request = GenerateRequest {
        profile_id: body.0.profile_id.map(ProfileId::from_uuid),
        deck_id: body.0.deck_id.map(DeckId::from_uuid),
        words: body.0.words,
    };
    let service = state.generation.clone();
    let store = state.idempotency.clone();
    // Refusals (no provider, quota, plan limit, unknown deck) are answered before any stream.
    let prepared = {
        let (service, store, key) = (service.clone(), store.clone(), key.clone());
        sse::detached(async move {
            match service.prepare(user_id, request).await {
                Ok(batch) => Ok(batch),
                Err(error) => {
                    store.release(&key).await;
                    Err(error.into())
                }
            }
        })
        .await?
    };
    // Detached with the idempotency bookkeeping, so a disconnect neither cancels the work nor
    // leaves the key claimed; a panic releases it too.
    let run = move |events: Option<EventSink>| async move {
        let outcome = AssertUnwindSafe(service.run(prepared, events.as_ref())).catch_unwind().await;
        match outcome {
            Ok(Ok(report)) => {
                let body = serde_json::to_value(GenerateReportResponse::from(report.clone())).unwrap_or_default();
                store.complete(&key, &body).await;
                Ok(report)
            }
            Ok(Err(error)) => {
                store.release(&key).await;
                Err(ApiError::from(error))
            }
            Err(_) => {
                store.release(&key).await;
                Err(ApiError::internal(anyhow::anyhow!("card generation panicked")))
            }
        }
    };
    if !sse::wanted(&req) {
        let report = sse::detached(run(None)).await?;
        return Ok(HttpResponse::Ok().json(GenerateReportResponse::from(report)));
    }
    Ok(sse::stream(&req, move |frames| async move {
        let (events, incoming) = unbounded_channel();
        let work = run(Some(events));
        let forward = sse::relay(incoming, &frames, |event| match event {
            GenerationEvent::Progress { word, ok } => {
                let status = if ok { "generated" } else { "failed" };
                Frame::json("progress", &json!({ "word": word, "status": status }))
            }
            GenerationEvent::Word(result) => Frame::json("word", &WordResultResponse::from(*result)),
        });
        let (result, ()) = tokio::join!(work, forward);
        Ok(Frame::json("done", &GenerateReportResponse::from(result?)))
    }))
}

/// The first response again: as JSON, or replayed as the stream's `word` and `done` frames.
fn replay(req: &HttpRequest, response: serde_json::Value) -> HttpResponse {
    if !sse::wanted(req) {
        return HttpResponse::Ok().json(response);
    }
    let (frames, receiver) = unbounded_channel();
    for result in response.get("results").and_then(|r| r.as_array()).into_iter().flatten() {
        let _ = frames.send(Frame::json("word", result));
    }
    let _ = frames.send(Frame::json("done", &response));
    sse::response(receiver)
}
