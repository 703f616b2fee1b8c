//! The middleware stack, outermost first:
//! request id → metrics → CORS → security headers → error contract → rate limit → identity
//! (`auth::identify`: the signed-in user and their language, once per request) → body limit
//! → routes. CORS sits outside the error contract so every error response carries CORS headers,
//! and the error contract sits outside the rate and body limits so a 429 or 413 is rendered like
//! every other error.

pub mod body_limit;
pub mod cors;
pub mod error_contract;
pub mod metrics;
pub mod rate_limit;
pub mod request_id;
pub mod security_headers;
