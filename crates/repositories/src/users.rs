//! The users aggregate: one row per Telegram account.

use chrono::{DateTime, Utc};
use domain::{TimeZone, UserId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Statement};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::users::{self, Column, Entity as Users};

pub use crate::entities::users::Model as UserRow;

/// `users.timezone_source` of a zone that follows the learner's device.
pub const TIMEZONE_FROM_DEVICE: &str = "device";
/// `users.timezone_source` of a zone the learner picked by hand.
pub const TIMEZONE_MANUAL: &str = "manual";

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
    let refreshed = [
        Column::FirstName,
        Column::LastName,
        Column::Username,
        Column::LanguageCode,
        Column::PhotoUrl,
        Column::LastSeenAt,
        Column::UpdatedAt,
    ];
    upsert(conn, account, now, OnConflict::column(Column::TelegramId).update_columns(refreshed).to_owned()).await
}

/// The person behind a bot update: created on first contact, otherwise their names and
/// language refreshed (the photo, which only the Mini App's sign-in carries, is kept) and any
/// "blocked the bot" mark cleared, since they just wrote to it.
pub async fn upsert_from_bot(
    conn: &impl ConnectionTrait,
    account: &TelegramAccount,
    now: DateTime<Utc>,
) -> Result<UserRow, RepoError> {
    use sea_orm::sea_query::Expr;
    let refreshed = [Column::FirstName, Column::LastName, Column::Username, Column::LanguageCode, Column::LastSeenAt];
    let conflict = OnConflict::column(Column::TelegramId)
        .update_columns(refreshed)
        .value(Column::BotBlockedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .to_owned();
    upsert(conn, account, now, conflict).await
}

/// Inserts `account` as a new user, or applies `conflict` to the existing one, and returns the
/// row as stored.
async fn upsert(
    conn: &impl ConnectionTrait,
    account: &TelegramAccount,
    now: DateTime<Utc>,
    conflict: OnConflict,
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
        // Explicit for the same reason as auth_version below.
        timezone_source: Set(TIMEZONE_FROM_DEVICE.to_owned()),
        last_seen_at: Set(Some(now)),
        // Explicit: SQLite's RETURNING reads a column added by ALTER TABLE as NULL otherwise.
        auth_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let insert = Users::insert(row).on_conflict(conflict);
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        return Ok(insert.exec_with_returning(conn).await?);
    }
    // SQLite's RETURNING after DO UPDATE sometimes reads a column added by ALTER TABLE
    // (bot_blocked_at) as NULL, so the row is read back instead.
    insert.exec_without_returning(conn).await?;
    find_by_telegram_id(conn, account.telegram_id)
        .await?
        .ok_or_else(|| RepoError::from(sea_orm::DbErr::RecordNotFound("the user just upserted".into())))
}

pub async fn find_by_id(conn: &impl ConnectionTrait, id: UserId) -> Result<Option<UserRow>, RepoError> {
    Ok(Users::find_by_id(id.as_uuid()).one(conn).await?)
}

/// A user and the interface language of their active profile (`None` without one).
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct UserWithLanguage {
    #[sea_orm(nested)]
    pub user: UserRow,
    pub interface_language: Option<String>,
}

/// The user and their interface language in one round trip (every authenticated request
/// needs both: who it is, and in which language to answer).
pub async fn find_with_language(
    conn: &impl ConnectionTrait,
    id: UserId,
) -> Result<Option<UserWithLanguage>, RepoError> {
    use crate::entities::language_profiles;
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, ExprTrait, Query, SubQueryStatement};
    let active_language = Query::select()
        .column(language_profiles::Column::InterfaceLanguage)
        .from(language_profiles::Entity)
        .and_where(
            Expr::col((language_profiles::Entity, language_profiles::Column::UserId)).equals((Users, Column::Id)),
        )
        .and_where(Expr::col((language_profiles::Entity, language_profiles::Column::IsActive)))
        .limit(1)
        .to_owned();
    let language = Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(active_language)));
    Ok(Users::find_by_id(id.as_uuid())
        .column_as(language, "interface_language")
        .into_model::<UserWithLanguage>()
        .one(conn)
        .await?)
}

