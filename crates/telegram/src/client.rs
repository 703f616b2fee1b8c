//! The Bot API over HTTP: frankenstein's typed methods on our own transport, so every answer
//! is classified (429, 403, entity errors, 5xx) and the token never leaves this file.

use std::path::PathBuf;
use std::time::Duration;

use frankenstein::AsyncTelegramApi;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use services::metrics::{CallOutcome, TelegramMetrics};

/// What went wrong with one Bot API call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 429: wait this long before the next send (to this chat, or at all).
    #[error("too many requests (retry after {retry_after:?})")]
    TooManyRequests { retry_after: Duration },
    /// 403: the user blocked the bot, deleted their account, or the bot left the group.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 400 "can't parse entities": the HTML was not accepted.
    #[error("entities rejected: {0}")]
    Entities(String),
    /// 400 "message is not modified": an edit with the same text (harmless).
    #[error("message not modified")]
    NotModified,
    /// Any other 4xx: our request was wrong; retrying will not help.
    #[error("request refused ({code}): {description}")]
    Refused { code: u16, description: String },
    /// 5xx or a body that is not the Bot API's: worth a bounded retry.
    #[error("server error ({code}): {description}")]
    Server { code: u16, description: String },
    /// No answer at all (connect, timeout, reset): worth a bounded retry.
    #[error("transport: {0}")]
    Transport(String),
}

impl ApiError {
    /// Worth trying again after a pause.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Server { .. } | Self::Transport(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    #[error("the file is larger than allowed")]
    TooLarge,
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl From<frankenstein::Error> for ApiError {
    fn from(error: frankenstein::Error) -> Self {
        // Only reached for frankenstein's own encoding of parameters: a bug of ours.
        Self::Refused { code: 0, description: error.to_string() }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    description: String,
    #[serde(default)]
    parameters: Option<ErrorParameters>,
}

#[derive(Deserialize)]
struct ErrorParameters {
    retry_after: Option<u64>,
}

/// Reads an error answer the way Telegram documents it.
fn classify(status: u16, body: &str) -> ApiError {
    let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
    let description = parsed.as_ref().map(|b| b.description.clone()).unwrap_or_else(|| snippet(body));
    let retry_after = parsed.and_then(|b| b.parameters).and_then(|p| p.retry_after);
    match status {
        429 => ApiError::TooManyRequests { retry_after: Duration::from_secs(retry_after.unwrap_or(1).max(1)) },
        403 => ApiError::Forbidden(description),
        400 if description.contains("can't parse entities") => ApiError::Entities(description),
        400 if description.contains("message is not modified") => ApiError::NotModified,
        400..=499 => ApiError::Refused { code: status, description },
        _ => ApiError::Server { code: status, description },
    }
}

/// The `outcome` label of a call's result.
fn outcome_of<T>(result: &Result<T, ApiError>) -> CallOutcome {
    match result {
        Ok(_) => CallOutcome::Ok,
        Err(ApiError::TooManyRequests { .. }) => CallOutcome::TooManyRequests,
        Err(ApiError::Server { .. }) => CallOutcome::ServerError,
        Err(ApiError::Transport(_)) => CallOutcome::Network,
        Err(ApiError::Forbidden(_) | ApiError::Entities(_) | ApiError::NotModified | ApiError::Refused { .. }) => {
            CallOutcome::ClientError
        }
    }
}

fn snippet(body: &str) -> String {
    body.chars().take(200).collect()
}

/// The Bot API at `base_url` (Telegram's, or a fake one in tests) for one bot.
#[derive(Clone)]
pub struct BotApi {
    http: reqwest::Client,
    base_url: String,
    token: SecretString,
    /// Where every call's outcome is counted; none for clients built outside a process.
    metrics: Option<TelegramMetrics>,
}

impl std::fmt::Debug for BotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotApi").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

/// Long enough for a 50 s long poll plus the network.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(65);

impl BotApi {
    pub fn new(base_url: &url::Url, token: SecretString) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| ApiError::Transport(e.without_url().to_string()))?;
        Ok(Self { http, base_url: base_url.as_str().trim_end_matches('/').to_owned(), token, metrics: None })
    }

    /// Counts every call by method and outcome in `metrics`.
    pub fn with_metrics(self, metrics: TelegramMetrics) -> Self {
        Self { metrics: Some(metrics), ..self }
    }

