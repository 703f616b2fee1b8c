//! Every message the bot sends goes through here: paced to Telegram's limits, retried on 429
//! and 5xx (bounded), a 403 recorded on the user, and HTML that Telegram refuses resent as
//! plain text.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use frankenstein::AsyncTelegramApi;
use frankenstein::ParseMode;
use frankenstein::methods::{
    AnswerCallbackQueryParams, EditMessageTextParams, SendChatActionParams, SendMessageDraftParams, SendMessageParams,
};
use frankenstein::types::{ChatAction, InlineKeyboardMarkup, LinkPreviewOptions, ReplyMarkup};

use crate::client::{ApiError, BotApi};
use crate::format;
use crate::pacing::{Chat, Pacer};

/// How many times a 429 or a transient failure is retried before the send gives up.
const MAX_RETRIES: u32 = 4;
/// The pause after the first transient failure, doubling each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// Told when Telegram says a user can no longer be messaged (403).
#[async_trait::async_trait]
pub trait BlockedUsers: Send + Sync {
    async fn blocked(&self, chat_id: i64);
}

#[derive(Clone)]
pub struct Sender {
    api: BotApi,
    pacer: Arc<Pacer>,
    blocked: Arc<dyn BlockedUsers>,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender").field("api", &self.api).finish_non_exhaustive()
    }
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions::builder().is_disabled(true).build()
}

impl Sender {
    pub fn new(api: BotApi, pacer: Arc<Pacer>, blocked: Arc<dyn BlockedUsers>) -> Self {
        Self { api, pacer, blocked }
    }

    pub fn api(&self) -> &BotApi {
        &self.api
    }

    /// Runs one call for `chat_id` within the limits: waits its turn, honours `retry_after`,
    /// retries transient failures with backoff, and reports a 403 once.
    async fn paced<T, F, Fut>(&self, chat_id: i64, light: bool, call: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let chat = Chat::from_id(chat_id);
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 0;
        loop {
            if light {
                self.pacer.wait_light(chat).await;
            } else {
                self.pacer.wait_turn(chat).await;
            }
            let error = match call().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            attempt += 1;
            match &error {
                ApiError::TooManyRequests { retry_after } if attempt <= MAX_RETRIES => {
                    tracing::warn!(chat_id, retry_after = retry_after.as_secs(), "Telegram asked to slow down");
                    self.pacer.hold_chat(chat, *retry_after);
                }
                e if e.is_transient() && attempt <= MAX_RETRIES => {
                    tracing::warn!(chat_id, error = %e, attempt, "Bot API call failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2);
                }
                ApiError::Forbidden(reason) => {
                    tracing::info!(chat_id, reason, "the bot cannot write to this chat");
                    if chat_id > 0 {
                        self.blocked.blocked(chat_id).await;
                    }
                    return Err(error);
                }
                _ => return Err(error),
            }
        }
    }

    /// Sends HTML (already split to fit); the keyboard goes under the last part. Returns the
    /// message id of each part.
    pub async fn send_html_parts(
        &self,
        chat_id: i64,
        parts: &[String],
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<Vec<i32>, ApiError> {
        let mut ids = Vec::with_capacity(parts.len());
        let last = parts.len().saturating_sub(1);
        for (index, part) in parts.iter().enumerate() {
            let markup = if index == last { keyboard.clone() } else { None };
            ids.push(self.send_html(chat_id, part, markup).await?);
        }
        Ok(ids)
    }

    /// Sends one message of HTML (at most 4096 visible characters). If Telegram cannot parse
    /// the entities, the same text goes out as plain text.
    pub async fn send_html(
        &self,
        chat_id: i64,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<i32, ApiError> {
        let markup = keyboard.map(ReplyMarkup::InlineKeyboardMarkup);
        let params = |text: String, parse_mode: Option<ParseMode>| {
            SendMessageParams::builder()
                .chat_id(chat_id)
                .text(text)
                .maybe_parse_mode(parse_mode)
                .link_preview_options(no_preview())
                .maybe_reply_markup(markup.clone())
                .build()
        };
        let html_params = params(html.to_owned(), Some(ParseMode::Html));
        match self.paced(chat_id, false, || self.api.send_message(&html_params)).await {
            Ok(sent) => Ok(sent.result.message_id),
            Err(ApiError::Entities(reason)) => {
                tracing::warn!(chat_id, reason, "Telegram refused the HTML; sending plain text");
                let plain = params(format::html_to_plain(html), None);
                Ok(self.paced(chat_id, false, || self.api.send_message(&plain)).await?.result.message_id)
            }
            Err(e) => Err(e),
        }
    }

    /// Replaces a message's text (and keyboard: `None` removes it). An unchanged text is fine.
    pub async fn edit_html(
        &self,
        chat_id: i64,
        message_id: i32,
        html: &str,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<(), ApiError> {
        let params = |text: String, parse_mode: Option<ParseMode>| {
            EditMessageTextParams::builder()
                .chat_id(chat_id)
                .message_id(message_id)
                .text(text)
                .maybe_parse_mode(parse_mode)
                .link_preview_options(no_preview())
                .maybe_reply_markup(keyboard.clone())
                .build()
        };
        let html_params = params(html.to_owned(), Some(ParseMode::Html));
        let result = match self.paced(chat_id, false, || self.api.edit_message_text(&html_params)).await {
            Err(ApiError::Entities(_)) => {
                let plain = params(format::html_to_plain(html), None);
                self.paced(chat_id, false, || self.api.edit_message_text(&plain)).await.map(|_| ())
            }
            other => other.map(|_| ()),
        };
        match result {
            Err(ApiError::NotModified) => Ok(()),
            other => other,
        }
    }

    /// Streams a draft of the answer being written (Bot API 9.3+). An error means the chat
    /// cannot take drafts; the caller falls back to editing a message.
    pub async fn send_draft(&self, chat_id: i64, draft_id: i32, html: &str) -> Result<(), ApiError> {
        let params = SendMessageDraftParams::builder()
            .chat_id(chat_id)
            .draft_id(draft_id)
            .text(html.to_owned())
            .parse_mode(ParseMode::Html)
            .build();
        self.paced(chat_id, true, || self.api.send_message_draft(&params)).await.map(|_| ())
    }

    /// "typing…" above the chat: best effort, never retried.
    pub async fn typing(&self, chat_id: i64) {
        let params = SendChatActionParams::builder().chat_id(chat_id).action(ChatAction::Typing).build();
        self.pacer.wait_light(Chat::from_id(chat_id)).await;
        if let Err(e) = self.api.send_chat_action(&params).await {
            tracing::debug!(chat_id, error = %e, "chat action failed");
        }
    }

    /// Answers a button press (Telegram stops the spinner); `text` shows as a toast.
    pub async fn answer_callback(&self, callback_query_id: &str, text: Option<String>, alert: bool) {
        let params = AnswerCallbackQueryParams::builder()
            .callback_query_id(callback_query_id.to_owned())
            .maybe_text(text)
            .show_alert(alert)
            .build();
        // Not paced per chat: Telegram does not count these as messages.
        if let Err(e) = self.api.answer_callback_query(&params).await {
            // An old query (the update was retried) cannot be answered again: nothing to do.
            tracing::debug!(error = %e, "answering a callback failed");
        }
    }
}
