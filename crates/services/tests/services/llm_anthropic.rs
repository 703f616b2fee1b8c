//! The Anthropic provider against a local fake server that checks what we send and replays
//! what the Messages API answers: text, forced tool calls, errors, and event streams.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::{Value, json};
use services::llm::{
    AnthropicProvider, ChatMessage, CompletionRequest, JsonSchema, LlmError, LlmProvider, RetryPolicy, Role, Sleeper,
};
use tokio::sync::mpsc;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Records the waits instead of sleeping.
#[derive(Debug, Default)]
pub(crate) struct RecordingSleeper(Mutex<Vec<Duration>>);

#[async_trait]
impl Sleeper for RecordingSleeper {
    async fn sleep(&self, duration: Duration) {
        self.0.lock().unwrap().push(duration);
    }
}

pub(crate) fn provider(server: &MockServer, sleeper: Arc<RecordingSleeper>) -> AnthropicProvider {
    // Parsed from a bare origin, so the URL ends in `/`: the endpoint must not get `//v1`.
    let base = url::Url::parse(&server.uri()).unwrap();
    AnthropicProvider::new(
        &base,
        SecretString::from("sk-ant-test-key"),
        Duration::from_secs(5),
        RetryPolicy::default(),
        sleeper,
    )
    .unwrap()
}

fn message(role: Role, content: &str) -> ChatMessage {
    ChatMessage { role, content: content.into() }
}

fn request() -> CompletionRequest {
    CompletionRequest {
        model: "claude-sonnet-4-5".into(),
        messages: vec![message(Role::System, "You are a German tutor."), message(Role::User, "Was heißt Hund?")],
        temperature: 0.2,
        max_tokens: 300,
        images: Vec::new(),
        json_schema: None,
    }
}

fn card_schema() -> JsonSchema {
    JsonSchema {
        name: "card".into(),
        schema: json!({"type": "object", "properties": {"back": {"type": "string"}}, "required": ["back"]}),
    }
}

fn answer(content: Value, stop_reason: &str) -> Value {
    json!({
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5-20250929", "content": content,
        "stop_reason": stop_reason, "stop_sequence": null,
        "usage": {"input_tokens": 42, "output_tokens": 9}
    })
}

fn text_answer(text: &str) -> Value {
    answer(json!([{"type": "text", "text": text}]), "end_turn")
}

/// An SSE body as the API sends it: `event:` and `data:` lines, frames split by a blank line.
fn sse(events: &[(&str, Value)]) -> ResponseTemplate {
    let body: String = events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect();
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

fn message_start() -> (&'static str, Value) {
    (
        "message_start",
        json!({"type": "message_start", "message": {
            "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 25, "output_tokens": 1}
        }}),
    )
}

fn block_start(index: u32, block: Value) -> (&'static str, Value) {
    ("content_block_start", json!({"type": "content_block_start", "index": index, "content_block": block}))
}

fn text_delta(text: &str) -> (&'static str, Value) {
    (
        "content_block_delta",
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}),
    )
}

fn block_stop(index: u32) -> (&'static str, Value) {
    ("content_block_stop", json!({"type": "content_block_stop", "index": index}))
}

