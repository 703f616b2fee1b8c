//! A fake OpenAI-compatible provider: the tutor's answer as an SSE stream (sent in pieces,
//! with pauses, so the bot's streaming can be watched), and a card for each generated word.
//!
//! Topics and exercises by their `json_schema` name, as `web/e2e/fake-llm.mjs` answers them:
//! - "topic_suggestions": six topics (Глагол sein, В кафе, Перфект, Цвета, Модальные глаголы,
//!   Путешествия);
//! - "exercises": as many as the prompt's "Write exactly N" asks, the kinds it allows in turn:
//!   multiple_choice "Du ___ mein Freund." (bin/bist/ist/sind, right: bist), translate "Я устал."
//!   → "Ich bin müde." (hint "Глагол sein"), fill_gap "Wir ___ (sein) zu Hause." → sind,
//!   word_order "müde / bin / ich" → "Ich bin müde.", transform "Ich bin müde. (во
//!   множественное число)" → "Wir sind müde."; each with one word for cards;
//! - "exercise_grading": "incorrect" when the student's answer holds "wrong", else "partial",
//!   with one mistake.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone)]
struct Script {
    /// The tutor's text and its suggested words.
    answer: Arc<Mutex<(String, Value)>>,
    /// Pause between streamed pieces.
    pause: Arc<Mutex<Duration>>,
    /// Answer every request with this status instead (a provider outage).
    failing: Arc<Mutex<Option<u16>>>,
    /// What speech to text hears, and the recordings it was sent.
    transcript: Arc<Mutex<String>>,
    recordings: Arc<Mutex<Vec<Vec<u8>>>>,
    /// What the vision model reads off a picture, and the requests that carried pictures.
    reading: Arc<Mutex<Value>>,
    pictures: Arc<Mutex<Vec<Value>>>,
    /// Structured requests for topics and exercises: the schema's name and the body.
    practice: Arc<Mutex<Vec<(String, Value)>>>,
}

pub struct FakeLlm {
    address: String,
    script: Script,
}

fn card(word: &str) -> String {
    json!({"front": word, "back": format!("перевод {word}"), "lemma": word, "part_of_speech": "noun",
           "gender": null, "forms": [], "transcription": null, "example": format!("{word}!"),
           "example_translation": "Пример."})
    .to_string()
}

fn word_of(body: &Value) -> String {
    let text = body["messages"].as_array().unwrap().iter().filter_map(|m| m["content"].as_str()).collect::<String>();
    let start = text.find("<word>").map_or(0, |i| i + "<word>".len());
    let end = text.find("</word>").unwrap_or(text.len());
    text[start..end].to_owned()
}

fn sse_frame(content: &str) -> String {
    let frame = json!({"id": "c", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]});
    format!("data: {frame}\n\n")
}

impl FakeLlm {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let script = Script {
            answer: Arc::new(Mutex::new(("Привет! «Hund» — это «собака».".to_owned(), json!([])))),
            pause: Arc::new(Mutex::new(Duration::ZERO)),
            failing: Arc::new(Mutex::new(None)),
            transcript: Arc::new(Mutex::new("Wie spät ist es?".to_owned())),
            recordings: Arc::new(Mutex::new(Vec::new())),
            reading: Arc::new(Mutex::new(json!({"text": "", "words": []}))),
            pictures: Arc::new(Mutex::new(Vec::new())),
            practice: Arc::new(Mutex::new(Vec::new())),
        };
        let serving = script.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, serving.clone()));
            }
        });
        Self { address, script }
    }

    pub fn uri(&self) -> String {
        self.address.clone()
    }

    pub fn answer_with(&self, text: &str, words: Value) {
        *self.script.answer.lock().unwrap() = (text.to_owned(), words);
    }

    pub fn pause_between_pieces(&self, pause: Duration) {
        *self.script.pause.lock().unwrap() = pause;
    }

    pub fn read_off_pictures(&self, reading: Value) {
        *self.script.reading.lock().unwrap() = reading;
    }

    /// The requests that carried pictures.
    pub fn picture_requests(&self) -> Vec<Value> {
        self.script.pictures.lock().unwrap().clone()
    }

    pub fn hear(&self, transcript: &str) {
        *self.script.transcript.lock().unwrap() = transcript.to_owned();
    }

    /// The multipart bodies speech to text received.
    pub fn recordings(&self) -> Vec<Vec<u8>> {
        self.script.recordings.lock().unwrap().clone()
    }

    /// The requests answered for the json_schema `name` ("exercises", "exercise_grading"…).
    pub fn structured(&self, name: &str) -> Vec<Value> {
        self.script.practice.lock().unwrap().iter().filter(|(n, _)| n == name).map(|(_, b)| b.clone()).collect()
    }

    pub fn fail_with(&self, status: Option<u16>) {
        *self.script.failing.lock().unwrap() = status;
    }
}

