//! The tutor conversation, shared by the Mini App and the bot: one history per profile.
//!
//! A turn has two steps so that the HTTP layer can answer problems before it starts a stream:
//! [`TutorService::begin`] checks everything, charges the quota and saves the learner's message;
//! [`TutorService::answer`] calls the LLM and saves the reply. When the call fails the message
//! stays, the quota is given back, and the learner can retry that message.

mod words;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::{ProfileId, UserId};
use repositories::messages::{self, MessageRow, NewMessage};
use repositories::{Database, RepoError, activity, users};
use uuid::Uuid;

pub use self::words::{StreamFilter, WordSuggestion};
use crate::Clock;
use crate::cache::Cache;
use crate::llm::{
    CHARS_PER_TOKEN, CallContext, ChatMessage, DeltaSink, LlmError, LlmFeatures, LlmGateway, Operation, Role,
};
use crate::moderation::{Moderator, Verdict};
use crate::profiles::{Profile, ProfileError, ProfileService};
use crate::prompts::{LearnerContext, PromptError, Prompts};
use crate::quota::{QuotaError, QuotaKind, QuotaService, QuotaStatus, Reservation};

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
    #[error("the tutor could not answer: {error}")]
    Llm { error: LlmError, user_message: Box<Message> },
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    MiniApp,
    Bot,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Self::MiniApp => "miniapp",
            Self::Bot => "bot",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: Uuid,
    pub profile_id: ProfileId,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    pub channel: String,
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
            channel: row.channel,
            words,
            created_at: row.created_at,
        }
    }
}

/// What the learner sends: a new message, or a retry of their last unanswered one.
#[derive(Debug, Clone)]
pub enum ChatInput {
    New(String),
    Retry(Uuid),
}

#[derive(Debug, Clone)]
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

/// A turn that passed every check: the learner's message is saved and the quota reserved.
#[derive(Debug)]
pub struct PreparedTurn {
    user_id: UserId,
    profile: Profile,
    pub user_message: Message,
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
}

const ANSWER_CLAIM_MIN: Duration = Duration::from_secs(120);