fn message_end(stop_reason: &str, output_tokens: u32) -> [(&'static str, Value); 2] {
    [
        (
            "message_delta",
            json!({"type": "message_delta",
            "delta": {"stop_reason": stop_reason, "stop_sequence": null}, "usage": {"output_tokens": output_tokens}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]
}

/// What the sink received; the sender must be dropped first.
fn received(mut rx: mpsc::UnboundedReceiver<String>) -> Vec<String> {
    let mut pieces = Vec::new();
    while let Ok(piece) = rx.try_recv() {
        pieces.push(piece);
    }
    pieces
}

#[tokio::test]
async fn sends_system_apart_and_alternating_turns_with_the_key_and_reads_the_answer() {
    let server = MockServer::start().await;
    let mut request = request();
    request.messages = vec![
        message(Role::System, "You are a German tutor."),
        message(Role::Assistant, "Hallo! Womit fangen wir an?"),
        message(Role::User, "Was heißt Hund?"),
        message(Role::User, "Und Katze?"),
        message(Role::Assistant, "Hund: собака."),
        message(Role::Assistant, "Katze: кошка."),
        message(Role::System, "Answer briefly."),
        message(Role::User, "Danke!"),
    ];
    let expected = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 300,
        "temperature": 0.2,
        "system": "You are a German tutor.\n\nAnswer briefly.",
        "messages": [
            {"role": "user", "content": "Was heißt Hund?\n\nUnd Katze?"},
            {"role": "assistant", "content": "Hund: собака.\n\nKatze: кошка."},
            {"role": "user", "content": "Danke!"},
        ],
    });
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "sk-ant-test-key"))
        .and(header("anthropic-version", "2023-06-01"))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(
            json!([{"type": "text", "text": "Gern "}, {"type": "text", "text": "geschehen!"}]),
            "end_turn",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = provider(&server, Arc::default());
    assert_eq!(p.name(), "anthropic");
    assert!(!format!("{p:?}").contains("sk-ant-test-key"));
    let completion = p.complete(&request).await.unwrap();
    assert_eq!(completion.content, "Gern geschehen!");
    assert_eq!(completion.model, "claude-sonnet-4-5-20250929");
    assert_eq!((completion.usage.prompt_tokens, completion.usage.completion_tokens), (42, 9));
}

#[tokio::test]
async fn structured_output_forces_the_tool_and_returns_its_input() {
    let server = MockServer::start().await;
    let mut request = request();
    request.json_schema = Some(card_schema());
    let expected = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 300,
        "temperature": 0.2,
        "system": "You are a German tutor.",
        "messages": [{"role": "user", "content": "Was heißt Hund?"}],
        "tools": [{
            "name": "card",
            "description": "Answer with this JSON structure.",
            "input_schema": {"type": "object", "properties": {"back": {"type": "string"}}, "required": ["back"]},
        }],
        "tool_choice": {"type": "tool", "name": "card"},
    });
    Mock::given(method("POST"))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(
            json!([{"type": "tool_use", "id": "toolu_01", "name": "card", "input": {"back": "собака"}}]),
            "tool_use",
        )))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    // A model that answers in prose instead of calling the tool.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("собака")))
        .mount(&server)
        .await;
    let p = provider(&server, Arc::default());
    let completion = p.complete(&request).await.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&completion.content).unwrap(), json!({"back": "собака"}));
    assert!(matches!(p.complete(&request).await.unwrap_err(), LlmError::Malformed(_)));
}

#[tokio::test]
async fn a_401_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let error = provider(&server, sleeper.clone()).complete(&request()).await.unwrap_err();
    assert!(matches!(error, LlmError::Status { status: 401, .. }), "{error:?}");
    assert!(sleeper.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_429_waits_what_retry_after_says_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("ok")))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let completion = provider(&server, sleeper.clone()).complete(&request()).await.unwrap();
    assert_eq!(completion.content, "ok");
    assert_eq!(*sleeper.0.lock().unwrap(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn an_overloaded_529_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(529).set_body_json(
                json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
            ),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("ok")))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let completion = provider(&server, sleeper.clone()).complete(&request()).await.unwrap();
    assert_eq!(completion.content, "ok");
    assert_eq!(sleeper.0.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_cut_off_or_refused_answer_is_never_passed_on_as_complete() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(answer(json!([{"type": "text", "text": "Hund he"}]), "max_tokens")),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(json!([]), "refusal")))
        .mount(&server)
        .await;
    let p = provider(&server, Arc::default());
    assert_eq!(p.complete(&request()).await.unwrap_err(), LlmError::Truncated);
    assert_eq!(p.complete(&request()).await.unwrap_err(), LlmError::Refused);
}

#[tokio::test]
async fn streams_the_text_pieces_in_order_and_returns_the_whole_answer() {
    let server = MockServer::start().await;
    let mut expected = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 300,
        "temperature": 0.2,
        "system": "You are a German tutor.",
        "messages": [{"role": "user", "content": "Was heißt Hund?"}],
    });
    expected["stream"] = json!(true);
    let mut events = vec![
        message_start(),
        block_start(0, json!({"type": "text", "text": ""})),
        ("ping", json!({"type": "ping"})),
        text_delta("Hund"),
        text_delta(" heißt"),
        text_delta(" собака."),
        block_stop(0),
    ];
    events.extend(message_end("end_turn", 12));
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "sk-ant-test-key"))
        .and(body_json(&expected))
        .respond_with(sse(&events))
        .expect(1)
        .mount(&server)
        .await;
    let (tx, rx) = mpsc::unbounded_channel();
    let completion = provider(&server, Arc::default()).stream(&request(), &tx).await.unwrap();
    drop(tx);
    assert_eq!(received(rx), ["Hund", " heißt", " собака."]);
    assert_eq!(completion.content, "Hund heißt собака.");
    assert_eq!(completion.model, "claude-sonnet-4-5-20250929");
    assert_eq!((completion.usage.prompt_tokens, completion.usage.completion_tokens), (25, 12));
}

