//! The one update router: each stored update is read, its person registered or refreshed,
//! and handed to the command, button or tutor handler. Only private chats are served.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use domain::{InterfaceLanguage, UserId};
use frankenstein::types::{ChatMember, ChatType, MaybeInaccessibleMessage, Message, MessageEntityType};
use frankenstein::updates::UpdateContent;
use services::App;
use services::inbox::{ClaimedUpdate, HandlerError, UpdateHandler};
use services::users::{Me, TelegramAccount};

use crate::callback::Callback;
use crate::handlers;
use crate::sender::Sender;
use crate::texts::{Texts, texts};

/// What the bot needs besides the services.
#[derive(Debug, Clone, Default)]
pub struct BotOptions {
    /// Opens the Mini App from buttons (`None`: the bot says the app is not configured).
    pub mini_app_url: Option<url::Url>,
}

#[derive(Clone)]
pub struct Bot {
    pub(crate) app: App,
    pub(crate) send: Sender,
    pub(crate) options: BotOptions,
    /// Cleared once Telegram refuses `sendMessageDraft`; answers then stream by edits.
    pub(crate) drafts: Arc<AtomicBool>,
    /// The bot's @username, learnt from `getMe` at start (for links and `/cmd@name`).
    pub(crate) username: Arc<OnceLock<String>>,
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bot").field("send", &self.send).finish_non_exhaustive()
    }
}

/// One update's person and chat.
pub(crate) struct Ctx {
    pub update_id: i64,
    pub chat_id: i64,
    pub me: Me,
    pub t: &'static Texts,
}

impl Ctx {
    pub fn user_id(&self) -> UserId {
        self.me.user.id
    }

    pub fn has_profile(&self) -> bool {
        self.me.active_profile_id.is_some()
    }
}

fn account(user: &frankenstein::types::User) -> Option<TelegramAccount> {
    Some(TelegramAccount {
        telegram_id: i64::try_from(user.id).ok()?,
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        username: user.username.clone(),
        language_code: user.language_code.clone(),
        photo_url: None,
    })
}

/// A failure the processor should try again (the database or Telegram was unreachable).
pub(crate) fn retry(error: impl std::fmt::Display) -> HandlerError {
    HandlerError::retry(error.to_string())
}

impl Bot {
    pub fn new(app: App, send: Sender, options: BotOptions) -> Self {
        Self { app, send, options, drafts: Arc::new(AtomicBool::new(true)), username: Arc::new(OnceLock::new()) }
    }

    /// Start-up: the bot's username, the command list and the menu button. A failure is
    /// logged, not fatal: the bot still answers, and the next start tries again.
    pub async fn register(&self) {
        let api = self.send.api();
        match crate::startup::username(api).await {
            Ok(Some(name)) => {
                let _ = self.username.set(name);
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "getMe failed"),
        }
        if let Err(error) = crate::startup::register_commands(api).await {
            tracing::warn!(%error, "setMyCommands failed");
        }
        if let Err(error) = crate::startup::register_menu_button(api, self.options.mini_app_url.as_ref()).await {
            tracing::warn!(%error, "setChatMenuButton failed");
        }
    }

    /// Whether `/command@name` is addressed to this bot (a bare `/command` always is).
    fn addressed_to_us(&self, command: &str) -> bool {
        let head = command.split_whitespace().next().unwrap_or_default();
        match head.split_once('@') {
            None => true,
            Some((_, name)) => self.username.get().is_some_and(|ours| ours.eq_ignore_ascii_case(name)),
        }
    }

    pub(crate) fn drafts_enabled(&self) -> bool {
        self.drafts.load(Ordering::Relaxed)
    }

    pub(crate) fn disable_drafts(&self) {
        self.drafts.store(false, Ordering::Relaxed);
    }

    async fn context(
        &self,
        update_id: i64,
        chat_id: i64,
        from: &frankenstein::types::User,
    ) -> Result<Ctx, HandlerError> {
        let account = account(from).ok_or_else(|| HandlerError::park("a user id beyond i64"))?;
        let me = self.app.users.from_bot(&account).await.map_err(retry)?;
        let t = texts(me.interface_language);
        Ok(Ctx { update_id, chat_id, me, t })
    }

