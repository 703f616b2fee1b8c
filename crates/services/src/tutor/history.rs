//! The conversation as stored: the context sent with a new message, paging, clearing.

use domain::{ProfileId, UserId};
use repositories::messages;
use uuid::Uuid;

use super::{HistoryPage, Message, TutorError, TutorService, estimate_tokens};
use crate::llm::{ChatMessage, LlmGateway, Role};
use crate::profiles::Profile;
use crate::prompts::LearnerContext;

impl TutorService {
    /// System prompt, then the latest earlier messages within the message and token budgets,
    /// then the new message.
    pub(super) async fn prompt(
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
