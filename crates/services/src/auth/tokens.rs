//! Short-lived access tokens (JWT, HS256) and opaque refresh tokens (stored only as hashes).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use domain::UserId;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::AuthError;

const ISSUER: &str = "lang-agent";
const AUDIENCE: &str = "lang-agent-miniapp";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The Telegram user id, so logs and the bot can correlate without a lookup.
    pub tg: i64,
    /// The user's `auth_version` when the token was issued; a logout bumps it.
    #[serde(default)]
    pub ver: i32,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

#[derive(Clone)]
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
    validation: Validation,
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokens").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl AccessTokens {
    pub fn new(secret_key: &SecretString, ttl: Duration) -> Self {
        let key = secret_key.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked against our Clock below, so tests can move time.
        validation.validate_exp = false;
        validation.leeway = 0;
        Self { encoding: EncodingKey::from_secret(key), decoding: DecodingKey::from_secret(key), ttl, validation }
    }

    pub fn issue(
        &self,
        user_id: UserId,
        telegram_id: i64,
        auth_version: i32,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), AuthError> {
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user_id.as_uuid(),
            tg: telegram_id,
            ver: auth_version,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AuthError::Unexpected(format!("cannot sign an access token: {e}")))?;
        Ok((token, expires_at))
    }

    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, AuthError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| AuthError::InvalidToken)?;
        if data.claims.exp <= now.timestamp() {
            return Err(AuthError::TokenExpired);
        }
        Ok(data.claims)
    }
}

/// A new refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps instead of the token: a leaked table grants no session.
pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
