//! The Anthropic Messages API. Where it differs from the OpenAI protocol: the system prompt is
//! a field of its own, turns must start with the user and alternate, structured output is a
//! forced tool call, and the stream is made of named events.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::http::{self, emit};
use super::retry::Failure;
use super::{
    ChatMessage, Completion, CompletionRequest, DeltaSink, LlmError, LlmProvider, RetryPolicy, Role, Sleeper, Usage,
};

/// The API version whose request and answer shapes this file follows.
const API_VERSION: &str = "2023-06-01";

#[derive(Clone)]
pub struct AnthropicProvider {
    http: reqwest::Client,
    endpoint: String,
    api_key: HeaderValue,
    retry: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
}

impl std::fmt::Debug for AnthropicProvider {
    // The key stays out of debug output and logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnthropicProvider").field("endpoint", &self.endpoint).finish_non_exhaustive()
    }
}

impl AnthropicProvider {
    pub fn new(
        base_url: &url::Url,
        api_key: SecretString,
        timeout: Duration,
        retry: RetryPolicy,
        sleeper: Arc<dyn Sleeper>,
    ) -> Result<Self, LlmError> {
        let endpoint = format!("{}/v1/messages", base_url.as_str().trim_end_matches('/'));
        // Checked once at start-up instead of failing every call; marked sensitive so that
        // reqwest's own debug output never shows it.
        let mut api_key = HeaderValue::from_str(api_key.expose_secret())
            .map_err(|_| LlmError::Transport("the Anthropic API key is not a valid HTTP header value".into()))?;
        api_key.set_sensitive(true);
        Ok(Self { http: http::client(timeout)?, endpoint, api_key, retry, sleeper })
    }

    fn body(request: &CompletionRequest, stream: bool) -> Value {
        let (system, mut messages) = conversation(&request.messages);
        // Pictures go in the last user turn as image blocks, before its text.
        if !request.images.is_empty()
            && let Some(turn) = messages.iter_mut().rev().find(|m| m["role"] == "user")
        {
            let text = turn["content"].take();
            let mut blocks: Vec<Value> = request
                .images
                .iter()
                .map(|image| {
                    json!({"type": "image", "source": {"type": "base64", "media_type": image.mime, "data": image.base64()}})
                })
                .collect();
            blocks.push(json!({"type": "text", "text": text}));
            turn["content"] = Value::Array(blocks);
        }
        let mut body = json!({
            "model": request.model,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "messages": messages,
        });
        let Some(fields) = body.as_object_mut() else { return body };
        if let Some(system) = system {
            fields.insert("system".to_owned(), json!(system));
        }
        if let Some(schema) = &request.json_schema {
            // There is no response_format here: forcing a call to a single tool whose input
            // schema is the wanted shape is how Anthropic gives structured output.
            fields.insert(
                "tools".to_owned(),
                json!([{
                    "name": schema.name,
                    "description": "Answer with this JSON structure.",
                    "input_schema": schema.schema,
                }]),
            );
            fields.insert("tool_choice".to_owned(), json!({"type": "tool", "name": schema.name}));
        }
        if stream {
            fields.insert("stream".to_owned(), json!(true));
        }
        body
    }

    fn post(&self, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .post(&self.endpoint)
            .header("x-api-key", self.api_key.clone())
            .header("anthropic-version", API_VERSION)
            .json(body)
    }

    async fn attempt(&self, body: &Value, tool: Option<&str>) -> Result<Completion, Failure> {
        let response = http::send(self.post(body)).await?;
        let parsed: Message =
            response.json().await.map_err(|e| Failure::new(LlmError::Malformed(e.without_url().to_string())))?;
        let mut answer = Answer::default();
        answer.merge(parsed, tool);
        answer.finish(tool).map_err(Failure::new)
    }

    async fn attempt_stream(
        &self,
        body: &Value,
        tool: Option<&str>,
        deltas: &DeltaSink,
    ) -> Result<Completion, Failure> {
        let response = http::send(self.post(body)).await?;
        let mut events = http::events(response);
        let mut answer = StreamedAnswer { wanted_tool: tool, ..StreamedAnswer::default() };
        let mut sent_any = false;
        let fail = |error, sent_any| Failure { error, retry_after: None, committed: sent_any };
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| fail(e, sent_any))?;
            if let Some(text) = answer.absorb(&event.event, &event.data).map_err(|e| fail(e, sent_any))? {
                emit(deltas, &text, &mut sent_any);
            }
            if answer.stopped {
                return answer.finish().map_err(|e| fail(e, sent_any));
            }
        }
        Err(fail(LlmError::Transport("the stream ended before the answer was complete".into()), sent_any))
    }
}

