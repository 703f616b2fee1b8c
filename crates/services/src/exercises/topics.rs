//! Topics: the learner's own, one active per profile, and suggestions from the model cached per
//! version of the profile (a changed level, goal or language asks again).

use std::collections::HashSet;
use std::time::Duration;

use domain::text::normalized_key;
use domain::{ProfileId, UserId};
use repositories::topics::{self as rows, TopicChanges, TopicRow, TopicTally, TopicWithTally};
use repositories::{TransactionTrait, topics};
use uuid::Uuid;

use super::llm_io::SuggestedTopics;
use super::model::{NewTopic, Topic, TopicPatch, TopicSuggestion};
use super::{ExerciseError, ExerciseService};
use crate::llm::{CallContext, ChatMessage, Operation, Role};
use crate::profiles::Profile;
use crate::prompts::LearnerContext;

/// The name index's violation is a taken name; any other (the one-active index) is a fault.
fn name_taken_or(error: repositories::RepoError) -> ExerciseError {
    match &error {
        // PostgreSQL names the index, SQLite the columns.
        repositories::RepoError::UniqueViolation(what)
            if what.contains("ux_topics_name") || what.contains("name_key") =>
        {
            ExerciseError::NameTaken
        }
        _ => error.into(),
    }
}

/// Suggestions stay good while the profile is unchanged; a week bounds what an idle key costs.
const SUGGESTIONS_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// Keyed by what the prompt says of the learner, so any change to it asks the model again.
fn suggestions_key(profile: &Profile) -> String {
    use sha2::{Digest, Sha256};
    let learner = LearnerContext::from(profile);
    let version = format!(
        "{}|{}|{}|{}|{}",
        learner.language_code,
        learner.current_level,
        learner.target_level,
        learner.goals.join(","),
        learner.interface_language
    );
    let digest = Sha256::digest(version.as_bytes());
    let short: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("topics:suggest:{}:{short}", profile.id)
}

impl ExerciseService {
    pub async fn topics(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        include_archived: bool,
    ) -> Result<Vec<Topic>, ExerciseError> {
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let rows = rows::list_with_tally(self.db.conn(), user_id, profile.id, include_archived).await?;
        Ok(rows.into_iter().map(Topic::from).collect())
    }

    pub async fn topic(&self, user_id: UserId, id: Uuid) -> Result<Topic, ExerciseError> {
        let row = self.owned(user_id, id).await?;
        self.with_tally(row).await
    }

    async fn owned(&self, user_id: UserId, id: Uuid) -> Result<TopicRow, ExerciseError> {
        rows::find_owned(self.db.conn(), user_id, id).await?.ok_or(ExerciseError::TopicNotFound)
    }

    /// The topic with its owner's tally (every caller but [`Self::profile_and_topic`] is the owner).
    async fn with_tally(&self, topic: TopicRow) -> Result<Topic, ExerciseError> {
        self.with_tally_of(UserId::from_uuid(topic.owner_id), topic).await
    }

    /// The topic with `learner`'s tally on it.
    pub(super) async fn with_tally_of(&self, learner: UserId, topic: TopicRow) -> Result<Topic, ExerciseError> {
        let tally = rows::tally(self.db.conn(), learner, topic.id).await?;
        Ok(Topic::from(TopicWithTally { topic, tally }))
    }

    /// A new topic; a profile's first topic becomes its active one.
    pub async fn create_topic(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        new: NewTopic,
    ) -> Result<Topic, ExerciseError> {
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(repositories::RepoError::from)?;
        // One topic change of this user at a time: two "first topics" or two activations at
        // once would otherwise both pass their checks and meet the one-active index.
        repositories::users::lock(&txn, user_id).await?;
        if rows::name_taken(&txn, profile.id, &new.name, None).await? {
            return Err(ExerciseError::NameTaken);
        }
        let first = rows::find_active(&txn, profile.id).await?.is_none();
        let row = rows::insert(
            &txn,
            rows::NewTopic {
                profile_id: profile.id,
                owner_id: user_id,
                name: &new.name,
                description: new.description.as_deref().filter(|d| !d.trim().is_empty()),
                kind: new.kind.as_str(),
                is_active: first,
                now,
            },
        )
        .await
        .map_err(name_taken_or)?;
        txn.commit().await.map_err(repositories::RepoError::from)?;
        Ok(Topic::from(TopicWithTally { topic: row, tally: TopicTally::default() }))
    }

    pub async fn update_topic(&self, user_id: UserId, id: Uuid, patch: TopicPatch) -> Result<Topic, ExerciseError> {
        let row = self.owned(user_id, id).await?;
        let profile_id = ProfileId::from_uuid(row.profile_id);
        if let Some(name) = &patch.name
            && rows::name_taken(self.db.conn(), profile_id, name, Some(id)).await?
        {
            return Err(ExerciseError::NameTaken);
        }
        let now = self.clock.now();
        let changes = TopicChanges {
            name: patch.name,
            description: patch.description.map(|d| d.filter(|d| !d.trim().is_empty())),
            kind: patch.kind.map(|k| k.as_str().to_owned()),
            archived_at: patch.archived.map(|archived| archived.then_some(row.archived_at.unwrap_or(now))),
        };
        let row = rows::update(self.db.conn(), row, changes, now).await.map_err(name_taken_or)?;
        self.with_tally(row).await
    }

