//! Language profiles. "Exactly one active profile per user" is held by a partial unique index;
//! the functions here never leave two active rows even for a moment within a statement.

use chrono::{DateTime, Utc};
use domain::{ProfileId, UserId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::RepoError;
use crate::entities::language_profiles::{self, Column, Entity as Profiles};

pub use crate::entities::language_profiles::Model as ProfileRow;

pub struct NewProfile {
    pub id: ProfileId,
    pub user_id: UserId,
    pub language: String,
    pub current_level: String,
    pub target_level: String,
    pub goals: serde_json::Value,
    pub interface_language: String,
    pub is_active: bool,
    pub now: DateTime<Utc>,
}

/// Fields a PATCH may change; `None` leaves the column as it is.
#[derive(Debug, Default)]
pub struct ProfileChanges {
    pub current_level: Option<String>,
    pub target_level: Option<String>,
    pub goals: Option<serde_json::Value>,
    pub interface_language: Option<String>,
    pub new_cards_per_day: Option<i32>,
    pub desired_retention: Option<f64>,
}

pub async fn list_for_user(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Vec<ProfileRow>, RepoError> {
    Ok(Profiles::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?)
}

pub async fn count_for_user(conn: &impl ConnectionTrait, user_id: UserId) -> Result<u64, RepoError> {
    Ok(Profiles::find().filter(Column::UserId.eq(user_id.as_uuid())).count(conn).await?)
}

/// The profile if it exists and belongs to `user_id`; someone else's is `None`, like a missing one.
pub async fn find_owned(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    id: ProfileId,
) -> Result<Option<ProfileRow>, RepoError> {
    Ok(Profiles::find_by_id(id.as_uuid()).filter(Column::UserId.eq(user_id.as_uuid())).one(conn).await?)
}

/// The user's profile of `language` (at most one: the pair is unique).
pub async fn find_by_language(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    language: &str,
) -> Result<Option<ProfileRow>, RepoError> {
    Ok(Profiles::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::Language.eq(language))
        .one(conn)
        .await?)
}

/// The user's profile of `language` when they have one, else their active one: where a
/// teacher's shared deck or topic is learned.
pub async fn of_language_or_active(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    language: Option<&str>,
) -> Result<Option<ProfileRow>, RepoError> {
    if let Some(language) = language
        && let Some(row) = find_by_language(conn, user_id, language).await?
    {
        return Ok(Some(row));
    }
    find_active(conn, user_id).await
}

pub async fn find_active(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Option<ProfileRow>, RepoError> {
    Ok(Profiles::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Expr::col(Column::IsActive))
        .one(conn)
        .await?)
}

pub async fn insert(conn: &impl ConnectionTrait, new: NewProfile) -> Result<ProfileRow, RepoError> {
    let row = language_profiles::ActiveModel {
        id: Set(new.id.as_uuid()),
        user_id: Set(new.user_id.as_uuid()),
        language: Set(new.language),
        current_level: Set(new.current_level),
        target_level: Set(new.target_level),
        goals: Set(new.goals),
        interface_language: Set(new.interface_language),
        is_active: Set(new.is_active),
        new_cards_per_day: NotSet,
        desired_retention: NotSet,
        created_at: Set(new.now),
        updated_at: Set(new.now),
    };
    Ok(Profiles::insert(row).exec_with_returning(conn).await?)
}

pub async fn update(
    conn: &impl ConnectionTrait,
    row: ProfileRow,
    changes: ProfileChanges,
    now: DateTime<Utc>,
) -> Result<ProfileRow, RepoError> {
    let mut active: language_profiles::ActiveModel = row.into();
    if let Some(v) = changes.current_level {
        active.current_level = Set(v);
    }
    if let Some(v) = changes.target_level {
        active.target_level = Set(v);
    }
    if let Some(v) = changes.goals {
        active.goals = Set(v);
    }
    if let Some(v) = changes.interface_language {
        active.interface_language = Set(v);
    }
    if let Some(v) = changes.new_cards_per_day {
        active.new_cards_per_day = Set(v);
    }
    if let Some(v) = changes.desired_retention {
        active.desired_retention = Set(v);
    }
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

pub async fn delete(conn: &impl ConnectionTrait, id: ProfileId) -> Result<(), RepoError> {
    Profiles::delete_by_id(id.as_uuid()).exec(conn).await?;
    Ok(())
}

/// Makes `id` the user's only active profile: first every other row goes inactive, then the
/// target goes active, so the partial unique index never sees two.
pub async fn activate(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    id: ProfileId,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    Profiles::update_many()
        .col_expr(Column::IsActive, Expr::value(false))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Expr::col(Column::IsActive))
        .filter(Column::Id.ne(id.as_uuid()))
        .exec(conn)
        .await?;
    Profiles::update_many()
        .col_expr(Column::IsActive, Expr::value(true))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .exec(conn)
        .await?;
    Ok(())
}

/// The most recently created profile of the user other than `except`.
pub async fn newest_other(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    except: ProfileId,
) -> Result<Option<ProfileRow>, RepoError> {
    Ok(Profiles::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::Id.ne(except.as_uuid()))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .one(conn)
        .await?)
}
