//! Decks and cards written by hand: ownership, duplicates by normalised lemma, plan limits,
//! and the day's "cards added" activity on every path that creates cards.

mod batch;
mod import;
mod model;

use std::sync::Arc;

use domain::{CardContent, DeckId, LimitExceeded, Plans, ProfileId, UserId};
use repositories::cards::{self, CardQuery, CardRow, ListedProfile};
use repositories::deck_counts::{self, DeckListQuery};
use repositories::decks::{self, DeckChanges, DeckRow, NewDeck};
use repositories::progress;
use repositories::users::UserRow;
use repositories::{ConnectionTrait, Database, RepoError, TransactionTrait, activity, users};
use uuid::Uuid;

pub use self::batch::{BatchOutcome, GenerationTarget};
pub use self::import::{ImportDuplicate, ImportOutcome, NumberedContent};
pub use self::model::{Card, CardFilter, CardPatch, CardProgress, CardSource, Deck};
use crate::Clock;
use crate::counts::{DayCounts, day_counts, new_allowance};
use crate::learner::study_day_of;
use crate::plans::{Entitlement, PlanError};
use crate::profiles::{ProfileError, ProfileService};
use crate::user_cache::UserCache;

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("profile not found")]
    ProfileNotFound,
    #[error("deck not found")]
    DeckNotFound,
    #[error("card not found")]
    CardNotFound,
    #[error("a deck with this name exists")]
    DuplicateDeckName,
    #[error("the deck name is blank")]
    BlankDeckName,
    #[error("the default deck cannot be archived or deleted")]
    DefaultDeck,
    #[error("the deck still has {0} card(s)")]
    DeckNotEmpty(u64),
    #[error("the card already exists")]
    DuplicateCard(Box<Card>),
    #[error(transparent)]
    LimitReached(#[from] LimitExceeded),
    #[error("the user no longer exists")]
    UserGone,
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<PlanError> for CardError {
    fn from(error: PlanError) -> Self {
        match error {
            PlanError::Limit(limit) => Self::LimitReached(limit),
            PlanError::Repo(e) => Self::Repo(e),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CardService {
    db: Database,
    clock: Arc<dyn Clock>,
    profiles: ProfileService,
    plans: Plans,
    users: UserCache,
}

impl CardService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, profiles: ProfileService, plans: Plans, users: UserCache) -> Self {
        Self { db, clock, profiles, plans, users }
    }

    fn entitlement(&self, user: &UserRow) -> Entitlement {
        Entitlement::of(&self.plans, user.premium_until, self.clock.now())
    }

    /// Locks the user's row for the rest of `txn`: card writes of one user queue up, so the
    /// duplicate and limit checks hold.
    async fn lock_user(&self, txn: &impl ConnectionTrait, user_id: UserId) -> Result<UserRow, CardError> {
        users::lock(txn, user_id).await?.ok_or(CardError::UserGone)
    }

    /// Counts `count` new cards in the day's activity of the profile.
    async fn count_added(
        &self,
        txn: &impl ConnectionTrait,
        user: &UserRow,
        profile_id: ProfileId,
        count: usize,
    ) -> Result<(), CardError> {
        let day = study_day_of(user, self.clock.now());
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        Ok(activity::add_cards(txn, UserId::from_uuid(user.id), profile_id, day.date, count).await?)
    }

    /// The cards with this learner's progress attached.
    async fn with_progress(&self, user_id: UserId, rows: Vec<CardRow>) -> Result<Vec<Card>, CardError> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let progress = progress::find_many(self.db.conn(), user_id, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let p = progress.iter().find(|p| p.card_id == row.id);
                Card::from_rows(row, p)
            })
            .collect())
    }

    async fn owned_deck(&self, user_id: UserId, id: DeckId) -> Result<DeckRow, CardError> {
        decks::find_owned(self.db.conn(), user_id, id).await?.ok_or(CardError::DeckNotFound)
    }

    async fn describe(&self, user_id: UserId, row: DeckRow) -> Result<Deck, CardError> {
        let user = self.cached_user(user_id).await?;
        let (profile, deck) = (ProfileId::from_uuid(row.profile_id), DeckId::from_uuid(row.id));
        let (counts, total) =
            day_counts(self.db.conn(), &user, self.clock.now(), profile, Some(deck)).await?.unwrap_or_default();
        Ok(Deck::from_row(row, counts, total))
    }

    /// The user's row from the sign-in cache (their calendar, for the day's counts).
    async fn cached_user(&self, user_id: UserId) -> Result<UserRow, CardError> {
        Ok(self.users.get(user_id).await?.ok_or(CardError::UserGone)?.user.clone())
    }

    pub async fn list_decks(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        include_archived: bool,
    ) -> Result<Vec<Deck>, CardError> {
        let user = self.cached_user(user_id).await?;
        let day = study_day_of(&user, self.clock.now());
        let query = DeckListQuery { user_id, profile_id, include_archived, day_end: day.ends_at, day: day.date };
        // One statement for all decks, not a handful per deck.
        let list = deck_counts::list(self.db.conn(), query).await?.ok_or(ProfileError::NotFound)?;
        let allowance = new_allowance(list.new_cards_per_day, list.new_cards_studied_today);
        Ok(list
            .decks
            .into_iter()
            .map(|(row, c)| {
                let day =
                    DayCounts { new: c.unstudied, learning: c.learning, due: c.due, waiting: 0 }.within(allowance);
                Deck::from_row(row, day, c.total)
            })
            .collect())
    }

    pub async fn get_deck(&self, user_id: UserId, id: DeckId) -> Result<Deck, CardError> {
        let row = self.owned_deck(user_id, id).await?;
        self.describe(user_id, row).await
    }

    pub async fn create_deck(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        name: &str,
        description: Option<&str>,
    ) -> Result<Deck, CardError> {
        if name.trim().is_empty() {
            return Err(CardError::BlankDeckName);
        }
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let new = NewDeck {
            profile_id: profile.id,
            owner_id: user_id,
            name,
            description,
            is_default: false,
            now: self.clock.now(),
        };
        let row = decks::insert(self.db.conn(), new).await.map_err(|e| match e {
            RepoError::UniqueViolation(_) => CardError::DuplicateDeckName,
            other => other.into(),
        })?;
        self.describe(user_id, row).await
    }

    pub async fn update_deck(
        &self,
        user_id: UserId,
        id: DeckId,
        name: Option<String>,
        description: Option<Option<String>>,
        archived: Option<bool>,
    ) -> Result<Deck, CardError> {
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(CardError::BlankDeckName);
        }
        let row = self.owned_deck(user_id, id).await?;
        if row.is_default && archived == Some(true) {
            return Err(CardError::DefaultDeck);
        }
        let now = self.clock.now();
        let archived_at = archived.map(|a| if a { Some(row.archived_at.unwrap_or(now)) } else { None });
        let changes = DeckChanges { name, description, archived_at };
        let row = decks::update(self.db.conn(), row, changes, now).await.map_err(|e| match e {
            RepoError::UniqueViolation(_) => CardError::DuplicateDeckName,
            other => other.into(),
        })?;
        self.describe(user_id, row).await
    }

    /// Deletes a deck; one that still has cards needs `confirmed` (its cards go with it).
    /// Counted and deleted in one transaction under the user's lock, so a card added in
    /// between is never deleted unconfirmed.
    pub async fn delete_deck(&self, user_id: UserId, id: DeckId, confirmed: bool) -> Result<(), CardError> {
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        self.lock_user(&txn, user_id).await?;
        let row = decks::find_owned(&txn, user_id, id).await?.ok_or(CardError::DeckNotFound)?;
        if row.is_default {
            return Err(CardError::DefaultDeck);
        }
        let cards = decks::count_cards(&txn, id).await?;
        if cards > 0 && !confirmed {
            return Err(CardError::DeckNotEmpty(cards));
        }
        decks::delete(&txn, id).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(())
    }

    pub async fn list_cards(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        filter: CardFilter,
    ) -> Result<(Vec<Card>, u64), CardError> {
        let query = CardQuery {
            deck_id: filter.deck_id,
            state: filter.state,
            search: filter.search,
            limit: filter.limit,
            offset: filter.offset,
        };
        let listed = match (filter.deck_id, profile_id) {
            (Some(_), _) => ListedProfile::OfDeck,
            (None, Some(id)) => ListedProfile::Given(id),
            (None, None) => ListedProfile::Active,
        };
        let (page, total) = cards::list(self.db.conn(), user_id, listed, &query).await?;
        let total = match total {
            Some(total) => total,
            // An empty page: nothing matches, or there is nothing to list from (404).
            None => {
                let profile = match filter.deck_id {
                    Some(deck) => ProfileId::from_uuid(self.owned_deck(user_id, deck).await?.profile_id),
                    None => self.profiles.resolve(user_id, profile_id).await?.id,
                };
                match query.offset {
                    0 => 0,
                    _ => cards::count_matching(self.db.conn(), user_id, profile, &query).await?,
                }
            }
        };
        Ok((page.into_iter().map(|(card, progress)| Card::from_rows(card, progress.as_ref())).collect(), total))
    }

    pub async fn get_card(&self, user_id: UserId, id: Uuid) -> Result<Card, CardError> {
        let row = cards::find_owned(self.db.conn(), user_id, id).await?.ok_or(CardError::CardNotFound)?;
        let progress = progress::find(self.db.conn(), user_id, id).await?;
        Ok(Card::from_rows(row, progress.as_ref()))
    }

    /// Adds a card typed by hand (or imported); duplicates are reported with the existing card.
    pub async fn create_card(
        &self,
        user_id: UserId,
        deck_id: Option<DeckId>,
        content: CardContent,
        source: CardSource,
    ) -> Result<Card, CardError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = self.lock_user(&txn, user_id).await?;
        let deck = match deck_id {
            Some(id) => decks::find_owned(&txn, user_id, id).await?.ok_or(CardError::DeckNotFound)?,
            None => {
                let active =
                    repositories::profiles::find_active(&txn, user_id).await?.ok_or(CardError::ProfileNotFound)?;
                decks::find_default(&txn, ProfileId::from_uuid(active.id)).await?.ok_or(CardError::DeckNotFound)?
            }
        };
        let profile_id = ProfileId::from_uuid(deck.profile_id);
        if let Some(existing) = cards::find_by_lemma_key(&txn, profile_id, &content.lemma_key()).await? {
            let progress = progress::find(&txn, user_id, existing.id).await?;
            return Err(CardError::DuplicateCard(Box::new(Card::from_rows(existing, progress.as_ref()))));
        }
        self.entitlement(&user).ensure_card_room(&txn, user_id, 1).await?;
        let row = cards::insert(&txn, DeckId::from_uuid(deck.id), profile_id, content, source.as_str(), now).await?;
        self.count_added(&txn, &user, profile_id, 1).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(Card::from_rows(row, None))
    }

    /// Changes the fields the patch names and keeps the rest.
    pub async fn update_card(&self, user_id: UserId, id: Uuid, patch: CardPatch) -> Result<Card, CardError> {
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        // Serialises with creates and imports of the same user, so the duplicate check holds.
        self.lock_user(&txn, user_id).await?;
        let row = cards::find_owned(&txn, user_id, id).await?.ok_or(CardError::CardNotFound)?;
        let content = patch.apply(Card::from_rows(row.clone(), None).content);
        let key = content.lemma_key();
        if let Some(other) = cards::find_by_lemma_key(&txn, ProfileId::from_uuid(row.profile_id), &key).await?
            && other.id != id
        {
            let progress = progress::find(&txn, user_id, other.id).await?;
            return Err(CardError::DuplicateCard(Box::new(Card::from_rows(other, progress.as_ref()))));
        }
        let row = cards::update_content(&txn, row, content, self.clock.now()).await?;
        let progress = progress::find(&txn, user_id, id).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(Card::from_rows(row, progress.as_ref()))
    }

    pub async fn delete_card(&self, user_id: UserId, id: Uuid) -> Result<(), CardError> {
        cards::find_owned(self.db.conn(), user_id, id).await?.ok_or(CardError::CardNotFound)?;
        cards::delete(self.db.conn(), id).await?;
        Ok(())
    }

    /// Moves a card to another deck of the same profile, under the user's lock, so the deck
    /// cannot be deleted (with its cards counted) in between.
    pub async fn move_card(&self, user_id: UserId, id: Uuid, deck_id: DeckId) -> Result<Card, CardError> {
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        self.lock_user(&txn, user_id).await?;
        let row = cards::find_owned(&txn, user_id, id).await?.ok_or(CardError::CardNotFound)?;
        let deck = decks::find_owned(&txn, user_id, deck_id).await?.ok_or(CardError::DeckNotFound)?;
        if deck.profile_id != row.profile_id {
            return Err(CardError::DeckNotFound);
        }
        let row = cards::move_to(&txn, row, deck_id, self.clock.now()).await?;
        let progress = progress::find(&txn, user_id, id).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(Card::from_rows(row, progress.as_ref()))
    }
}

impl CardService {
    /// Every card of a deck with the learner's progress, oldest first.
    pub async fn deck_cards(&self, user_id: UserId, deck_id: DeckId) -> Result<(String, Vec<Card>), CardError> {
        let deck = self.owned_deck(user_id, deck_id).await?;
        let rows = cards::list_in_deck(self.db.conn(), deck_id).await?;
        let cards = self.with_progress(user_id, rows).await?;
        Ok((deck.name, cards))
    }
}
