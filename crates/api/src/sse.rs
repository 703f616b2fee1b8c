//! Server-Sent Events for routes that stream (`api.md`: "(S)"): a channel of frames becomes a
//! `text/event-stream` body. The work behind the stream runs in its own task, so a client that
//! goes away does not cancel it halfway (the answer is still saved).

use actix_web::http::header::{ACCEPT, CACHE_CONTROL};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
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

/// Whether the client asked for a stream (`Accept: text/event-stream`).
pub fn wanted(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|part| part.trim().starts_with("text/event-stream")))
}

pub fn response(frames: UnboundedReceiver<Frame>) -> HttpResponse {
    let body = futures_util::stream::unfold(frames, |mut frames| async move {
        let frame = frames.recv().await?;
        // JSON has no raw newlines, so one `data:` line per frame is enough.
        let bytes = Bytes::from(format!("event: {}\ndata: {}\n\n", frame.event, frame.data));
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
        Self { language: Language::negotiate(req), request_id: RequestId::of(req) }
    }

    pub fn frame(&self, error: &ApiError) -> Frame {
        let payload = ErrorPayload { code: error.code(), details: error.details().cloned() };
        let body = render_body(self.language, &self.request_id, &payload);
        Frame { event: "error", data: String::from_utf8_lossy(&body).into_owned() }
    }
}
