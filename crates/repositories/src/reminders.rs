//! Streak reminders: who is due (by `users.next_reminder_at`, through a partial index), the
//! claim of due users by one notifier at a time, and the one-per-local-day log.

use chrono::{DateTime, NaiveDate, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::reminder_log::{self, Entity as ReminderLog};
use crate::entities::users::{Column, Entity as Users};
use crate::users::UserRow;

/// Users with reminders on whose next reminder is not scheduled yet (new users, changed settings).
pub async fn unscheduled(conn: &impl ConnectionTrait, limit: u64) -> Result<Vec<UserRow>, RepoError> {
    Ok(Users::find()
        .filter(Expr::col(Column::RemindersEnabled))
        .filter(Column::NextReminderAt.is_null())
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Schedules a user found unscheduled, unless their settings changed meanwhile (a concurrent
/// change resets the time to NULL after this read, and must win).
pub async fn schedule_unscheduled(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    Users::update_many()
        .col_expr(Column::NextReminderAt, Expr::value(at))
        .filter(Column::Id.eq(user_id))
        .filter(Column::NextReminderAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn schedule(conn: &impl ConnectionTrait, user_id: Uuid, at: DateTime<Utc>) -> Result<(), RepoError> {
    Users::update_many()
        .col_expr(Column::NextReminderAt, Expr::value(at))
        .filter(Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Users whose reminder time has come, oldest first, locked for this transaction; rows another
/// notifier holds are skipped (PostgreSQL). SQLite has one writer at a time anyway.
pub async fn claim_due(conn: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<UserRow>, RepoError> {
    let mut query = Users::find()
        .filter(Expr::col(Column::RemindersEnabled))
        .filter(Column::NextReminderAt.lte(now))
        .order_by_asc(Column::NextReminderAt)
        .limit(limit);
    if conn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    Ok(query.all(conn).await?)
}

/// Records the reminder of `date`; `false` when that day's reminder was already recorded.
pub async fn log_once(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let row = reminder_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id.as_uuid()),
        local_date: Set(date),
        sent_at: Set(now),
        telegram_message_id: Set(None),
    };
    let conflict =
        OnConflict::columns([reminder_log::Column::UserId, reminder_log::Column::LocalDate]).do_nothing().to_owned();
    let inserted = ReminderLog::insert(row).on_conflict(conflict).exec_without_returning(conn).await?;
    Ok(inserted > 0)
}

/// Turns the user's reminders off (Telegram said they blocked the bot).
pub async fn disable(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<(), RepoError> {
    Users::update_many()
        .col_expr(Column::RemindersEnabled, Expr::value(false))
        .col_expr(Column::NextReminderAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}