    async fn on_message(&self, update_id: i64, message: &Message) -> Result<(), HandlerError> {
        let Some(from) = message.from.as_deref() else {
            return Ok(()); // channel posts and anonymous admins: nobody to answer
        };
        if from.is_bot {
            return Ok(());
        }
        let text = message.text.as_deref().unwrap_or_default();
        // A command is what Telegram marks as one at the start, not any text with a slash
        // ("/haʊs/ — как читать?" is a question for the tutor).
        let command = message
            .entities
            .iter()
            .flatten()
            .any(|e| e.type_field == MessageEntityType::BotCommand && e.offset == 0)
            .then(|| text.strip_prefix('/'))
            .flatten()
            .filter(|command| self.addressed_to_us(command));
        if message.chat.type_field != ChatType::Private {
            // Never serve one member's data in a group; answer our commands with a pointer.
            if command.is_some() {
                let language = InterfaceLanguage::from_telegram(from.language_code.as_deref());
                return handlers::start::group_pointer(self, message.chat.id, texts(language)).await;
            }
            return Ok(());
        }
        let ctx = self.context(update_id, message.chat.id, from).await?;
        if let Some(payment) = message.successful_payment.as_deref() {
            return handlers::premium::paid(self, &ctx, payment).await;
        }
        if let Some(command) = command {
            return handlers::command(self, &ctx, command).await;
        }
        // A photo, a voice message or text goes to the tutor; anything else is not understood.
        let picture = handlers::photo::picture_of(message);
        let voice = message.voice.as_deref();
        if picture.is_none() && voice.is_none() && text.trim().is_empty() {
            return handlers::send(self, &ctx, ctx.t.unsupported_message, None).await;
        }
        if !ctx.has_profile() {
            return handlers::start::ask_language(self, &ctx, ctx.t.needs_profile).await;
        }
        match (picture, voice) {
            (Some((file_id, size)), _) => {
                handlers::photo::photo(self, &ctx, &file_id, size, message.caption.as_deref()).await
            }
            (None, Some(voice)) => handlers::voice::voice(self, &ctx, voice).await,
            // Text answers the exercise the chat waits on, if any; otherwise the tutor's.
            (None, None) if handlers::exercises::answer(self, &ctx, text).await? => Ok(()),
            (None, None) => handlers::tutor::ask(self, &ctx, text).await,
        }
    }

    async fn on_callback(
        &self,
        update_id: i64,
        query: &frankenstein::types::CallbackQuery,
    ) -> Result<(), HandlerError> {
        let message = match &query.message {
            Some(MaybeInaccessibleMessage::Message(message)) => Some(message.as_ref()),
            _ => None,
        };
        let Some(message) = message.filter(|m| m.chat.type_field == ChatType::Private) else {
            self.send.answer_callback(&query.id, None, false).await;
            return Ok(());
        };
        let ctx = match self.context(update_id, message.chat.id, &query.from).await {
            Ok(ctx) => ctx,
            Err(e) => {
                self.send.answer_callback(&query.id, None, false).await;
                return Err(e);
            }
        };
        let callback = Callback::decode(query.data.as_deref().unwrap_or_default());
        // Every press is answered exactly once, whatever the handler did. A press that starts
        // a long answer is answered first, before Telegram gives up on it.
        let early = matches!(callback, Callback::RetryTutor { .. } | Callback::SuggestTopics);
        if early {
            self.send.answer_callback(&query.id, None, false).await;
        }
        let (answer, outcome) = match handlers::callback(self, &ctx, message.message_id, callback).await {
            Ok(answer) => (answer, Ok(())),
            // Parked, not retried: the press has been answered, and repeating its action
            // seconds later, unasked, would surprise the learner.
            Err(e) => (Some(ctx.t.something_failed.to_owned()), Err(HandlerError::park(e.message))),
        };
        if !early {
            self.send.answer_callback(&query.id, answer, false).await;
        } else if let Some(text) = answer {
            handlers::send(self, &ctx, &text, None).await?;
        }
        outcome
    }

    async fn on_membership(&self, update: &frankenstein::types::ChatMemberUpdated) -> Result<(), HandlerError> {
        if update.chat.type_field != ChatType::Private {
            return Ok(());
        }
        let Ok(telegram_id) = i64::try_from(update.from.id) else {
            return Ok(());
        };
        match update.new_chat_member {
            ChatMember::Kicked(_) => self.app.users.bot_blocked(telegram_id).await.map_err(retry),
            ChatMember::Member(_) => self.app.users.bot_reachable(telegram_id).await.map_err(retry),
            _ => Ok(()),
        }
    }
}

#[async_trait::async_trait]
impl UpdateHandler for Bot {
    async fn handle(&self, claimed: &ClaimedUpdate) -> Result<(), HandlerError> {
        // The content alone: frankenstein reads `update_id` as u32, and an id the inbox took
        // (an i64) must never make an update unreadable.
        let content = serde_json::from_str::<serde_json::Value>(&claimed.payload).and_then(|mut update| {
            if let Some(fields) = update.as_object_mut() {
                fields.remove("update_id");
            }
            serde_json::from_value::<UpdateContent>(update)
        });
        let content = match content {
            Ok(content) => content,
            Err(e) => {
                // A kind of update this version does not model: nothing to answer.
                tracing::info!(update_id = claimed.update_id, error = %e, "skipping an update of an unknown shape");
                return Ok(());
            }
        };
        let handled = match &content {
            UpdateContent::Message(message) => self.on_message(claimed.update_id, message).await,
            UpdateContent::CallbackQuery(query) => self.on_callback(claimed.update_id, query).await,
            UpdateContent::MyChatMember(member) => self.on_membership(member).await,
            UpdateContent::PreCheckoutQuery(query) => {
                // The payer's private chat is theirs: its id is their user id.
                let chat_id = i64::try_from(query.from.id).unwrap_or_default();
                let ctx = self.context(claimed.update_id, chat_id, &query.from).await?;
                handlers::premium::pre_checkout(self, &ctx, query).await
            }
            _ => Ok(()),
        };
        match handled {
            // Telegram said the learner blocked the bot (now recorded): nothing left to do.
            Err(e) if e.message == handlers::BLOCKED => Ok(()),
            other => other,
        }
    }
}
