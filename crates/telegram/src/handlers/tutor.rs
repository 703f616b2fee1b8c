//! Plain text goes to the tutor through the same service as `/api/sessions/chat` (quotas,
//! moderation, token accounting, one history with the Mini App). The answer streams into the
//! chat, arrives as Telegram HTML split to fit, and offers its words as one-tap cards.

use std::time::Duration;

use domain::CardContent;
use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use services::cards::{CardError, CardSource};
use services::generation::GenerateError;
use services::inbox::HandlerError;
use services::tutor::{Channel, ChatInput, ChatReply, ChatStart, Delivery, TutorError, TutorRun, WordSuggestion};
use tokio::time::Instant;
use uuid::Uuid;

use super::{Toast, button, keyboard};
use crate::bot::{Bot, Ctx, retry as service_failure};

use crate::callback::Callback;
use crate::client::ApiError;
use crate::format::{MESSAGE_LIMIT, render_parts};
use crate::texts::fill;

/// Telegram allows about one edit a second per chat; drafts follow the same pace.
const STREAM_EVERY: Duration = Duration::from_secs(1);
/// "typing…" fades after five seconds; renewed a little before.
const TYPING_EVERY: Duration = Duration::from_millis(4500);
/// How long an "add to cards" button works.
const WORD_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// An answer delivered is remembered this long, so a retried update never answers twice.
const ANSWERED_TTL: Duration = Duration::from_secs(2 * 24 * 3600);
const MAX_WORD_BUTTONS: usize = 10;

#[derive(Serialize, Deserialize)]
struct StoredWord {
    word: String,
    translation: String,
    note: Option<String>,
}

/// What the learner is told when the tutor (or card generation) refuses before answering;
/// `None` for a failure worth retrying the update for.
fn refusal_text(ctx: &Ctx, error: &TutorError) -> Option<String> {
    Some(match error {
        TutorError::NotConfigured => ctx.t.tutor_unavailable.to_owned(),
        TutorError::ContentRejected(_) => ctx.t.tutor_rejected.to_owned(),
        TutorError::Quota(services::quota::QuotaError::Exceeded { retry_after_seconds, .. }) => {
            super::quota_refusal(ctx.t.quota_exhausted, *retry_after_seconds)
        }
        TutorError::Conflict(services::idempotency::IdempotencyConflict::InProgress) => ctx.t.tutor_busy.to_owned(),
        _ => return None,
    })
}

pub fn generation_refusal(ctx: &Ctx, error: &GenerateError) -> Option<String> {
    Some(match error {
        GenerateError::NotConfigured => ctx.t.tutor_unavailable.to_owned(),
        GenerateError::Quota(services::quota::QuotaError::Exceeded { retry_after_seconds, .. }) => {
            super::quota_refusal(ctx.t.quota_exhausted, *retry_after_seconds)
        }
        GenerateError::Card(CardError::LimitReached(_)) => ctx.t.limit_reached.to_owned(),
        GenerateError::Conflict(_) => ctx.t.tutor_busy.to_owned(),
        _ => return None,
    })
}

fn answered_key(ctx: &Ctx) -> String {
    format!("bot:answered:{}", ctx.update_id)
}

/// A learner's message for the tutor (at most as long as the Mini App's chat takes).
pub async fn ask(bot: &Bot, ctx: &Ctx, text: &str) -> Result<(), HandlerError> {
    let max = services::tutor::MAX_MESSAGE_CHARS;
    if text.chars().count() > max {
        return super::send(bot, ctx, &fill(ctx.t.message_too_long, &[("max", &max.to_string())]), None).await;
    }
    answer(bot, ctx, ChatInput::New(text.to_owned()), None).await.map(|_| ())
}

/// The retry button under a failed answer.
pub async fn retry(bot: &Bot, ctx: &Ctx, message_id: i32, user_message: Uuid) -> Result<Toast, HandlerError> {
    answer(bot, ctx, ChatInput::Retry(user_message), Some(message_id)).await
}

