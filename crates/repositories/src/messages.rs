//! The tutor conversation: one history per language profile, shared by the bot and the Mini App.

use chrono::{DateTime, Utc};
use domain::{ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::messages::{self, Column, Entity as Messages};

pub use crate::entities::messages::Model as MessageRow;

pub struct NewMessage {
    pub user_id: UserId,
    pub profile_id: ProfileId,
    /// `user` or `assistant`.
    pub role: &'static str,
    pub content: String,
    /// `miniapp` or `bot`.
    pub channel: &'static str,
    pub tokens: Option<i32>,
    pub words: Option<serde_json::Value>,
    pub reply_to: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &impl ConnectionTrait, new: NewMessage) -> Result<MessageRow, RepoError> {
    let row = messages::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(new.user_id.as_uuid()),
        profile_id: Set(new.profile_id.as_uuid()),
        role: Set(new.role.to_owned()),
        content: Set(new.content),
        channel: Set(new.channel.to_owned()),
        tokens: Set(new.tokens),
        words: Set(new.words),
        reply_to: Set(new.reply_to),
        telegram_message_id: Set(None),
        created_at: Set(new.created_at),
    };
    Ok(Messages::insert(row).exec_with_returning(conn).await?)
}

pub async fn find(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    id: Uuid,
) -> Result<Option<MessageRow>, RepoError> {
    Ok(Messages::find_by_id(id).filter(Column::ProfileId.eq(profile_id.as_uuid())).one(conn).await?)
}

/// Up to `limit` messages older than `before` (all when `None`), newest first.
pub async fn newest_before(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<MessageRow>, RepoError> {
    let mut query = Messages::find().filter(Column::ProfileId.eq(profile_id.as_uuid()));
    if let Some(before) = before {
        query = query.filter(Column::Id.lt(before));
    }
    Ok(query.order_by_desc(Column::Id).limit(limit).all(conn).await?)
}

pub async fn has_reply(conn: &impl ConnectionTrait, message_id: Uuid) -> Result<bool, RepoError> {
    Ok(Messages::find().filter(Column::ReplyTo.eq(message_id)).count(conn).await? > 0)
}

pub async fn delete_for_profile(conn: &impl ConnectionTrait, profile_id: ProfileId) -> Result<u64, RepoError> {
    Ok(Messages::delete_many().filter(Column::ProfileId.eq(profile_id.as_uuid())).exec(conn).await?.rows_affected)
}

/// Every message of the user, oldest first (export).
pub async fn list_for_user(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Vec<MessageRow>, RepoError> {
    Ok(Messages::find().filter(Column::UserId.eq(user_id.as_uuid())).order_by_asc(Column::Id).all(conn).await?)
}
