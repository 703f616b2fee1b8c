//! What the process that owns the bot does once at start: the command list (ru, en), the
//! menu button that opens the Mini App, and the choice between a webhook and long polling.
//! Plus `getUpdates` for the poller.

use std::time::Duration;

use frankenstein::AsyncTelegramApi;
use frankenstein::methods::{DeleteWebhookParams, SetChatMenuButtonParams, SetMyCommandsParams, SetWebhookParams};
use frankenstein::types::{AllowedUpdate, BotCommand, MenuButton, MenuButtonWebApp, WebAppInfo};
use secrecy::{ExposeSecret, SecretString};
use services::poller::{RawUpdate, SourceError, UpdateSource};

use crate::client::{ApiError, BotApi};
use crate::texts::texts;

/// The updates the bot handles (bot.md).
pub const ALLOWED_UPDATES: [&str; 5] =
    ["message", "edited_message", "callback_query", "pre_checkout_query", "my_chat_member"];

fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::EditedMessage,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::PreCheckoutQuery,
        AllowedUpdate::MyChatMember,
    ]
}

/// `setMyCommands` for Russian (also the default for every other language) and English.
pub async fn register_commands(api: &BotApi) -> Result<(), ApiError> {
    for (language, code) in [(domain::InterfaceLanguage::Ru, None), (domain::InterfaceLanguage::En, Some("en"))] {
        let commands = texts(language)
            .commands
            .iter()
            .map(|(command, description)| BotCommand::builder().command(*command).description(*description).build())
            .collect();
        let params =
            SetMyCommandsParams::builder().commands(commands).maybe_language_code(code.map(str::to_owned)).build();
        api.set_my_commands(&params).await?;
    }
    Ok(())
}

/// The chat menu button opens the Mini App (Telegram accepts only HTTPS web apps; without
/// one the menu lists the commands).
pub async fn register_menu_button(api: &BotApi, mini_app_url: Option<&url::Url>) -> Result<(), ApiError> {
    let button = match mini_app_url.filter(|url| url.scheme() == "https") {
        Some(url) => MenuButton::WebApp(
            MenuButtonWebApp::builder()
                .text(texts(domain::InterfaceLanguage::Ru).open_app)
                .web_app(WebAppInfo::builder().url(url.to_string()).build())
                .build(),
        ),
        None => MenuButton::Commands,
    };
    api.set_chat_menu_button(&SetChatMenuButtonParams::builder().menu_button(button).build()).await?;
    Ok(())
}

/// Points Telegram at our webhook with the secret; pending updates are always kept.
pub async fn set_webhook(api: &BotApi, url: &url::Url, secret: &SecretString) -> Result<(), ApiError> {
    let params = SetWebhookParams::builder()
        .url(url.to_string())
        .secret_token(secret.expose_secret().to_owned())
        .allowed_updates(allowed_updates())
        .drop_pending_updates(false)
        .build();
    api.set_webhook(&params).await?;
    Ok(())
}

/// Long polling needs the webhook gone; pending updates are kept for the poller.
pub async fn delete_webhook(api: &BotApi) -> Result<(), ApiError> {
    api.delete_webhook(&DeleteWebhookParams::builder().drop_pending_updates(false).build()).await?;
    Ok(())
}

/// The bot's `@username` (for links in group chats).
pub async fn username(api: &BotApi) -> Result<Option<String>, ApiError> {
    Ok(api.get_me().await?.result.username)
}

#[async_trait::async_trait]
impl UpdateSource for BotApi {
    async fn get_updates(&self, offset: Option<i64>, timeout: Duration) -> Result<Vec<RawUpdate>, SourceError> {
        let updates =
            self.get_updates_raw(offset, timeout, &ALLOWED_UPDATES).await.map_err(|e| SourceError(e.to_string()))?;
        updates
            .into_iter()
            .map(|update| {
                let update_id = update
                    .get("update_id")
                    .and_then(serde_json::Value::as_i64)
                    .ok_or_else(|| SourceError("an update without update_id".to_owned()))?;
                Ok(RawUpdate { update_id, json: update.to_string() })
            })
            .collect()
    }
}