async fn answer(bot: &Bot, ctx: &Ctx, input: ChatInput, failed_message: Option<i32>) -> Result<Toast, HandlerError> {
    if bot.app.cache.get(&answered_key(ctx)).await.ok().flatten().is_some() {
        return Ok(None); // this update was answered before a crash kept it from being marked done
    }
    bot.send.typing(ctx.chat_id).await;
    let key = format!("tg:{}", ctx.update_id);
    let started = bot.app.tutor.start(ctx.user_id(), None, input, Channel::Bot, Delivery::Streamed, Some(&key)).await;
    let mut stream = Stream::new(bot, ctx, failed_message);
    let outcome = match started {
        Ok(ChatStart::Replay(reply)) => Ok(reply),
        Ok(ChatStart::Running(run)) => stream.follow(run).await,
        // A retry button whose message was answered since (or cleared): nothing to redo.
        Err(TutorError::NotRetryable | TutorError::MessageNotFound) => {
            return Ok(Some(ctx.t.stale_button.to_owned()));
        }
        Err(TutorError::Profile(services::profiles::ProfileError::NoActiveProfile)) => {
            super::start::ask_language(bot, ctx, ctx.t.needs_profile).await?;
            return Ok(None);
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(reply) => stream.finish(&reply).await?,
        Err(TutorError::Llm { error, user_message }) => {
            tracing::warn!(%error, "the tutor could not answer in the bot");
            let again = keyboard(vec![vec![button(ctx.t.retry, &Callback::RetryTutor { message: user_message.id })]]);
            stream.fail(ctx.t.tutor_failed, Some(again)).await?;
        }
        Err(TutorError::HistoryCleared) => stream.fail(ctx.t.cleared, None).await?,
        Err(e) => {
            let text = refusal_text(ctx, &e).unwrap_or_else(|| {
                // Said rather than retried: a retry would not be answered any better, and
                // the learner must not be left looking at a half-written preview.
                tracing::error!(error = %e, "the tutor failed in the bot");
                ctx.t.something_failed.to_owned()
            });
            stream.fail(&text, None).await?;
        }
    }
    if let Err(error) = bot.app.cache.set_ex(&answered_key(ctx), "1", ANSWERED_TTL).await {
        tracing::warn!(%error, "could not remember that an update was answered");
    }
    Ok(None)
}

/// The answer as the learner watches it being written: a draft where Telegram offers
/// `sendMessageDraft`, otherwise one message edited at most once a second.
struct Stream<'a> {
    bot: &'a Bot,
    ctx: &'a Ctx,
    draft_id: i32,
    /// Whether this answer still streams as a draft.
    drafts: bool,
    /// The message being edited (edit mode), or the failed answer a retry replaces.
    message_id: Option<i32>,
}

impl<'a> Stream<'a> {
    fn new(bot: &'a Bot, ctx: &'a Ctx, message_id: Option<i32>) -> Self {
        let draft_id = i32::try_from(ctx.update_id.rem_euclid(i64::from(i32::MAX - 1))).unwrap_or(0) + 1;
        Self { bot, ctx, draft_id, drafts: true, message_id }
    }

    async fn follow(&mut self, mut run: TutorRun) -> Result<ChatReply, TutorError> {
        let mut text = String::new();
        let mut shown = Instant::now();
        let mut typing = tokio::time::interval_at(Instant::now() + TYPING_EVERY, TYPING_EVERY);
        loop {
            tokio::select! {
                delta = run.deltas.recv() => match delta {
                    Some(delta) => {
                        text.push_str(&delta);
                        if shown.elapsed() >= STREAM_EVERY && !text.trim().is_empty() {
                            self.show_partial(&text).await;
                            shown = Instant::now();
                        }
                    }
                    None => break,
                },
                _ = typing.tick() => self.bot.send.typing(self.ctx.chat_id).await,
            }
        }
        run.reply.outcome().await
    }

    async fn show_partial(&mut self, markdown: &str) {
        let Some(first) = render_parts(markdown, MESSAGE_LIMIT - 2).into_iter().next() else {
            return;
        };
        let preview = format!("{first} …");
        let chat_id = self.ctx.chat_id;
        if self.drafts && self.bot.drafts_enabled() {
            match self.bot.send.send_draft(chat_id, self.draft_id, &preview).await {
                Ok(()) => return,
                Err(ApiError::Refused { code, description }) => {
                    // This answer streams by edits; an API without the method, for good.
                    self.drafts = false;
                    let missing = code == 404 || description.contains("not found") || description.contains("method");
                    if missing {
                        tracing::info!(description, "sendMessageDraft is not available; streaming by edits");
                        self.bot.disable_drafts();
                    }
                }
                Err(_) => return, // a dropped preview is harmless; the answer still comes
            }
        }
        let result = match self.message_id {
            Some(id) => self.bot.send.edit_html(chat_id, id, &preview, None).await,
            None => self.bot.send.send_html(chat_id, &preview, None).await.map(|id| self.message_id = Some(id)),
        };
        if let Err(error) = result {
            tracing::debug!(%error, "a streamed preview was not shown");
        }
    }

