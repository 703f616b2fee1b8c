//! `POST /api/cards/generate`: cards from 1–20 words by the LLM, JSON or SSE, with
//! `Idempotency-Key`. The use case (key, refusals, the detached run) is the generation
//! service's; this is its HTTP face.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::{DeckId, ProfileId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use services::generation::{GenerateReport, GenerateRequest, GenerationEvent, GenerationStart, WordStatus};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extractors::idempotency_key;
use crate::schemas::QuotaResponse;
use crate::schemas::cards::WordResultResponse;
use crate::schemas::values::WordValue;
use crate::sse::{self, Frame};
use crate::state::AppState;
use crate::validated_json::ValidatedJson;

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
    let ok = words.iter().all(|w| w.chars().count() <= 100 && !w.trim().is_empty());
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("word").with_message("each word must be 1 to 100 characters, not blank".into()))
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct GenerateCardsRequest {
    /// 1–20 words or phrases, each 1–100 characters (not blank).
    #[validate(length(min = 1, max = 20), custom(function = "each_word"))]
    #[schema(value_type = Vec<WordValue>, min_items = 1, max_items = 20)]
    pub words: Vec<String>,
    pub deck_id: Option<Uuid>,
    pub profile_id: Option<Uuid>,
}

/// Generates cards for the words. With `Accept: text/event-stream`: `word` per word as it is
/// settled (duplicates first), `progress` as each LLM call ends, then `done` (or `error`).
#[utoipa::path(post, path = "/api/cards/generate", tag = "cards", security(("bearer" = [])), request_body = GenerateCardsRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key answers the first result",
             min_length = 1, max_length = 100, pattern = "^[!-~]+$")),
    responses((status = 200, body = GenerateReportResponse, description = "JSON, or an SSE stream when asked for"),
              (status = 402, description = "LIMIT_REACHED", body = crate::error::ErrorBody),
              (status = 404, description = "PROFILE_NOT_FOUND or DECK_NOT_FOUND", body = crate::error::ErrorBody),
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
    let request = GenerateRequest {
        profile_id: body.0.profile_id.map(ProfileId::from_uuid),
        deck_id: body.0.deck_id.map(DeckId::from_uuid),
        words: body.0.words,
    };
    let key = idempotency_key(&req)?;
    let run = match state.generation.start(user.id(), request, key.as_deref()).await? {
        GenerationStart::Replay(report) => return Ok(replay(&req, report)),
        GenerationStart::Running(run) => run,
    };
    if !sse::wanted(&req) {
        return Ok(HttpResponse::Ok().json(GenerateReportResponse::from(run.report.outcome().await?)));
    }
    Ok(sse::stream(&req, move |frames| async move {
        sse::relay(run.events, &frames, event_frame).await;
        Ok(Frame::json("done", &GenerateReportResponse::from(run.report.outcome().await?)))
    }))
}

fn event_frame(event: GenerationEvent) -> Frame {
    match event {
        GenerationEvent::Progress { word, ok } => {
            let status = if ok { "generated" } else { "failed" };
            Frame::json("progress", &json!({ "word": word, "status": status }))
        }
        GenerationEvent::Word(result) => Frame::json("word", &WordResultResponse::from(*result)),
    }
}

/// The first answer again: as JSON, or replayed as the stream's `word` and `done` frames.
fn replay(req: &HttpRequest, report: GenerateReport) -> HttpResponse {
    let response = GenerateReportResponse::from(report);
    if !sse::wanted(req) {
        return HttpResponse::Ok().json(response);
    }
    let mut frames: Vec<Frame> = response.results.iter().map(|result| Frame::json("word", result)).collect();
    frames.push(Frame::json("done", &response));
    sse::frames(frames)
}
