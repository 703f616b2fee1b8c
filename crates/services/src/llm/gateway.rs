//! What the use cases call: one configured provider plus what every call needs around it:
//! the model and limits from configuration, structured output with one re-ask, and token
//! accounting (a `token_usage` row and metrics) recorded outside any business transaction.

use std::sync::Arc;
use std::time::{Duration, Instant};

use config::{LlmProviderKind, LlmSettings};
use domain::{ProfileId, UserId};
use repositories::Database;
use repositories::token_usage::{self, NewTokenUsage};
use serde::de::DeserializeOwned;

use super::{
    AnthropicProvider, ChatMessage, Completion, CompletionRequest, DeltaSink, ImageInput, JsonSchema, LlmError,
    LlmMetrics, LlmProvider, OpenAiProvider, RetryPolicy, Role, Sleeper, Transcript, TranscriptionRequest, Usage,
};
use crate::Clock;

/// What a call is for: a metrics label, a `token_usage.operation` and the quota it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Chat,
    CardGeneration,
    Voice,
    Photo,
    TopicSuggestions,
    Exercises,
    Grading,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::CardGeneration => "card_generation",
            Self::Voice => "voice",
            Self::Photo => "photo",
            Self::TopicSuggestions => "topic_suggestions",
            Self::Exercises => "exercises",
            Self::Grading => "grading",
        }
    }
}

/// Who a call is made for.
#[derive(Debug, Clone, Copy)]
pub struct CallContext {
    pub user_id: UserId,
    pub profile_id: Option<ProfileId>,
    pub operation: Operation,
}

/// An answer that must parse into `Self` and pass semantic checks; the schema is sent to the
/// provider (`json_schema` for OpenAI-compatible servers, a forced tool for Anthropic).
pub trait Structured: DeserializeOwned {
    fn schema() -> JsonSchema;
    /// Meaning beyond the schema: non-empty fields, indexes in range, counts.
    fn check(&self) -> Result<(), String>;
}

pub(crate) struct CallRecord<'a> {
    pub operation: &'a str,
    pub model: &'a str,
    pub outcome: &'static str,
    pub usage: Usage,
    pub cost_usd_micros: u64,
    pub latency: Duration,
}

#[derive(Debug, Clone)]
pub struct LlmGateway {
    provider: Arc<dyn LlmProvider>,
    /// Speech to text: `LLM_SPEECH_BASE_URL`'s server when set, else the chat provider.
    speech: Arc<dyn LlmProvider>,
    settings: Arc<LlmSettings>,
    db: Database,
    clock: Arc<dyn Clock>,
    metrics: LlmMetrics,
}

impl LlmGateway {
    /// The configured provider, or `None` when `LLM_PROVIDER=none`: LLM features then answer
    /// "not configured" and everything else works.
    pub fn from_settings(
        settings: &LlmSettings,
        db: Database,
        clock: Arc<dyn Clock>,
        metrics: LlmMetrics,
        sleeper: Arc<dyn Sleeper>,
    ) -> Result<Option<Self>, LlmError> {
        let retry = RetryPolicy { max_attempts: settings.max_attempts, ..RetryPolicy::default() };
        let provider: Arc<dyn LlmProvider> = match settings.provider {
            LlmProviderKind::None => return Ok(None),
            LlmProviderKind::OpenAi => Arc::new(OpenAiProvider::new(
                &settings.base_url,
                settings.openai_api_key.clone(),
                settings.timeout,
                retry,
                sleeper.clone(),
            )?),
            LlmProviderKind::Anthropic => {
                let key = settings
                    .anthropic_api_key
                    .clone()
                    .ok_or_else(|| LlmError::Transport("ANTHROPIC_API_KEY is not set".into()))?;
                Arc::new(AnthropicProvider::new(&settings.base_url, key, settings.timeout, retry, sleeper.clone())?)
            }
        };
        let mut gateway = Self::new(provider, settings.clone(), db, clock, metrics);
        if let Some(url) = &settings.speech_base_url {
            let key = settings.speech_api_key.clone().or_else(|| settings.openai_api_key.clone());
            let speech = OpenAiProvider::new(url, key, settings.timeout, retry, sleeper)?;
            gateway.speech = Arc::new(speech);
        }
        Ok(Some(gateway))
    }

    pub fn new(
        provider: Arc<dyn LlmProvider>,
        settings: LlmSettings,
        db: Database,
        clock: Arc<dyn Clock>,
        metrics: LlmMetrics,
    ) -> Self {
        Self { speech: provider.clone(), provider, settings: Arc::new(settings), db, clock, metrics }
    }