/// A message's rough token cost: its text plus a few tokens of per-message overhead.
fn estimate_tokens(text: &str) -> u32 {
    u32::try_from(text.chars().count() / CHARS_PER_TOKEN + 4).unwrap_or(u32::MAX)
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
        Self { db, clock, profiles, quotas, moderator, prompts, llm, cache }
    }

    /// Whether an LLM provider is configured (the tutor can answer at all).
    pub fn is_configured(&self) -> bool {
        self.llm.is_some()
    }

    fn llm(&self) -> Result<&LlmGateway, TutorError> {
        self.llm.as_ref().ok_or(TutorError::NotConfigured)
    }

    pub async fn begin(
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
                let reservation = self.quotas.reserve(user_id, QuotaKind::Messages, 1).await?;
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
                (Message::from(row), self.quotas.reserve(user_id, QuotaKind::Messages, 1).await?)
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

    /// System prompt, then the latest earlier messages within the message and token budgets,
    /// then the new message.
    async fn prompt(
        &self,
        llm: &LlmGateway,
        profile: &Profile,
        current: &Message,
    ) -> Result<Vec<ChatMessage>, TutorError> {
        let settings = llm.settings();
        let system = self.prompts.tutor_system(&LearnerContext::from(profile))?;
        let latest = self.prompts.tutor_user(&current.content)?;
        let mut budget =
            settings.chat_context_tokens.saturating_sub(estimate_tokens(&system) + estimate_tokens(&latest));
        let earlier = messages::newest_before(
            self.db.conn(),
            profile.id,
            Some(current.id),
            u64::from(settings.chat_context_messages),
        )
        .await?;
        let mut history = Vec::new();
        for row in earlier {
            let content = if row.role == "user" { self.prompts.tutor_user(&row.content)? } else { row.content.clone() };
            let cost = estimate_tokens(&content);
            if cost > budget {
                break;
            }
            budget -= cost;
            let role = if row.role == "user" { Role::User } else { Role::Assistant };
            history.push(ChatMessage { role, content });
        }
        history.reverse();
        let mut prompt = Vec::with_capacity(history.len() + 2);
        prompt.push(ChatMessage { role: Role::System, content: system });
        prompt.extend(history);
        prompt.push(ChatMessage { role: Role::User, content: latest });
        Ok(prompt)
    }

    /// Calls the LLM (streaming the visible answer into `deltas` when given) and saves the reply.
    pub async fn answer(&self, turn: PreparedTurn, deltas: Option<&DeltaSink>) -> Result<ChatReply, TutorError> {
        let PreparedTurn { user_id, profile, user_message, reservation, prompt } = turn;
        let llm = self.llm()?;
        let context = CallContext { user_id, profile_id: Some(profile.id), operation: Operation::Chat };
        let result = match deltas {
            None => llm.chat(context, prompt, None).await,
            Some(deltas) => stream_filtered(llm, context, prompt, deltas).await,
        };
        let answer = result.and_then(|completion| {
            let (content, words) = words::split(&completion.content);
            if content.is_empty() {
                return Err(LlmError::Malformed("the answer is empty".into()));
            }
            Ok((content, words, completion.usage.completion_tokens))
        });
        let saved = match answer {
            Ok((content, words, tokens)) => {
                self.save_reply(user_id, &profile, &user_message, content, &words, tokens).await
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
            channel: user_message.channel_static(),
            tokens: Some(i32::try_from(tokens).unwrap_or(i32::MAX)),
            words: Some(serde_json::to_value(words).unwrap_or_default()),
            reply_to: Some(user_message.id),
            created_at: now,
        };
        let row = match messages::insert(self.db.conn(), new).await {
            Ok(row) => row,
            // A concurrent retry of the same message was answered first.
            Err(RepoError::UniqueViolation(_)) => return Err(TutorError::NotRetryable),
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
        let day = crate::study::study_day_of(&user, now);
        activity::add_message(self.db.conn(), user_id, profile_id, day.date).await
    }

    pub async fn history(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        before: Option<Uuid>,
        limit: u32,
    ) -> Result<HistoryPage, TutorError> {
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let conn = self.db.conn();
        if let Some(before) = before {
            messages::find(conn, profile.id, before).await?.ok_or(TutorError::MessageNotFound)?;
        }
        let mut rows = messages::newest_before(conn, profile.id, before, u64::from(limit) + 1).await?;
        let has_more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        rows.reverse();
        let next_before = if has_more { rows.first().map(|m| m.id) } else { None };
        Ok(HistoryPage { messages: rows.into_iter().map(Message::from).collect(), has_more, next_before })
    }

    pub async fn clear(&self, user_id: UserId, profile_id: Option<ProfileId>) -> Result<u64, TutorError> {
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        Ok(messages::delete_for_profile(self.db.conn(), profile.id).await?)
    }
}

impl Message {
    fn channel_static(&self) -> &'static str {
        if self.channel == "bot" { "bot" } else { "miniapp" }
    }
}

/// Streams the answer with the word list cut out of what the learner sees.
async fn stream_filtered(
    llm: &LlmGateway,
    context: CallContext,
    prompt: Vec<ChatMessage>,
    deltas: &DeltaSink,
) -> Result<crate::llm::Completion, LlmError> {
    let (raw_tx, mut raw_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let call = async move {
        let result = llm.chat(context, prompt, Some(&raw_tx)).await;
        drop(raw_tx);
        result
    };
    let forward = async {
        let mut filter = StreamFilter::default();
        while let Some(piece) = raw_rx.recv().await {
            let visible = filter.push(&piece);
            if !visible.is_empty() {
                let _ = deltas.send(visible);
            }
        }
        let rest = filter.finish();
        if !rest.is_empty() {
            let _ = deltas.send(rest);
        }
    };
    let (result, ()) = tokio::join!(call, forward);
    result
}