/// Splits off the system prompt and shapes the rest the way Anthropic insists on: the first
/// turn is the user's and roles alternate, so runs of one role are merged into one turn.
fn conversation(messages: &[ChatMessage]) -> (Option<String>, Vec<Value>) {
    let system: Vec<&str> = messages.iter().filter(|m| m.role == Role::System).map(|m| m.content.as_str()).collect();
    let dialogue = messages.iter().filter(|m| m.role != Role::System).skip_while(|m| m.role == Role::Assistant);
    let mut turns: Vec<(Role, String)> = Vec::new();
    for message in dialogue {
        match turns.last_mut() {
            Some((role, text)) if *role == message.role => {
                text.push_str("\n\n");
                text.push_str(&message.content);
            }
            _ => turns.push((message.role, message.content.clone())),
        }
    }
    let system = (!system.is_empty()).then(|| system.join("\n\n"));
    (system, turns.into_iter().map(|(role, content)| json!({"role": role, "content": content})).collect())
}

/// `max_tokens` (or the context window) means cut off, `refusal` means no answer: neither may
/// pass as a complete answer.
fn check_stop(stop_reason: Option<&str>) -> Result<(), LlmError> {
    match stop_reason {
        Some("max_tokens" | "model_context_window_exceeded") => Err(LlmError::Truncated),
        Some("refusal") => Err(LlmError::Refused),
        _ => Ok(()),
    }
}

fn parse<T: DeserializeOwned>(data: &str) -> Result<T, LlmError> {
    serde_json::from_str(data).map_err(|e| LlmError::Malformed(e.to_string()))
}

/// A whole answer; also the `message` of `message_start` and the `delta` of `message_delta`,
/// which carry parts of one, hence every field may be missing.
#[derive(Deserialize)]
struct Message {
    model: Option<String>,
    #[serde(default)]
    content: Vec<ContentBlock>,
    stop_reason: Option<String>,
    usage: Option<ResponseUsage>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ContentBlock {
    Text {
        text: String,
    },
    ToolUse {
        name: String,
        input: Value,
    },
    /// Thinking and other block kinds carry nothing for the caller.
    #[serde(other)]
    Other,
}

/// Streamed events carry only some of the counts, so both may be missing.
#[derive(Deserialize)]
struct ResponseUsage {
    input_tokens: Option<u32>,
    output_tokens: Option<u32>,
}

impl ResponseUsage {
    fn apply(self, usage: &mut Usage) {
        usage.prompt_tokens = self.input_tokens.unwrap_or(usage.prompt_tokens);
        usage.completion_tokens = self.output_tokens.unwrap_or(usage.completion_tokens);
    }
}

/// `message_start` carries `message`, `message_delta` carries `delta` and the output count.
#[derive(Deserialize)]
struct MessageEvent {
    message: Option<Message>,
    delta: Option<Message>,
    usage: Option<ResponseUsage>,
}

/// `content_block_start` carries `content_block`, `content_block_delta` carries `delta`.
#[derive(Deserialize)]
struct BlockEvent {
    index: u32,
    content_block: Option<ContentBlock>,
    delta: Option<Delta>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Delta {
    #[serde(rename = "text_delta")]
    Text { text: String },
    #[serde(rename = "input_json_delta")]
    InputJson { partial_json: String },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct ErrorEvent {
    error: ApiError,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(rename = "type")]
    kind: String,
    message: String,
}

/// The parts of an answer, gathered from a whole one or from stream events.
#[derive(Default)]
struct Answer {
    model: Option<String>,
    text: String,
    tool_input: Option<Value>,
    /// The tool input exactly as it was streamed: what the caller saw is what it gets.
    tool_json: Option<String>,
    stop_reason: Option<String>,
    usage: Usage,
}

impl Answer {
    fn merge(&mut self, message: Message, tool: Option<&str>) {
        self.model = message.model.or(self.model.take());
        self.stop_reason = message.stop_reason.or(self.stop_reason.take());
        if let Some(counts) = message.usage {
            counts.apply(&mut self.usage);
        }
        for block in message.content {
            match block {
                ContentBlock::Text { text } => self.text.push_str(&text),
                ContentBlock::ToolUse { name, input } if self.tool_input.is_none() && tool == Some(name.as_str()) => {
                    self.tool_input = Some(input);
                }
                _ => {}
            }
        }
    }

