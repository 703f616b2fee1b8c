//! Security headers on every response. The CSP lets Telegram's web clients frame the Mini App
//! (`X-Frame-Options: DENY` would break Telegram Web); HSTS is sent only where TLS is certain.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::state::AppState;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
script-src 'self' https://telegram.org; \
style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob: https:; \
font-src 'self' data:; \
connect-src 'self'; \
media-src 'self' blob:; \
object-src 'none'; \
base-uri 'self'; \
form-action 'self'; \
frame-ancestors 'self' https://web.telegram.org https://*.telegram.org https://t.me";

const HSTS: &str = "max-age=63072000; includeSubDomains";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let hsts = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.settings.app_env.is_strict());
    let mut res = next.call(req).await?;
    apply(res.headers_mut(), hsts);
    Ok(res)
}

/// Adds the security headers; also used for responses rendered outside this middleware.
pub(crate) fn apply(headers: &mut HeaderMap, hsts: bool) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    if hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
}
