//! Decks. Only what profiles need so far: the default deck made with each profile.

use chrono::{DateTime, Utc};
use domain::{DeckId, ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::RepoError;
use crate::entities::decks::{self, Column, Entity as Decks};

pub use crate::entities::decks::Model as DeckRow;

pub async fn insert_default(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    owner_id: UserId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<DeckRow, RepoError> {
    let row = decks::ActiveModel {
        id: Set(DeckId::new().as_uuid()),
        profile_id: Set(profile_id.as_uuid()),
        owner_id: Set(owner_id.as_uuid()),
        name: Set(name.to_owned()),
        name_key: Set(domain::text::normalized_key(name)),
        description: Set(None),
        is_default: Set(true),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(Decks::insert(row).exec_with_returning(conn).await?)
}

pub async fn list_for_owner(
    conn: &impl ConnectionTrait,
    owner_id: UserId,
) -> Result<Vec<DeckRow>, RepoError> {
    Ok(Decks::find()
        .filter(Column::OwnerId.eq(owner_id.as_uuid()))
        .order_by_asc(Column::CreatedAt)
        .all(conn)
        .await?)
}
