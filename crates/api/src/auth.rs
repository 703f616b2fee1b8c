//! The `AuthUser` extractor: a handler that takes it runs only for a signed-in, existing user.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use domain::UserId;
use services::users::User;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Language;
use crate::state::AppState;

/// The user behind the request's `Authorization: Bearer` access token. Taking it also sets
/// the request's language to the user's interface language, so every error (and streamed
/// error frame) of the request speaks it.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

impl AuthUser {
    pub fn id(&self) -> UserId {
        self.0.id
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
            let token = token.ok_or_else(|| ApiError::new(ErrorCode::AuthFailed))?;
            let signed_in = state.auth.authenticate(&token).await?;
            req.extensions_mut().insert(Language::from(signed_in.language));
            Ok(Self(signed_in.user))
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
