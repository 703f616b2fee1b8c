//! The users aggregate: one row per Telegram account.

use chrono::{DateTime, Utc};
use domain::{TimeZone, UserId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::RepoError;
use crate::entities::users::{self, Column, Entity as Users};

pub use crate::entities::users::Model as UserRow;

/// What Telegram tells us about a person on every login or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramAccount {
    pub telegram_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
    pub photo_url: Option<String>,
}

/// Creates the user on first sight, otherwise refreshes the names Telegram reports, in one
/// statement so two concurrent first logins cannot create two rows.
pub async fn upsert_from_telegram(
    conn: &impl ConnectionTrait,
    account: &TelegramAccount,
    now: DateTime<Utc>,
) -> Result<UserRow, RepoError> {
    let timezone = TimeZone::default_for_language(account.language_code.as_deref());
    let row = users::ActiveModel {
        id: Set(UserId::new().as_uuid()),
        telegram_id: Set(account.telegram_id),
        first_name: Set(account.first_name.clone()),
        last_name: Set(account.last_name.clone()),
        username: Set(account.username.clone()),
        language_code: Set(account.language_code.clone()),
        photo_url: Set(account.photo_url.clone()),
        timezone: Set(timezone.name().to_owned()),
        last_seen_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let refreshed = [
        Column::FirstName,
        Column::LastName,
        Column::Username,
        Column::LanguageCode,
        Column::PhotoUrl,
        Column::LastSeenAt,
        Column::UpdatedAt,
    ];
    let user = Users::insert(row)
        .on_conflict(
            OnConflict::column(Column::TelegramId)
                .update_columns(refreshed)
                .to_owned(),
        )
        .exec_with_returning(conn)
        .await?;
    Ok(user)
}

pub async fn find_by_id(
    conn: &impl ConnectionTrait,
    id: UserId,
) -> Result<Option<UserRow>, RepoError> {
    Ok(Users::find_by_id(id.as_uuid()).one(conn).await?)
}

pub async fn find_by_telegram_id(
    conn: &impl ConnectionTrait,
    telegram_id: i64,
) -> Result<Option<UserRow>, RepoError> {
    Ok(Users::find()
        .filter(Column::TelegramId.eq(telegram_id))
        .one(conn)
        .await?)
}