    /// Whether speech to text can work: the chat provider has it or `LLM_SPEECH_BASE_URL` is set.
    pub fn transcribes(&self) -> bool {
        self.speech.transcribes()
    }

    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    pub fn metrics(&self) -> &LlmMetrics {
        &self.metrics
    }

    fn request(&self, messages: Vec<ChatMessage>, json_schema: Option<JsonSchema>) -> CompletionRequest {
        let temperature = match json_schema {
            // Structured answers are data, not prose: keep them close to deterministic.
            Some(_) => self.settings.temperature.min(0.3),
            None => self.settings.temperature,
        };
        CompletionRequest {
            model: self.settings.model.clone(),
            messages,
            temperature,
            max_tokens: self.settings.max_output_tokens,
            json_schema,
            images: Vec::new(),
        }
    }

    /// A free-text answer, streamed into `deltas` when given.
    pub async fn chat(
        &self,
        context: CallContext,
        messages: Vec<ChatMessage>,
        deltas: Option<&DeltaSink>,
    ) -> Result<Completion, LlmError> {
        let request = self.request(messages, None);
        self.call(context, &request, deltas).await
    }

    /// Prose for a learner, in the shape of `schema` (the prose in one of its fields, data in
    /// the others), at the configured temperature. Streaming passes on the raw JSON text.
    pub async fn chat_structured(
        &self,
        context: CallContext,
        messages: Vec<ChatMessage>,
        schema: JsonSchema,
        deltas: Option<&DeltaSink>,
    ) -> Result<Completion, LlmError> {
        let mut request = self.request(messages, Some(schema));
        request.temperature = self.settings.temperature;
        self.call(context, &request, deltas).await
    }

    /// An answer parsed into `T` and checked; a broken answer is re-asked once with the
    /// problem spelled out, then given up as [`LlmError::Malformed`].
    pub async fn structured<T: Structured>(
        &self,
        context: CallContext,
        messages: Vec<ChatMessage>,
    ) -> Result<T, LlmError> {
        self.structured_for(context, messages, |_: &T| Ok(())).await
    }

    /// [`structured`](Self::structured) with a check that needs the request (say, that the
    /// answer is about what was asked); a failed check is re-asked like a broken answer.
    pub async fn structured_for<T: Structured>(
        &self,
        context: CallContext,
        messages: Vec<ChatMessage>,
        fits: impl Fn(&T) -> Result<(), String>,
    ) -> Result<T, LlmError> {
        self.structured_seeing(context, messages, &[], fits).await
    }

    /// [`structured_for`](Self::structured_for) about pictures: the vision model
    /// (`LLM_VISION_MODEL`) gets the images with the last user message, again on a re-ask.
    pub async fn structured_seeing<T: Structured>(
        &self,
        context: CallContext,
        mut messages: Vec<ChatMessage>,
        images: &[ImageInput],
        fits: impl Fn(&T) -> Result<(), String>,
    ) -> Result<T, LlmError> {
        let parse = |content: &str| parse::<T>(content).and_then(|value| fits(&value).map(|()| value));
        let with_images = |mut request: CompletionRequest| {
            if !images.is_empty() {
                request.model = self.settings.vision_model.clone();
                request.images = images.to_vec();
            }
            request
        };
        let request = with_images(self.request(messages.clone(), Some(T::schema())));
        let (problem, rejected) = match self.call(context, &request, None).await {
            Ok(first) => match parse(&first.content) {
                Ok(value) => return Ok(value),
                Err(problem) => (problem, Some(first.content)),
            },
            // No usable answer at all (no content, the forced tool not called): worth one re-ask too.
            Err(LlmError::Malformed(problem)) => (problem, None),
            Err(error) => return Err(error),
        };
        tracing::warn!(operation = context.operation.as_str(), %problem, "structured answer rejected; asking again");
        if let Some(rejected) = rejected {
            messages.push(ChatMessage { role: Role::Assistant, content: rejected });
        }
        messages.push(ChatMessage {
            role: Role::User,
            content: format!(
                "That answer was not valid: {problem}. Answer again with only the JSON object, \
                 following the schema exactly."
            ),
        });
        let second = self.call(context, &with_images(self.request(messages, Some(T::schema()))), None).await?;
        parse(&second.content).map_err(|problem| {
            tracing::warn!(operation = context.operation.as_str(), %problem, "structured answer rejected twice");
            LlmError::Malformed(problem)
        })
    }

