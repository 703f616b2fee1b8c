//! Decks: named collections of cards inside one language profile.

use chrono::{DateTime, Utc};
use domain::text::normalized_key;
use domain::{DeckId, ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::RepoError;
use crate::entities::cards;
use crate::entities::decks::{self, Column, Entity as Decks};

pub use crate::entities::decks::Model as DeckRow;

pub struct NewDeck<'a> {
    pub profile_id: ProfileId,
    pub owner_id: UserId,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub is_default: bool,
    pub now: DateTime<Utc>,
}

pub async fn insert(conn: &impl ConnectionTrait, new: NewDeck<'_>) -> Result<DeckRow, RepoError> {
    let row = decks::ActiveModel {
        id: Set(DeckId::new().as_uuid()),
        profile_id: Set(new.profile_id.as_uuid()),
        owner_id: Set(new.owner_id.as_uuid()),
        name: Set(new.name.trim().to_owned()),
        name_key: Set(normalized_key(new.name)),
        description: Set(new.description.map(str::to_owned)),
        is_default: Set(new.is_default),
        archived_at: Set(None),
        created_at: Set(new.now),
        updated_at: Set(new.now),
    };
    Ok(Decks::insert(row).exec_with_returning(conn).await?)
}

pub async fn insert_default(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    owner_id: UserId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<DeckRow, RepoError> {
    insert(conn, NewDeck { profile_id, owner_id, name, description: None, is_default: true, now }).await
}

pub async fn list_for_owner(conn: &impl ConnectionTrait, owner_id: UserId) -> Result<Vec<DeckRow>, RepoError> {
    Ok(Decks::find().filter(Column::OwnerId.eq(owner_id.as_uuid())).order_by_asc(Column::CreatedAt).all(conn).await?)
}

/// The deck when its owner is `owner_id`; someone else's is `None`, like a missing one.
pub async fn find_owned(
    conn: &impl ConnectionTrait,
    owner_id: UserId,
    id: DeckId,
) -> Result<Option<DeckRow>, RepoError> {
    Ok(Decks::find_by_id(id.as_uuid()).filter(Column::OwnerId.eq(owner_id.as_uuid())).one(conn).await?)
}

pub async fn find_default(conn: &impl ConnectionTrait, profile_id: ProfileId) -> Result<Option<DeckRow>, RepoError> {
    Ok(Decks::find()
        .filter(Column::ProfileId.eq(profile_id.as_uuid()))
        .filter(Expr::col(Column::IsDefault))
        .one(conn)
        .await?)
}

#[derive(Debug, Default)]
pub struct DeckChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub archived_at: Option<Option<DateTime<Utc>>>,
}

pub async fn update(
    conn: &impl ConnectionTrait,
    row: DeckRow,
    changes: DeckChanges,
    now: DateTime<Utc>,
) -> Result<DeckRow, RepoError> {
    let mut active: decks::ActiveModel = row.into();
    if let Some(name) = changes.name {
        active.name_key = Set(normalized_key(&name));
        active.name = Set(name.trim().to_owned());
    }
    if let Some(description) = changes.description {
        active.description = Set(description);
    }
    if let Some(archived_at) = changes.archived_at {
        active.archived_at = Set(archived_at);
    }
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

/// Whether the profile has a deck whose name folds to the same key as `name`.
pub async fn name_taken(conn: &impl ConnectionTrait, profile_id: ProfileId, name: &str) -> Result<bool, RepoError> {
    Ok(Decks::find()
        .filter(Column::ProfileId.eq(profile_id.as_uuid()))
        .filter(Column::NameKey.eq(normalized_key(name)))
        .count(conn)
        .await?
        > 0)
}

/// Deletes the deck; its cards (and their progress and reviews) go by cascade.
pub async fn delete(conn: &impl ConnectionTrait, id: DeckId) -> Result<(), RepoError> {
    Decks::delete_by_id(id.as_uuid()).exec(conn).await?;
    Ok(())
}

pub async fn count_cards(conn: &impl ConnectionTrait, id: DeckId) -> Result<u64, RepoError> {
    Ok(cards::Entity::find().filter(cards::Column::DeckId.eq(id.as_uuid())).count(conn).await?)
}
