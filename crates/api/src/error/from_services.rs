//! The one place where service errors become API errors. Details are plain data built from the
//! error itself; response bodies come from `schemas`, never from route modules.

use serde_json::{Value, json};
use services::idempotency::IdempotencyConflict;
use services::llm::LlmError;

use super::{ApiError, ErrorCode};
use crate::schemas::cards::{CardResponse, WordResultResponse};

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
                Self::new(ErrorCode::InvalidInitData).with_details(json!({ "reason": reason }))
            }
            AuthError::TokenExpired | AuthError::TokenRevoked => Self::new(ErrorCode::TokenExpired),
            AuthError::InvalidToken | AuthError::RefreshReused | AuthError::UnknownUser => {
                Self::new(ErrorCode::AuthFailed)
            }
            AuthError::Repo(e) => Self::internal(e),
            AuthError::Unexpected(e) => Self::internal(anyhow::anyhow!(e)),
        }
    }
}

/// 402 `LIMIT_REACHED` with what the plan allows.
fn limit_reached(limit: domain::LimitExceeded) -> ApiError {
    ApiError::new(ErrorCode::LimitReached)
        .with_details(json!({ "limit": limit.limit.as_str(), "used": limit.used, "max": limit.max, "upgrade": true }))
}

impl From<services::users::UserError> for ApiError {
    fn from(err: services::users::UserError) -> Self {
        use services::users::UserError;
        match err {
            UserError::UserGone => Self::new(ErrorCode::AuthFailed),
            UserError::NoActiveProfile => Self::new(ErrorCode::ProfileNotFound),
            UserError::Repo(e) => Self::internal(e),
        }
    }
}

impl From<services::export::ExportError> for ApiError {
    fn from(err: services::export::ExportError) -> Self {
        use services::export::ExportError;
        match err {
            ExportError::UserGone => Self::new(ErrorCode::AuthFailed),
            ExportError::Repo(e) => Self::internal(e),
        }
    }
}

impl From<services::profiles::ProfileError> for ApiError {
    fn from(err: services::profiles::ProfileError) -> Self {
        use services::profiles::ProfileError;
        match err {
            ProfileError::NotFound | ProfileError::NoActiveProfile => Self::new(ErrorCode::ProfileNotFound),
            ProfileError::DuplicateLanguage => Self::new(ErrorCode::DuplicateLanguage),
            ProfileError::LimitReached(limit) => limit_reached(limit),
            ProfileError::TargetBelowCurrent => Self::new(ErrorCode::TargetBelowCurrent),
            ProfileError::LastProfile => Self::new(ErrorCode::LastProfile),
            ProfileError::UserGone => Self::new(ErrorCode::AuthFailed),
            e @ (ProfileError::Corrupt(_) | ProfileError::Repo(_)) => Self::internal(e),
        }
    }
}

impl From<services::cards::CardError> for ApiError {
    fn from(err: services::cards::CardError) -> Self {
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
            CardError::DeckNotEmpty(cards) => Self::new(ErrorCode::Conflict).with_details(
                json!({ "cards": cards, "confirm": "repeat with ?confirm=true to delete the cards too" }),
            ),
            CardError::DuplicateCard(existing) => {
                Self::new(ErrorCode::DuplicateCard).with_details(json!({ "existing": CardResponse::from(*existing) }))
            }
            CardError::LimitReached(limit) => limit_reached(limit),
            CardError::UserGone => Self::new(ErrorCode::AuthFailed),
            CardError::Profile(e) => e.into(),
            CardError::Repo(e) => Self::internal(e),
        }
    }
}

/// 400 for a file that cannot be imported: `reason` for the client, the sentence for people.
/// Not 422: the body is a well-formed file the schema allows, which no schema can judge
/// (schemathesis holds 422 to "what passes the schema passes validation").
fn invalid_file(reason: &str, message: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidFieldValue).with_details(json!({ "file": [message], "reason": reason }))
}

