//! A fake Bot API: answers every method as Telegram does, records each call with its time,
//! refuses HTML Telegram would refuse, and lets a test script the next answers of a method
//! (a 429, a 403, an entity error).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{Value, json};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "123456789:AAtest-bot-token_secretpart-0123456789";

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    pub at: Instant,
    /// The message a send created or an edit changed.
    pub message_id: Option<i64>,
}

/// A scripted answer to the next call of a method; `None` lets that call through to the
/// normal answer.
type Scripted = (String, Option<ResponseTemplate>);

#[derive(Clone, Default)]
struct State {
    calls: Arc<Mutex<Vec<Call>>>,
    scripted: Arc<Mutex<VecDeque<Scripted>>>,
    next_message_id: Arc<AtomicI32>,
    drafts_refused: Arc<std::sync::atomic::AtomicBool>,
}

pub struct FakeTelegram {
    pub server: MockServer,
    state: State,
}

fn error(code: u16, description: &str, retry_after: Option<u64>) -> ResponseTemplate {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(seconds) = retry_after {
        body["parameters"] = json!({"retry_after": seconds});
    }
    ResponseTemplate::new(code).set_body_json(body)
}

pub fn too_many_requests(retry_after: u64) -> ResponseTemplate {
    error(429, &format!("Too Many Requests: retry after {retry_after}"), Some(retry_after))
}

pub fn bad_gateway() -> ResponseTemplate {
    error(502, "Bad Gateway", None)
}

pub fn blocked() -> ResponseTemplate {
    error(403, "Forbidden: bot was blocked by the user", None)
}

pub fn entities_rejected() -> ResponseTemplate {
    error(400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0", None)
}

/// Telegram's HTML rules, enough to catch what we could get wrong: only its tags, balanced,
/// and `&` only as one of its four entities.
pub fn html_is_valid(html: &str) -> bool {
    const TAGS: [&str; 10] = ["b", "i", "u", "s", "tg-spoiler", "a", "code", "pre", "blockquote", "span"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(position) = rest.find(['<', '&']) {
        let tail = &rest[position..];
        if let Some(after) = tail.strip_prefix('&') {
            if !["&lt;", "&gt;", "&amp;", "&quot;"].iter().any(|e| tail.starts_with(e)) {
                return false;
            }
            rest = after;
            continue;
        }
        let Some(end) = tail.find('>') else { return false };
        let tag = &tail[1..end];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return false;
            }
        } else {
            let name = tag.split_whitespace().next().unwrap_or_default();
            if !TAGS.contains(&name) {
                return false;
            }
            stack.push(name.to_owned());
        }
        rest = &tail[end + 1..];
    }
    stack.is_empty()
}

impl Respond for State {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let method = request.url.path().rsplit('/').next().unwrap_or_default().to_owned();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let record = |message_id: Option<i64>| {
            let call = Call { method: method.clone(), body: body.clone(), at: Instant::now(), message_id };
            self.calls.lock().unwrap().push(call);
        };
        {
            let mut scripted = self.scripted.lock().unwrap();
            if let Some(index) = scripted.iter().position(|(m, _)| *m == method)
                && let Some(response) = scripted.remove(index).unwrap().1
            {
                record(None);
                return response;
            }
        }
        let html = body["parse_mode"] == "HTML";
        let text = body["text"].as_str().unwrap_or_default();
        if html && !html_is_valid(text) {
            record(None);
            return entities_rejected();
        }
        // Telegram's limits: 4096 characters after entities, 64 bytes of button data, 200
        // characters of a callback answer.
        let visible = if html { telegram::format::visible_len(text) } else { text.encode_utf16().count() };
        if visible > 4096 {
            record(None);
            return error(400, "Bad Request: message is too long", None);
        }
        let oversized_button = buttons(&body).iter().any(|(_, data)| data.len() > 64 && !data.starts_with("http"));
        if oversized_button {
            record(None);
            return error(400, "Bad Request: BUTTON_DATA_INVALID", None);
        }
        if method == "answerCallbackQuery" && body["text"].as_str().is_some_and(|t| t.chars().count() > 200) {
            record(None);
            return error(400, "Bad Request: MESSAGE_TOO_LONG", None);
        }
        let message = |id: i32| {
            json!({"message_id": id, "date": 1_764_320_000, "chat": {"id": body["chat_id"], "type": "private"},
                   "text": body["text"]})
        };
        let result = match method.as_str() {
            "sendMessage" | "sendInvoice" => {
                let id = self.next_message_id.fetch_add(1, Ordering::SeqCst) + 1;
                record(Some(i64::from(id)));
                message(id)
            }
            "editMessageText" => {
                let id = body["message_id"].as_i64().unwrap_or_default();
                record(Some(id));
                message(id as i32)
            }
            "sendMessageDraft" if self.drafts_refused.load(Ordering::SeqCst) => {
                record(None);
                return error(400, "Bad Request: method sendMessageDraft is not available for this chat", None);
            }
            "getMe" => json!({"id": 42, "is_bot": true, "first_name": "Lang Agent", "username": "LangAgentBot"}),
            "getFile" => {
                let id = body["file_id"].as_str().unwrap_or_default();
                json!({"file_id": id, "file_unique_id": id, "file_path": format!("voice/{id}.oga")})
            }
            "getUpdates" => json!([]),
            "createInvoiceLink" => {
                json!(format!("https://t.me/$invoice-{}", body["payload"].as_str().unwrap_or_default()))
            }
            _ => json!(true),
        };
        if !matches!(method.as_str(), "sendMessage" | "sendInvoice" | "editMessageText") {
            record(None);
        }
        ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": result}))
    }
}

