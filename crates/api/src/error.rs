//! The error contract of `api.md`: every failure is `{"error": {code, message, details?,
//! request_id}}`. Handlers and extractors return [`ApiError`]; the `error_contract` middleware
//! renders every error response (ours and actix-web's own) in one place.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::i18n::Language;

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
        crate::i18n::error_message(self, lang)
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

    /// A 500 whose cause goes to the log only.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self { source: Some(source.into()), ..Self::new(ErrorCode::InternalError) }
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

// The one place where service errors become API errors.

impl From<services::auth::AuthError> for ApiError {
    fn from(err: services::auth::AuthError) -> Self {
        use services::auth::{AuthError, InitDataError};
        match err {
            AuthError::InitData(InitDataError::BadSignature) => Self::new(ErrorCode::AuthFailed),
            AuthError::InitData(
                e @ (InitDataError::Malformed(_) | InitDataError::Stale | InitDataError::FutureDated),
            ) => {
                let reason = match e {
                    InitDataError::Stale => "stale",
                    InitDataError::FutureDated => "future_dated",
                    _ => "malformed",
                };
                Self::new(ErrorCode::InvalidInitData).with_details(serde_json::json!({ "reason": reason }))
            }
            AuthError::TokenExpired => Self::new(ErrorCode::TokenExpired),
            AuthError::InvalidToken | AuthError::RefreshReused | AuthError::UnknownUser => {
                Self::new(ErrorCode::AuthFailed)
            }
            AuthError::Repo(e) => Self::internal(e),
            AuthError::Unexpected(e) => Self::internal(anyhow::anyhow!(e)),
        }
    }
}

impl From<services::profiles::ProfileError> for ApiError {
    fn from(err: services::profiles::ProfileError) -> Self {
        use services::profiles::ProfileError;
        match err {
            ProfileError::NotFound | ProfileError::NoActiveProfile => Self::new(ErrorCode::ProfileNotFound),
            ProfileError::DuplicateLanguage => Self::new(ErrorCode::DuplicateLanguage),
            ProfileError::LimitReached { used, max } => Self::new(ErrorCode::LimitReached)
                .with_details(serde_json::json!({ "limit": "profiles", "used": used, "max": max, "upgrade": true })),
            ProfileError::TargetBelowCurrent => Self::new(ErrorCode::TargetBelowCurrent),
            ProfileError::LastProfile => Self::new(ErrorCode::LastProfile),
            ProfileError::UserGone => Self::new(ErrorCode::AuthFailed),
            e @ (ProfileError::Corrupt(_) | ProfileError::Repo(_)) => Self::internal(e),
        }
    }
}

impl From<services::cards::CardError> for ApiError {
    fn from(err: services::cards::CardError) -> Self {
        use serde_json::json;
        use services::cards::CardError;
        match err {
            CardError::ProfileNotFound => Self::new(ErrorCode::ProfileNotFound),
            CardError::DeckNotFound => Self::new(ErrorCode::DeckNotFound),
            CardError::CardNotFound => Self::new(ErrorCode::CardNotFound),
            CardError::DuplicateDeckName => Self::new(ErrorCode::Conflict).with_details(json!({ "field": "name" })),
            CardError::BlankDeckName => {
                Self::new(ErrorCode::ValidationError).with_details(json!({ "name": ["must not be blank"] }))
            }
            CardError::DefaultDeck => Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "default_deck" })),
            CardError::DeckNotEmpty(cards) => Self::new(ErrorCode::Conflict)
                .with_details(json!({ "cards": cards, "confirm": "repeat with ?confirm=true to delete the cards too" })),
            CardError::DuplicateCard(existing) => Self::new(ErrorCode::DuplicateCard).with_details(json!({
                "existing": serde_json::to_value(crate::routes::cards::CardResponse::from(*existing)).unwrap_or_default()
            })),
            CardError::LimitReached { used, max } => Self::new(ErrorCode::LimitReached)
                .with_details(json!({ "limit": "cards", "used": used, "max": max, "upgrade": true })),
            CardError::Profile(e) => e.into(),
            CardError::Repo(e) => Self::internal(e),
        }
    }
}

