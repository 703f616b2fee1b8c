//! The bot end to end against a fake Bot API and a fake LLM, on the real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod call_metrics;
mod conversation;
mod delivery;
mod exercises;
mod fake_llm;
mod fake_telegram;
mod groups;
mod paths;
mod payments;
mod photo;
mod properties;
mod reminders;
mod resilience;
mod voice;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use fake_llm::FakeLlm;
use fake_telegram::{FakeTelegram, TOKEN};
use serde_json::{Value, json};
use services::inbox::{ClaimedUpdate, UpdateHandler};
use telegram::runtime::BotRuntime;
use test_support::backends::{Backend, migrated_postgres};

pub struct Harness {
    pub app: services::App,
    pub runtime: BotRuntime,
    pub tg: FakeTelegram,
    pub llm: FakeLlm,
    /// The services' clock, when the test moves time itself.
    pub clock: Option<services::ManualClock>,
    next_update: AtomicI64,
    _backend: Backend,
}

impl Harness {
    pub async fn start() -> Self {
        Self::start_with(&[], false).await
    }

    /// With Telegram's real flood limits.
    pub async fn paced() -> Self {
        Self::start_with(&[], true).await
    }

    /// With a clock that moves only when the test says (cached state expires by it too).
    pub async fn with_manual_clock(extra: &[(&str, &str)]) -> Self {
        let clock = services::ManualClock::new(chrono::Utc::now());
        Self::start_on(extra, false, Some(clock)).await
    }

    pub async fn start_with(extra: &[(&str, &str)], paced: bool) -> Self {
        Self::start_on(extra, paced, None).await
    }

    async fn start_on(extra: &[(&str, &str)], paced: bool, manual: Option<services::ManualClock>) -> Self {
        let backend = migrated_postgres().await;
        let tg = FakeTelegram::start().await;
        let llm = FakeLlm::start().await;
        let (tg_uri, llm_uri) = (tg.uri(), llm.uri());
        let mut vars: Vec<(&str, &str)> = vec![
            ("APP_ENV", "test"),
            ("TELEGRAM_BOT_TOKEN", TOKEN),
            ("TELEGRAM_API_BASE_URL", tg_uri.as_str()),
            ("MINI_APP_URL", "https://app.example.org/"),
            ("LLM_PROVIDER", "openai"),
            ("OPENAI_API_KEY", "sk-test-key"),
            ("LLM_BASE_URL", llm_uri.as_str()),
            ("LLM_MAX_ATTEMPTS", "1"),
            ("FREE_MAX_PROFILES", "3"),
        ];
        vars.extend_from_slice(extra);
        let settings =
            config::Settings::from_vars(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
                .expect("test settings are valid");
        let clock: Arc<dyn services::Clock> = match &manual {
            Some(manual) => Arc::new(manual.clone()),
            None => Arc::new(services::SystemClock),
        };
        let cache = Arc::new(services::cache::MemoryCache::new(clock.clone()));
        let app =
            services::App::assemble(settings, backend.db.clone(), cache, clock).expect("the service graph builds");
        // Taps in a test come faster than a person's; one test keeps Telegram's real limits.
        let limits = if paced {
            telegram::pacing::PaceLimits::default()
        } else {
            telegram::pacing::PaceLimits { per_chat_interval: std::time::Duration::ZERO, ..Default::default() }
        };
        let runtime = BotRuntime::with_limits(&app, limits).unwrap();
        Self { app, runtime, tg, llm, clock: manual, next_update: AtomicI64::new(1), _backend: backend }
    }

    pub fn next_update_id(&self) -> i64 {
        self.next_update.fetch_add(1, Ordering::SeqCst)
    }

    /// Runs one update through the bot as the processor would.
    pub async fn deliver(&self, update: Value) {
        let update_id = update["update_id"].as_i64().unwrap();
        let claimed = ClaimedUpdate { update_id, chat_id: None, payload: update.to_string(), attempts: 1 };
        self.runtime.bot.handle(&claimed).await.unwrap();
    }

    /// A text message; a leading `/command` is marked as Telegram marks it.
    pub fn message_update(&self, user: i64, text: &str) -> Value {
        let mut update = self.plain_update(user, text);
        if text.starts_with('/') {
            let length = text.split_whitespace().next().unwrap_or_default().encode_utf16().count();
            update["message"]["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
        }
        update
    }

    /// A text message with no entities at all.
    pub fn plain_update(&self, user: i64, text: &str) -> Value {
        let update_id = self.next_update_id();
        json!({"update_id": update_id, "message": {
            "message_id": update_id, "date": 1_764_320_000, "text": text,
            "chat": {"id": user, "type": "private", "first_name": "Аня"},
            "from": {"id": user, "is_bot": false, "first_name": "Аня", "language_code": "ru"}
        }})
    }

    pub async fn say(&self, user: i64, text: &str) {
        self.deliver(self.message_update(user, text)).await;
    }

    pub fn press_update(&self, user: i64, message_id: i64, data: &str) -> Value {
        let update_id = self.next_update_id();
        json!({"update_id": update_id, "callback_query": {
            "id": format!("cb{update_id}"), "chat_instance": "ci", "data": data,
            "from": {"id": user, "is_bot": false, "first_name": "Аня", "language_code": "ru"},
            "message": {"message_id": message_id, "date": 1_764_320_000, "text": "…",
                        "chat": {"id": user, "type": "private"}}
        }})
    }

    pub async fn press(&self, user: i64, message_id: i64, data: &str) {
        self.deliver(self.press_update(user, message_id, data)).await;
    }

    /// `/start` and the onboarding in chat: language, level and goal, by their button labels.
    pub async fn onboard(&self, user: i64, language: &str, level: &str, goal: &str) {
        self.say(user, "/start").await;
        for label in [language, level, goal] {
            self.tap(user, label).await;
        }
    }

    /// Presses the button labelled `label` under the last message.
    pub async fn tap(&self, user: i64, label: &str) {
        let shown = self.tg.last();
        self.press(user, shown.message_id, &shown.button(label)).await;
    }

    pub async fn user_id(&self, telegram_id: i64) -> domain::UserId {
        let row = repositories::users::find_by_telegram_id(self.app.db.conn(), telegram_id).await.unwrap().unwrap();
        domain::UserId::from_uuid(row.id)
    }
}
