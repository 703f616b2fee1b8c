//! `/metrics`, in the Prometheus text format. On the main port it needs `METRICS_TOKEN` as a
//! bearer token outside local/test; with `METRICS_PORT` it is served only on that port (bound
//! to `METRICS_HOST`), which asks for the token whenever one is set.

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::auth::bearer_token;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub fn resource() -> actix_web::Resource {
    web::resource("/metrics").route(web::get().to(metrics))
}

pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let server = &state.settings.server;
    let on_main_port = server.metrics_port.is_none();
    let token_needed =
        if on_main_port { !state.settings.app_env.is_development() } else { server.metrics_token.is_some() };
    if token_needed {
        authorize(&req, server.metrics_token.as_ref())?;
    }
    let text = state.metrics.render(&state.app).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType("text/plain; version=0.0.4; charset=utf-8".parse().map_err(ApiError::internal)?))
        .body(text))
}

fn authorize(req: &HttpRequest, token: Option<&secrecy::SecretString>) -> Result<(), ApiError> {
    match (token, bearer_token(req)) {
        (Some(expected), Some(given)) if bool::from(expected.expose_secret().as_bytes().ct_eq(given.as_bytes())) => {
            Ok(())
        }
        _ => Err(ApiError::new(ErrorCode::AuthFailed)),
    }
}