impl From<services::transfer::TransferError> for ApiError {
    fn from(err: services::transfer::TransferError) -> Self {
        use services::transfer::{ApkgError, TransferError};
        match err {
            TransferError::Card(e) => e.into(),
            TransferError::NotText => invalid_file("not_text", "the file is neither UTF-8 text nor an Anki package"),
            TransferError::Package(e) => match e {
                ApkgError::NotZip => invalid_file("not_a_package", "the file is not an Anki package (a zip archive)"),
                ApkgError::NoCollection => invalid_file("no_collection", "the package holds no Anki collection"),
                ApkgError::Corrupt(_) => invalid_file("corrupt_package", "the Anki collection cannot be read"),
                ApkgError::TooLarge { max } => Self::new(ErrorCode::PayloadTooLarge)
                    .with_details(json!({ "reason": "collection_too_large", "max_bytes": max })),
                e @ ApkgError::Storage(_) => Self::internal(e),
            },
            // 400, not 422: `columns` is a well-formed string whose roles do not add up.
            TransferError::BadMapping(message) => {
                Self::new(ErrorCode::InvalidFieldValue).with_details(json!({ "columns": [message] }))
            }
            TransferError::ColumnsUnclear => Self::new(ErrorCode::InvalidFieldValue).with_details(json!({
                "columns": ["the columns are unclear: pick them (see the dry run's columns) and send ?columns="],
                "reason": "columns_unclear",
            })),
            e @ TransferError::Write(_) => Self::internal(e),
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
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "client_review_id_reused" }))
            }
            StudyError::NothingToUndo => {
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "nothing_to_undo" }))
            }
            StudyError::Profile(e) => e.into(),
            e @ (StudyError::Scheduler(_) | StudyError::Corrupt(_) | StudyError::Repo(_)) => Self::internal(e),
        }
    }
}

impl From<services::memory::MemoryError> for ApiError {
    fn from(err: services::memory::MemoryError) -> Self {
        use services::memory::MemoryError;
        match err {
            MemoryError::Profile(e) => e.into(),
            e @ (MemoryError::Repo(_) | MemoryError::Corrupt(_)) => Self::internal(e),
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
        .with_details(json!({
            "kind": status.kind.as_str(), "used": status.used, "max": status.max,
            "reset_at": status.reset_at.to_rfc3339(), "retry_after": retry_after,
        }))
        .with_retry_after(retry_after)
        .with_header("x-ratelimit-limit", status.max.map_or_else(|| "unlimited".to_owned(), |m| m.to_string()))
        .with_header("x-ratelimit-remaining", 0)
        .with_header("x-ratelimit-reset", status.reset_at.timestamp())
}

impl From<IdempotencyConflict> for ApiError {
    fn from(conflict: IdempotencyConflict) -> Self {
        Self::new(ErrorCode::Conflict).with_details(json!({ "reason": conflict.reason() }))
    }
}

/// A provider failure that survived the retries: 502, with the cause in the log only.
pub fn llm_failed(error: &LlmError) -> ApiError {
    tracing::warn!(%error, "LLM call failed");
    ApiError::new(ErrorCode::LlmServiceError).with_details(json!({ "reason": error.reason().as_str() }))
}

impl From<services::tutor::TutorError> for ApiError {
    fn from(err: services::tutor::TutorError) -> Self {
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
            TutorError::HistoryCleared => {
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "history_cleared" }))
            }
            TutorError::Llm { error, user_message } => {
                let mut api = llm_failed(&error);
                if let Some(Value::Object(details)) = api.details.as_mut() {
                    details.insert("user_message_id".into(), json!(user_message.id));
                }
                api
            }
            TutorError::Conflict(e) => e.into(),
            TutorError::Quota(e) => e.into(),
            TutorError::Profile(e) => e.into(),
            e @ (TutorError::Prompt(_) | TutorError::Repo(_) | TutorError::Panicked(_)) => Self::internal(e),
        }
    }
}

