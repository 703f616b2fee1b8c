//! Media for the tutor: a recorded clip as text, and pictures as their text and words. The
//! bytes are read into memory, checked, sent to the provider and dropped; nothing is stored.

use actix_multipart::{Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::json;
use services::media::{MAX_PHOTO_BYTES, MAX_PHOTOS};
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

/// The request paths the body limit allows a recording's, and three pictures', size on.
pub const TRANSCRIBE_PATH: &str = "/api/media/transcribe";
pub const OCR_PATH: &str = "/api/media/ocr";
/// Three pictures and the multipart framing around them.
pub const OCR_BODY_BYTES: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 64 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedWord {
    pub word: String,
    pub translation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OcrResponse {
    /// The text in the language learned, line by line ("" when there is none).
    pub text: String,
    /// At most 10 words from it that the learner has no card for, to add in one tap.
    pub words: Vec<SuggestedWord>,
}

/// The form `POST /api/media/ocr` takes.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads it as a stream
pub struct OcrForm {
    /// 1–3 pictures (JPEG, PNG or WebP, 10 MiB each at most), each in a part named `image`.
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1, max_items = 3)]
    image: Vec<Vec<u8>>,
}

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

/// Reads the text in 1–3 pictures (a menu, a sign, a page) and suggests up to 10 words from it
/// that the learner has no card for. Costs one tutor `messages` unit (not charged when the
/// provider fails). Pictures are told by their bytes (JPEG, PNG, WebP), never by their names.
#[utoipa::path(post, path = "/api/media/ocr", tag = "media", security(("bearer" = [])),
    request_body(content = OcrForm, content_type = "multipart/form-data"),
    responses((status = 200, body = OcrResponse),
        (status = 400, description = "INVALID_FIELD_VALUE: details.reason picture_count (not 1–3 `image` parts), \
            not_an_image or malformed_form", body = crate::error::ErrorBody),
        (status = 404, description = "PROFILE_NOT_FOUND: no active profile", body = crate::error::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE (details.max_bytes: a picture's limit)", body = crate::error::ErrorBody),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE: not multipart/form-data", body = crate::error::ErrorBody),
        (status = 429, description = "QUOTA_EXCEEDED (details.kind messages)", body = crate::error::ErrorBody),
        (status = 502, description = "LLM_SERVICE_ERROR: the vision model failed", body = crate::error::ErrorBody),
        (status = 503, description = "LLM_NOT_CONFIGURED", body = crate::error::ErrorBody)))]
pub async fn ocr(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.trim().to_ascii_lowercase().starts_with("multipart/form-data") {
        let expected = ["multipart/form-data"];
        return Err(ApiError::new(ErrorCode::UnsupportedMediaType).with_details(json!({ "expected": expected })));
    }
    let pictures = read_pictures(Multipart::new(req.headers(), payload)).await?;
    let reading = state.media.read_photo(user.id(), pictures).await?;
    let words = reading.words.into_iter().map(|w| SuggestedWord { word: w.word, translation: w.translation }).collect();
    Ok(HttpResponse::Ok().json(OcrResponse { text: reading.text, words }))
}

fn form_error(error: &MultipartError) -> ApiError {
    match error {
        MultipartError::Payload(PayloadError::Overflow) => {
            ApiError::new(ErrorCode::PayloadTooLarge).with_details(json!({ "max_bytes": OCR_BODY_BYTES }))
        }
        _ => ApiError::new(ErrorCode::InvalidFieldValue).with_details(json!({ "reason": "malformed_form" })),
    }
}

/// Every `image` part, each at most a picture's limit; other parts are skipped, and more than
/// three pictures stop the reading at once.
async fn read_pictures(mut form: Multipart) -> Result<Vec<Vec<u8>>, ApiError> {
    let mut pictures = Vec::new();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| form_error(&e))?;
        let is_image = field.name() == Some("image");
        if is_image && pictures.len() == MAX_PHOTOS {
            let details = json!({ "reason": "picture_count", "max": MAX_PHOTOS });
            return Err(ApiError::new(ErrorCode::InvalidFieldValue).with_details(details));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| form_error(&e))?;
            if !is_image {
                continue;
            }
            if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
                return Err(
                    ApiError::new(ErrorCode::PayloadTooLarge).with_details(json!({ "max_bytes": MAX_PHOTO_BYTES }))
                );
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_image {
            pictures.push(bytes);
        }
    }
    Ok(pictures)
}