    /// With a schema the answer is the forced tool call's input, never the prose around it.
    fn finish(self, tool: Option<&str>) -> Result<Completion, LlmError> {
        check_stop(self.stop_reason.as_deref())?;
        let content = match tool {
            None => self.text,
            Some(tool) => {
                let input = self.tool_input.ok_or_else(|| {
                    LlmError::Malformed(format!("structured output was asked for but `{tool}` was not called"))
                })?;
                match self.tool_json {
                    Some(streamed) => streamed,
                    None => serde_json::to_string(&input).map_err(|e| LlmError::Malformed(e.to_string()))?,
                }
            }
        };
        Ok(Completion { content, model: self.model.unwrap_or_default(), usage: self.usage })
    }
}

#[derive(Default)]
struct StreamedAnswer<'a> {
    wanted_tool: Option<&'a str>,
    answer: Answer,
    /// The block index of the forced tool call and its input JSON so far.
    tool_block: Option<u32>,
    tool_json: String,
    stopped: bool,
}

impl StreamedAnswer<'_> {
    /// Folds one event in and returns the text to pass on, if it brought any: the answer's
    /// text, or with structured output the forced tool's input JSON as it is written (prose
    /// around the tool call is never passed on then).
    fn absorb(&mut self, event: &str, data: &str) -> Result<Option<String>, LlmError> {
        match event {
            "message_start" | "message_delta" => {
                let event: MessageEvent = parse(data)?;
                for part in [event.message, event.delta].into_iter().flatten() {
                    self.answer.merge(part, self.wanted_tool);
                }
                if let Some(counts) = event.usage {
                    counts.apply(&mut self.answer.usage);
                }
            }
            "content_block_start" | "content_block_delta" => {
                let block: BlockEvent = parse(data)?;
                match (block.content_block, block.delta) {
                    (Some(ContentBlock::Text { text }), _) | (_, Some(Delta::Text { text })) => {
                        self.answer.text.push_str(&text);
                        return Ok(self.wanted_tool.is_none().then_some(text));
                    }
                    (Some(ContentBlock::ToolUse { name, .. }), _)
                        if self.tool_block.is_none() && self.wanted_tool == Some(name.as_str()) =>
                    {
                        self.tool_block = Some(block.index);
                    }
                    (_, Some(Delta::InputJson { partial_json })) if self.tool_block == Some(block.index) => {
                        self.tool_json.push_str(&partial_json);
                        return Ok(Some(partial_json));
                    }
                    _ => {}
                }
            }
            "message_stop" => self.stopped = true,
            "error" => {
                let ErrorEvent { error } = parse(data)?;
                // The status the API would have answered had it failed before streaming.
                let status = if error.kind == "overloaded_error" { 529 } else { 500 };
                return Err(LlmError::Status { status, message: error.message });
            }
            // `ping`, `content_block_stop`, and event kinds added to the API later.
            _ => {}
        }
        Ok(None)
    }

    fn finish(mut self) -> Result<Completion, LlmError> {
        // Checked first: JSON cut off at the token limit is a truncation, not a broken answer.
        check_stop(self.answer.stop_reason.as_deref())?;
        if self.tool_block.is_some() {
            // A call without arguments may stream no JSON at all.
            let input = match self.tool_json.trim() {
                "" => json!({}),
                json => serde_json::from_str(json)
                    .map_err(|e| LlmError::Malformed(format!("the streamed tool input is not JSON: {e}")))?,
            };
            self.answer.tool_input = Some(input);
            if !self.tool_json.trim().is_empty() {
                self.answer.tool_json = Some(std::mem::take(&mut self.tool_json));
            }
        }
        self.answer.finish(self.wanted_tool)
    }
}

#[async_trait]
impl LlmProvider for AnthropicProvider {
    fn name(&self) -> &'static str {
        "anthropic"
    }

    fn transcribes(&self) -> bool {
        false
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, LlmError> {
        let body = Self::body(request, false);
        let tool = request.json_schema.as_ref().map(|schema| schema.name.as_str());
        self.retry.run(self.sleeper.as_ref(), || self.attempt(&body, tool)).await
    }

    async fn stream(&self, request: &CompletionRequest, deltas: &DeltaSink) -> Result<Completion, LlmError> {
        let body = Self::body(request, true);
        let tool = request.json_schema.as_ref().map(|schema| schema.name.as_str());
        self.retry.run(self.sleeper.as_ref(), || self.attempt_stream(&body, tool, deltas)).await
    }
}
