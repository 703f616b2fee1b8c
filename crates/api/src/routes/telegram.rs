//! `POST /telegram/webhook`: Telegram delivers updates here. The secret header is checked in
//! constant time, the update is stored in the inbox, and Telegram gets 200 at once; the bot's
//! processor handles it later (services::inbox). Registered only when
//! `TELEGRAM_WEBHOOK_SECRET` is set, and kept out of the OpenAPI document: its contract is
//! Telegram's (docs/api.md).

use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub const WEBHOOK_PATH: &str = "/telegram/webhook";
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(WEBHOOK_PATH).route(web::post().to(webhook)));
}

pub async fn webhook(state: web::Data<AppState>, req: HttpRequest, body: Bytes) -> Result<HttpResponse, ApiError> {
    let Some(secret) = &state.settings.telegram.webhook_secret else {
        return Err(ApiError::new(ErrorCode::NotFound));
    };
    let given = req.headers().get(SECRET_HEADER).map(|value| value.as_bytes()).unwrap_or_default();
    if !bool::from(given.ct_eq(secret.expose_secret().as_bytes())) {
        return Err(ApiError::new(ErrorCode::AuthFailed));
    }
    let raw = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(ErrorCode::InvalidFieldValue)
            .with_details(serde_json::json!({ "field": "update", "reason": "not UTF-8" }))
    })?;
    state.inbox.receive(raw).await?;
    Ok(HttpResponse::Ok().finish())
}
