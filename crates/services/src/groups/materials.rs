//! Decks and topics a teacher shares with a group, the list members see (with their own
//! counts), and copying a shared deck into one's own profile.

use domain::{CardContent, DeckId, ProfileId, UserId};
use repositories::cards::{self, CardRow};
use repositories::decks::{self, NewDeck};
use repositories::groups::materials::{self, MaterialView, Shared, counted};
use repositories::{RepoError, TransactionTrait, profiles, topics, users};
use uuid::Uuid;

use super::model::{Material, MaterialDeck, MaterialKind, MaterialTopic, ShareRequest};
use super::{GroupError, GroupService};
use crate::cards::Deck;
use crate::plans::Entitlement;
use crate::profiles::ProfileError;

/// Names tried for a copy when the deck's name is taken in the profile: "Name (2)", …
const COPY_NAME_ATTEMPTS: u32 = 50;

impl From<MaterialView> for Material {
    fn from(view: MaterialView) -> Self {
        let m = view.material;
        Self {
            id: m.id,
            kind: if m.deck_id.is_some() { MaterialKind::Deck } else { MaterialKind::Topic },
            shared_at: m.shared_at,
            shared_by: UserId::from_uuid(m.shared_by),
            shared_by_first_name: view.shared_by_first_name,
            deck: view.deck.map(|d| MaterialDeck {
                id: d.id,
                name: d.name,
                description: d.description,
                card_count: counted(d.card_count),
                due_now: counted(d.due_now),
                new_available: counted(d.new_available),
            }),
            topic: view.topic.map(|t| MaterialTopic {
                id: t.id,
                name: t.name,
                description: t.description,
                kind: t.kind,
            }),
        }
    }
}

fn content_of(card: CardRow) -> CardContent {
    CardContent {
        front: card.front,
        back: card.back,
        lemma: card.lemma,
        part_of_speech: card.part_of_speech,
        gender: card.gender,
        forms: card.forms,
        transcription: card.transcription,
        example: card.example,
        example_translation: card.example_translation,
        notes: card.notes,
    }
}

impl GroupService {
    /// Decks teachers shared with the learner's live groups: what the bot offers to study
    /// beside the learner's own.
    pub async fn decks_shared_with(&self, user_id: UserId) -> Result<Vec<materials::DeckSharedWithMe>, GroupError> {
        Ok(materials::decks_shared_with(self.db.conn(), user_id).await?)
    }

    /// Every member sees the materials, archived group or not, with their own deck counts.
    pub async fn materials(&self, user_id: UserId, id: Uuid) -> Result<Vec<Material>, GroupError> {
        self.member_of(user_id, id).await?;
        let views = materials::list(self.db.conn(), id, user_id, self.clock.now()).await?;
        Ok(views.into_iter().map(Material::from).collect())
    }

    /// A teacher shares one of their own decks or topics.
    pub async fn share(&self, user_id: UserId, id: Uuid, what: ShareRequest) -> Result<Material, GroupError> {
        self.teacher_of(user_id, id).await?;
        let conn = self.db.conn();
        let shared = match what {
            ShareRequest::Deck(deck) => {
                decks::find_owned(conn, user_id, DeckId::from_uuid(deck)).await?.ok_or(GroupError::DeckNotFound)?;
                Shared::Deck(deck)
            }
            ShareRequest::Topic(topic) => {
                topics::find_owned(conn, user_id, topic).await?.ok_or(GroupError::TopicNotFound)?;
                Shared::Topic(topic)
            }
        };
        let row = materials::insert(conn, id, shared, user_id, self.clock.now()).await.map_err(|e| match e {
            RepoError::UniqueViolation(_) => GroupError::AlreadyShared,
            e => e.into(),
        })?;
        let views = materials::list(conn, id, user_id, self.clock.now()).await?;
        views.into_iter().find(|v| v.material.id == row.id).map(Material::from).ok_or(GroupError::MaterialNotFound)
    }

