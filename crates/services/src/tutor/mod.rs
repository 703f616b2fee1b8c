//! The tutor conversation, shared by the Mini App and the bot: one history per profile.
//!
//! [`TutorService::start`] is the whole turn for every channel: the `Idempotency-Key`, the
//! checks that may refuse it (provider, moderation, quota), the learner's message saved, and
//! then the answer, generated on a task of its own so that a caller going away does not lose
//! it. When the call fails the message stays, the quota is given back, and the learner can
//! retry that message.

mod answer;
mod history;
pub(crate) mod words;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::{DailyQuota, ProfileId, UserId};
use repositories::messages::{self, MessageRow, NewMessage};
use repositories::{Database, RepoError, activity, users};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use uuid::Uuid;

pub use self::answer::AnswerStream;
pub use self::words::WordSuggestion;
use crate::Clock;
use crate::cache::Cache;
use crate::detached::{Detached, Panicked};
use crate::idempotency::{IdempotencyConflict, IdempotencyStore, Started};
use crate::learner::study_day_of;
use crate::llm::{CHARS_PER_TOKEN, CallContext, ChatMessage, DeltaSink, LlmError, LlmFeatures, LlmGateway, Operation};
use crate::moderation::{Moderator, Verdict};
use crate::profiles::{Profile, ProfileError, ProfileService};
use crate::prompts::{PromptError, Prompts};
use crate::quota::{QuotaError, QuotaService, QuotaStatus, Reservation};

pub const MAX_MESSAGE_CHARS: usize = 4000;

#[derive(Debug, thiserror::Error)]
pub enum TutorError {
    #[error("no LLM provider is configured")]
    NotConfigured,
    #[error("the message was refused by moderation ({0})")]
    ContentRejected(&'static str),
    #[error("message not found")]
    MessageNotFound,
    #[error("only the latest unanswered message can be retried")]
    NotRetryable,
    /// The conversation was cleared while the answer was being written; it was not saved.
    #[error("the conversation was cleared")]
    HistoryCleared,
    #[error("the tutor could not answer: {error}")]
    Llm { error: LlmError, user_message: Box<Message> },
    #[error(transparent)]
    Conflict(#[from] IdempotencyConflict),
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error(transparent)]
    Panicked(#[from] Panicked),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    MiniApp,
    Bot,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MiniApp => "miniapp",
            Self::Bot => "bot",
        }
    }

    fn of(stored: &str) -> Self {
        if stored == "bot" { Self::Bot } else { Self::MiniApp }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: Uuid,
    pub profile_id: ProfileId,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    pub channel: Channel,
    pub words: Vec<WordSuggestion>,
    pub created_at: DateTime<Utc>,
}

impl From<MessageRow> for Message {
    fn from(row: MessageRow) -> Self {
        let words = row.words.and_then(|w| serde_json::from_value(w).ok()).unwrap_or_default();
        Self {
            id: row.id,
            profile_id: ProfileId::from_uuid(row.profile_id),
            role: row.role,
            content: row.content,
            channel: Channel::of(&row.channel),
            words,
            created_at: row.created_at,
        }
    }
}

/// How the caller wants the answer: in one piece, or streamed as it is written (then the
/// provider is asked to stream too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Whole,
    Streamed,
}

/// What the learner sends: a new message, or a retry of their last unanswered one.
#[derive(Debug, Clone, Serialize)]
pub enum ChatInput {
    New(String),
    Retry(Uuid),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatReply {
    pub user_message: Message,
    pub assistant_message: Message,
    pub quota: QuotaStatus,
}

#[derive(Debug, Clone)]
pub struct HistoryPage {
    /// Oldest first.
    pub messages: Vec<Message>,
    pub has_more: bool,
    pub next_before: Option<Uuid>,
}

/// A turn under way: the learner's saved message, the answer's text as it is written (with
/// [`Delivery::Streamed`]; nothing otherwise), then the reply.
#[derive(Debug)]
pub struct TutorRun {
    pub user_message: Message,
    pub deltas: UnboundedReceiver<String>,
    pub reply: Detached<ChatReply, TutorError>,
}

/// What [`TutorService::start`] found: a turn under way, or the first reply to the same key.
#[derive(Debug)]
pub enum ChatStart {
    Running(TutorRun),
    Replay(ChatReply),
}

/// A turn that passed every check: the learner's message is saved and the quota reserved.
#[derive(Debug)]
struct PreparedTurn {
    user_id: UserId,
    profile: Profile,
    user_message: Message,
    reservation: Reservation,
    prompt: Vec<ChatMessage>,
}

#[derive(Debug, Clone)]
pub struct TutorService {
    db: Database,
    clock: Arc<dyn Clock>,
    profiles: ProfileService,
    quotas: QuotaService,
    moderator: Moderator,
    prompts: Arc<Prompts>,
    llm: Option<LlmGateway>,
    cache: Arc<dyn Cache>,
    idempotency: IdempotencyStore,
}

const ANSWER_CLAIM_MIN: Duration = Duration::from_secs(120);

/// A message's rough token cost: its text plus a few tokens of per-message overhead.
fn estimate_tokens(text: &str) -> u32 {
    u32::try_from(text.chars().count() / CHARS_PER_TOKEN + 4).unwrap_or(u32::MAX)
}

/// The request a key fingerprints: the same text to the same profile.
#[derive(Serialize)]
struct Fingerprint {
    profile_id: Option<ProfileId>,
    input: ChatInput,
}

impl TutorService {
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        profiles: ProfileService,
        moderator: Moderator,
        features: LlmFeatures,
    ) -> Self {
        let LlmFeatures { llm, quotas, prompts, cache } = features;
        let idempotency = IdempotencyStore::new(cache.clone());
        Self { db, clock, profiles, quotas, moderator, prompts, llm, cache, idempotency }
    }

