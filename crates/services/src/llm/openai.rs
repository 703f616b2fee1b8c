//! The OpenAI Chat Completions protocol at a configurable base URL, which OpenAI and every
//! compatible server (Ollama, vLLM, llama.cpp, OpenRouter) speak.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use super::Role;
use super::http::{self, emit};
use super::retry::Failure;
use super::{
    Completion, CompletionRequest, DeltaSink, LlmError, LlmProvider, RetryPolicy, Sleeper, Transcript,
    TranscriptionRequest, Usage,
};

#[derive(Clone)]
pub struct OpenAiProvider {
    http: reqwest::Client,
    endpoint: String,
    transcriptions: String,
    api_key: Option<SecretString>,
    retry: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
}

impl std::fmt::Debug for OpenAiProvider {
    // The key stays out of debug output and logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiProvider").field("endpoint", &self.endpoint).finish_non_exhaustive()
    }
}

impl OpenAiProvider {
    pub fn new(
        base_url: &url::Url,
        api_key: Option<SecretString>,
        timeout: Duration,
        retry: RetryPolicy,
        sleeper: Arc<dyn Sleeper>,
    ) -> Result<Self, LlmError> {
        let base = base_url.as_str().trim_end_matches('/');
        let (endpoint, transcriptions) = (format!("{base}/chat/completions"), format!("{base}/audio/transcriptions"));
        Ok(Self { http: http::client(timeout)?, endpoint, transcriptions, api_key, retry, sleeper })
    }

    /// The messages, the last user one carrying the images as data URLs when there are any.
    fn messages(request: &CompletionRequest) -> serde_json::Value {
        let last_user = request.messages.iter().rposition(|m| m.role == Role::User);
        let messages = request.messages.iter().enumerate().map(|(index, message)| {
            if request.images.is_empty() || Some(index) != last_user {
                return json!(message);
            }
            let mut content = vec![json!({"type": "text", "text": message.content})];
            content.extend(request.images.iter().map(|image| {
                let url = format!("data:{};base64,{}", image.mime, image.base64());
                json!({"type": "image_url", "image_url": {"url": url}})
            }));
            json!({"role": message.role, "content": content})
        });
        serde_json::Value::Array(messages.collect())
    }

    fn body(request: &CompletionRequest, stream: bool) -> serde_json::Value {
        let mut body = json!({
            "model": request.model,
            "messages": Self::messages(request),
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
        });
        let Some(fields) = body.as_object_mut() else { return body };
        if let Some(schema) = &request.json_schema {
            fields.insert(
                "response_format".to_owned(),
                json!({
                    "type": "json_schema",
                    "json_schema": {"name": schema.name, "schema": schema.schema, "strict": true},
                }),
            );
        }
        if stream {
            fields.insert("stream".to_owned(), json!(true));
            // Without this the streamed answer carries no token counts.
            fields.insert("stream_options".to_owned(), json!({"include_usage": true}));
        }
        body
    }

    fn post(&self, body: &serde_json::Value) -> reqwest::RequestBuilder {
        self.authorized(self.http.post(&self.endpoint).json(body))
    }

    fn authorized(&self, call: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.api_key {
            Some(key) => call.bearer_auth(key.expose_secret()),
            None => call,
        }
    }

    async fn attempt_transcription(&self, request: &TranscriptionRequest) -> Result<Transcript, Failure> {
        let file = reqwest::multipart::Part::bytes(request.audio.clone())
            .file_name(request.file_name.clone())
            .mime_str(&request.mime)
            .map_err(|e| Failure::new(LlmError::Malformed(format!("audio type {:?}: {e}", request.mime))))?;
        let form = reqwest::multipart::Form::new()
            .text("model", request.model.clone())
            .text("response_format", "json")
            .part("file", file);
        let response = http::send(self.authorized(self.http.post(&self.transcriptions).multipart(form))).await?;
        #[derive(Deserialize)]
        struct Answer {
            text: String,
        }
        let answer: Answer =
            response.json().await.map_err(|e| Failure::new(LlmError::Malformed(e.without_url().to_string())))?;
        Ok(Transcript { text: answer.text.trim().to_owned() })
    }

    async fn attempt(&self, body: &serde_json::Value) -> Result<Completion, Failure> {
        let response = http::send(self.post(body)).await?;
        let parsed: ChatResponse =
            response.json().await.map_err(|e| Failure::new(LlmError::Malformed(e.without_url().to_string())))?;
        parsed.into_completion().map_err(Failure::new)
    }

