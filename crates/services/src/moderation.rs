//! The check before a tutor call: local spam rules, then the provider's moderation endpoint
//! when one is configured. A moderation outage is logged and lets the message through:
//! learning must not stop because a safety service is down.

use std::sync::Arc;
use std::time::Duration;

use domain::UserId;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::cache::Cache;

/// The same text this many times within [`REPEAT_WINDOW`] is flooding.
const REPEAT_LIMIT: i64 = 4;
const REPEAT_WINDOW: Duration = Duration::from_secs(600);
const MAX_CHARACTER_RUN: usize = 40;
const MAX_LINKS: usize = 3;
const ENDPOINT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused, with a reason code for the client (`spam`, `links`, `repeated`, `flagged`).
    Rejected(&'static str),
}

#[derive(Clone)]
struct Endpoint {
    http: reqwest::Client,
    url: String,
    api_key: Option<SecretString>,
    model: String,
}

#[derive(Clone)]
pub struct Moderator {
    cache: Arc<dyn Cache>,
    endpoint: Option<Endpoint>,
}

impl std::fmt::Debug for Moderator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Moderator").field("endpoint", &self.endpoint.as_ref().map(|e| &e.url)).finish()
    }
}

impl Moderator {
    /// Local rules only.
    pub fn local(cache: Arc<dyn Cache>) -> Self {
        Self { cache, endpoint: None }
    }

    /// Local rules plus `{base_url}/moderations` (OpenAI's protocol) with `model`.
    pub fn with_endpoint(
        cache: Arc<dyn Cache>,
        base_url: &url::Url,
        api_key: Option<SecretString>,
        model: String,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(ENDPOINT_TIMEOUT).build()?;
        let url = format!("{}/moderations", base_url.as_str().trim_end_matches('/'));
        Ok(Self { cache, endpoint: Some(Endpoint { http, url, api_key, model }) })
    }

    pub async fn check(&self, user_id: UserId, text: &str) -> Verdict {
        if let Some(reason) = local_rule(text) {
            return self.log(Verdict::Rejected(reason), user_id);
        }
        if self.repeated(user_id, text).await {
            return self.log(Verdict::Rejected("repeated"), user_id);
        }
        let Some(endpoint) = &self.endpoint else { return Verdict::Allowed };
        match endpoint.flagged(text).await {
            Ok(true) => self.log(Verdict::Rejected("flagged"), user_id),
            Ok(false) => Verdict::Allowed,
            Err(error) => {
                tracing::warn!(%error, "moderation endpoint unavailable; letting the message through");
                Verdict::Allowed
            }
        }
    }

    fn log(&self, verdict: Verdict, user_id: UserId) -> Verdict {
        if let Verdict::Rejected(reason) = verdict {
            tracing::info!(%user_id, reason, "message refused by moderation");
        }
        verdict
    }

    async fn repeated(&self, user_id: UserId, text: &str) -> bool {
        let digest = hex::encode(Sha256::digest(domain::text::normalized_key(text).as_bytes()));
        let key = format!("spam:{user_id}:{}", digest.get(..16).unwrap_or(&digest));
        match self.cache.incr_by(&key, 1, REPEAT_WINDOW).await {
            Ok(count) => count > REPEAT_LIMIT,
            Err(error) => {
                tracing::warn!(%error, "spam counter unavailable; skipping the repeat rule");
                false
            }
        }
    }
}

fn local_rule(text: &str) -> Option<&'static str> {
    let mut run = 0;
    let mut previous = None;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        run = if Some(c) == previous { run + 1 } else { 1 };
        previous = Some(c);
        if run >= MAX_CHARACTER_RUN {
            return Some("spam");
        }
    }
    let lower = text.to_lowercase();
    let links = lower.matches("http://").count() + lower.matches("https://").count() + lower.matches("t.me/").count();
    (links > MAX_LINKS).then_some("links")
}

#[derive(Deserialize)]
struct ModerationResponse {
    results: Vec<ModerationResult>,
}

#[derive(Deserialize)]
struct ModerationResult {
    flagged: bool,
}

impl Endpoint {
    async fn flagged(&self, text: &str) -> Result<bool, String> {
        let mut call = self.http.post(&self.url).json(&serde_json::json!({"model": self.model, "input": text}));
        if let Some(key) = &self.api_key {
            call = call.bearer_auth(key.expose_secret());
        }
        let response = call.send().await.map_err(|e| e.without_url().to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body: ModerationResponse = response.json().await.map_err(|e| e.without_url().to_string())?;
        Ok(body.results.iter().any(|r| r.flagged))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_rules_catch_floods_and_link_lists() {
        assert_eq!(local_rule("Wie sagt man 'Hund'?"), None);
        assert_eq!(local_rule(&"a".repeat(40)), Some("spam"));
        assert_eq!(local_rule(&"ha".repeat(60)), None, "laughing is not a run of one character");
        assert_eq!(local_rule("https://a https://b http://c t.me/d"), Some("links"));
        assert_eq!(local_rule("see https://dict.cc and https://duden.de"), None);
    }
}