/// The request's path and body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 8192];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let head = text[..head_end].to_owned();
            let path = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if buffer.len() >= head_end + 4 + length {
                return Some((path, buffer[head_end + 4..head_end + 4 + length].to_vec()));
            }
        }
    }
}

fn json_response(status: u16, payload: &str) -> String {
    format!(
        "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{payload}",
        payload.len()
    )
}

async fn serve(mut socket: tokio::net::TcpStream, script: Script) {
    let Some((path, raw)) = read_request(&mut socket).await else { return };
    let failing = *script.failing.lock().unwrap();
    if let Some(status) = failing {
        let _ = socket.write_all(json_response(status, r#"{"error":{"message":"overloaded"}}"#).as_bytes()).await;
        return;
    }
    if path.ends_with("/audio/transcriptions") {
        script.recordings.lock().unwrap().push(raw);
        let text = script.transcript.lock().unwrap().clone();
        let _ = socket.write_all(json_response(200, &json!({"text": text}).to_string()).as_bytes()).await;
        return;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&raw) else { return };
    let sees_picture = body["messages"]
        .as_array()
        .is_some_and(|messages| messages.iter().any(|m| m["content"].to_string().contains("image_url")));
    if sees_picture {
        script.pictures.lock().unwrap().push(body.clone());
        let reading = script.reading.lock().unwrap().clone();
        let completion = json!({"id": "c", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reading.to_string()}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 60, "total_tokens": 960}});
        let _ = socket.write_all(json_response(200, &completion.to_string()).as_bytes()).await;
        return;
    }
    let schema = body["response_format"]["json_schema"]["name"].as_str().unwrap_or_default().to_owned();
    if let Some(answer) = practice(&schema, &body) {
        script.practice.lock().unwrap().push((schema, body.clone()));
        let completion = json!({"id": "c", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.to_string()}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 300, "completion_tokens": 200, "total_tokens": 500}});
        let _ = socket.write_all(json_response(200, &completion.to_string()).as_bytes()).await;
        return;
    }
    if body["stream"] != true {
        let completion = json!({"id": "c", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": card(&word_of(&body))}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}});
        let payload = completion.to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{payload}",
            payload.len()
        );
        let _ = socket.write_all(response.as_bytes()).await;
        return;
    }
    let (text, words) = script.answer.lock().unwrap().clone();
    let pause = *script.pause.lock().unwrap();
    let content = json!({"answer": text, "words": words}).to_string();
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let chars: Vec<char> = content.chars().collect();
    let pieces = 8;
    for piece in chars.chunks(chars.len().div_ceil(pieces).max(1)) {
        let frame = sse_frame(&piece.iter().collect::<String>());
        if socket.write_all(frame.as_bytes()).await.is_err() {
            return;
        }
        tokio::time::sleep(pause).await;
    }
    let done = json!({"id": "c", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130}});
    let _ = socket.write_all(format!("data: {done}\n\ndata: [DONE]\n\n").as_bytes()).await;
}

const TOPICS: [(&str, &str, &str); 6] = [
    ("Глагол sein", "Формы sein в настоящем времени", "grammar"),
    ("В кафе", "Заказать еду и напитки", "situation"),
    ("Перфект", "Прошедшее время с haben и sein", "grammar"),
    ("Цвета", "Названия цветов", "vocabulary"),
    ("Модальные глаголы", "können, müssen, wollen", "grammar"),
    ("Путешествия", "Вокзал, билеты, отель", "vocabulary"),
];

