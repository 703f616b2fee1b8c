//! In-app notifications: written by the notifier, listed and marked read by the Mini App.

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JsonValue, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::notifications::{self, Column, Entity as Notifications};

pub use crate::entities::notifications::Model as NotificationRow;

pub struct NewNotification<'a> {
    pub user_id: UserId,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub payload: Option<JsonValue>,
    pub now: DateTime<Utc>,
}

pub async fn insert(conn: &impl ConnectionTrait, new: NewNotification<'_>) -> Result<NotificationRow, RepoError> {
    let row = notifications::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(new.user_id.as_uuid()),
        kind: Set(new.kind.to_owned()),
        title: Set(new.title.to_owned()),
        body: Set(new.body.to_owned()),
        payload: Set(new.payload),
        read_at: Set(None),
        created_at: Set(new.now),
    };
    Ok(Notifications::insert(row).exec_with_returning(conn).await?)
}

/// A page of the user's notifications, newest first, with the number matching.
pub async fn page(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    unread_only: bool,
    limit: u64,
    offset: u64,
) -> Result<(Vec<NotificationRow>, u64), RepoError> {
    let mut query = Notifications::find().filter(Column::UserId.eq(user_id.as_uuid()));
    if unread_only {
        query = query.filter(Column::ReadAt.is_null());
    }
    let total = query.clone().count(conn).await?;
    let rows =
        query.order_by_desc(Column::CreatedAt).order_by_desc(Column::Id).limit(limit).offset(offset).all(conn).await?;
    Ok((rows, total))
}

pub async fn unread_count(conn: &impl ConnectionTrait, user_id: UserId) -> Result<u64, RepoError> {
    Ok(Notifications::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::ReadAt.is_null())
        .count(conn)
        .await?)
}

/// Marks one of the user's notifications read (kept as first read) and returns it; `None` when
/// it is not theirs.
pub async fn mark_read(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<NotificationRow>, RepoError> {
    Notifications::update_many()
        .col_expr(Column::ReadAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::ReadAt.is_null())
        .exec(conn)
        .await?;
    Ok(Notifications::find_by_id(id).filter(Column::UserId.eq(user_id.as_uuid())).one(conn).await?)
}

/// Marks every unread notification of the user read; how many were.
pub async fn mark_all_read(conn: &impl ConnectionTrait, user_id: UserId, now: DateTime<Utc>) -> Result<u64, RepoError> {
    let result = Notifications::update_many()
        .col_expr(Column::ReadAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::ReadAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
