//! The Bot API calls billing makes from the services layer (which must not depend on the bot's
//! crate): a Stars invoice link and a refund. The URL carries the bot token, so it is never
//! logged and never part of an error.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

/// A Stars invoice: one price in `XTR`, no provider token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub title: String,
    pub description: String,
    /// `v1:<plan>:<user uuid>`.
    pub payload: String,
    pub label: String,
    pub stars: u32,
    /// `Some(2592000)`: a 30-day subscription (invoice links only).
    pub subscription_period: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// No answer (connection, timeout) or a 5xx: worth trying later.
    #[error("the Bot API is unreachable: {0}")]
    Unavailable(String),
    /// Telegram answered `ok: false` (its description, which never holds the token).
    #[error("the Bot API refused {method}: {description}")]
    Refused { method: &'static str, description: String },
}

/// What billing asks of Telegram.
#[async_trait::async_trait]
pub trait StarsGateway: Send + Sync + std::fmt::Debug {
    async fn create_invoice_link(&self, invoice: &Invoice) -> Result<String, GatewayError>;
    async fn refund_star_payment(&self, user_telegram_id: i64, charge_id: &str) -> Result<(), GatewayError>;
}

/// The Bot API over HTTPS (`{TELEGRAM_API_BASE_URL}/bot{token}/<method>`, JSON bodies).
pub struct BotApiGateway {
    client: reqwest::Client,
    base_url: Url,
    token: SecretString,
}

impl std::fmt::Debug for BotApiGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotApiGateway").field("base_url", &self.base_url.as_str()).finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct LabeledPrice<'a> {
    label: &'a str,
    amount: u32,
}

impl BotApiGateway {
    pub fn new(base_url: Url, token: SecretString) -> Result<Self, GatewayError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| GatewayError::Unavailable(e.without_url().to_string()))?;
        Ok(Self { client, base_url, token })
    }

    async fn call(&self, method: &'static str, body: Value) -> Result<Value, GatewayError> {
        let base = self.base_url.as_str().trim_end_matches('/');
        let url = format!("{base}/bot{}/{method}", self.token.expose_secret());
        let response = self
            .client
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|e| GatewayError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(GatewayError::Unavailable(format!("{method} answered {status}")));
        }
        let answer: Value =
            response.json().await.map_err(|e| GatewayError::Unavailable(e.without_url().to_string()))?;
        if answer.get("ok").and_then(Value::as_bool) == Some(true) {
            return Ok(answer.get("result").cloned().unwrap_or(Value::Null));
        }
        let description = answer.get("description").and_then(Value::as_str).unwrap_or("no description");
        Err(GatewayError::Refused { method, description: description.chars().take(300).collect() })
    }
}

#[async_trait::async_trait]
impl StarsGateway for BotApiGateway {
    async fn create_invoice_link(&self, invoice: &Invoice) -> Result<String, GatewayError> {
        let mut body = json!({
            "title": invoice.title,
            "description": invoice.description,
            "payload": invoice.payload,
            "provider_token": "",
            "currency": "XTR",
            "prices": [LabeledPrice { label: &invoice.label, amount: invoice.stars }],
        });
        if let (Some(period), Some(fields)) = (invoice.subscription_period, body.as_object_mut()) {
            fields.insert("subscription_period".into(), period.into());
        }
        let result = self.call("createInvoiceLink", body).await?;
        result.as_str().map(str::to_owned).ok_or_else(|| GatewayError::Refused {
            method: "createInvoiceLink",
            description: "the answer is not a link".into(),
        })
    }

    async fn refund_star_payment(&self, user_telegram_id: i64, charge_id: &str) -> Result<(), GatewayError> {
        let body = json!({ "user_id": user_telegram_id, "telegram_payment_charge_id": charge_id });
        self.call("refundStarPayment", body).await.map(|_| ())
    }
}
