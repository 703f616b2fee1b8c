//! The OpenAI Chat Completions protocol at a configurable base URL, which OpenAI and every
//! compatible server (Ollama, vLLM, llama.cpp, OpenRouter) speak.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use super::retry::{Failure, parse_retry_after};
use super::{Completion, CompletionRequest, LlmError, LlmProvider, RetryPolicy, Sleeper, Usage};

#[derive(Clone)]
pub struct OpenAiProvider {
    http: reqwest::Client,
    endpoint: String,
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
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| LlmError::Transport(e.to_string()))?;
        let endpoint = format!("{}/chat/completions", base_url.as_str().trim_end_matches('/'));
        Ok(Self { http, endpoint, api_key, retry, sleeper })
    }

    fn body(request: &CompletionRequest) -> serde_json::Value {
        let mut body = json!({
            "model": request.model,
            "messages": request.messages,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
        });
        if let (Some(schema), Some(fields)) = (&request.json_schema, body.as_object_mut()) {
            fields.insert(
                "response_format".to_owned(),
                json!({
                    "type": "json_schema",
                    "json_schema": {"name": schema.name, "schema": schema.schema, "strict": true},
                }),
            );
        }
        body
    }

    async fn attempt(&self, body: &serde_json::Value) -> Result<Completion, Failure> {
        let mut call = self.http.post(&self.endpoint).json(body);
        if let Some(key) = &self.api_key {
            call = call.bearer_auth(key.expose_secret());
        }
        let response = call.send().await.map_err(|e| Failure {
            // The URL is ours and holds no secret, but keep errors short and generic.
            error: LlmError::Transport(e.without_url().to_string()),
            retry_after: None,
        })?;
        let status = response.status();
        if !status.is_success() {
            let retry_after =
                parse_retry_after(response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()));
            let message = response.text().await.unwrap_or_default().chars().take(300).collect();
            return Err(Failure { error: LlmError::Status { status: status.as_u16(), message }, retry_after });
        }
        let parsed: ChatResponse = response
            .json()
            .await
            .map_err(|e| Failure { error: LlmError::Malformed(e.without_url().to_string()), retry_after: None })?;
        parsed.into_completion().map_err(|error| Failure { error, retry_after: None })
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

impl ChatResponse {
    fn into_completion(self) -> Result<Completion, LlmError> {
        let choice = self.choices.into_iter().next().ok_or_else(|| LlmError::Malformed("no choices".into()))?;
        match choice.finish_reason.as_deref() {
            Some("length") => return Err(LlmError::Truncated),
            Some("content_filter") => return Err(LlmError::Refused),
            _ => {}
        }
        if choice.message.refusal.is_some() {
            return Err(LlmError::Refused);
        }
        let content = choice.message.content.ok_or_else(|| LlmError::Malformed("no message content".into()))?;
        Ok(Completion {
            content,
            model: self.model.unwrap_or_default(),
            usage: self
                .usage
                .map(|u| Usage { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens })
                .unwrap_or_default(),
        })
    }
}

#[async_trait]
impl LlmProvider for OpenAiProvider {
    fn name(&self) -> &'static str {
        "openai"
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, LlmError> {
        let body = Self::body(request);
        self.retry.run(self.sleeper.as_ref(), || self.attempt(&body)).await
    }
}
