//! The LLM layer: one `LlmProvider` trait, the OpenAI-compatible implementation (OpenAI,
//! Ollama, vLLM, llama.cpp, OpenRouter) and one retry layer shared by every provider.

mod anthropic;
mod gateway;
mod http;
mod metrics;
mod openai;
mod retry;

use async_trait::async_trait;
use serde::Serialize;

pub use self::anthropic::AnthropicProvider;
pub use self::gateway::{CHARS_PER_TOKEN, CallContext, LlmGateway, Operation, Structured};
pub use self::metrics::LlmMetrics;
pub use self::openai::OpenAiProvider;
pub use self::retry::{RetryPolicy, Sleeper, TokioSleeper};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

/// A JSON schema the answer must follow (structured output).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSchema {
    pub name: String,
    pub schema: serde_json::Value,
}

/// A picture for a vision model, sent inline (base64) with the last user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInput {
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl ImageInput {
    fn base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&self.bytes)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompletionRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
    pub temperature: f64,
    pub max_tokens: u32,
    pub json_schema: Option<JsonSchema>,
    /// Pictures the last user message is about (empty: text only).
    pub images: Vec<ImageInput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub content: String,
    pub model: String,
    pub usage: Usage,
}

/// A recording to turn into text (Whisper-compatible `/audio/transcriptions`).
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptionRequest {
    pub model: String,
    pub audio: Vec<u8>,
    /// With an extension the server recognises the format by (`voice.ogg`).
    pub file_name: String,
    pub mime: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub text: String,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum LlmError {
    /// The provider has no such endpoint (Anthropic has no speech to text).
    #[error("the provider does not offer {0}")]
    Unsupported(&'static str),
    /// The provider answered with an error status (after retries, when it was retryable).
    #[error("the provider answered {status}: {message}")]
    Status { status: u16, message: String },
    /// The request never got an answer (connection refused, reset, timed out).
    #[error("the provider could not be reached: {0}")]
    Transport(String),
    /// The answer was cut off by the token limit: never passed on as if complete.
    #[error("the answer was cut off at the token limit")]
    Truncated,
    /// The provider refused to answer (content filter).
    #[error("the provider refused to answer")]
    Refused,
    #[error("the provider's answer is not what the protocol promises: {0}")]
    Malformed(String),
}

/// Why a call failed, as a learner may be told (no provider text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    Truncated,
    Refused,
    Malformed,
    Unavailable,
}

impl FailureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Truncated => "truncated",
            Self::Refused => "refused",
            Self::Malformed => "malformed",
            Self::Unavailable => "unavailable",
        }
    }
}

impl LlmError {
    pub fn reason(&self) -> FailureReason {
        match self {
            Self::Truncated => FailureReason::Truncated,
            Self::Refused => FailureReason::Refused,
            Self::Malformed(_) => FailureReason::Malformed,
            Self::Status { .. } | Self::Transport(_) | Self::Unsupported(_) => FailureReason::Unavailable,
        }
    }

    /// Worth another attempt: connect errors and 408, 409, 429 and 5xx; never 400 or 401.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) => true,
            Self::Status { status, .. } => matches!(status, 408 | 409 | 429) || (500..600).contains(status),
            Self::Truncated | Self::Refused | Self::Malformed(_) | Self::Unsupported(_) => false,
        }
    }
}

/// What every LLM-backed use case (tutor, card generation, later exercises) is built from.
#[derive(Debug, Clone)]
pub struct LlmFeatures {
    /// `None` when no provider is configured: the features answer "not configured".
    pub llm: Option<LlmGateway>,
    pub quotas: crate::quota::QuotaService,
    pub prompts: std::sync::Arc<crate::prompts::Prompts>,
    pub cache: std::sync::Arc<dyn crate::cache::Cache>,
}

/// Receives the answer's text piece by piece while it is generated. A closed receiver (the
/// client went away) does not stop the call: the complete answer is still returned.
pub type DeltaSink = tokio::sync::mpsc::UnboundedSender<String>;

#[async_trait]
pub trait LlmProvider: Send + Sync + std::fmt::Debug {
    /// `"openai"`, `"anthropic"`: for metrics and token accounting.
    fn name(&self) -> &'static str;

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, LlmError>;

    /// Streams the answer into `deltas` and returns it whole, with the same checks as
    /// [`complete`](Self::complete). Retries happen only before the first piece was passed on.
    /// With a JSON schema the pieces are the JSON text as it is written.
    async fn stream(&self, request: &CompletionRequest, deltas: &DeltaSink) -> Result<Completion, LlmError>;

    /// Whether [`transcribe`](Self::transcribe) can work at all (Anthropic has no speech endpoint).
    fn transcribes(&self) -> bool {
        true
    }

    /// Speech to text, with the same retries. Providers without it say so.
    async fn transcribe(&self, _request: &TranscriptionRequest) -> Result<Transcript, LlmError> {
        Err(LlmError::Unsupported("speech to text"))
    }
}
