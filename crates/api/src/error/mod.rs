//! The error contract of `api.md`: every failure is `{"error": {code, message, details?,
//! request_id}}`. Handlers and extractors return [`ApiError`]; the `error_contract` middleware
//! renders every error response (ours and actix-web's own) in one place.

use std::fmt;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::i18n::Language;
use crate::middleware::request_id::RequestId;

mod from_services;
mod messages;

pub use from_services::llm_failed;

/// Every error code the API can return (`api.md`, "Error contract").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    InvalidInitData,
    InvalidFieldValue,
    TargetBelowCurrent,
    LastProfile,
    InviteExpired,
    ContentRejected,
    AuthFailed,
    TokenExpired,
    LimitReached,
    Forbidden,
    NotFound,
    ProfileNotFound,
    DeckNotFound,
    CardNotFound,
    TopicNotFound,
    ExerciseNotFound,
    GroupNotFound,
    UserNotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    Conflict,
    DuplicateLanguage,
    DuplicateCard,
    AlreadyMember,
    ValidationError,
    RateLimitExceeded,
    QuotaExceeded,
    InternalError,
    LlmServiceError,
    LlmNotConfigured,
    ServiceUnavailable,
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            InvalidInitData | InvalidFieldValue | TargetBelowCurrent | LastProfile | InviteExpired
            | ContentRejected => StatusCode::BAD_REQUEST,
            AuthFailed | TokenExpired => StatusCode::UNAUTHORIZED,
            LimitReached => StatusCode::PAYMENT_REQUIRED,
            Forbidden => StatusCode::FORBIDDEN,
            NotFound | ProfileNotFound | DeckNotFound | CardNotFound | TopicNotFound | ExerciseNotFound
            | GroupNotFound | UserNotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Conflict | DuplicateLanguage | DuplicateCard | AlreadyMember => StatusCode::CONFLICT,
            ValidationError => StatusCode::UNPROCESSABLE_ENTITY,
            RateLimitExceeded | QuotaExceeded => StatusCode::TOO_MANY_REQUESTS,
            InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            LlmServiceError => StatusCode::BAD_GATEWAY,
            LlmNotConfigured | ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The code for an error response that no handler of ours described (actix-web's own
    /// 404, 405, 413, …).
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::InvalidFieldValue,
            401 => Self::AuthFailed,
            402 => Self::LimitReached,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            422 => Self::ValidationError,
            429 => Self::RateLimitExceeded,
            502 => Self::LlmServiceError,
            503 => Self::ServiceUnavailable,
            _ => Self::InternalError,
        }
    }

    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "INTERNAL_ERROR".to_owned())
    }

    pub fn message(self, lang: Language) -> &'static str {
        messages::error_message(self, lang)
    }
}

/// An error on its way to becoming a contract response.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    details: Option<Value>,
    retry_after_seconds: Option<u64>,
    headers: Vec<(&'static str, String)>,
    /// Logged, never sent: the cause of a 500.
    source: Option<anyhow::Error>,
}

/// What the `error_contract` middleware needs to render the body; travels in the response's
/// extensions so the request id and language can be added where the request is at hand.
#[derive(Debug, Clone)]
pub(crate) struct ErrorPayload {
    pub code: ErrorCode,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, details: None, retry_after_seconds: None, headers: Vec::new(), source: None }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_seconds = Some(seconds);
        self
    }

    pub fn with_header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// A 500 whose cause goes to the log only; a 503 (retry in a few seconds) when the cause
    /// is the database being out of reach, which is an outage, not a bug.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        let source = source.into();
        let unreachable = source
            .chain()
            .any(|cause| cause.downcast_ref::<repositories::DbErr>().is_some_and(repositories::is_connection_failure));
        if unreachable {
            return Self { source: Some(source), ..Self::new(ErrorCode::ServiceUnavailable) }.with_retry_after(5);
        }
        Self { source: Some(source), ..Self::new(ErrorCode::InternalError) }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn details(&self) -> Option<&Value> {
        self.details.as_ref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            // `{:#}` prints the whole chain of causes on one line.
            Some(source) => write!(f, "{}: {source:#}", self.code.as_str()),
            None => f.write_str(&self.code.as_str()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        if self.code.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = HttpResponse::new(self.status_code());
        if let Some(seconds) = self.retry_after_seconds
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.headers_mut().insert(header::HeaderName::from_static(name), value);
            }
        }
        response.extensions_mut().insert(ErrorPayload { code: self.code, details: self.details.clone() });
        response
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorObject,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorObject {
    /// Machine-readable, e.g. `NOT_FOUND`.
    #[schema(example = "NOT_FOUND")]
    pub code: String,
    /// Human text in the user's interface language.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Ties the response to the server's log lines.
    pub request_id: String,
}

/// Builds the contract body for `payload`.
pub(crate) fn render_body(lang: Language, request_id: &str, payload: &ErrorPayload) -> Vec<u8> {
    let body = ErrorBody {
        error: ErrorObject {
            code: payload.code.as_str(),
            message: payload.code.message(lang).to_owned(),
            details: payload.details.clone(),
            request_id: request_id.to_owned(),
        },
    };
    serde_json::to_vec(&body).unwrap_or_else(|_| b"{\"error\":{\"code\":\"INTERNAL_ERROR\"}}".to_vec())
}

/// Keeps the status and the headers that matter (Allow, Retry-After, …), replaces the body.
pub(crate) fn rebuild(original: HttpResponse, body: Vec<u8>) -> HttpResponse<BoxBody> {
    let mut builder = HttpResponse::build(original.status());
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && name != header::CONTENT_ENCODING {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/json")));
    builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let mut response = builder.body(body);
    if let Some(payload) = original.extensions().get::<ErrorPayload>() {
        response.extensions_mut().insert(payload.clone());
    }
    response
}

/// Renders a contract response directly, for middleware that answers before any handler runs.
pub(crate) fn contract_response(req: &actix_web::HttpRequest, code: ErrorCode) -> HttpResponse<BoxBody> {
    let payload = ErrorPayload { code, details: None };
    let body = render_body(Language::of(req), &RequestId::of(req), &payload);
    rebuild(HttpResponse::new(code.status()), body)
}