impl From<services::generation::GenerateError> for ApiError {
    fn from(err: services::generation::GenerateError) -> Self {
        use services::generation::GenerateError;
        match err {
            GenerateError::NotConfigured => Self::new(ErrorCode::LlmNotConfigured),
            GenerateError::AllFailed(results) => {
                let reason = results.iter().find_map(|r| r.error).map_or("unavailable", |r| r.as_str());
                let results: Vec<WordResultResponse> = results.into_iter().map(Into::into).collect();
                Self::new(ErrorCode::LlmServiceError).with_details(json!({ "reason": reason, "results": results }))
            }
            GenerateError::Conflict(e) => e.into(),
            GenerateError::Card(e) => e.into(),
            GenerateError::Quota(e) => e.into(),
            GenerateError::Profile(e) => e.into(),
            e @ (GenerateError::Prompt(_) | GenerateError::Panicked(_)) => Self::internal(e),
        }
    }
}

impl From<services::inbox::InboxError> for ApiError {
    fn from(err: services::inbox::InboxError) -> Self {
        use services::inbox::InboxError;
        match err {
            InboxError::Malformed(reason) => {
                Self::new(ErrorCode::InvalidFieldValue).with_details(json!({ "field": "update", "reason": reason }))
            }
            InboxError::Repo(e) => Self::internal(e),
        }
    }
}

impl From<services::media::MediaError> for ApiError {
    fn from(err: services::media::MediaError) -> Self {
        use services::media::MediaError;
        match err {
            MediaError::NotConfigured => Self::new(ErrorCode::LlmNotConfigured),
            MediaError::SpeechUnavailable => {
                Self::new(ErrorCode::LlmNotConfigured).with_details(json!({ "reason": "speech_unavailable" }))
            }
            MediaError::TooLarge { max_bytes } => {
                Self::new(ErrorCode::PayloadTooLarge).with_details(json!({ "max_bytes": max_bytes }))
            }
            MediaError::NotAudio => {
                Self::new(ErrorCode::InvalidFieldValue).with_details(json!({ "reason": "not_audio" }))
            }
            MediaError::Silent => Self::new(ErrorCode::InvalidFieldValue).with_details(json!({ "reason": "silent" })),
            MediaError::NotImage => {
                Self::new(ErrorCode::InvalidFieldValue).with_details(json!({ "reason": "not_an_image" }))
            }
            MediaError::PictureCount { max } => {
                Self::new(ErrorCode::InvalidFieldValue).with_details(json!({ "reason": "picture_count", "max": max }))
            }
            MediaError::Prompt(e) => Self::internal(e),
            MediaError::Quota(e) => e.into(),
            MediaError::Profile(e) => e.into(),
            MediaError::Llm(e) => llm_failed(&e),
        }
    }
}

impl From<services::exercises::ExerciseError> for ApiError {
    fn from(err: services::exercises::ExerciseError) -> Self {
        use services::exercises::ExerciseError;
        match err {
            ExerciseError::NotConfigured => Self::new(ErrorCode::LlmNotConfigured),
            ExerciseError::TopicNotFound => Self::new(ErrorCode::TopicNotFound),
            ExerciseError::NoActiveTopic => {
                Self::new(ErrorCode::TopicNotFound).with_details(json!({ "reason": "no_active_topic" }))
            }
            ExerciseError::NameTaken => Self::new(ErrorCode::Conflict).with_details(json!({ "field": "name" })),
            ExerciseError::ExerciseNotFound => Self::new(ErrorCode::ExerciseNotFound),
            // A business rule (the kind is the server's secret until now), so 400, not 422.
            ExerciseError::WrongAnswerShape(field) => Self::new(ErrorCode::InvalidFieldValue)
                .with_details(json!({ "reason": format!("{field}_required"), "field": field })),
            ExerciseError::Llm(e) => llm_failed(&e),
            ExerciseError::Quota(e) => e.into(),
            ExerciseError::Profile(e) => e.into(),
            ExerciseError::Prompt(e) => Self::internal(e),
            ExerciseError::Repo(e) => Self::internal(e),
            ExerciseError::Cache(e) => Self::internal(e),
        }
    }
}

