//! `Idempotency-Key` for POSTs that cost LLM calls: the first request with a key claims it, a
//! repeat with the same key and body gets the first (successful) response back, and a repeat
//! while the first still runs is told so. Failed requests release the key so they can be
//! retried. Completing and releasing compare the claim first, so a request that outlived its
//! claim never frees or overwrites a later one. With the cache unreachable requests run
//! unprotected (logged), never refused.

use std::sync::Arc;
use std::time::Duration;

use domain::UserId;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache::Cache;
use crate::detached::{Detached, Panicked};

/// How long a finished response is replayed.
const RESULT_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a claim holds when its request never finishes (the process died): longer than the
/// longest run (20 words, every call re-asked and retried to its timeout).
const CLAIM_TTL: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone)]
struct IdempotencyKey {
    /// `None` when the cache was unreachable: nothing to store or release.
    cache_key: Option<String>,
    fingerprint: String,
    /// The claim as stored: completing or releasing only touches the key while it still holds it.
    pending: String,
}

impl IdempotencyKey {
    /// No key was sent: nothing is stored.
    fn none() -> Self {
        Self { cache_key: None, fingerprint: String::new(), pending: String::new() }
    }
}

/// Why a keyed request cannot run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyConflict {
    #[error("a request with this Idempotency-Key is still running")]
    InProgress,
    #[error("this Idempotency-Key was used for a different request")]
    KeyReused,
}

impl IdempotencyConflict {
    pub fn reason(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::KeyReused => "idempotency_key_reused",
        }
    }
}

/// A keyed request: ours to run, or answered before.
#[derive(Debug)]
enum Keyed<T> {
    Fresh(IdempotencyKey),
    Replay(T),
}

/// A keyed request that now runs on its own task (with what its caller is handed at once), or
/// the stored result of its first run.
#[derive(Debug)]
pub enum Started<S, T, E> {
    Running(S, Detached<T, E>),
    Replay(T),
}

/// A claimed key that frees itself unless it was finished: work that panicked, or was cancelled
/// by a runtime shutting down, must not leave its key "in progress" until the claim expires.
struct ClaimGuard {
    store: IdempotencyStore,
    key: Option<IdempotencyKey>,
}

impl ClaimGuard {
    /// Stores `result` under the key, or frees the key when there is none (the work failed).
    async fn finish(mut self, result: Option<serde_json::Value>) {
        if let Some(key) = self.key.take() {
            self.store.finish(&key, result).await;
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let store = self.store.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move { store.release(&key).await });
            }
            Err(_) => tracing::warn!("an idempotency key could not be freed outside a runtime"),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    response: Option<serde_json::Value>,
    /// Tells this claim from a later one of the same key (after this one expired).
    #[serde(default)]
    claim: String,
}

#[derive(Debug, Clone)]
pub struct IdempotencyStore {
    cache: Arc<dyn Cache>,
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

impl IdempotencyStore {
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self { cache }
    }

    /// Claims `key` for this user and operation; `request` is the body, compared on replays.
    async fn begin(
        &self,
        user_id: UserId,
        operation: &str,
        key: &str,
        request: &[u8],
    ) -> Result<Keyed<serde_json::Value>, IdempotencyConflict> {
        let cache_key = format!("idem:{user_id}:{operation}:{}", sha256_hex(key.as_bytes()));
        let fingerprint = sha256_hex(request);
        let claim = uuid::Uuid::new_v4().to_string();
        let pending = serde_json::to_string(&Entry { fingerprint: fingerprint.clone(), response: None, claim })
            .unwrap_or_default();
        let unprotected = |error: &dyn std::fmt::Display| {
            tracing::warn!(%error, "idempotency store unavailable; running the request unprotected");
            Ok(Keyed::Fresh(IdempotencyKey {
                cache_key: None,
                fingerprint: fingerprint.clone(),
                pending: String::new(),
            }))
        };
        match self.cache.set_nx_ex(&cache_key, &pending, CLAIM_TTL).await {
            Ok(true) => return Ok(Keyed::Fresh(IdempotencyKey { cache_key: Some(cache_key), fingerprint, pending })),
            Ok(false) => {}
            Err(error) => return unprotected(&error),
        }
        let stored = match self.cache.get(&cache_key).await {
            Ok(stored) => stored,
            Err(error) => return unprotected(&error),
        };
        match stored.and_then(|s| serde_json::from_str::<Entry>(&s).ok()) {
            Some(entry) if entry.fingerprint != fingerprint => Err(IdempotencyConflict::KeyReused),
            Some(Entry { response: Some(response), .. }) => Ok(Keyed::Replay(response)),
            // Pending, or expired between the two commands (the client may simply retry).
            _ => Err(IdempotencyConflict::InProgress),
        }
    }

