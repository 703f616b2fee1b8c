//! Server-Sent Events for routes that stream (`api.md`: "(S)"): a channel of frames becomes a
//! `text/event-stream` body. The work behind the stream runs in its own task, so a client that
//! goes away does not cancel it halfway (the answer is still saved).

use std::panic::AssertUnwindSafe;

use actix_web::http::header::{ACCEPT, CACHE_CONTROL};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use futures_util::FutureExt;
use serde::Serialize;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::error::{ApiError, ErrorPayload, render_body};
use crate::i18n::Language;
use crate::middleware::request_id::RequestId;

#[derive(Debug)]
pub struct Frame {
    pub event: &'static str,
    pub data: String,
}

impl Frame {
    pub fn json(event: &'static str, data: &impl Serialize) -> Self {
        Self { event, data: serde_json::to_string(data).unwrap_or_else(|_| "null".to_owned()) }
    }
}

pub type FrameSender = UnboundedSender<Frame>;

/// Runs `work` on its own task, so a client that goes away does not cancel it halfway (an
/// answer being saved, quota being settled); a panic in it becomes a 500.
pub async fn detached<T: 'static>(work: impl Future<Output = Result<T, ApiError>> + 'static) -> Result<T, ApiError> {
    match actix_web::rt::spawn(AssertUnwindSafe(work).catch_unwind()).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) | Err(_) => Err(ApiError::internal(anyhow::anyhow!("the request's task panicked"))),
    }
}

/// Turns everything `events` carries into frames until its senders are gone; run it beside the
/// work that sends them (`tokio::join!`).
pub async fn relay<T>(mut events: UnboundedReceiver<T>, frames: &FrameSender, to_frame: impl Fn(T) -> Frame) {
    while let Some(event) = events.recv().await {
        let _ = frames.send(to_frame(event));
    }
}

/// An SSE response fed by `work`, which runs detached: it sends its frames as it goes and ends
/// with the `done` frame it returns, or an `error` frame (also when it panics).
pub fn stream<F, Fut>(req: &HttpRequest, work: F) -> HttpResponse
where
    F: FnOnce(FrameSender) -> Fut + 'static,
    Fut: Future<Output = Result<Frame, ApiError>> + 'static,
{
    let (frames, receiver) = tokio::sync::mpsc::unbounded_channel();
    let errors = ErrorFrameContext::of(req);
    actix_web::rt::spawn(async move {
        let last = match detached(work(frames.clone())).await {
            Ok(frame) => frame,
            Err(error) => errors.frame(&error),
        };
        let _ = frames.send(last);
    });
    response(receiver)
}

/// Whether the client asked for a stream (`Accept: text/event-stream`).
pub fn wanted(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|part| part.trim().starts_with("text/event-stream")))
}

/// A comment line sent while nothing else is, so proxies do not close a quiet stream (a slow
/// first token) as idle.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// A stream of frames that are all known already (a replayed answer).
pub fn frames(frames: Vec<Frame>) -> HttpResponse {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    for frame in frames {
        let _ = sender.send(frame);
    }
    response(receiver)
}

fn response(frames: UnboundedReceiver<Frame>) -> HttpResponse {
    let body = futures_util::stream::unfold(frames, |mut frames| async move {
        let bytes = tokio::select! {
            frame = frames.recv() => {
                let frame = frame?;
                // JSON has no raw newlines, so one `data:` line per frame is enough.
                Bytes::from(format!("event: {}\ndata: {}\n\n", frame.event, frame.data))
            }
            () = tokio::time::sleep(KEEP_ALIVE) => Bytes::from_static(b": keep-alive\n\n"),
        };
        Some((Ok::<_, actix_web::Error>(bytes), frames))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((CACHE_CONTROL, "no-cache"))
        // nginx would otherwise buffer the stream.
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body)
}

/// What an `event: error` frame carries: the error contract body.
pub struct ErrorFrameContext {
    language: Language,
    request_id: String,
}

impl ErrorFrameContext {
    pub fn of(req: &HttpRequest) -> Self {
        Self { language: Language::of(req), request_id: RequestId::of(req) }
    }

    pub fn frame(&self, error: &ApiError) -> Frame {
        if error.code().status().is_server_error() {
            tracing::error!(request_id = %self.request_id, %error, "streamed request failed");
        }
        let payload = ErrorPayload { code: error.code(), details: error.details().cloned() };
        let body = render_body(self.language, &self.request_id, &payload);
        Frame { event: "error", data: String::from_utf8_lossy(&body).into_owned() }
    }
}