impl FakeTelegram {
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = State::default();
        state.next_message_id.store(1000, Ordering::SeqCst);
        // Only requests that carry our token in the path are answered; anything else is a 404.
        Mock::given(path_regex(format!("^/bot{}/[A-Za-z]+$", regex_escape(TOKEN))))
            .respond_with(state.clone())
            .mount(&server)
            .await;
        Self { server, state }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Serves `bytes` as the file `getFile` names for `file_id` (`/file/bot<token>/voice/<id>.oga`).
    pub async fn serve_file(&self, file_id: &str, bytes: Vec<u8>) {
        Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path(format!("/file/bot{TOKEN}/voice/{file_id}.oga")))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(bytes))
            .mount(&self.server)
            .await;
    }

    /// How many times a file was downloaded.
    pub async fn downloads(&self) -> usize {
        let requests = self.server.received_requests().await.unwrap_or_default();
        requests.iter().filter(|r| r.url.path().starts_with("/file/")).count()
    }

    /// The next call of `method` gets `response` (in the order scripted).
    pub fn script(&self, method: &str, response: ResponseTemplate) {
        self.state.scripted.lock().unwrap().push_back((method.to_owned(), Some(response)));
    }

    /// The next call of `method` (in the order scripted) is answered as usual: a gap between
    /// scripted refusals.
    pub fn script_pass(&self, method: &str) {
        self.state.scripted.lock().unwrap().push_back((method.to_owned(), None));
    }

    pub fn refuse_drafts(&self) {
        self.state.drafts_refused.store(true, Ordering::SeqCst);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().clone()
    }

    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.method == method).collect()
    }

    pub fn clear(&self) {
        self.state.calls.lock().unwrap().clear();
    }

    /// Every text sent or edited into chat `chat_id`, in order.
    pub fn texts(&self, chat_id: i64) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| matches!(c.method.as_str(), "sendMessage" | "editMessageText") && c.body["chat_id"] == chat_id)
            .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The last message sent or edited successfully.
    pub fn last(&self) -> Shown {
        let call = self.calls().into_iter().rev().find(|c| c.message_id.is_some()).expect("a message was sent");
        Shown {
            text: call.body["text"].as_str().unwrap_or_default().to_owned(),
            buttons: buttons(&call.body),
            message_id: call.message_id.unwrap_or_default(),
        }
    }

    /// The toasts of answered button presses.
    pub fn toasts(&self) -> Vec<Option<String>> {
        self.calls_of("answerCallbackQuery").iter().map(|c| c.body["text"].as_str().map(str::to_owned)).collect()
    }
}

/// A message as the learner sees it.
#[derive(Debug, Clone)]
pub struct Shown {
    pub text: String,
    pub buttons: Vec<(String, String)>,
    pub message_id: i64,
}

impl Shown {
    /// The data of the button whose label contains `label`.
    pub fn button(&self, label: &str) -> String {
        self.buttons
            .iter()
            .find(|(text, _)| text.contains(label))
            .unwrap_or_else(|| panic!("no button {label:?} under {:?}: {:?}", self.text, self.buttons))
            .1
            .clone()
    }
}

pub fn buttons(body: &Value) -> Vec<(String, String)> {
    body["reply_markup"]["inline_keyboard"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .flat_map(|row| row.as_array().cloned().unwrap_or_default())
                .map(|b| {
                    let data = b["callback_data"].as_str().or(b["url"].as_str()).or(b["web_app"]["url"].as_str());
                    (b["text"].as_str().unwrap_or_default().to_owned(), data.unwrap_or_default().to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn regex_escape(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_string() } else { format!("\\{c}") }).collect()
}

#[test]
fn the_fake_refuses_what_telegram_refuses() {
    assert!(html_is_valid("<b>a &amp; b</b> <a href=\"https://x.org\">x</a> &lt;"));
    assert!(!html_is_valid("<b>a</i>"));
    assert!(!html_is_valid("a & b"));
    assert!(!html_is_valid("<script>x</script>"));
    assert!(!html_is_valid("<b>open"));
}
