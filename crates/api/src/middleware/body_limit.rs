//! Request body limit, enforced while the body streams in: a declared `Content-Length` over
//! the limit is refused before a byte is read, and a chunked body is cut off as soon as it
//! passes the limit, so no request can make us buffer more than the limit.

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, web};
use futures_util::Stream;
use serde_json::json;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub async fn body_limit(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let import = is_import(&req);
    let Some(limit) = req.app_data::<web::Data<AppState>>().map(|s| {
        let server = &s.settings.server;
        if import {
            server.max_import_bytes.max(server.max_request_bytes)
        } else if req.path() == crate::routes::media::TRANSCRIBE_PATH {
            services::media::MAX_VOICE_BYTES.max(server.max_request_bytes)
        } else if req.path() == crate::routes::media::OCR_PATH {
            crate::routes::media::OCR_BODY_BYTES.max(server.max_request_bytes)
        } else {
            server.max_request_bytes
        }
    }) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        let response =
            req.error_response(ApiError::new(ErrorCode::PayloadTooLarge).with_details(json!({ "max_bytes": limit })));
        return Ok(response.map_into_right_body());
    }
    let inner = req.take_payload();
    req.set_payload(Payload::from(Box::pin(LimitedPayload { inner, remaining: limit, done: false })
        as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>));
    Ok(next.call(req).await?.map_into_left_body())
}

/// A deck import (`POST /api/decks/{id}/import`) may carry a whole Anki package.
pub fn is_import(req: &ServiceRequest) -> bool {
    req.method() == actix_web::http::Method::POST
        && req
            .path()
            .strip_prefix("/api/decks/")
            .and_then(|rest| rest.strip_suffix("/import"))
            .is_some_and(|id| !id.contains('/'))
}

/// Passes chunks through until the limit is crossed, then yields `Overflow` and stops.
struct LimitedPayload {
    inner: Payload,
    remaining: usize,
    done: bool,
}

impl Stream for LimitedPayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if chunk.len() > self.remaining {
                    self.done = true;
                    return Poll::Ready(Some(Err(PayloadError::Overflow)));
                }
                self.remaining -= chunk.len();
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}
