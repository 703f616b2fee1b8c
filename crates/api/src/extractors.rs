//! Extractor configuration: body, JSON, query and path failures become contract errors.

use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::{HttpRequest, web};
use serde_json::json;

use crate::error::{ApiError, ErrorCode};

/// The `Idempotency-Key` header, when sent: 1–100 visible ASCII characters.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else { return Ok(None) };
    match value.to_str() {
        Ok(key) if (1..=100).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_owned()))
        }
        _ => Err(ApiError::new(ErrorCode::ValidationError)
            .with_details(json!({ "Idempotency-Key": ["must be 1 to 100 visible ASCII characters"] }))),
    }
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(|err, _req: &HttpRequest| json_error(err).into())
}

pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let QueryPayloadError::Deserialize(e) = err else {
            return ApiError::new(ErrorCode::InvalidFieldValue).into();
        };
        ApiError::new(ErrorCode::ValidationError).with_details(json!({ "query": [e.to_string()] })).into()
    })
}

/// A path segment that does not parse (say, a malformed id) names no resource: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req| ApiError::new(ErrorCode::NotFound).into())
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { .. }
        | JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => ApiError::new(ErrorCode::PayloadTooLarge),
        JsonPayloadError::ContentType => {
            ApiError::new(ErrorCode::UnsupportedMediaType).with_details(json!({ "expected": "application/json" }))
        }
        // Well-formed JSON of the wrong shape: unknown or missing fields, wrong types.
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::new(ErrorCode::ValidationError).with_details(json!({ "body": [e.to_string()] }))
        }
        JsonPayloadError::Deserialize(e) => ApiError::new(ErrorCode::InvalidFieldValue)
            .with_details(json!({ "body": [format!("malformed JSON: {e}")] })),
        _ => ApiError::new(ErrorCode::InvalidFieldValue),
    }
}