    pub async fn unshare(&self, user_id: UserId, id: Uuid, material_id: Uuid) -> Result<(), GroupError> {
        self.teacher_of(user_id, id).await?;
        if !materials::delete(self.db.conn(), id, material_id).await? {
            return Err(GroupError::MaterialNotFound);
        }
        Ok(())
    }

    /// A new deck of the caller's with copies of a shared deck's cards, in `profile_id` (by
    /// default their profile of the deck's language, else the active one). Words the profile
    /// has already are skipped; the rest must fit the caller's card limit.
    pub async fn copy_deck(
        &self,
        user_id: UserId,
        id: Uuid,
        material_id: Uuid,
        profile_id: Option<ProfileId>,
    ) -> Result<Deck, GroupError> {
        self.member_of(user_id, id).await?;
        let conn = self.db.conn();
        let material = materials::find(conn, id, material_id).await?.ok_or(GroupError::MaterialNotFound)?;
        let deck_id = material.deck_id.ok_or(GroupError::NotADeck)?;
        let source = decks::find_owned(conn, UserId::from_uuid(material.shared_by), DeckId::from_uuid(deck_id))
            .await?
            .ok_or(GroupError::DeckNotFound)?;
        let now = self.clock.now();
        let txn = conn.begin().await.map_err(RepoError::from)?;
        // One card-adding operation of this user at a time, so the limit holds.
        let me = users::lock(&txn, user_id).await?.ok_or(GroupError::UserGone)?;
        let target = match profile_id {
            Some(pid) => profiles::find_owned(&txn, user_id, pid).await?,
            None => {
                let language = repositories::groups::materials::deck_language(&txn, deck_id).await?;
                profiles::of_language_or_active(&txn, user_id, language.as_deref()).await?
            }
        }
        .ok_or(GroupError::Profile(ProfileError::NotFound))?;
        let target_id = ProfileId::from_uuid(target.id);
        let source_cards = cards::list_in_deck(&txn, DeckId::from_uuid(source.id)).await?;
        let keys: Vec<String> = source_cards.iter().map(|c| c.lemma_key.clone()).collect();
        let known: std::collections::HashSet<String> =
            cards::existing_keys(&txn, target_id, &keys).await?.into_iter().map(|(key, _)| key).collect();
        let fresh: Vec<CardRow> = source_cards.into_iter().filter(|c| !known.contains(&c.lemma_key)).collect();
        Entitlement::of(&self.plans, me.premium_until, now)
            .ensure_card_room(&txn, user_id, u64::try_from(fresh.len()).unwrap_or(u64::MAX))
            .await
            .map_err(|e| match e {
                crate::plans::PlanError::Limit(limit) => GroupError::LimitReached(limit),
                crate::plans::PlanError::Repo(e) => GroupError::Repo(e),
            })?;
        let name = self.free_deck_name(&txn, target_id, &source.name).await?;
        let deck = decks::insert(
            &txn,
            NewDeck {
                profile_id: target_id,
                owner_id: user_id,
                name: &name,
                description: source.description.as_deref(),
                is_default: false,
                now,
            },
        )
        .await?;
        for card in fresh {
            cards::insert(&txn, DeckId::from_uuid(deck.id), target_id, content_of(card), "import", now).await?;
        }
        txn.commit().await.map_err(RepoError::from)?;
        self.cards.get_deck(user_id, DeckId::from_uuid(deck.id)).await.map_err(|e| match e {
            crate::cards::CardError::Repo(e) => GroupError::Repo(e),
            _ => GroupError::DeckNotFound,
        })
    }

    /// `name`, or the first of "name (2)", "name (3)", … that the profile has not taken.
    async fn free_deck_name(
        &self,
        conn: &impl repositories::ConnectionTrait,
        profile: ProfileId,
        name: &str,
    ) -> Result<String, GroupError> {
        if !decks::name_taken(conn, profile, name).await? {
            return Ok(name.to_owned());
        }
        for n in 2..=COPY_NAME_ATTEMPTS {
            let candidate = format!("{name} ({n})");
            if !decks::name_taken(conn, profile, &candidate).await? {
                return Ok(candidate);
            }
        }
        Ok(format!("{name} ({})", uuid::Uuid::now_v7().simple()))
    }
}
