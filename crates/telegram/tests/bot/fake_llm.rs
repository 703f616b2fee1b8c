//! A fake OpenAI-compatible provider: the tutor's answer as an SSE stream (sent in pieces,
//! with pauses, so the bot's streaming can be watched), and a card for each generated word.

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