    /// Whether an LLM provider is configured (the tutor can answer at all).
    pub fn is_configured(&self) -> bool {
        self.llm.is_some()
    }

    fn llm(&self) -> Result<&LlmGateway, TutorError> {
        self.llm.as_ref().ok_or(TutorError::NotConfigured)
    }

    /// Starts a turn: refusals come back before anything is saved or charged; then the
    /// learner's message is saved and the answer runs by itself, its reply stored under `key`.
    pub async fn start(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        input: ChatInput,
        channel: Channel,
        delivery: Delivery,
        key: Option<&str>,
    ) -> Result<ChatStart, TutorError> {
        let fingerprint = Fingerprint { profile_id, input: input.clone() };
        let (deltas, receiver) = unbounded_channel();
        let deltas = (delivery == Delivery::Streamed).then_some(deltas);
        let service = self.clone();
        let prepare = self.begin(user_id, profile_id, input, channel);
        // The saved message is handed back at once; the answer runs on.
        let work = move |turn: PreparedTurn| {
            (turn.user_message.clone(), async move { service.answer(turn, deltas.as_ref()).await })
        };
        Ok(match self.idempotency.start(user_id, "sessions.chat", key, &fingerprint, prepare, work).await? {
            Started::Replay(reply) => ChatStart::Replay(reply),
            Started::Running(user_message, reply) => {
                ChatStart::Running(TutorRun { user_message, deltas: receiver, reply })
            }
        })
    }

    async fn begin(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        input: ChatInput,
        channel: Channel,
    ) -> Result<PreparedTurn, TutorError> {
        let llm = self.llm()?;
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let conn = self.db.conn();
        let (user_message, reservation) = match input {
            ChatInput::New(text) => {
                if let Verdict::Rejected(reason) = self.moderator.check(user_id, &text).await {
                    return Err(TutorError::ContentRejected(reason));
                }
                let reservation = self.quotas.reserve(user_id, DailyQuota::Messages, 1).await?;
                let new = NewMessage {
                    user_id,
                    profile_id: profile.id,
                    role: "user",
                    tokens: Some(i32::try_from(estimate_tokens(&text)).unwrap_or(i32::MAX)),
                    content: text,
                    channel: channel.as_str(),
                    words: None,
                    reply_to: None,
                    created_at: self.clock.now(),
                };
                match messages::insert(conn, new).await {
                    Ok(row) => (Message::from(row), reservation),
                    Err(error) => {
                        reservation.settle(0).await;
                        return Err(error.into());
                    }
                }
            }
            ChatInput::Retry(id) => {
                let row = messages::find(conn, profile.id, id).await?.ok_or(TutorError::MessageNotFound)?;
                let latest = messages::newest_before(conn, profile.id, None, 1).await?;
                let is_latest = latest.first().is_some_and(|m| m.id == row.id);
                if row.role != "user" || !is_latest || messages::has_reply(conn, row.id).await? {
                    return Err(TutorError::NotRetryable);
                }
                (Message::from(row), self.quotas.reserve(user_id, DailyQuota::Messages, 1).await?)
            }
        };
        // One answer at a time per message: a retry while the first call still runs is refused
        // instead of paying for a second answer that the unique reply index would then reject.
        if !self.claim_answer(user_message.id).await {
            reservation.settle(0).await;
            return Err(TutorError::NotRetryable);
        }
        let prompt = match self.prompt(llm, &profile, &user_message).await {
            Ok(prompt) => prompt,
            Err(error) => {
                reservation.settle(0).await;
                self.release_answer(user_message.id).await;
                return Err(error);
            }
        };
        Ok(PreparedTurn { user_id, profile, user_message, reservation, prompt })
    }

    /// Calls the LLM, passing the visible answer into `deltas` as it is written, and saves
    /// the reply with the words it offers.
    async fn answer(&self, turn: PreparedTurn, deltas: Option<&DeltaSink>) -> Result<ChatReply, TutorError> {
        let PreparedTurn { user_id, profile, user_message, reservation, prompt } = turn;
        let llm = self.llm()?;
        let context = CallContext { user_id, profile_id: Some(profile.id), operation: Operation::Chat };
        let answer = call_answer(llm, context, prompt, deltas).await.and_then(|(completion, answer)| {
            self.report_rejections(llm, &answer);
            if answer.text.is_empty() {
                return Err(LlmError::Malformed("the answer is empty".into()));
            }
            Ok((answer, completion.usage.completion_tokens))
        });
        let saved = match answer {
            Ok((answer, tokens)) => {
                self.save_reply(user_id, &profile, &user_message, answer.text, &answer.words, tokens).await
            }
            Err(error) => Err(TutorError::Llm { error, user_message: Box::new(user_message.clone()) }),
        };
        self.release_answer(user_message.id).await;
        match saved {
            Ok(assistant_message) => {
                let quota = reservation.settle(1).await;
                Ok(ChatReply { user_message, assistant_message, quota })
            }
            Err(error) => {
                reservation.settle(0).await;
                Err(error)
            }
        }
    }