    /// Deletes the topic; its attempts stay in the history without it.
    pub async fn delete_topic(&self, user_id: UserId, id: Uuid) -> Result<(), ExerciseError> {
        let row = self.owned(user_id, id).await?;
        topics::delete(self.db.conn(), row.id).await?;
        Ok(())
    }

    /// Makes the topic the profile's active one (an archived topic comes back).
    pub async fn activate_topic(&self, user_id: UserId, id: Uuid) -> Result<Topic, ExerciseError> {
        let row = self.owned(user_id, id).await?;
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(repositories::RepoError::from)?;
        repositories::users::lock(&txn, user_id).await?;
        if row.archived_at.is_some() {
            let changes = TopicChanges { archived_at: Some(None), ..TopicChanges::default() };
            rows::update(&txn, row.clone(), changes, now).await?;
        }
        rows::activate(&txn, ProfileId::from_uuid(row.profile_id), row.id, now).await?;
        txn.commit().await.map_err(repositories::RepoError::from)?;
        self.topic(user_id, id).await
    }

    /// The profile and topic a batch is for, each read once: the named topic (the learner's
    /// own, in the named or active profile; or one a teacher shared with their group, written
    /// for their profile of its language, else the active one), else the profile's active topic;
    /// with the learner's tally.
    pub(super) async fn profile_and_topic(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        topic_id: Option<Uuid>,
    ) -> Result<(Profile, Topic), ExerciseError> {
        let conn = self.db.conn();
        let (profile, row) = match topic_id {
            None => {
                let profile = self.profiles.resolve(user_id, profile_id).await?;
                let row = rows::find_active(conn, profile.id).await?.ok_or(ExerciseError::NoActiveTopic)?;
                (profile, row)
            }
            Some(id) => match rows::find_owned(conn, user_id, id).await? {
                Some(row) => {
                    let profile = self.profiles.resolve(user_id, profile_id).await?;
                    if row.profile_id != profile.id.as_uuid() {
                        return Err(ExerciseError::TopicNotFound);
                    }
                    (profile, row)
                }
                None => {
                    let Some((row, language)) = rows::find_shared(conn, user_id, id).await? else {
                        // A missing profile is reported before a missing topic, as for own topics.
                        self.profiles.resolve(user_id, profile_id).await?;
                        return Err(ExerciseError::TopicNotFound);
                    };
                    let profile_id = match profile_id {
                        Some(named) => Some(named),
                        None => repositories::profiles::of_language_or_active(conn, user_id, Some(&language))
                            .await?
                            .map(|p| ProfileId::from_uuid(p.id)),
                    };
                    (self.profiles.resolve(user_id, profile_id).await?, row)
                }
            },
        };
        Ok((profile, self.with_tally_of(user_id, row).await?))
    }

    /// The topic an attempt counts for when it is recorded: the learner's own or a shared one
    /// (`None` once deleted or unshared meanwhile).
    pub(super) async fn topic_reachable(&self, user_id: UserId, id: Uuid) -> Result<Option<TopicRow>, ExerciseError> {
        let conn = self.db.conn();
        if let Some(row) = rows::find_owned(conn, user_id, id).await? {
            return Ok(Some(row));
        }
        Ok(rows::find_shared(conn, user_id, id).await?.map(|(row, _)| row))
    }

    /// 5–7 topics for the profile's language, levels and goals, none the learner already has.
    /// Cached per version of the profile; the call is accounted like any other.
    pub async fn suggest_topics(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
    ) -> Result<Vec<TopicSuggestion>, ExerciseError> {
        let llm = self.llm()?;
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let existing = rows::list_with_tally(self.db.conn(), user_id, profile.id, true).await?;
        let taken: HashSet<String> = existing.iter().map(|t| t.topic.name_key.clone()).collect();
        let key = suggestions_key(&profile);
        let cached = match self.cache().get(&key).await {
            Ok(json) => json.and_then(|json| serde_json::from_str::<Vec<TopicSuggestion>>(&json).ok()),
            Err(error) => {
                tracing::warn!(%error, "topic suggestions cache unreadable");
                None
            }
        };
        let suggestions = match cached {
            Some(suggestions) => suggestions,
            None => {
                let names: Vec<String> = existing.iter().map(|t| t.topic.name.clone()).collect();
                let system = self.features.prompts.topics_system(&LearnerContext::from(&profile), &names)?;
                let messages = vec![
                    ChatMessage { role: Role::System, content: system },
                    ChatMessage { role: Role::User, content: "Suggest the topics.".into() },
                ];
                let context =
                    CallContext { user_id, profile_id: Some(profile.id), operation: Operation::TopicSuggestions };
                let answer: SuggestedTopics = llm.structured(context, messages).await?;
                let suggestions: Vec<TopicSuggestion> = answer
                    .topics
                    .into_iter()
                    .map(|t| TopicSuggestion {
                        name: t.name.trim().to_owned(),
                        description: t.description.trim().to_owned(),
                        kind: t.kind,
                    })
                    .collect();
                if let Ok(json) = serde_json::to_string(&suggestions)
                    && let Err(error) = self.cache().set_ex(&key, &json, SUGGESTIONS_TTL).await
                {
                    tracing::warn!(%error, "topic suggestions not cached");
                }
                suggestions
            }
        };
        let mut seen = HashSet::new();
        Ok(suggestions
            .into_iter()
            .filter(|s| !taken.contains(&normalized_key(&s.name)) && seen.insert(normalized_key(&s.name)))
            .collect())
    }
}