#[tokio::test]
async fn a_streamed_tool_call_passes_its_json_on_as_written_and_prose_around_it_is_held_back() {
    let server = MockServer::start().await;
    let json_delta = |partial: &str| {
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": partial}}),
        )
    };
    let mut events = vec![
        message_start(),
        block_start(1, json!({"type": "text", "text": ""})),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Sure!"}}),
        ),
        block_stop(1),
        block_start(0, json!({"type": "tool_use", "id": "toolu_01", "name": "card", "input": {}})),
        json_delta(""),
        json_delta(r#"{"back": "соб"#),
        json_delta(r#"ака"}"#),
        block_stop(0),
    ];
    events.extend(message_end("tool_use", 15));
    Mock::given(method("POST")).respond_with(sse(&events)).expect(1).mount(&server).await;
    let mut request = request();
    request.json_schema = Some(card_schema());
    let (tx, rx) = mpsc::unbounded_channel();
    let completion = provider(&server, Arc::default()).stream(&request, &tx).await.unwrap();
    drop(tx);
    assert_eq!(received(rx), [r#"{"back": "соб"#, r#"ака"}"#], "the JSON as written, the prose not at all");
    assert_eq!(serde_json::from_str::<Value>(&completion.content).unwrap(), json!({"back": "собака"}));
}

#[tokio::test]
async fn an_error_event_after_text_is_final_so_no_text_is_repeated() {
    let server = MockServer::start().await;
    let events = [
        message_start(),
        block_start(0, json!({"type": "text", "text": ""})),
        text_delta("Hund"),
        ("error", json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})),
    ];
    Mock::given(method("POST")).respond_with(sse(&events)).expect(1).mount(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let (tx, rx) = mpsc::unbounded_channel();
    let error = provider(&server, sleeper.clone()).stream(&request(), &tx).await.unwrap_err();
    drop(tx);
    assert_eq!(error, LlmError::Status { status: 529, message: "Overloaded".into() });
    assert_eq!(received(rx), ["Hund"]);
    assert!(sleeper.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_error_event_before_any_text_is_retried() {
    let server = MockServer::start().await;
    let failing = [
        message_start(),
        ("error", json!({"type": "error", "error": {"type": "api_error", "message": "Internal server error"}})),
    ];
    Mock::given(method("POST")).respond_with(sse(&failing)).up_to_n_times(1).expect(1).mount(&server).await;
    let mut events = vec![message_start(), block_start(0, json!({"type": "text", "text": ""})), text_delta("ok")];
    events.extend(message_end("end_turn", 2));
    Mock::given(method("POST")).respond_with(sse(&events)).expect(1).mount(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let (tx, rx) = mpsc::unbounded_channel();
    let completion = provider(&server, sleeper.clone()).stream(&request(), &tx).await.unwrap();
    drop(tx);
    assert_eq!(completion.content, "ok");
    assert_eq!(received(rx), ["ok"]);
    assert_eq!(sleeper.0.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stream_cut_before_message_stop_is_a_transport_error() {
    let server = MockServer::start().await;
    let events = [message_start(), block_start(0, json!({"type": "text", "text": ""})), text_delta("Hund he")];
    Mock::given(method("POST")).respond_with(sse(&events)).expect(1).mount(&server).await;
    let (tx, _rx) = mpsc::unbounded_channel();
    let error = provider(&server, Arc::default()).stream(&request(), &tx).await.unwrap_err();
    assert_eq!(error, LlmError::Transport("the stream ended before the answer was complete".into()));
}

#[tokio::test]
async fn a_streamed_answer_cut_at_the_token_limit_is_truncated() {
    let server = MockServer::start().await;
    let mut events = vec![message_start(), block_start(0, json!({"type": "text", "text": ""})), text_delta("Hund he")];
    events.extend(message_end("max_tokens", 300));
    Mock::given(method("POST")).respond_with(sse(&events)).expect(1).mount(&server).await;
    let (tx, _rx) = mpsc::unbounded_channel();
    assert_eq!(provider(&server, Arc::default()).stream(&request(), &tx).await.unwrap_err(), LlmError::Truncated);
}
