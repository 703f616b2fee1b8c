//! Telegram Mini App `initData` validation: the HMAC-SHA256 "first-party" check with our bot
//! token, and the Ed25519 "third-party" `signature` check with Telegram's published keys for a
//! verifier that knows only the bot's id. Telegram always sends `hash`: initData without it is
//! malformed, whichever check runs.
//! <https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app>

use std::collections::HashSet;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use hmac::{Hmac, Mac};
use repositories::users::TelegramAccount;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Telegram's public keys for third-party validation (production and test environment).
pub const TELEGRAM_PUBLIC_KEYS_HEX: [&str; 2] = [
    "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d",
    "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec",
];

/// Clocks drift; a client a little ahead of us is not an attacker.
const ALLOWED_FUTURE_SKEW: Duration = Duration::seconds(60);
/// Real initData is well under 4 KiB; anything far larger is not initData.
const MAX_INIT_DATA_BYTES: usize = 16 * 1024;

/// Telegram sends base64url without padding; be lenient about padding and alphabet variants.
const BASE64_URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const BASE64_STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InitDataError {
    /// Not initData, or a required field is missing or unreadable.
    #[error("malformed initData: {0}")]
    Malformed(String),
    #[error("initData is older than allowed")]
    Stale,
    #[error("initData is dated in the future")]
    FutureDated,
    /// Well-formed but not signed by Telegram for this bot.
    #[error("initData signature does not match")]
    BadSignature,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedInitData {
    pub account: TelegramAccount,
    pub auth_date: DateTime<Utc>,
    pub start_param: Option<String>,
}

#[derive(Debug, Clone)]
pub struct InitDataVerifier {
    /// `None`: a third-party verifier, which checks the Ed25519 signature instead.
    secret: Option<[u8; 32]>,
    bot_id: Option<i64>,
    max_age: Duration,
    third_party_keys: Vec<VerifyingKey>,
}

impl InitDataVerifier {
    pub fn new(bot_token: &SecretString, max_age_seconds: i64) -> Self {
        let token = bot_token.expose_secret();
        Self {
            secret: Some(hmac(b"WebAppData", token.as_bytes())),
            bot_id: token.split_once(':').and_then(|(id, _)| id.parse().ok()),
            max_age: Duration::seconds(max_age_seconds),
            third_party_keys: telegram_keys(),
        }
    }

    /// A verifier that knows only the bot's id: it checks Telegram's Ed25519 `signature`.
    pub fn third_party(bot_id: i64, max_age_seconds: i64) -> Self {
        Self {
            secret: None,
            bot_id: Some(bot_id),
            max_age: Duration::seconds(max_age_seconds),
            third_party_keys: telegram_keys(),
        }
    }

    /// Replaces Telegram's keys, for tests that sign with a key of their own.
    pub fn with_third_party_keys(mut self, keys_hex: &[&str]) -> Self {
        self.third_party_keys = keys_hex.iter().filter_map(|hex| parse_public_key(hex)).collect();
        self
    }

    /// Checks the signature first (so a forgery learns nothing about freshness), then the age.
    pub fn verify(&self, raw: &str, now: DateTime<Utc>) -> Result<VerifiedInitData, InitDataError> {
        let pairs = parse_pairs(raw)?;
        let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let hash = field("hash").ok_or_else(|| malformed("hash is missing"))?;
        match &self.secret {
            Some(secret) => check_hash(secret, &pairs, hash)?,
            None => {
                self.check_signature(&pairs, field("signature").ok_or_else(|| malformed("signature is missing"))?)?
            }
        }
        let auth_date = field("auth_date")
            .and_then(|v| v.parse::<i64>().ok())
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| malformed("auth_date is missing or not a Unix time"))?;
        if now - auth_date > self.max_age {
            return Err(InitDataError::Stale);
        }
        if auth_date - now > ALLOWED_FUTURE_SKEW {
            return Err(InitDataError::FutureDated);
        }
        let user: TelegramUser = field("user").ok_or_else(|| malformed("user is missing")).and_then(|json| {
            serde_json::from_str(json).map_err(|e| malformed(&format!("user is not valid JSON: {e}")))
        })?;
        Ok(VerifiedInitData { account: user.into(), auth_date, start_param: field("start_param").map(str::to_owned) })
    }

    fn check_signature(&self, pairs: &[(String, String)], signature: &str) -> Result<(), InitDataError> {
        let bytes = BASE64_URL
            .decode(signature)
            .or_else(|_| BASE64_STD.decode(signature))
            .map_err(|_| malformed("signature is not base64"))?;
        let signature = Signature::from_slice(&bytes).map_err(|_| malformed("signature has the wrong length"))?;
        let bot_id = self.bot_id.ok_or(InitDataError::BadSignature)?;
        let message = format!("{bot_id}:WebAppData\n{}", data_check_string(pairs, &["hash", "signature"]));
        if self.third_party_keys.iter().any(|key| key.verify(message.as_bytes(), &signature).is_ok()) {
            Ok(())
        } else {
            Err(InitDataError::BadSignature)
        }
    }
}