fn exercise(kind: &str) -> Value {
    let free = |question: &str,
                prompt: &str,
                answer: &str,
                alternatives: Value,
                hint: &str,
                explanation: &str,
                word: (&str, &str)| {
        json!({"kind": kind, "question": question, "prompt": prompt, "options": null, "correct_index": null,
            "answer": answer, "alternatives": alternatives, "hint": hint, "explanation": explanation,
            "words": [{"word": word.0, "translation": word.1}]})
    };
    match kind {
        "multiple_choice" => json!({"kind": kind, "question": "Выберите правильную форму",
            "prompt": "Du ___ mein Freund.", "options": ["bin", "bist", "ist", "sind"], "correct_index": 1,
            "answer": "bist", "alternatives": [], "hint": "Второе лицо единственного числа",
            "explanation": "С du глагол sein имеет форму bist.",
            "words": [{"word": "der Freund", "translation": "друг"}]}),
        "translate" => free(
            "Переведите на немецкий",
            "Я устал.",
            "Ich bin müde.",
            json!(["Ich bin erschöpft."]),
            "Глагол sein",
            "Müde — прилагательное, с ним нужен глагол sein.",
            ("müde", "усталый"),
        ),
        "fill_gap" => free(
            "Вставьте глагол в нужной форме",
            "Wir ___ (sein) zu Hause.",
            "sind",
            json!([]),
            "Первое лицо множественного числа",
            "С wir глагол sein имеет форму sind.",
            ("das Haus", "дом"),
        ),
        "word_order" => free(
            "Составьте предложение",
            "müde / bin / ich",
            "Ich bin müde.",
            json!([]),
            "Глагол на втором месте",
            "В повествовательном предложении глагол стоит на втором месте.",
            ("müde", "усталый"),
        ),
        _ => free(
            "Поставьте во множественное число",
            "Ich bin müde.",
            "Wir sind müde.",
            json!([]),
            "ich → wir",
            "Ich bin становится wir sind.",
            ("müde", "усталый"),
        ),
    }
}

/// The text after `marker` in `text`, up to the first character `keep` refuses.
fn after<'a>(text: &'a str, marker: &str, keep: impl Fn(char) -> bool) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let end = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The structured answer for topics, exercises and grading, read off the prompts.
fn practice(schema: &str, body: &Value) -> Option<Value> {
    let messages = body["messages"].as_array()?;
    let content = |m: &Value| m["content"].as_str().unwrap_or_default().to_owned();
    let system = messages.first().map(content).unwrap_or_default();
    let user = messages.iter().rev().find(|m| m["role"] == "user").map(content).unwrap_or_default();
    Some(match schema {
        "topic_suggestions" => json!({"topics": TOPICS.iter()
            .map(|(name, description, kind)| json!({"name": name, "description": description, "kind": kind}))
            .collect::<Vec<_>>()}),
        "exercises" => {
            let count: usize = after(&system, "Write exactly ", |c| c.is_ascii_digit())?.parse().ok()?;
            let allowed = after(&system, "Allowed kinds: ", |c| c.is_ascii_lowercase() || "_, ".contains(c))?;
            let allowed: Vec<&str> = allowed.split(',').map(str::trim).collect();
            let order: Vec<&str> = ["multiple_choice", "translate", "fill_gap", "word_order", "transform"]
                .into_iter()
                .filter(|k| allowed.contains(k))
                .collect();
            json!({"exercises": (0..count).map(|i| exercise(order[i % order.len()])).collect::<Vec<_>>()})
        }
        "exercise_grading" => {
            let start = user.find("<student_answer>").map_or(0, |i| i + "<student_answer>".len());
            let end = user.rfind("</student_answer>").unwrap_or(user.len()).max(start);
            let answer = &user[start..end];
            if answer.contains("wrong") {
                json!({"result": "incorrect", "explanation": "Это не то, что нужно: проверьте форму глагола.",
                    "mistakes": [{"type": "grammar", "text": answer, "suggestion": "Ich bin müde."}]})
            } else {
                json!({"result": "partial", "explanation": "Почти: проверьте окончание.",
                    "mistakes": [{"type": "spelling", "text": answer, "suggestion": "Ich bin müde."}]})
            }
        }
        _ => return None,
    })
}
