//! HTTP plumbing shared by the providers: the client with its timeouts, one send that turns
//! error statuses into retryable or final failures, and the Server-Sent Events reader.

use std::time::Duration;

use eventsource_stream::{Event, Eventsource};
use futures_util::{Stream, StreamExt};

use super::LlmError;
use super::retry::{Failure, parse_retry_after};

pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, LlmError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .build()
        .map_err(|e| LlmError::Transport(e.to_string()))
}

/// Sends the request; a non-2xx answer becomes a [`Failure`] carrying the provider's
/// `Retry-After` and the start of its error body (never the request, which holds the key).
pub(crate) async fn send(call: reqwest::RequestBuilder) -> Result<reqwest::Response, Failure> {
    let response = call.send().await.map_err(|e| Failure::new(transport(e)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after =
        parse_retry_after(response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()));
    let message = response.text().await.unwrap_or_default().chars().take(300).collect();
    Err(Failure { error: LlmError::Status { status: status.as_u16(), message }, retry_after, committed: false })
}

pub(crate) fn transport(error: reqwest::Error) -> LlmError {
    LlmError::Transport(error.without_url().to_string())
}

/// The response body as Server-Sent Events.
pub(crate) fn events(response: reqwest::Response) -> impl Stream<Item = Result<Event, LlmError>> + Unpin {
    response.bytes_stream().eventsource().map(|item| {
        item.map_err(|e| match e {
            eventsource_stream::EventStreamError::Transport(e) => transport(e),
            other => LlmError::Malformed(other.to_string()),
        })
    })
}

/// Passes one streamed piece on; a closed receiver is fine (the caller still gets the whole).
pub(crate) fn emit(deltas: &super::DeltaSink, text: &str, sent_any: &mut bool) {
    if !text.is_empty() {
        *sent_any = true;
        let _ = deltas.send(text.to_owned());
    }
}