/// What `GET /api/me` shows beside the user: profiles and cards in use, and the active profile.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct Usage {
    pub profiles_used: i64,
    pub cards_used: i64,
    /// Live groups the user owns.
    pub groups_used: i64,
    pub active_profile_id: Option<Uuid>,
    pub active_interface_language: Option<String>,
}

/// The user's [`Usage`] in one round trip.
pub async fn usage(conn: &impl ConnectionTrait, id: UserId) -> Result<Usage, RepoError> {
    const SQL: &str = "SELECT \
        (SELECT COUNT(*) FROM language_profiles WHERE user_id = $1) AS profiles_used, \
        (SELECT COUNT(*) FROM cards c JOIN language_profiles p ON p.id = c.profile_id WHERE p.user_id = $1) \
            AS cards_used, \
        (SELECT COUNT(*) FROM groups WHERE owner_id = $1 AND archived_at IS NULL) AS groups_used, \
        a.id AS active_profile_id, a.interface_language AS active_interface_language \
        FROM (SELECT 1 AS one) AS anchor \
        LEFT JOIN language_profiles a ON a.user_id = $1 AND a.is_active";
    let statement = Statement::from_sql_and_values(conn.get_database_backend(), SQL, [id.as_uuid().into()]);
    let usage = Usage::find_by_statement(statement).one(conn).await?;
    Ok(usage.unwrap_or(Usage {
        profiles_used: 0,
        cards_used: 0,
        groups_used: 0,
        active_profile_id: None,
        active_interface_language: None,
    }))
}

/// Records (`Some`) or clears (`None`) that Telegram refuses messages to this Telegram user.
/// `true` when a row changed.
pub async fn set_bot_blocked(
    conn: &impl ConnectionTrait,
    telegram_id: i64,
    at: Option<DateTime<Utc>>,
) -> Result<bool, RepoError> {
    use sea_orm::sea_query::Expr;
    let mut update =
        Users::update_many().col_expr(Column::BotBlockedAt, Expr::value(at)).filter(Column::TelegramId.eq(telegram_id));
    // Clearing touches only blocked rows, so the usual case (not blocked) writes nothing.
    if at.is_none() {
        update = update.filter(Column::BotBlockedAt.is_not_null());
    }
    Ok(update.exec(conn).await?.rows_affected > 0)
}

pub async fn find_by_telegram_id(conn: &impl ConnectionTrait, telegram_id: i64) -> Result<Option<UserRow>, RepoError> {
    Ok(Users::find().filter(Column::TelegramId.eq(telegram_id)).one(conn).await?)
}

/// Locks the user's row until the transaction ends, so per-user rules (plan limits, the single
/// active profile, one review at a time) hold under concurrent requests. Call it first in the
/// transaction. On PostgreSQL it is `SELECT … FOR NO KEY UPDATE`; SQLite has no row locks, so there a
/// no-op write takes the database's write lock at once (waiting out the busy timeout), instead
/// of a read transaction failing with SQLITE_BUSY when it later tries to write.
/// `None` when the user no longer exists.
pub async fn lock(conn: &impl ConnectionTrait, id: UserId) -> Result<Option<UserRow>, RepoError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{DbBackend, QuerySelect};
    if conn.get_database_backend() == DbBackend::Sqlite {
        Users::update_many()
            .col_expr(Column::UpdatedAt, Expr::col(Column::UpdatedAt))
            .filter(Column::Id.eq(id.as_uuid()))
            .exec(conn)
            .await?;
        return Ok(Users::find_by_id(id.as_uuid()).one(conn).await?);
    }
    // NO KEY UPDATE, not FOR UPDATE: it serialises the user's own writes just the same, but
    // leaves the row free for the KEY SHARE lock every insert referring to the user takes
    // (its messages, token usage, activity), which FOR UPDATE would block or deadlock with.
    Ok(Users::find_by_id(id.as_uuid()).lock(sea_orm::sea_query::LockType::NoKeyUpdate).one(conn).await?)
}

