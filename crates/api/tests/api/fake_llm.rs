//! A fake OpenAI-compatible server on the test app's outbound mock: answers as real servers
//! do (JSON, SSE streams, errors) and lets tests read back exactly what was sent.

use reqwest::Method;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::helpers::{TestApp, spawn_app_with};
use crate::session::User;

pub const TUTOR_TEXT: &str = "Отличный вопрос! «Hund» значит «собака».\nА «Katze» — «кошка».";

/// The tutor's structured answer as the model writes it: the text and its words.
pub fn tutor_answer() -> String {
    json!({"answer": TUTOR_TEXT, "words": [{"word": "der Hund", "translation": "собака", "note": "m."}]}).to_string()
}

/// An app with the OpenAI-compatible provider pointed at `app.outbound`; `extra` wins.
pub async fn llm_app(extra: &[(&str, &str)]) -> TestApp {
    let mut overrides = vec![("LLM_PROVIDER", "openai"), ("OPENAI_API_KEY", "sk-test-key"), ("LLM_MAX_ATTEMPTS", "1")];
    overrides.extend_from_slice(extra);
    spawn_app_with(&overrides).await
}

/// A learner of German with a profile.
pub async fn learner(app: &TestApp, telegram_id: i64) -> User {
    let user = app.sign_in(telegram_id).await;
    assert_eq!(app.create_profile(&user, "de").await.status(), 201);
    user
}

pub fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4.1-mini-2025-04-14",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": null}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 31, "completion_tokens": 9, "total_tokens": 40}
    })
}

/// The answer as an SSE body, cut into `pieces` characters at a time (cuts fall inside JSON
/// escapes and keys too), with the usage chunk and `[DONE]` at the end.
pub fn completion_stream(content: &str, piece: usize) -> String {
    let chars: Vec<char> = content.chars().collect();
    let mut body = String::new();
    for chunk in chars.chunks(piece) {
        let text: String = chunk.iter().collect();
        let frame = json!({"id": "c", "object": "chat.completion.chunk", "model": "gpt-4.1-mini",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
        body.push_str(&format!("data: {frame}\n\n"));
    }
    let last = json!({"id": "c", "object": "chat.completion.chunk", "model": "gpt-4.1-mini",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
    let usage = json!({"id": "c", "object": "chat.completion.chunk", "model": "gpt-4.1-mini", "choices": [],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}});
    body.push_str(&format!("data: {last}\n\ndata: {usage}\n\ndata: [DONE]\n\n"));
    body
}

pub fn chat_completions() -> wiremock::MockBuilder {
    Mock::given(method("POST")).and(path("/chat/completions")).and(header("authorization", "Bearer sk-test-key"))
}

/// The JSON bodies the fake received, in order.
pub async fn sent_bodies(app: &TestApp) -> Vec<Value> {
    app.outbound
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/chat/completions")
        .map(|r| r.body_json::<Value>().unwrap())
        .collect()
}

/// Answers card-generation requests from the word in `<word>…</word>`: a card for most
/// words, a 500 for words containing "broken".
pub struct CardWriter;

pub fn word_of(body: &Value) -> String {
    let messages = body["messages"].as_array().unwrap();
    let user =
        messages.iter().filter_map(|m| m["content"].as_str()).find(|content| content.contains("</word>")).unwrap();
    let start = user.find("<word>").unwrap() + "<word>".len();
    let end = user.find("</word>").unwrap();
    user[start..end].to_owned()
}

pub fn card_json(word: &str) -> String {
    json!({
        "front": format!("die {word}"), "back": format!("перевод {word}"), "lemma": word,
        "part_of_speech": "noun", "gender": "die", "forms": [{"name": "plural", "value": format!("{word}n")}],
        "transcription": null, "example": format!("Die {word} ist hier."), "example_translation": "Она здесь."
    })
    .to_string()
}

impl Respond for CardWriter {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap();
        let word = word_of(&body);
        if word.contains("broken") {
            return ResponseTemplate::new(500).set_body_json(json!({"error": {"message": "boom"}}));
        }
        ResponseTemplate::new(200).set_body_json(completion(&card_json(&word)))
    }
}

impl TestApp {
    pub async fn me(&self, user: &User) -> Value {
        self.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap()
    }

    pub async fn chat(&self, user: &User, body: Value) -> reqwest::Response {
        self.call(Method::POST, "/api/sessions/chat", &user.access_token, Some(body)).await
    }

    /// Frames of an SSE response as (event, data).
    pub async fn sse(&self, path: &str, user: &User, body: Value, key: Option<&str>) -> Vec<(String, Value)> {
        let mut request = self
            .client
            .post(self.url(path))
            .bearer_auth(&user.access_token)
            .header("accept", "text/event-stream")
            .json(&body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let text = response.text().await.unwrap();
        text.split("\n\n")
            .filter(|frame| !frame.trim().is_empty())
            .map(|frame| {
                let event = frame.lines().find_map(|l| l.strip_prefix("event: ")).unwrap().to_owned();
                let data = frame.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
                (event, serde_json::from_str(data).unwrap())
            })
            .collect()
    }
}