    async fn attempt_stream(&self, body: &serde_json::Value, deltas: &DeltaSink) -> Result<Completion, Failure> {
        let response = http::send(self.post(body)).await?;
        let mut events = http::events(response);
        let mut answer = StreamedAnswer::default();
        let mut sent_any = false;
        let fail = |error, sent_any| Failure { error, retry_after: None, committed: sent_any };
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| fail(e, sent_any))?;
            if event.data.trim() == "[DONE]" {
                return answer.finish().map_err(|e| fail(e, sent_any));
            }
            let chunk: StreamChunk =
                serde_json::from_str(&event.data).map_err(|e| fail(LlmError::Malformed(e.to_string()), sent_any))?;
            if let Some(text) = answer.absorb(chunk) {
                emit(deltas, &text, &mut sent_any);
            }
        }
        // Some servers close without `[DONE]`; a finish_reason is then enough.
        if answer.finish_reason.is_some() {
            return answer.finish().map_err(|e| fail(e, sent_any));
        }
        Err(fail(LlmError::Transport("the stream ended before the answer was complete".into()), sent_any))
    }
}

#[derive(Deserialize)]
struct ChatResponse {
    model: Option<String>,
    choices: Vec<Choice>,
    usage: Option<ResponseUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ResponseMessage,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ResponseMessage {
    content: Option<String>,
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct ResponseUsage {
    prompt_tokens: u32,
    completion_tokens: u32,
}

impl From<ResponseUsage> for Usage {
    fn from(u: ResponseUsage) -> Self {
        Usage { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens }
    }
}

/// `length` means cut off; `content_filter` (or a refusal) means no answer.
fn check_finish(finish_reason: Option<&str>, refused: bool) -> Result<(), LlmError> {
    match finish_reason {
        Some("length") => Err(LlmError::Truncated),
        Some("content_filter") => Err(LlmError::Refused),
        _ if refused => Err(LlmError::Refused),
        _ => Ok(()),
    }
}

impl ChatResponse {
    fn into_completion(self) -> Result<Completion, LlmError> {
        let choice = self.choices.into_iter().next().ok_or_else(|| LlmError::Malformed("no choices".into()))?;
        check_finish(choice.finish_reason.as_deref(), choice.message.refusal.is_some())?;
        let content = choice.message.content.ok_or_else(|| LlmError::Malformed("no message content".into()))?;
        Ok(Completion {
            content,
            model: self.model.unwrap_or_default(),
            usage: self.usage.map(Usage::from).unwrap_or_default(),
        })
    }
}

#[derive(Deserialize)]
struct StreamChunk {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<StreamChoice>,
    usage: Option<ResponseUsage>,
}

#[derive(Deserialize)]
struct StreamChoice {
    #[serde(default)]
    delta: StreamDelta,
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct StreamDelta {
    content: Option<String>,
    refusal: Option<String>,
}

#[derive(Default)]
struct StreamedAnswer {
    content: String,
    model: Option<String>,
    finish_reason: Option<String>,
    refused: bool,
    usage: Usage,
}

impl StreamedAnswer {
    /// Folds one chunk in and returns its new text.
    fn absorb(&mut self, chunk: StreamChunk) -> Option<String> {
        if let Some(model) = chunk.model {
            self.model = Some(model);
        }
        if let Some(usage) = chunk.usage {
            self.usage = usage.into();
        }
        let choice = chunk.choices.into_iter().next()?;
        if choice.finish_reason.is_some() {
            self.finish_reason = choice.finish_reason;
        }
        self.refused |= choice.delta.refusal.is_some();
        let text = choice.delta.content?;
        self.content.push_str(&text);
        Some(text)
    }

    fn finish(self) -> Result<Completion, LlmError> {
        check_finish(self.finish_reason.as_deref(), self.refused)?;
        Ok(Completion { content: self.content, model: self.model.unwrap_or_default(), usage: self.usage })
    }
}

#[async_trait]
impl LlmProvider for OpenAiProvider {
    fn name(&self) -> &'static str {
        "openai"
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, LlmError> {
        let body = Self::body(request, false);
        self.retry.run(self.sleeper.as_ref(), || self.attempt(&body)).await
    }

    async fn stream(&self, request: &CompletionRequest, deltas: &DeltaSink) -> Result<Completion, LlmError> {
        let body = Self::body(request, true);
        self.retry.run(self.sleeper.as_ref(), || self.attempt_stream(&body, deltas)).await
    }

    async fn transcribe(&self, request: &TranscriptionRequest) -> Result<Transcript, LlmError> {
        self.retry.run(self.sleeper.as_ref(), || self.attempt_transcription(request)).await
    }
}
