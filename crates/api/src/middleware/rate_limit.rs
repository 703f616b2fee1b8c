//! Request rates for `/api/…`, per client address (the peer, or `X-Forwarded-For` behind a
//! trusted proxy) and per signed-in user. Health, readiness, metrics, the Mini App's files and
//! the Telegram webhook are not limited.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::auth::bearer_token;
use crate::error::{ApiError, ErrorCode};
use crate::middleware::request_id::client_ip;
use crate::state::AppState;

pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|_| req.path().starts_with("/api/")) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let ip = client_ip(req.request(), &state.settings.server.trusted_proxies);
    let user = bearer_token(req.request()).and_then(|token| state.auth.token_subject(&token));
    if let Err(limited) = state.rate_limits.check(ip, user).await {
        let error = ApiError::new(ErrorCode::RateLimitExceeded)
            .with_details(serde_json::json!({ "scope": limited.scope, "limit": limited.limit,
                "retry_after": limited.retry_after_seconds }))
            .with_retry_after(limited.retry_after_seconds)
            .with_header("x-ratelimit-limit", limited.limit)
            .with_header("x-ratelimit-remaining", 0)
            .with_header("x-ratelimit-reset", limited.reset_at.timestamp());
        return Ok(req.error_response(error).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