impl From<services::groups::GroupError> for ApiError {
    fn from(err: services::groups::GroupError) -> Self {
        use services::groups::GroupError;
        match err {
            GroupError::NotFound => Self::new(ErrorCode::GroupNotFound),
            GroupError::Forbidden => Self::new(ErrorCode::Forbidden),
            GroupError::NameTaken => Self::new(ErrorCode::Conflict).with_details(json!({ "field": "name" })),
            GroupError::OwnerStays => Self::new(ErrorCode::Conflict)
                .with_details(json!({ "reason": "owner_stays", "hint": "archive the group" })),
            GroupError::MemberNotFound => Self::new(ErrorCode::UserNotFound),
            GroupError::InviteNotFound | GroupError::MaterialNotFound => Self::new(ErrorCode::NotFound),
            GroupError::InviteExpired => Self::new(ErrorCode::InviteExpired),
            GroupError::AlreadyMember => Self::new(ErrorCode::AlreadyMember),
            GroupError::AlreadyShared => {
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "already_shared" }))
            }
            GroupError::DeckNotFound => Self::new(ErrorCode::DeckNotFound),
            GroupError::TopicNotFound => Self::new(ErrorCode::TopicNotFound),
            // A rule about the material, not the body's shape: 400, not 422.
            GroupError::NotADeck => Self::new(ErrorCode::InvalidFieldValue)
                .with_details(json!({ "material_id": ["only a shared deck can be copied"], "reason": "not_a_deck" })),
            GroupError::LimitReached(limit) => limit_reached(limit),
            GroupError::Profile(e) => e.into(),
            GroupError::UserGone => Self::new(ErrorCode::AuthFailed),
            GroupError::Repo(e) => Self::internal(e),
        }
    }
}

impl From<services::stats::StatsError> for ApiError {
    fn from(err: services::stats::StatsError) -> Self {
        use services::stats::StatsError;
        match err {
            StatsError::UserGone => Self::new(ErrorCode::AuthFailed),
            StatsError::Profile(e) => e.into(),
            StatsError::Repo(e) => Self::internal(e),
        }
    }
}

impl From<services::notifications::NotificationError> for ApiError {
    fn from(err: services::notifications::NotificationError) -> Self {
        use services::notifications::NotificationError;
        match err {
            NotificationError::NotFound => Self::new(ErrorCode::NotFound),
            NotificationError::Repo(e) => Self::internal(e),
        }
    }
}

impl From<services::billing::BillingError> for ApiError {
    fn from(err: services::billing::BillingError) -> Self {
        use services::billing::BillingError;
        match err {
            BillingError::UserGone => Self::new(ErrorCode::AuthFailed),
            BillingError::TrialUnavailable => {
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "trial_unavailable" }))
            }
            BillingError::PaymentNotFound => Self::new(ErrorCode::NotFound),
            BillingError::AlreadyRefunded => {
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "already_refunded" }))
            }
            BillingError::NotRefundable => {
                Self::new(ErrorCode::Conflict).with_details(json!({ "reason": "not_refundable" }))
            }
            // The Bot API's failure is logged (it never holds the token) and reported as 503.
            BillingError::Gateway(e) => {
                tracing::warn!(error = %e, "a Bot API payment call failed");
                Self::new(ErrorCode::ServiceUnavailable)
            }
            e @ (BillingError::BadPayment(_) | BillingError::Repo(_)) => Self::internal(e),
        }
    }
}

impl From<services::admin::AdminError> for ApiError {
    fn from(err: services::admin::AdminError) -> Self {
        use services::admin::AdminError;
        match err {
            AdminError::Forbidden => Self::new(ErrorCode::Forbidden),
            AdminError::UserNotFound => Self::new(ErrorCode::UserNotFound),
            AdminError::Billing(e) => e.into(),
            AdminError::Repo(e) => Self::internal(e),
        }
    }
}
