//! The OpenAI-compatible provider against a local fake server that checks what we send and
//! replays what real servers answer: errors, 429 with Retry-After, cut-off and broken answers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::{Value, json};
use services::llm::{
    ChatMessage, CompletionRequest, JsonSchema, LlmError, LlmProvider, OpenAiProvider, RetryPolicy, Role, Sleeper,
};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Records the waits instead of sleeping.
#[derive(Debug, Default)]
pub(crate) struct RecordingSleeper(pub(crate) Mutex<Vec<Duration>>);

#[async_trait]
impl Sleeper for RecordingSleeper {
    async fn sleep(&self, duration: Duration) {
        self.0.lock().unwrap().push(duration);
    }
}

pub(crate) fn provider(server: &MockServer, sleeper: Arc<RecordingSleeper>) -> OpenAiProvider {
    let base = url::Url::parse(&format!("{}/v1", server.uri())).unwrap();
    OpenAiProvider::new(
        &base,
        Some(SecretString::from("sk-test-key")),
        Duration::from_secs(5),
        RetryPolicy::default(),
        sleeper,
    )
    .unwrap()
}

fn request() -> CompletionRequest {
    CompletionRequest {
        model: "gpt-4.1-mini".into(),
        messages: vec![
            ChatMessage { role: Role::System, content: "You are a German tutor.".into() },
            ChatMessage { role: Role::User, content: "Was heißt Hund?".into() },
        ],
        temperature: 0.2,
        max_tokens: 300,
        images: Vec::new(),
        json_schema: Some(JsonSchema {
            name: "card".into(),
            schema: json!({"type": "object", "properties": {"back": {"type": "string"}}, "required": ["back"]}),
        }),
    }
}

fn answer(content: &str, finish_reason: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4.1-mini-2025-04-14",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": null}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 31, "completion_tokens": 9, "total_tokens": 40}
    })
}

#[tokio::test]
async fn sends_the_model_messages_schema_and_key_and_reads_the_answer() {
    let server = MockServer::start().await;
    let expected = json!({
        "model": "gpt-4.1-mini",
        "messages": [{"role": "system", "content": "You are a German tutor."}, {"role": "user", "content": "Was heißt Hund?"}],
        "temperature": 0.2,
        "max_tokens": 300,
        "response_format": {"type": "json_schema", "json_schema": {
            "name": "card", "strict": true,
            "schema": {"type": "object", "properties": {"back": {"type": "string"}}, "required": ["back"]}
        }}
    });
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test-key"))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(r#"{"back":"собака"}"#, "stop")))
        .expect(1)
        .mount(&server)
        .await;
    let completion = provider(&server, Arc::default()).complete(&request()).await.unwrap();
    assert_eq!(completion.content, r#"{"back":"собака"}"#);
    assert_eq!((completion.usage.prompt_tokens, completion.usage.completion_tokens), (31, 9));
    assert_eq!(completion.model, "gpt-4.1-mini-2025-04-14");
}

#[tokio::test]
async fn a_401_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "Incorrect API key"}})))
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
        .respond_with(ResponseTemplate::new(200).set_body_json(answer("ok", "stop")))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let completion = provider(&server, sleeper.clone()).complete(&request()).await.unwrap();
    assert_eq!(completion.content, "ok");
    assert_eq!(*sleeper.0.lock().unwrap(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times_with_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).expect(3).mount(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let error = provider(&server, sleeper.clone()).complete(&request()).await.unwrap_err();
    assert!(matches!(error, LlmError::Status { status: 503, .. }));
    let waits = sleeper.0.lock().unwrap().clone();
    assert_eq!(waits.len(), 2, "three attempts in all");
    assert!(waits[1] > waits[0], "exponential backoff: {waits:?}");
}

#[tokio::test]
async fn a_cut_off_or_broken_answer_is_never_passed_on_as_complete() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(r#"{"back":"соб"#, "length")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>gateway</html>"))
        .mount(&server)
        .await;
    let p = provider(&server, Arc::default());
    assert_eq!(p.complete(&request()).await.unwrap_err(), LlmError::Truncated);
    assert!(matches!(p.complete(&request()).await.unwrap_err(), LlmError::Malformed(_)));
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error_after_retries() {
    let base = url::Url::parse("http://127.0.0.1:1/v1").unwrap();
    let sleeper = Arc::new(RecordingSleeper::default());
    let p = OpenAiProvider::new(&base, None, Duration::from_secs(2), RetryPolicy::default(), sleeper.clone()).unwrap();
    assert!(matches!(p.complete(&request()).await.unwrap_err(), LlmError::Transport(_)));
    assert_eq!(sleeper.0.lock().unwrap().len(), 2);
}

fn stream_body(pieces: &[&str], finish_reason: &str) -> String {
    let mut body = String::new();
    for piece in pieces {
        let chunk = json!({"model": "gpt-4.1-mini", "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]});
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    let last = json!({"model": "gpt-4.1-mini", "choices": [{"index": 0, "delta": {}, "finish_reason": finish_reason}]});
    let usage = json!({"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}});
    body.push_str(&format!("data: {last}\n\ndata: {usage}\n\ndata: [DONE]\n\n"));
    body
}

fn sse(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).insert_header("content-type", "text/event-stream").set_body_string(body)
}

#[tokio::test]
async fn a_streamed_answer_arrives_in_pieces_and_whole() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(wiremock::matchers::body_partial_json(json!({"stream": true, "stream_options": {"include_usage": true}})))
        .respond_with(sse(stream_body(&["Der ", "Hund", " bellt."], "stop")))
        .expect(1)
        .mount(&server)
        .await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let completion = provider(&server, Arc::default()).stream(&request(), &tx).await.unwrap();
    drop(tx);
    let mut pieces = Vec::new();
    while let Some(piece) = rx.recv().await {
        pieces.push(piece);
    }
    assert_eq!(pieces, ["Der ", "Hund", " bellt."]);
    assert_eq!(completion.content, "Der Hund bellt.");
    assert_eq!((completion.usage.prompt_tokens, completion.usage.completion_tokens), (12, 5));
}

#[tokio::test]
async fn a_stream_cut_at_the_token_limit_or_before_its_end_is_an_error_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(stream_body(&["Der ", "Hu"], "length")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let unfinished = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Der\"},\"finish_reason\":null}]}\n\n";
    Mock::given(method("POST")).respond_with(sse(unfinished.to_owned())).expect(1).mount(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let p = provider(&server, sleeper.clone());
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    assert_eq!(p.stream(&request(), &tx).await.unwrap_err(), LlmError::Truncated);
    assert!(matches!(p.stream(&request(), &tx).await.unwrap_err(), LlmError::Transport(_)));
    assert!(sleeper.0.lock().unwrap().is_empty(), "text already passed on is never repeated by a retry");
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_given_up() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(stream_body(&["late"], "stop")).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let base = url::Url::parse(&format!("{}/v1", server.uri())).unwrap();
    let policy = RetryPolicy { max_attempts: 2, ..RetryPolicy::default() };
    let sleeper = Arc::new(RecordingSleeper::default());
    let p = OpenAiProvider::new(&base, None, Duration::from_millis(300), policy, sleeper.clone()).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    assert!(matches!(p.stream(&request(), &tx).await.unwrap_err(), LlmError::Transport(_)));
    assert_eq!(sleeper.0.lock().unwrap().len(), 1, "a timeout before any text is retried");
}