fn telegram_keys() -> Vec<VerifyingKey> {
    TELEGRAM_PUBLIC_KEYS_HEX.iter().filter_map(|hex| parse_public_key(hex)).collect()
}

fn check_hash(secret: &[u8; 32], pairs: &[(String, String)], hash_hex: &str) -> Result<(), InitDataError> {
    let expected = hex::decode(hash_hex).map_err(|_| malformed("hash is not hexadecimal"))?;
    if expected.len() != 32 {
        return Err(malformed("hash has the wrong length"));
    }
    let mut mac = HmacSha256::new_from_slice(secret).map_err(|_| InitDataError::BadSignature)?;
    mac.update(data_check_string(pairs, &["hash"]).as_bytes());
    // verify_slice compares in constant time.
    mac.verify_slice(&expected).map_err(|_| InitDataError::BadSignature)
}

/// Builds signed initData the way Telegram does, with our bot token. Only the local dev sign-in
/// (and tests) use it: the result then goes through [`InitDataVerifier::verify`] like any other.
pub fn sign_with_bot_token(bot_token: &SecretString, fields: &[(&str, String)]) -> String {
    let secret = hmac(b"WebAppData", bot_token.expose_secret().as_bytes());
    let pairs: Vec<(String, String)> = fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let hash = hex::encode(hmac(&secret, data_check_string(&pairs, &[]).as_bytes()));
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        query.append_pair(k, v);
    }
    query.append_pair("hash", &hash);
    query.finish()
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn parse_public_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

fn malformed(why: &str) -> InitDataError {
    InitDataError::Malformed(why.to_owned())
}

/// Decoded `key=value` pairs; a repeated key makes the whole string suspect.
fn parse_pairs(raw: &str) -> Result<Vec<(String, String)>, InitDataError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_INIT_DATA_BYTES {
        return Err(malformed("empty or oversized"));
    }
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut seen = HashSet::new();
    for (key, _) in &pairs {
        if key.is_empty() || !seen.insert(key.as_str()) {
            return Err(malformed(&format!("key {key:?} is empty or repeated")));
        }
    }
    Ok(pairs)
}

/// `key=value` lines sorted by key, without the `excluded` keys.
fn data_check_string(pairs: &[(String, String)], excluded: &[&str]) -> String {
    let mut lines: Vec<(&str, &str)> =
        pairs.iter().filter(|(k, _)| !excluded.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    lines.sort_by(|a, b| a.0.cmp(b.0));
    lines.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\n")
}

#[derive(Deserialize)]
struct TelegramUser {
    id: i64,
    #[serde(default)]
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    language_code: Option<String>,
    photo_url: Option<String>,
}

impl From<TelegramUser> for TelegramAccount {
    fn from(u: TelegramUser) -> Self {
        Self {
            telegram_id: u.id,
            first_name: u.first_name,
            last_name: u.last_name.filter(|s| !s.is_empty()),
            username: u.username.filter(|s| !s.is_empty()),
            language_code: u.language_code.filter(|s| !s.is_empty()),
            photo_url: u.photo_url.filter(|s| !s.is_empty()),
        }
    }
}
