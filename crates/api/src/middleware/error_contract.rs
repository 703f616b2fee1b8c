//! Turns every failure into the contract body: our `ApiError`s, actix-web's own error
//! responses (404, 405, 413, extractor errors), errors returned as `Err`, and panics.
//!
//! An `Err` or a panic leaves no request to build a `ServiceResponse` from (and holding a
//! clone of the request across the call would break actix's routing), so those are returned
//! as a [`RenderedError`] that already carries the body, request id, CORS and security headers
//! computed before the call.

use std::fmt;
use std::panic::AssertUnwindSafe;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use futures_util::FutureExt;

use crate::error::{ApiError, ErrorCode, ErrorPayload, rebuild, render_body};
use crate::i18n::Language;
use crate::middleware::request_id::{RequestId, X_REQUEST_ID};
use crate::middleware::{cors, security_headers};
use crate::state::AppState;

pub async fn error_contract(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let context = FailureContext::of(&req);
    // The call happens inside the future so a panic while building it is caught too.
    let outcome = AssertUnwindSafe(async move { next.call(req).await }).catch_unwind().await;
    match outcome {
        Ok(Ok(res)) => Ok(into_contract(res.map_into_boxed_body())),
        Ok(Err(err)) => {
            let response = err.error_response();
            let payload = payload_of(&response);
            Err(context.render(response.status(), &payload).into())
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_owned());
            tracing::error!(panic = %what, "handler panicked");
            let payload = ErrorPayload { code: ErrorCode::InternalError, details: None };
            Err(context.render(StatusCode::INTERNAL_SERVER_ERROR, &payload).into())
        }
    }
}

fn payload_of(response: &HttpResponse) -> ErrorPayload {
    response
        .extensions()
        .get::<ErrorPayload>()
        .cloned()
        .or_else(|| {
            response
                .error()
                .and_then(|e| e.as_error::<ApiError>())
                .map(|e| ErrorPayload { code: e.code(), details: None })
        })
        .unwrap_or_else(|| ErrorPayload { code: ErrorCode::for_status(response.status()), details: None })
}

/// Leaves successful responses alone and re-renders every error response as the contract.
pub(crate) fn into_contract(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let payload = payload_of(res.response());
    let (req, response) = res.into_parts();
    let body = render_body(Language::of(&req), &RequestId::of(&req), &payload);
    ServiceResponse::new(req, rebuild(response, body))
}

/// What is needed to answer a request whose handling failed without a response.
struct FailureContext {
    request_id: String,
    language: Language,
    allowed_origin: Option<String>,
    hsts: bool,
}

impl FailureContext {
    fn of(req: &ServiceRequest) -> Self {
        Self {
            request_id: req.extensions().get::<RequestId>().map_or_else(|| "unknown".to_owned(), |id| id.0.clone()),
            language: Language::of(req.request()),
            allowed_origin: cors::allowed_origin(req),
            hsts: req.app_data::<web::Data<AppState>>().is_some_and(|s| s.settings.app_env.is_strict()),
        }
    }

    fn render(self, status: StatusCode, payload: &ErrorPayload) -> RenderedError {
        RenderedError { status, body: render_body(self.language, &self.request_id, payload), context: self }
    }
}

/// A finished error response travelling as `Err` through the outer middleware.
pub struct RenderedError {
    status: StatusCode,
    body: Vec<u8>,
    context: FailureContext,
}

impl fmt::Debug for RenderedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenderedError").field("status", &self.status).finish_non_exhaustive()
    }
}

impl fmt::Display for RenderedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request failed with {}", self.status)
    }
}

impl ResponseError for RenderedError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = rebuild(HttpResponse::new(self.status), self.body.clone());
        let headers = response.headers_mut();
        if let Ok(id) = HeaderValue::from_str(&self.context.request_id) {
            headers.insert(X_REQUEST_ID, id);
        }
        security_headers::apply(headers, self.context.hsts);
        cors::decorate(headers, self.context.allowed_origin.as_deref());
        response
    }
}