/// `lock` for several users at once (PostgreSQL), in the order of their ids, so two
/// transactions locking overlapping sets never wait on each other in a cycle. The users that
/// no longer exist are missing from the answer.
pub async fn lock_many(conn: &impl ConnectionTrait, ids: &[UserId]) -> Result<Vec<UserRow>, RepoError> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(Users::find()
        .filter(Column::Id.is_in(ids.iter().map(|id| id.as_uuid())))
        .order_by_asc(Column::Id)
        .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
        .all(conn)
        .await?)
}

/// Settings a user may change; `None` leaves the column as it is.
#[derive(Debug, Default, Clone)]
pub struct UserSettingsChanges {
    pub timezone: Option<String>,
    /// [`TIMEZONE_FROM_DEVICE`] or [`TIMEZONE_MANUAL`].
    pub timezone_source: Option<&'static str>,
    pub day_rollover_hour: Option<i16>,
    pub reminders_enabled: Option<bool>,
    pub reminder_hour: Option<i16>,
    pub rating_buttons: Option<i16>,
}

pub async fn update_settings(
    conn: &impl ConnectionTrait,
    row: UserRow,
    changes: UserSettingsChanges,
    now: DateTime<Utc>,
) -> Result<UserRow, RepoError> {
    use sea_orm::ActiveModelTrait;
    // A new zone, day or reminder setting: the notifier schedules the next reminder afresh.
    let reschedule = changes.timezone.is_some()
        || changes.day_rollover_hour.is_some()
        || changes.reminders_enabled.is_some()
        || changes.reminder_hour.is_some();
    let mut active: users::ActiveModel = row.into();
    if let Some(v) = changes.timezone {
        active.timezone = Set(v);
    }
    if let Some(v) = changes.timezone_source {
        active.timezone_source = Set(v.to_owned());
    }
    if let Some(v) = changes.day_rollover_hour {
        active.day_rollover_hour = Set(v);
    }
    if let Some(v) = changes.reminders_enabled {
        active.reminders_enabled = Set(v);
    }
    if let Some(v) = changes.reminder_hour {
        active.reminder_hour = Set(v);
    }
    if let Some(v) = changes.rating_buttons {
        active.rating_buttons = Set(v);
    }
    if reschedule {
        active.next_reminder_at = Set(None);
    }
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

/// Invalidates every access token issued so far (logout): tokens carry the version they were
/// issued under.
pub async fn bump_auth_version(conn: &impl ConnectionTrait, id: UserId) -> Result<(), RepoError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Users::update_many()
        .col_expr(Column::AuthVersion, Expr::col(Column::AuthVersion).add(1))
        .filter(Column::Id.eq(id.as_uuid()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Erases the user; every row they own goes with it through `ON DELETE CASCADE`.
pub async fn delete(conn: &impl ConnectionTrait, id: UserId) -> Result<bool, RepoError> {
    Ok(Users::delete_by_id(id.as_uuid()).exec(conn).await?.rows_affected == 1)
}

/// Sets the end of premium (billing and admin grants go through here).
pub async fn set_premium_until(
    conn: &impl ConnectionTrait,
    id: UserId,
    until: Option<DateTime<Utc>>,
) -> Result<(), RepoError> {
    use sea_orm::sea_query::Expr;
    Users::update_many()
        .col_expr(Column::PremiumUntil, Expr::value(until))
        .filter(Column::Id.eq(id.as_uuid()))
        .exec(conn)
        .await?;
    Ok(())
}
