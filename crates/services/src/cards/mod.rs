//! Decks and cards written by hand: ownership, duplicates by normalised lemma, plan limits.

mod batch;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::{CardState, DeckId, Plan, ProfileId, UserId};
use repositories::cards::{self, CardRow};
pub use repositories::cards::{CardContent, CardFilter};
use repositories::decks::{self, DeckChanges, DeckRow, NewDeck};
use repositories::progress::{self, ProgressRow, ProgressValues, Scope};
use repositories::{Database, RepoError, TransactionTrait, users};
use uuid::Uuid;

use crate::Clock;
use crate::profiles::{ProfileError, ProfileService};
use crate::study::{DayCounts, day_counts, deck_day_counts};

pub use self::batch::{BatchOutcome, GenerationTarget};

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
    #[error("the plan allows {max} cards")]
    LimitReached { used: u64, max: u32 },
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Clone)]
pub struct Deck {
    pub id: DeckId,
    pub profile_id: ProfileId,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub counts: DayCounts,
    pub total: u64,
}

fn deck_of(row: DeckRow, counts: DayCounts, total: u64) -> Deck {
    Deck {
        id: DeckId::from_uuid(row.id),
        profile_id: ProfileId::from_uuid(row.profile_id),
        name: row.name,
        description: row.description,
        is_default: row.is_default,
        archived_at: row.archived_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
        counts,
        total,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CardProgress {
    pub state: CardState,
    pub due: DateTime<Utc>,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub reps: i32,
    pub lapses: i32,
    pub last_review: Option<DateTime<Utc>>,
}

impl From<&ProgressValues> for CardProgress {
    fn from(p: &ProgressValues) -> Self {
        Self {
            state: p.state.parse().unwrap_or(CardState::New),
            due: p.due,
            stability: p.stability,
            difficulty: p.difficulty,
            reps: p.reps,
            lapses: p.lapses,
            last_review: p.last_review,
        }
    }
}

impl From<&ProgressRow> for CardProgress {
    fn from(p: &ProgressRow) -> Self {
        Self::from(&ProgressValues::from(p))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: Uuid,
    pub deck_id: DeckId,
    pub profile_id: ProfileId,
    pub content: CardContent,
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub progress: Option<CardProgress>,
}

impl Card {
    pub fn from_rows(row: CardRow, progress: Option<&ProgressRow>) -> Self {
        Self {
            id: row.id,
            deck_id: DeckId::from_uuid(row.deck_id),
            profile_id: ProfileId::from_uuid(row.profile_id),
            content: CardContent {
                front: row.front,
                back: row.back,
                lemma: row.lemma,
                part_of_speech: row.part_of_speech,
                gender: row.gender,
                forms: row.forms,
                transcription: row.transcription,
                example: row.example,
                example_translation: row.example_translation,
                notes: row.notes,
            },
            source: row.source,
            created_at: row.created_at,
            updated_at: row.updated_at,
            progress: progress.map(CardProgress::from),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CardService {
    db: Database,
    clock: Arc<dyn Clock>,
    profiles: ProfileService,
    free_max_cards: u32,
    premium_max_cards: Option<u32>,
}

impl CardService {
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        profiles: ProfileService,
        free_max_cards: u32,
        premium_max_cards: Option<u32>,
    ) -> Self {
        Self { db, clock, profiles, free_max_cards, premium_max_cards }
    }

    /// `None`: no limit on this plan.
    fn max_cards(&self, plan: Plan) -> Option<u32> {
        match plan {
            Plan::Free => Some(self.free_max_cards),
            Plan::Premium => self.premium_max_cards,
        }
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
        let scope =
            Scope { profile_id: ProfileId::from_uuid(row.profile_id), deck_id: Some(DeckId::from_uuid(row.id)) };
        let counts = day_counts(&self.db, self.clock.now(), user_id, scope).await?;
        let total = decks::count_cards(self.db.conn(), DeckId::from_uuid(row.id)).await?;
        Ok(deck_of(row, counts, total))
    }

    pub async fn list_decks(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        include_archived: bool,
    ) -> Result<Vec<Deck>, CardError> {
        let profile = self.profiles.resolve(user_id, profile_id).await?;
        let rows = decks::list_for_profile(self.db.conn(), profile.id, include_archived).await?;
        // One grouped query for all decks, not a handful per deck.
        let counts = deck_day_counts(&self.db, self.clock.now(), user_id, profile.id).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let (day, total) = counts.get(&DeckId::from_uuid(row.id)).copied().unwrap_or_default();
                deck_of(row, day, total)
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
    pub async fn delete_deck(&self, user_id: UserId, id: DeckId, confirmed: bool) -> Result<(), CardError> {
        let row = self.owned_deck(user_id, id).await?;
        if row.is_default {
            return Err(CardError::DefaultDeck);
        }
        let cards = decks::count_cards(self.db.conn(), id).await?;
        if cards > 0 && !confirmed {
            return Err(CardError::DeckNotEmpty(cards));
        }
        decks::delete(self.db.conn(), id).await?;
        Ok(())
    }

    pub async fn list_cards(
        &self,
        user_id: UserId,
        profile_id: Option<ProfileId>,
        filter: CardFilter,
    ) -> Result<(Vec<Card>, u64), CardError> {
        let profile = match filter.deck_id {
            Some(deck) => ProfileId::from_uuid(self.owned_deck(user_id, deck).await?.profile_id),
            None => self.profiles.resolve(user_id, profile_id).await?.id,
        };
        let (rows, total) = cards::list(self.db.conn(), user_id, profile, &filter).await?;
        let cards = self.with_progress(user_id, rows).await?;
        Ok((cards, total))
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
        source: &str,
    ) -> Result<Card, CardError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = users::lock(&txn, user_id).await?.ok_or(CardError::Profile(ProfileError::UserGone))?;
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
        let max = self.max_cards(Plan::of(user.premium_until, now));
        if let Some(max) = max {
            let used = cards::count_for_user(&txn, user_id).await?;
            if used >= u64::from(max) {
                return Err(CardError::LimitReached { used, max });
            }
        }
        let row = cards::insert(&txn, DeckId::from_uuid(deck.id), profile_id, content, source, now).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(Card::from_rows(row, None))
    }

    /// Changes the fields the patch names and keeps the rest.
    pub async fn update_card(&self, user_id: UserId, id: Uuid, patch: CardPatch) -> Result<Card, CardError> {
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        // Serialises with creates and imports of the same user, so the duplicate check holds.
        users::lock(&txn, user_id).await?.ok_or(CardError::Profile(ProfileError::UserGone))?;
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

    /// Moves a card to another deck of the same profile.
    pub async fn move_card(&self, user_id: UserId, id: Uuid, deck_id: DeckId) -> Result<Card, CardError> {
        let conn = self.db.conn();
        let row = cards::find_owned(conn, user_id, id).await?.ok_or(CardError::CardNotFound)?;
        let deck = self.owned_deck(user_id, deck_id).await?;
        if deck.profile_id != row.profile_id {
            return Err(CardError::DeckNotFound);
        }
        let row = cards::move_to(conn, row, deck_id, self.clock.now()).await?;
        let progress = progress::find(conn, user_id, id).await?;
        Ok(Card::from_rows(row, progress.as_ref()))
    }
}

/// A partial edit: `None` keeps a field; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct CardPatch {
    pub front: Option<String>,
    pub back: Option<String>,
    pub lemma: Option<Option<String>>,
    pub part_of_speech: Option<Option<String>>,
    pub gender: Option<Option<String>>,
    pub forms: Option<Option<serde_json::Value>>,
    pub transcription: Option<Option<String>>,
    pub example: Option<Option<String>>,
    pub example_translation: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

impl CardPatch {
    fn apply(self, mut c: CardContent) -> CardContent {
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *slot = v;
            }
        }
        set(&mut c.front, self.front);
        set(&mut c.back, self.back);
        set(&mut c.lemma, self.lemma);
        set(&mut c.part_of_speech, self.part_of_speech);
        set(&mut c.gender, self.gender);
        set(&mut c.forms, self.forms);
        set(&mut c.transcription, self.transcription);
        set(&mut c.example, self.example);
        set(&mut c.example_translation, self.example_translation);
        set(&mut c.notes, self.notes);
        c
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub duplicates: Vec<ImportDuplicate>,
    pub errors: Vec<crate::transfer::RowError>,
    /// The first rows that are (or would be) created, for the preview.
    pub preview: Vec<CardContent>,
}

#[derive(Debug, Clone)]
pub struct ImportDuplicate {
    pub row: usize,
    pub front: String,
    /// The card already in the profile; `None` when the clash is with an earlier row of the file.
    pub existing_card_id: Option<Uuid>,
}

const IMPORT_PREVIEW_ROWS: usize = 20;

impl CardService {
    /// Imports CSV/TSV into a deck: bad rows and duplicates are reported per row and skipped;
    /// the rest are created together (or, when `dry_run`, only reported). The plan's card
    /// limit applies to the whole file: either everything valid fits or nothing is created.
    pub async fn import(
        &self,
        user_id: UserId,
        deck_id: DeckId,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport, CardError> {
        let parsed = crate::transfer::parse(text);
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = users::lock(&txn, user_id).await?.ok_or(CardError::Profile(ProfileError::UserGone))?;
        let deck = decks::find_owned(&txn, user_id, deck_id).await?.ok_or(CardError::DeckNotFound)?;
        let profile_id = ProfileId::from_uuid(deck.profile_id);
        let keys: Vec<String> = parsed.rows.iter().map(|r| r.content.lemma_key()).collect();
        let existing = cards::existing_keys(&txn, profile_id, &keys).await?;

        let mut seen = std::collections::HashSet::new();
        let mut duplicates = Vec::new();
        let mut fresh = Vec::new();
        for (row, key) in parsed.rows.into_iter().zip(keys) {
            if let Some((_, id)) = existing.iter().find(|(k, _)| *k == key) {
                duplicates.push(ImportDuplicate {
                    row: row.row,
                    front: row.content.front,
                    existing_card_id: Some(*id),
                });
            } else if !seen.insert(key) {
                duplicates.push(ImportDuplicate { row: row.row, front: row.content.front, existing_card_id: None });
            } else {
                fresh.push(row.content);
            }
        }
        let max = self.max_cards(Plan::of(user.premium_until, now));
        if let Some(max) = max {
            let used = cards::count_for_user(&txn, user_id).await?;
            if used + fresh.len() as u64 > u64::from(max) {
                return Err(CardError::LimitReached { used, max });
            }
        }
        let preview = fresh.iter().take(IMPORT_PREVIEW_ROWS).cloned().collect();
        let created = fresh.len();
        if !dry_run {
            for content in fresh {
                cards::insert(&txn, deck_id, profile_id, content, "import", now).await?;
            }
            txn.commit().await.map_err(RepoError::from)?;
        }
        Ok(ImportReport { dry_run, created, duplicates, errors: parsed.errors, preview })
    }

    /// Every card of a deck with the learner's progress, oldest first.
    pub async fn deck_cards(&self, user_id: UserId, deck_id: DeckId) -> Result<(String, Vec<Card>), CardError> {
        let deck = self.owned_deck(user_id, deck_id).await?;
        let rows = cards::list_in_deck(self.db.conn(), deck_id).await?;
        let cards = self.with_progress(user_id, rows).await?;
        Ok((deck.name, cards))
    }
}