    /// Delivers the whole answer: the streamed message becomes its first part.
    async fn finish(&mut self, reply: &ChatReply) -> Result<(), HandlerError> {
        let parts = render_parts(&reply.assistant_message.content, MESSAGE_LIMIT);
        let markup = word_buttons(self.bot, self.ctx, &reply.assistant_message.words).await;
        self.deliver(&parts, markup).await
    }

    async fn fail(
        &mut self,
        html: &str,
        markup: Option<frankenstein::types::InlineKeyboardMarkup>,
    ) -> Result<(), HandlerError> {
        self.deliver(&[html.to_owned()], markup).await
    }

    async fn deliver(
        &mut self,
        parts: &[String],
        markup: Option<frankenstein::types::InlineKeyboardMarkup>,
    ) -> Result<(), HandlerError> {
        match self.message_id {
            Some(id) => super::replace_parts(self.bot, self.ctx, id, parts, markup).await,
            None => self
                .bot
                .send
                .send_html_parts(self.ctx.chat_id, parts, markup)
                .await
                .map(|_| ())
                .map_err(super::delivery),
        }
    }
}

/// "Add to cards" buttons, each word stored in the cache behind a short id (the word and its
/// translation do not fit in 64 bytes of button data).
pub(crate) async fn word_buttons(
    bot: &Bot,
    ctx: &Ctx,
    words: &[WordSuggestion],
) -> Option<frankenstein::types::InlineKeyboardMarkup> {
    let mut buttons = Vec::new();
    for word in words.iter().take(MAX_WORD_BUTTONS) {
        let stored =
            StoredWord { word: word.word.clone(), translation: word.translation.clone(), note: word.note.clone() };
        let Ok(json) = serde_json::to_string(&stored) else { continue };
        let id = Alphanumeric.sample_string(&mut rand::rng(), 12);
        if let Err(error) = bot.app.cache.set_ex(&format!("bot:word:{id}"), &json, WORD_TTL).await {
            tracing::warn!(%error, "could not keep a suggested word for its button");
            continue;
        }
        let label: String = word.word.chars().take(28).collect();
        // Button labels are plain text, not HTML.
        buttons.push(button(ctx.t.add_word.replace("{word}", &label), &Callback::AddWord { id }));
    }
    (!buttons.is_empty()).then(|| keyboard(buttons.chunks(2).map(<[_]>::to_vec).collect()))
}

pub async fn add_word(bot: &Bot, ctx: &Ctx, id: &str) -> Result<Toast, HandlerError> {
    let stored = bot.app.cache.get(&format!("bot:word:{id}")).await.map_err(service_failure)?;
    let Some(word) = stored.and_then(|json| serde_json::from_str::<StoredWord>(&json).ok()) else {
        return Ok(Some(ctx.t.word_expired.to_owned()));
    };
    let content =
        CardContent { front: word.word.clone(), back: word.translation, notes: word.note, ..CardContent::default() };
    let deck = super::cards::chosen_deck(bot, ctx).await;
    let mut created = bot.app.cards.create_card(ctx.user_id(), deck, content.clone(), CardSource::Chat).await;
    if matches!(created, Err(CardError::DeckNotFound)) && deck.is_some() {
        super::cards::forget_deck(bot, ctx).await;
        created = bot.app.cards.create_card(ctx.user_id(), None, content, CardSource::Chat).await;
    }
    let template = match created {
        Ok(_) => ctx.t.word_added,
        Err(CardError::DuplicateCard(_)) => ctx.t.word_exists,
        Err(CardError::LimitReached(_)) => ctx.t.limit_reached,
        Err(e) => return Err(service_failure(e)),
    };
    // Toasts are plain text: the word goes in as it is.
    Ok(Some(template.replace("{word}", &word.word)))
}
