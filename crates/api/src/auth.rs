//! Who is calling. The `identify` middleware authenticates a bearer token on `/api/…` before
//! any extractor runs, so the user's interface language is the request's language for every
//! error it may end in (a 422 from a body extractor included); the `AuthUser` extractor then
//! takes that outcome, and a handler that takes it runs only for a signed-in, existing user.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use domain::UserId;
use services::users::User;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Language;
use crate::state::AppState;

/// The user behind the request's `Authorization: Bearer` access token.
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
        if let Some(Identity(outcome)) = req.extensions_mut().remove::<Identity>() {
            return Box::pin(async move { Ok(Self(outcome?)) });
        }
        // Outside `identify` (no token, or a route it does not cover).
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState is not registered")))?;
            let token = token.ok_or_else(|| ApiError::new(ErrorCode::AuthFailed))?;
            Ok(Self(user_behind(&state, &token, &req).await?))
        })
    }
}

/// The user behind `token`; the request then speaks their interface language.
async fn user_behind(state: &AppState, token: &str, req: &HttpRequest) -> Result<User, services::auth::AuthError> {
    let signed_in = state.auth.authenticate(token).await?;
    req.extensions_mut().insert(Language::from(signed_in.language));
    Ok(signed_in.user)
}

/// The outcome of authenticating the request's token, left on the request by [`identify`].
struct Identity(Result<User, services::auth::AuthError>);

/// Authenticates a bearer token on `/api/…` once, before the extractors; a request without a
/// token passes untouched (the routes that need one answer 401 through [`AuthUser`]).
pub async fn identify(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    if let (Some(state), Some(token)) = (state, bearer_token(req.request()))
        && req.path().starts_with("/api/")
    {
        let outcome = user_behind(&state, &token, req.request()).await;
        req.extensions_mut().insert(Identity(outcome));
    }
    next.call(req).await
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