    /// The whole life of a request that may carry a key: claim the key for `request` (a
    /// finished first request is handed back instead); `prepare`, whose refusals free the key;
    /// then `work` on its own task, so that a caller going away cancels nothing, its result
    /// stored under the key (a failure frees the key for a retry). `work` gives what the caller
    /// is handed at once beside the future to run.
    pub async fn start<S, T, E, P, W>(
        &self,
        user_id: UserId,
        operation: &str,
        key: Option<&str>,
        request: &impl Serialize,
        prepare: impl Future<Output = Result<P, E>>,
        work: impl FnOnce(P) -> (S, W),
    ) -> Result<Started<S, T, E>, E>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        E: From<IdempotencyConflict> + From<Panicked> + Send + 'static,
        W: Future<Output = Result<T, E>> + Send + 'static,
    {
        let claim = match self.claim(user_id, operation, key, request).await? {
            Keyed::Replay(result) => return Ok(Started::Replay(result)),
            Keyed::Fresh(key) => ClaimGuard { store: self.clone(), key: Some(key) },
        };
        let prepared = match prepare.await {
            Ok(prepared) => prepared,
            Err(error) => {
                claim.finish(None).await;
                return Err(error);
            }
        };
        let (at_once, running) = work(prepared);
        Ok(Started::Running(
            at_once,
            Detached::spawn(async move {
                let result = running.await;
                claim.finish(result.as_ref().ok().and_then(|value| serde_json::to_value(value).ok())).await;
                result
            }),
        ))
    }

    /// Claims `key` (when the client sent one) for `request`; a finished first request is
    /// handed back as its stored result.
    async fn claim<T: DeserializeOwned>(
        &self,
        user_id: UserId,
        operation: &str,
        key: Option<&str>,
        request: &impl Serialize,
    ) -> Result<Keyed<T>, IdempotencyConflict> {
        let Some(key) = key else { return Ok(Keyed::Fresh(IdempotencyKey::none())) };
        let fingerprint = serde_json::to_vec(request).unwrap_or_default();
        match self.begin(user_id, operation, key, &fingerprint).await? {
            Keyed::Fresh(key) => Ok(Keyed::Fresh(key)),
            Keyed::Replay(stored) => serde_json::from_value(stored).map(Keyed::Replay).map_err(|error| {
                // Stored by an older version in another shape: the key cannot be honoured.
                tracing::warn!(%error, "a stored idempotent result is unreadable");
                IdempotencyConflict::KeyReused
            }),
        }
    }

    /// Stores the result of a fresh claim, or frees the key when the request failed.
    async fn finish(&self, key: &IdempotencyKey, result: Option<serde_json::Value>) {
        match result {
            Some(value) => self.complete(key, &value).await,
            None => self.release(key).await,
        }
    }

    async fn complete(&self, key: &IdempotencyKey, response: &serde_json::Value) {
        let Some(cache_key) = &key.cache_key else { return };
        let entry =
            Entry { fingerprint: key.fingerprint.clone(), response: Some(response.clone()), claim: String::new() };
        let value = serde_json::to_string(&entry).unwrap_or_default();
        match self.cache.compare_and_swap(cache_key, &key.pending, Some(&value), RESULT_TTL).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!("the idempotency claim expired before the response was stored"),
            Err(error) => tracing::warn!(%error, "could not store the idempotent response"),
        }
    }

    /// Lets the key be used again (the request failed).
    async fn release(&self, key: &IdempotencyKey) {
        let Some(cache_key) = &key.cache_key else { return };
        // Only our own claim: after it expired the key may belong to a later request.
        if let Err(error) = self.cache.compare_and_swap(cache_key, &key.pending, None, CLAIM_TTL).await {
            tracing::warn!(%error, "could not release the idempotency key");
        }
    }
}
