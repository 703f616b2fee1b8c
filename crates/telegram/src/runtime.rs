//! Wiring the bot into a process: the Bot API client, the paced sender, the router, and the
//! tasks that run them (the inbox processor, and in bot-poller the long poller).

use std::sync::Arc;
use std::time::Duration;

use services::App;
use services::inbox::{InboxProcessor, ProcessorConfig};
use services::leader::LeaderLock;
use services::poller::{Poller, PollerConfig};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bot::{Bot, BotOptions};
use crate::client::{ApiError, BotApi};
use crate::pacing::{PaceLimits, Pacer};
use crate::sender::{BlockedUsers, Sender};
use crate::startup;

/// A 403 from Telegram marks the user, so nothing keeps writing to someone who left.
struct MarkBlocked(services::users::UserService);

#[async_trait::async_trait]
impl BlockedUsers for MarkBlocked {
    async fn blocked(&self, chat_id: i64) {
        if let Err(error) = self.0.bot_blocked(chat_id).await {
            tracing::warn!(%error, "could not record that a user blocked the bot");
        }
    }
}

/// The bot of this process, built on its services.
pub struct BotRuntime {
    pub api: BotApi,
    pub bot: Bot,
}

impl BotRuntime {
    pub fn new(app: &App) -> Result<Self, ApiError> {
        Self::with_limits(app, PaceLimits::default())
    }

    /// With other flood limits (tests that press buttons faster than a person can).
    pub fn with_limits(app: &App, limits: PaceLimits) -> Result<Self, ApiError> {
        let telegram = &app.settings.telegram;
        let api =
            BotApi::new(&telegram.api_base_url, telegram.bot_token.clone())?.with_metrics(app.metrics.telegram.clone());
        let pacer = Arc::new(Pacer::new(limits));
        let sender = Sender::new(api.clone(), pacer, Arc::new(MarkBlocked(app.users.clone())));
        let bot = Bot::new(app.clone(), sender, BotOptions { mini_app_url: telegram.mini_app_url.clone() });
        Ok(Self { api, bot })
    }

    /// The paced sender every message of this bot goes through.
    pub fn bot_sender(&self) -> Sender {
        self.bot.send.clone()
    }

    /// Runs the inbox processor until `stop` turns true.
    pub fn spawn_processor(&self, app: &App, stop: watch::Receiver<bool>) -> JoinHandle<()> {
        // Handlers mostly wait on the LLM or Telegram, not on this machine: more of them run at
        // once than the processor's default, so a few long answers never hold up other chats.
        let config = ProcessorConfig {
            concurrency: 32,
            lease: std::time::Duration::from_secs(app.settings.telegram.inbox_lease_seconds),
            ..ProcessorConfig::default()
        };
        let processor = InboxProcessor::new(app.inbox.clone(), Arc::new(self.bot.clone()), config);
        tokio::spawn(processor.run(stop))
    }

    /// Removes any webhook (keeping pending updates) and long-polls into the inbox under the
    /// leader lock until `stop` turns true.
    pub fn spawn_poller(&self, app: &App, stop: watch::Receiver<bool>) -> JoinHandle<()> {
        let config = PollerConfig::default();
        // The holder renews between polls, so the lock outlives one long poll with slack.
        let lock = LeaderLock::new(app.cache.clone(), "bot-poller", config.poll_timeout + Duration::from_secs(30));
        let api = self.api.clone();
        let poller = Poller::new(app.inbox.clone(), Arc::new(api.clone()), lock, config)
            .with_metrics(app.metrics.poller.clone());
        tokio::spawn(async move {
            if let Err(error) = startup::delete_webhook(&api).await {
                tracing::warn!(%error, "deleteWebhook failed; getUpdates will say if a webhook is still set");
            }
            poller.run(stop).await;
        })
    }
}