    /// A recording as text (`LLM_SPEECH_MODEL`), accounted like every call: a `token_usage`
    /// row (operation `voice`, no tokens) and the metrics.
    pub async fn transcribe(
        &self,
        context: CallContext,
        audio: Vec<u8>,
        file_name: &str,
        mime: &str,
    ) -> Result<Transcript, LlmError> {
        let request = TranscriptionRequest {
            model: self.settings.speech_model.clone(),
            audio,
            file_name: file_name.to_owned(),
            mime: mime.to_owned(),
        };
        let started = Instant::now();
        let result = self.speech.transcribe(&request).await;
        let outcome = if result.is_ok() { "ok" } else { "error" };
        let record = CallRecord {
            operation: context.operation.as_str(),
            model: &request.model,
            outcome,
            usage: Usage::default(),
            cost_usd_micros: 0,
            latency: started.elapsed(),
        };
        self.account(context, self.speech.name(), &request.model, &record, result.as_ref().err()).await;
        result
    }

    async fn call(
        &self,
        context: CallContext,
        request: &CompletionRequest,
        deltas: Option<&DeltaSink>,
    ) -> Result<Completion, LlmError> {
        let started = Instant::now();
        let result = match deltas {
            Some(deltas) => self.provider.stream(request, deltas).await,
            None => self.provider.complete(request).await,
        };
        let usage = match &result {
            Ok(completion) => completion.usage,
            // A cut-off answer was billed in full; the provider's count is lost with the error.
            Err(LlmError::Truncated) => Usage {
                prompt_tokens: estimate_prompt_tokens(&request.messages),
                completion_tokens: request.max_tokens,
            },
            Err(_) => Usage::default(),
        };
        self.record(context, request, &result, usage, started.elapsed()).await;
        result
    }

    /// Token accounting: never fails the call it accounts for.
    async fn record(
        &self,
        context: CallContext,
        request: &CompletionRequest,
        result: &Result<Completion, LlmError>,
        usage: Usage,
        latency: Duration,
    ) {
        let outcome = if result.is_ok() { "ok" } else { "error" };
        // Prices are looked up by the model the provider says answered, falling back to ours.
        let answered = result.as_ref().ok().map(|c| c.model.as_str()).filter(|m| !m.is_empty());
        let price = answered.and_then(|m| self.settings.price_of(m)).or_else(|| self.settings.price_of(&request.model));
        let cost_usd_micros = price.map_or(0, |p| {
            let micros = f64::from(usage.prompt_tokens) * p.input_per_million
                + f64::from(usage.completion_tokens) * p.output_per_million;
            micros.round() as u64
        });
        let record = CallRecord {
            operation: context.operation.as_str(),
            model: &request.model,
            outcome,
            usage,
            cost_usd_micros,
            latency,
        };
        let model = answered.unwrap_or(&request.model);
        self.account(context, self.provider.name(), model, &record, result.as_ref().err()).await;
    }

    /// Metrics, a warning for a failure, and the `token_usage` row (`model`: the one that
    /// answered). Never fails the call it accounts for.
    async fn account(
        &self,
        context: CallContext,
        provider: &str,
        model: &str,
        record: &CallRecord<'_>,
        error: Option<&LlmError>,
    ) {
        self.metrics.observe(record);
        if let Some(error) = error {
            tracing::warn!(operation = record.operation, model = record.model, %error, "LLM call failed");
        }
        let row = NewTokenUsage {
            user_id: Some(context.user_id),
            profile_id: context.profile_id,
            operation: record.operation,
            provider,
            model,
            prompt_tokens: record.usage.prompt_tokens,
            completion_tokens: record.usage.completion_tokens,
            cost_usd_micros: record.cost_usd_micros,
            latency_ms: u64::try_from(record.latency.as_millis()).unwrap_or(u64::MAX),
            outcome: record.outcome,
            created_at: self.clock.now(),
        };
        if let Err(error) = token_usage::insert(self.db.conn(), row).await {
            tracing::error!(%error, "could not record token usage");
        }
    }
}

/// A rough token count where the real one is unknown (context budgets, lost counts).
pub const CHARS_PER_TOKEN: usize = 4;

/// Only for calls whose real count was lost.
fn estimate_prompt_tokens(messages: &[ChatMessage]) -> u32 {
    let chars: usize = messages.iter().map(|m| m.content.chars().count()).sum();
    u32::try_from(chars / CHARS_PER_TOKEN).unwrap_or(u32::MAX)
}

fn parse<T: Structured>(content: &str) -> Result<T, String> {
    // Some models wrap JSON in a Markdown fence even when asked not to.
    let trimmed = content.trim();
    let json = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .unwrap_or(trimmed);
    let value: T = serde_json::from_str(json).map_err(|e| format!("not the expected JSON ({e})"))?;
    value.check()?;
    Ok(value)
}
