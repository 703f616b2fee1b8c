//! The `AuthUser` extractor: a handler that takes it runs only for a signed-in, existing user.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use services::users::User;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The user behind the request's `Authorization: Bearer` access token.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
            let token = token.ok_or_else(|| ApiError::new(ErrorCode::AuthFailed))?;
            let user = state.auth.authenticate(&token).await?;
            Ok(Self(user))
        })
    }
}

/// The token of an `Authorization: Bearer …` header (the scheme in any case).
pub(crate) fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim().to_owned())
}

/// The client's User-Agent, for the session list.
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers().get(actix_web::http::header::USER_AGENT)?.to_str().ok().map(str::to_owned)
}
