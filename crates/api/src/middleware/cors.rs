//! CORS for the Mini App. Only configured origins (plus `http://localhost:*` and
//! `http://127.0.0.1:*` in local/test) are allowed, and the headers go on every response,
//! error responses included, so a 413 or 429 reaches the app as that status and not as an
//! opaque network error. Written here rather than taken from actix-cors because that crate adds
//! no headers to responses that travel as `Err`, and answers disallowed simple requests with
//! a plain-text 400 of its own.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};

use crate::error::{ErrorCode, contract_response};
use crate::state::AppState;

const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS: &str = "authorization, content-type, accept, accept-language, x-request-id, idempotency-key";
const EXPOSED_HEADERS: &str = "x-request-id, retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset";
const PREFLIGHT_MAX_AGE_SECONDS: &str = "600";

/// The request's `Origin` when the policy allows it.
pub(crate) fn allowed_origin(req: &ServiceRequest) -> Option<String> {
    let origin = req.headers().get(header::ORIGIN)?.to_str().ok()?;
    let state = req.app_data::<web::Data<AppState>>()?;
    state.cors.allows(origin).then(|| origin.to_owned())
}

pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let allowed = allowed_origin(&req).is_some();
    let is_preflight = req.method() == Method::OPTIONS
        && origin.is_some()
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);

    if is_preflight {
        let (http_req, _) = req.into_parts();
        let mut response = if allowed {
            let mut ok = HttpResponse::NoContent().finish();
            let h = ok.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOWED_METHODS));
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(PREFLIGHT_MAX_AGE_SECONDS));
            ok
        } else {
            contract_response(&http_req, ErrorCode::Forbidden)
        };
        decorate(response.headers_mut(), origin.as_deref().filter(|_| allowed));
        return Ok(ServiceResponse::new(http_req, response));
    }

    let mut res = next.call(req).await?.map_into_boxed_body();
    decorate(res.headers_mut(), origin.as_deref().filter(|_| allowed));
    Ok(res)
}

pub(crate) fn decorate(headers: &mut HeaderMap, allowed_origin: Option<&str>) {
    // Responses differ by Origin, so caches must key on it even when we add nothing.
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    let Some(origin) = allowed_origin.and_then(|o| HeaderValue::from_str(o).ok()) else {
        return;
    };
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
}
