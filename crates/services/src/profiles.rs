//! Language profiles: one per language, exactly one active, within the plan's limit, each
//! with a default deck so the first card never fails for want of a deck.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::{
    CefrLevel, Goal, InterfaceLanguage, LanguageCode, LimitExceeded, Plans, ProfileId, UserId,
    profile::levels_are_ordered,
};
use repositories::profiles::{self, NewProfile as NewProfileRow, ProfileChanges, ProfileRow};
use repositories::{Database, RepoError, TransactionTrait, decks, users};
use serde::Serialize;

use crate::Clock;
use crate::plans::{Entitlement, PlanError};
use crate::user_cache::UserCache;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("profile not found")]
    NotFound,
    #[error("a profile for this language already exists")]
    DuplicateLanguage,
    #[error(transparent)]
    LimitReached(#[from] LimitExceeded),
    #[error("the target level is below the current level")]
    TargetBelowCurrent,
    #[error("the last profile cannot be deleted")]
    LastProfile,
    #[error("there is no active profile")]
    NoActiveProfile,
    #[error("the user no longer exists")]
    UserGone,
    #[error("stored profile is unreadable: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub id: ProfileId,
    pub language: LanguageCode,
    pub current_level: CefrLevel,
    pub target_level: CefrLevel,
    pub goals: Vec<Goal>,
    pub interface_language: InterfaceLanguage,
    pub is_active: bool,
    pub new_cards_per_day: i32,
    pub desired_retention: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ProfileRow> for Profile {
    type Error = ProfileError;
    fn try_from(row: ProfileRow) -> Result<Self, Self::Error> {
        let corrupt = |e: &dyn std::fmt::Display| ProfileError::Corrupt(format!("{}: {e}", row.id));
        Ok(Self {
            id: ProfileId::from_uuid(row.id),
            language: LanguageCode::parse(&row.language).map_err(|e| corrupt(&e))?,
            current_level: row.current_level.parse().map_err(|e| corrupt(&e))?,
            target_level: row.target_level.parse().map_err(|e| corrupt(&e))?,
            goals: serde_json::from_value(row.goals.clone()).map_err(|e| corrupt(&e))?,
            interface_language: row.interface_language.parse().map_err(|e| corrupt(&e))?,
            is_active: row.is_active,
            new_cards_per_day: row.new_cards_per_day,
            desired_retention: row.desired_retention,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewProfile {
    pub language: LanguageCode,
    pub current_level: CefrLevel,
    pub target_level: CefrLevel,
    pub goals: Vec<Goal>,
    pub interface_language: InterfaceLanguage,
}

/// `PATCH` fields, parsed and range-checked at the edge; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub current_level: Option<CefrLevel>,
    pub target_level: Option<CefrLevel>,
    pub goals: Option<Vec<Goal>>,
    pub interface_language: Option<InterfaceLanguage>,
    pub new_cards_per_day: Option<i32>,
    pub desired_retention: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct ProfileService {
    db: Database,
    clock: Arc<dyn Clock>,
    plans: Plans,
    users: UserCache,
}

impl From<PlanError> for ProfileError {
    fn from(error: PlanError) -> Self {
        match error {
            PlanError::Limit(limit) => Self::LimitReached(limit),
            PlanError::Repo(e) => Self::Repo(e),
        }
    }
}

fn goals_json(goals: &[Goal]) -> serde_json::Value {
    // A set, in a stable order.
    let set: BTreeSet<Goal> = goals.iter().copied().collect();
    serde_json::to_value(set).unwrap_or_default()
}

fn default_deck_name(language: InterfaceLanguage) -> &'static str {
    match language {
        InterfaceLanguage::Ru => "Мои слова",
        InterfaceLanguage::En => "My words",
    }
}

/// Renames the profile's default deck into `language` when the interface language changes,
/// as long as it still carries a stock name (one the learner chose is theirs) and no other
/// deck of the profile has the new name.
pub(crate) async fn name_default_deck(
    conn: &impl repositories::ConnectionTrait,
    profile_id: ProfileId,
    language: InterfaceLanguage,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let Some(deck) = decks::find_default(conn, profile_id).await? else {
        return Ok(());
    };
    let name = default_deck_name(language);
    let stock = InterfaceLanguage::ALL.iter().any(|l| default_deck_name(*l) == deck.name);
    if deck.name == name || !stock || decks::name_taken(conn, profile_id, name).await? {
        return Ok(());
    }
    let changes = decks::DeckChanges { name: Some(name.to_owned()), ..Default::default() };
    decks::update(conn, deck, changes, now).await?;
    Ok(())
}

impl ProfileService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, plans: Plans, users: UserCache) -> Self {
        Self { db, clock, plans, users }
    }

    pub async fn list(&self, user_id: UserId) -> Result<Vec<Profile>, ProfileError> {
        let rows = profiles::list_for_user(self.db.conn(), user_id).await?;
        rows.into_iter().map(Profile::try_from).collect()
    }

    pub async fn get(&self, user_id: UserId, id: ProfileId) -> Result<Profile, ProfileError> {
        let row = profiles::find_owned(self.db.conn(), user_id, id).await?.ok_or(ProfileError::NotFound)?;
        Profile::try_from(row)
    }

    /// The profile a request names, or the active one when it names none.
    pub async fn resolve(&self, user_id: UserId, id: Option<ProfileId>) -> Result<Profile, ProfileError> {
        let row = match id {
            Some(id) => profiles::find_owned(self.db.conn(), user_id, id).await?,
            None => profiles::find_active(self.db.conn(), user_id).await?,
        };
        Profile::try_from(row.ok_or(ProfileError::NotFound)?)
    }

    pub async fn create(&self, user_id: UserId, new: NewProfile) -> Result<Profile, ProfileError> {
        if !levels_are_ordered(new.current_level, new.target_level) {
            return Err(ProfileError::TargetBelowCurrent);
        }
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let user = users::lock(&txn, user_id).await?.ok_or(ProfileError::UserGone)?;
        let existing = profiles::list_for_user(&txn, user_id).await?;
        if existing.iter().any(|p| p.language == new.language.as_str()) {
            return Err(ProfileError::DuplicateLanguage);
        }
        Entitlement::of(&self.plans, user.premium_until, now).limits.profile_room(existing.len() as u64, 1)?;
        let id = ProfileId::new();
        let row = profiles::insert(
            &txn,
            NewProfileRow {
                id,
                user_id,
                language: new.language.as_str().to_owned(),
                current_level: new.current_level.as_str().to_owned(),
                target_level: new.target_level.as_str().to_owned(),
                goals: goals_json(&new.goals),
                interface_language: new.interface_language.as_str().to_owned(),
                is_active: existing.is_empty(),
                now,
            },
        )
        .await
        .map_err(|e| match e {
            RepoError::UniqueViolation(_) => ProfileError::DuplicateLanguage,
            other => other.into(),
        })?;
        decks::insert_default(&txn, id, user_id, default_deck_name(new.interface_language), now).await?;
        txn.commit().await.map_err(RepoError::from)?;
        // The active profile's interface language is cached with the user.
        self.users.forget(user_id);
        Profile::try_from(row)
    }

    /// Edits under the user's lock: concurrent edits of one user queue up instead of failing.
    pub async fn update(&self, user_id: UserId, id: ProfileId, patch: ProfilePatch) -> Result<Profile, ProfileError> {
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        users::lock(&txn, user_id).await?.ok_or(ProfileError::UserGone)?;
        let row = profiles::find_owned(&txn, user_id, id).await?.ok_or(ProfileError::NotFound)?;
        let current = Profile::try_from(row.clone())?;
        let current_level = patch.current_level.unwrap_or(current.current_level);
        let target_level = patch.target_level.unwrap_or(current.target_level);
        if !levels_are_ordered(current_level, target_level) {
            return Err(ProfileError::TargetBelowCurrent);
        }
        let changes = ProfileChanges {
            current_level: patch.current_level.map(|l| l.as_str().to_owned()),
            target_level: patch.target_level.map(|l| l.as_str().to_owned()),
            goals: patch.goals.as_deref().map(goals_json),
            interface_language: patch.interface_language.map(|l| l.as_str().to_owned()),
            new_cards_per_day: patch.new_cards_per_day,
            desired_retention: patch.desired_retention,
        };
        let now = self.clock.now();
        let row = profiles::update(&txn, row, changes, now).await?;
        if let Some(language) = patch.interface_language {
            name_default_deck(&txn, id, language, now).await?;
        }
        txn.commit().await.map_err(RepoError::from)?;
        // The active profile's interface language is cached with the user.
        self.users.forget(user_id);
        Profile::try_from(row)
    }

    /// Deletes a profile with its decks; the active one hands over to the newest other one.
    pub async fn delete(&self, user_id: UserId, id: ProfileId) -> Result<(), ProfileError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        users::lock(&txn, user_id).await?.ok_or(ProfileError::UserGone)?;
        let row = profiles::find_owned(&txn, user_id, id).await?.ok_or(ProfileError::NotFound)?;
        if profiles::count_for_user(&txn, user_id).await? <= 1 {
            return Err(ProfileError::LastProfile);
        }
        profiles::delete(&txn, id).await?;
        if row.is_active
            && let Some(next) = profiles::newest_other(&txn, user_id, id).await?
        {
            profiles::activate(&txn, user_id, ProfileId::from_uuid(next.id), now).await?;
        }
        txn.commit().await.map_err(RepoError::from)?;
        // The active profile's interface language is cached with the user.
        self.users.forget(user_id);
        Ok(())
    }

    /// Makes `id` the only active profile. The user row is locked first, so concurrent
    /// activations queue up instead of racing; the partial unique index is the backstop.
    pub async fn activate(&self, user_id: UserId, id: ProfileId) -> Result<Profile, ProfileError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        users::lock(&txn, user_id).await?.ok_or(ProfileError::UserGone)?;
        profiles::find_owned(&txn, user_id, id).await?.ok_or(ProfileError::NotFound)?;
        profiles::activate(&txn, user_id, id, now).await?;
        let row = profiles::find_owned(&txn, user_id, id).await?.ok_or(ProfileError::NotFound)?;
        txn.commit().await.map_err(RepoError::from)?;
        // The active profile's interface language is cached with the user.
        self.users.forget(user_id);
        Profile::try_from(row)
    }
}
