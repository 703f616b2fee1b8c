//! A small fake Bot API for tests of whole binaries: it hands out scripted updates to
//! `getUpdates` once, answers every other method as Telegram does, and records the calls.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Looks like a token from @BotFather (the settings check its shape).
pub const BOT_TOKEN: &str = "123456789:AAfake-bot-token-for-binary-tests-0123";

/// Answers as Telegram does; sends take `send_delay` (a slow network, a busy Bot API).
struct Answer {
    send_delay: Duration,
}

impl Respond for Answer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let method = request.url.path().rsplit('/').next().unwrap_or_default();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let result = match method {
            "sendMessage" | "editMessageText" => json!({"message_id": 1, "date": 1,
                "chat": {"id": body["chat_id"], "type": "private"}, "text": body["text"]}),
            "getMe" => json!({"id": 42, "is_bot": true, "first_name": "Bot", "username": "TestBot"}),
            // A long poll with nothing new: answer after a moment, as Telegram would at its timeout.
            "getUpdates" => {
                return ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": true, "result": []}))
                    .set_delay(Duration::from_millis(200));
            }
            _ => json!(true),
        };
        let answer = ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": result}));
        if method == "sendMessage" { answer.set_delay(self.send_delay) } else { answer }
    }
}

pub struct FakeBotApi {
    pub server: MockServer,
}

impl FakeBotApi {
    /// The first `getUpdates` returns `updates`; every later one returns none.
    pub async fn start(updates: Vec<Value>) -> Self {
        Self::start_with_send_delay(updates, Duration::ZERO).await
    }

    /// As `start`, with every `sendMessage` answered only after `send_delay`.
    pub async fn start_with_send_delay(updates: Vec<Value>, send_delay: Duration) -> Self {
        let server = MockServer::start().await;
        let path = format!("^/bot{}/[A-Za-z]+$", BOT_TOKEN.replace(':', "\\:").replace('-', "\\-"));
        if !updates.is_empty() {
            Mock::given(method("POST"))
                .and(path_regex(format!("^/bot{}/getUpdates$", BOT_TOKEN.replace('-', "\\-"))))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": updates})))
                .up_to_n_times(1)
                .with_priority(1)
                .mount(&server)
                .await;
        }
        Mock::given(method("POST"))
            .and(path_regex(path))
            .respond_with(Answer { send_delay })
            .with_priority(2)
            .mount(&server)
            .await;
        Self { server }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The bodies of every call of `method` so far.
    pub async fn calls(&self, method: &str) -> Vec<Value> {
        let suffix = format!("/{method}");
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path().ends_with(&suffix))
            .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
            .collect()
    }

    /// Waits (up to 30 s) until `method` has been called with a body `matches` accepts.
    pub async fn wait_for(&self, method: &str, matches: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..300 {
            if let Some(found) = self.calls(method).await.into_iter().find(|b| matches(b)) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {method} call as expected; calls: {:?}", self.server.received_requests().await);
    }
}

/// `/start` from a private chat, as Telegram sends it.
pub fn start_update(update_id: i64, user: i64) -> Value {
    json!({"update_id": update_id, "message": {"message_id": update_id, "date": 1_764_320_000, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "chat": {"id": user, "type": "private", "first_name": "Ann"},
        "from": {"id": user, "is_bot": false, "first_name": "Ann", "language_code": "en"}}})
}

/// A bot command (`/help`, …) from a private chat, as Telegram sends it.
pub fn command_update(update_id: i64, user: i64, command: &str) -> Value {
    let mut update = start_update(update_id, user);
    update["message"]["text"] = json!(command);
    update["message"]["entities"][0]["length"] = json!(command.len());
    update
}
