//! `/api/auth/*`: Telegram sign-in, the local dev sign-in, token refresh and logout.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use services::auth::{DevIdentity, Session};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::user_agent;
use crate::error::ApiError;
use crate::schemas::UserResponse;
use crate::state::AppState;
use crate::validated_json::ValidatedJson;

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    /// The raw `Telegram.WebApp.initData` string.
    #[validate(length(min = 1, max = 16384))]
    #[schema(min_length = 1, max_length = 16384, pattern = "^[^\\u0000]*$")]
    pub init_data: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512, pattern = "^[^\\u0000]*$")]
    pub refresh_token: String,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DevLoginRequest {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub telegram_id: Option<i64>,
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = "^[^\\u0000]*$")]
    pub first_name: Option<String>,
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32, pattern = "^[^\\u0000]*$")]
    pub username: Option<String>,
    #[validate(length(min = 2, max = 10))]
    #[schema(min_length = 2, max_length = 10, pattern = "^[^\\u0000]*$")]
    pub language_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
    pub user: UserResponse,
}

async fn respond(state: &AppState, session: Session) -> Result<HttpResponse, ApiError> {
    let me = state.users.me(session.user.id).await?;
    Ok(HttpResponse::Ok().json(SessionResponse {
        access_token: session.access_token,
        refresh_token: session.refresh_token,
        expires_at: session.access_expires_at,
        user: UserResponse::new(session.user, me.interface_language),
    }))
}

/// Signs in with Mini App initData.
#[utoipa::path(post, path = "/api/auth/validate", tag = "auth", request_body = ValidateRequest,
    responses((status = 200, body = SessionResponse),
              (status = 400, description = "INVALID_INIT_DATA: malformed, stale or future-dated", body = crate::error::ErrorBody),
              (status = 401, description = "AUTH_FAILED: bad signature", body = crate::error::ErrorBody)))]
pub async fn validate(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidatedJson<ValidateRequest>,
) -> Result<HttpResponse, ApiError> {
    let session = state.auth.sign_in(&body.0.init_data, user_agent(&req).as_deref()).await?;
    respond(&state, session).await
}

/// Local development only: signs in as a made-up Telegram user through the same validation.
#[utoipa::path(post, path = "/api/auth/dev-login", tag = "auth", request_body = DevLoginRequest,
    responses((status = 200, body = SessionResponse)))]
pub async fn dev_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidatedJson<DevLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let identity = DevIdentity {
        telegram_id: body.telegram_id.unwrap_or(1),
        first_name: body.first_name.unwrap_or_else(|| "Dev".to_owned()),
        username: body.username,
        language_code: body.language_code.or_else(|| Some("ru".to_owned())),
    };
    let session = state.auth.dev_sign_in(identity, user_agent(&req).as_deref()).await?;
    respond(&state, session).await
}

/// Spends a refresh token for a new session pair.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = SessionResponse), (status = 401, description = "AUTH_FAILED", body = crate::error::ErrorBody)))]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidatedJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let session = state.auth.refresh(&body.0.refresh_token, user_agent(&req).as_deref()).await?;
    respond(&state, session).await
}

/// Ends the session the refresh token belongs to.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "signed out")))]
pub async fn logout(state: web::Data<AppState>, body: ValidatedJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    state.auth.logout(&body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
