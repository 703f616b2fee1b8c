//! Media for the tutor: a recorded clip as text. The bytes are read into memory, checked, sent
//! to the speech provider and dropped; nothing is stored.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode};
use crate::routes::transfer::read_body;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptResponse {
    /// What was said.
    pub text: String,
}

/// The request path the body limit allows a recording's size on.
pub const TRANSCRIBE_PATH: &str = "/api/media/transcribe";

/// Turns a recording into text (speech to text, the `voice` daily quota; a failed call is not
/// charged). The body is the recording itself, at most 3 MiB: Ogg/Opus, WebM, MP4/M4A, WAV,
/// MP3 or FLAC, told by its bytes, not by its declared type.
#[utoipa::path(post, path = "/api/media/transcribe", tag = "media", security(("bearer" = [])),
    request_body(description = "One recording, 3 MiB at most",
        content((Vec<u8> = "audio/ogg"), (Vec<u8> = "audio/webm"), (Vec<u8> = "audio/mp4"), (Vec<u8> = "audio/mpeg"),
            (Vec<u8> = "audio/wav"), (Vec<u8> = "audio/flac"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 200, body = TranscriptResponse),
        (status = 400, description = "INVALID_FIELD_VALUE: details.reason not_audio (not a known audio format) or \
            silent (no words heard)", body = crate::error::ErrorBody),
        (status = 404, description = "PROFILE_NOT_FOUND: no active profile", body = crate::error::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE (details.max_bytes)", body = crate::error::ErrorBody),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE: not audio/* or application/octet-stream", body = crate::error::ErrorBody),
        (status = 429, description = "QUOTA_EXCEEDED (details.kind voice)", body = crate::error::ErrorBody),
        (status = 502, description = "LLM_SERVICE_ERROR: the speech provider failed", body = crate::error::ErrorBody),
        (status = 503, description = "LLM_NOT_CONFIGURED: no provider, or one without speech to text \
            (details.reason speech_unavailable)", body = crate::error::ErrorBody)))]
pub async fn transcribe(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !(mime.starts_with("audio/") || mime == "application/octet-stream") {
        let expected = ["audio/*", "application/octet-stream"];
        return Err(ApiError::new(ErrorCode::UnsupportedMediaType).with_details(json!({ "expected": expected })));
    }
    let body = read_body(&mut payload, services::media::MAX_VOICE_BYTES).await?;
    let transcript = state.media.transcribe(user.id(), body).await?;
    Ok(HttpResponse::Ok().json(TranscriptResponse { text: transcript.text }))
}