    /// An answer whose words (or structure) could not be used is shown all the same, but
    /// never silently: it is logged and counted.
    fn report_rejections(&self, llm: &LlmGateway, answer: &answer::Answer) {
        if answer.unstructured {
            tracing::warn!("the tutor answered in prose instead of the structured answer; no words offered");
            llm.metrics().reject_words("unstructured");
        }
        for rejection in &answer.rejections {
            tracing::warn!(reason = rejection.as_str(), "a word suggestion of the tutor was not usable");
            llm.metrics().reject_words(rejection.as_str());
        }
    }

    fn answer_key(message_id: Uuid) -> String {
        format!("chat:answering:{message_id}")
    }

    /// `false` when another request is answering this message right now. With the cache
    /// unreachable the claim is granted (the unique reply index still keeps one answer).
    async fn claim_answer(&self, message_id: Uuid) -> bool {
        let ttl = self.llm.as_ref().map_or(ANSWER_CLAIM_MIN, |llm| {
            let settings = llm.settings();
            (settings.timeout * settings.max_attempts.max(1) + Duration::from_secs(60)).max(ANSWER_CLAIM_MIN)
        });
        self.cache.set_nx_ex(&Self::answer_key(message_id), "1", ttl).await.unwrap_or(true)
    }

    async fn release_answer(&self, message_id: Uuid) {
        if let Err(error) = self.cache.delete(&Self::answer_key(message_id)).await {
            tracing::warn!(%error, "could not release the answer claim");
        }
    }

    async fn save_reply(
        &self,
        user_id: UserId,
        profile: &Profile,
        user_message: &Message,
        content: String,
        words: &[WordSuggestion],
        tokens: u32,
    ) -> Result<Message, TutorError> {
        let now = self.clock.now();
        let new = NewMessage {
            user_id,
            profile_id: profile.id,
            role: "assistant",
            content,
            channel: user_message.channel.as_str(),
            tokens: Some(i32::try_from(tokens).unwrap_or(i32::MAX)),
            words: Some(serde_json::to_value(words).unwrap_or_default()),
            reply_to: Some(user_message.id),
            created_at: now,
        };
        let row = match messages::insert(self.db.conn(), new).await {
            Ok(row) => row,
            // A concurrent retry of the same message was answered first.
            Err(RepoError::UniqueViolation(_)) => return Err(TutorError::NotRetryable),
            // The learner's message (or the whole profile) was deleted meanwhile.
            Err(RepoError::ForeignKeyViolation(_)) => return Err(TutorError::HistoryCleared),
            Err(error) => return Err(error.into()),
        };
        // The reply is saved: a failure to count it in the day's activity must not undo that.
        if let Err(error) = self.count_in_activity(user_id, profile.id, now).await {
            tracing::warn!(%error, "could not count the tutor message in daily activity");
        }
        Ok(Message::from(row))
    }

    async fn count_in_activity(
        &self,
        user_id: UserId,
        profile_id: ProfileId,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let Some(user) = users::find_by_id(self.db.conn(), user_id).await? else { return Ok(()) };
        let day = study_day_of(&user, now);
        activity::add_message(self.db.conn(), user_id, profile_id, day.date).await
    }
}

/// Calls the LLM for the structured answer; with `deltas`, streams it and passes the answer's
/// text (decoded out of the JSON as it arrives) on.
async fn call_answer(
    llm: &LlmGateway,
    context: CallContext,
    prompt: Vec<ChatMessage>,
    deltas: Option<&DeltaSink>,
) -> Result<(crate::llm::Completion, answer::Answer), LlmError> {
    let Some(deltas) = deltas else {
        let completion = llm.chat_structured(context, prompt, answer::schema(), None).await?;
        let answer = answer::parse(&completion.content);
        return Ok((completion, answer));
    };
    let (raw_tx, mut raw_rx) = unbounded_channel::<String>();
    let call = async move {
        let result = llm.chat_structured(context, prompt, answer::schema(), Some(&raw_tx)).await;
        drop(raw_tx);
        result
    };
    let forward = async {
        let mut decoder = AnswerStream::default();
        while let Some(piece) = raw_rx.recv().await {
            let visible = decoder.push(&piece);
            if !visible.is_empty() {
                let _ = deltas.send(visible);
            }
        }
    };
    let (result, ()) = tokio::join!(call, forward);
    let completion = result?;
    let answer = answer::parse(&completion.content);
    Ok((completion, answer))
}