impl From<services::study::StudyError> for ApiError {
    fn from(err: services::study::StudyError) -> Self {
        use services::study::StudyError;
        match err {
            StudyError::CardNotFound => Self::new(ErrorCode::CardNotFound),
            StudyError::DeckNotFound => Self::new(ErrorCode::DeckNotFound),
            StudyError::ReplayMismatch => {
                Self::new(ErrorCode::Conflict).with_details(serde_json::json!({ "reason": "client_review_id_reused" }))
            }
            StudyError::NothingToUndo => {
                Self::new(ErrorCode::Conflict).with_details(serde_json::json!({ "reason": "nothing_to_undo" }))
            }
            StudyError::Profile(e) => e.into(),
            e @ (StudyError::Scheduler(_) | StudyError::Corrupt(_) | StudyError::Repo(_)) => Self::internal(e),
        }
    }
}

impl From<services::quota::QuotaError> for ApiError {
    fn from(err: services::quota::QuotaError) -> Self {
        use services::quota::QuotaError;
        match err {
            QuotaError::Exceeded { status, retry_after_seconds } => quota_exceeded(&status, retry_after_seconds),
            QuotaError::UserGone => Self::new(ErrorCode::AuthFailed),
            QuotaError::Repo(e) => Self::internal(e),
        }
    }
}

/// 429 `QUOTA_EXCEEDED` with the reset at the user's local midnight, as details and headers.
fn quota_exceeded(status: &services::quota::QuotaStatus, retry_after: u64) -> ApiError {
    ApiError::new(ErrorCode::QuotaExceeded)
        .with_details(serde_json::json!({
            "kind": status.kind.as_str(), "used": status.used, "max": status.max,
            "reset_at": status.reset_at.to_rfc3339(), "retry_after": retry_after,
        }))
        .with_retry_after(retry_after)
        .with_header("x-ratelimit-limit", status.max.map_or_else(|| "unlimited".to_owned(), |m| m.to_string()))
        .with_header("x-ratelimit-remaining", 0)
        .with_header("x-ratelimit-reset", status.reset_at.timestamp())
}

/// A provider failure that survived the retries: 502, with the cause in the log only.
pub fn llm_failed(error: &services::llm::LlmError) -> ApiError {
    tracing::warn!(%error, "LLM call failed");
    let reason = match error {
        services::llm::LlmError::Truncated => "truncated",
        services::llm::LlmError::Refused => "refused",
        services::llm::LlmError::Malformed(_) => "malformed",
        services::llm::LlmError::Status { .. } | services::llm::LlmError::Transport(_) => "unavailable",
    };
    ApiError::new(ErrorCode::LlmServiceError).with_details(serde_json::json!({ "reason": reason }))
}

impl From<services::tutor::TutorError> for ApiError {
    fn from(err: services::tutor::TutorError) -> Self {
        use serde_json::json;
        use services::tutor::TutorError;
        match err {
            TutorError::NotConfigured => Self::new(ErrorCode::LlmNotConfigured),
            TutorError::ContentRejected(reason) => {
                Self::new(ErrorCode::ContentRejected).with_details(json!({ "reason": reason }))
            }
            TutorError::MessageNotFound => Self::new(ErrorCode::NotFound),
            TutorError::NotRetryable => {
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "not_retryable" }))
            }
            TutorError::Llm { error, user_message } => {
                let mut api = llm_failed(&error);
                if let Some(Value::Object(details)) = api.details.as_mut() {
                    details.insert("user_message_id".into(), json!(user_message.id));
                }
                api
            }
            TutorError::Quota(e) => e.into(),
            TutorError::Profile(e) => e.into(),
            e @ (TutorError::Prompt(_) | TutorError::Repo(_)) => Self::internal(e),
        }
    }
}

impl From<services::generation::GenerateError> for ApiError {
    fn from(err: services::generation::GenerateError) -> Self {
        use services::generation::GenerateError;
        match err {
            GenerateError::NotConfigured => Self::new(ErrorCode::LlmNotConfigured),
            GenerateError::AllFailed(results) => {
                let first = results.iter().find_map(|r| r.error.clone());
                let mut api = first.as_ref().map_or_else(|| Self::new(ErrorCode::LlmServiceError), llm_failed);
                let results: Vec<_> =
                    results.into_iter().map(crate::routes::generate::WordResultResponse::from).collect();
                if let Some(Value::Object(details)) = api.details.as_mut() {
                    details.insert("results".into(), serde_json::to_value(results).unwrap_or_default());
                }
                api
            }
            GenerateError::Card(e) => e.into(),
            GenerateError::Quota(e) => e.into(),
            GenerateError::Profile(e) => e.into(),
            e @ GenerateError::Prompt(_) => Self::internal(e),
        }
    }
}