    /// Calls `method` and decodes its `result`. Errors carry no URL, so no token.
    pub async fn call<P: serde::Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: &str,
        params: Option<&P>,
    ) -> Result<T, ApiError> {
        let result = self.call_once(method, params).await;
        if let Some(metrics) = &self.metrics {
            metrics.call(method, outcome_of(&result));
        }
        result
    }

    async fn call_once<P: serde::Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: &str,
        params: Option<&P>,
    ) -> Result<T, ApiError> {
        let url = format!("{}/bot{}/{method}", self.base_url, self.token.expose_secret());
        let mut request = self.http.post(url);
        if let Some(params) = params {
            request = request.json(params);
        }
        let response = request.send().await.map_err(|e| ApiError::Transport(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| ApiError::Transport(e.without_url().to_string()))?;
        if !(200..300).contains(&status) {
            return Err(classify(status, &body));
        }
        #[derive(Deserialize)]
        struct Ok<T> {
            result: T,
        }
        serde_json::from_str::<Ok<T>>(&body)
            .map(|ok| ok.result)
            .map_err(|e| ApiError::Server { code: status, description: format!("unreadable answer: {e}") })
    }

    /// A file Telegram keeps for the bot (`getFile`'s `file_path`), at most `max_bytes` of it:
    /// a larger one is refused as it streams in, never held whole.
    pub async fn download(&self, file_path: &str, max_bytes: usize) -> Result<Vec<u8>, DownloadError> {
        let url = format!("{}/file/bot{}/{file_path}", self.base_url, self.token.expose_secret());
        let transport = |e: reqwest::Error| DownloadError::Api(ApiError::Transport(e.without_url().to_string()));
        let mut response = self.http.get(url).send().await.map_err(transport)?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let body = response.text().await.unwrap_or_default();
            return Err(DownloadError::Api(classify(status, &body)));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() + chunk.len() > max_bytes {
                return Err(DownloadError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// `getUpdates` with each update kept as the JSON Telegram sent (the inbox stores it raw,
    /// so a field this version does not model is never lost).
    pub async fn get_updates_raw(
        &self,
        offset: Option<i64>,
        timeout: Duration,
        allowed_updates: &[&str],
    ) -> Result<Vec<serde_json::Value>, ApiError> {
        let params = serde_json::json!({
            "offset": offset,
            "timeout": timeout.as_secs(),
            "allowed_updates": allowed_updates,
        });
        self.call("getUpdates", Some(&params)).await
    }
}

#[async_trait::async_trait]
impl AsyncTelegramApi for BotApi {
    type Error = ApiError;

    async fn request<Params, Output>(&self, method: &str, params: Option<Params>) -> Result<Output, Self::Error>
    where
        Params: serde::ser::Serialize + std::fmt::Debug + std::marker::Send,
        Output: serde::de::DeserializeOwned,
    {
        // Encoded before any await: frankenstein's parameter types need not be `Sync`.
        let body = params
            .map(|p| serde_json::to_value(p))
            .transpose()
            .map_err(|e| ApiError::Refused { code: 0, description: format!("{method}: {e}") })?;
        // frankenstein's methods expect the whole envelope back, not just `result`.
        let value: serde_json::Value = self.call(method, body.as_ref()).await?;
        let envelope = serde_json::json!({ "ok": true, "result": value });
        serde_json::from_value(envelope)
            .map_err(|e| ApiError::Server { code: 200, description: format!("unreadable answer: {e}") })
    }

    async fn request_with_form_data<Params, Output>(
        &self,
        method: &str,
        _params: Params,
        _files: Vec<(&str, PathBuf)>,
    ) -> Result<Output, Self::Error>
    where
        Params: serde::ser::Serialize + std::fmt::Debug + std::marker::Send,
        Output: serde::de::DeserializeOwned,
    {
        // The bot sends no local files (media arrive by file_id or URL).
        Err(ApiError::Refused { code: 0, description: format!("{method}: uploading local files is not supported") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified_as_telegram_documents_them() {
        let too_many = r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#;
        assert_eq!(classify(429, too_many), ApiError::TooManyRequests { retry_after: Duration::from_secs(7) });
        let blocked = r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#;
        assert!(matches!(classify(403, blocked), ApiError::Forbidden(_)));
        let entities =
            r#"{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag"}"#;
        assert!(matches!(classify(400, entities), ApiError::Entities(_)));
        assert!(classify(502, "<html>Bad gateway</html>").is_transient());
        assert!(!classify(400, r#"{"ok":false,"description":"Bad Request: chat not found"}"#).is_transient());
    }

    #[test]
    fn every_error_has_its_outcome_label() {
        let label = |error: ApiError| outcome_of::<()>(&Err(error)).as_str();
        assert_eq!(outcome_of(&Ok(())).as_str(), "ok");
        assert_eq!(label(ApiError::TooManyRequests { retry_after: Duration::from_secs(1) }), "429");
        assert_eq!(label(ApiError::Forbidden("blocked".into())), "4xx");
        assert_eq!(label(ApiError::NotModified), "4xx");
        assert_eq!(label(ApiError::Server { code: 502, description: String::new() }), "5xx");
        assert_eq!(label(ApiError::Transport("reset".into())), "network");
    }
}
