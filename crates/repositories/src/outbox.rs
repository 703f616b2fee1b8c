//! Bot messages queued for sending at Telegram's pace: enqueued in the transaction that decides
//! them, claimed by one sender at a time with a lease, then marked sent, retried or failed.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::outbox::{self, Column, Entity as Outbox};

pub use crate::entities::outbox::Model as OutboxRow;

pub struct NewMessage<'a> {
    pub user_id: Option<Uuid>,
    pub chat_id: i64,
    pub kind: &'a str,
    pub payload: String,
    pub now: DateTime<Utc>,
}

pub async fn enqueue(conn: &impl ConnectionTrait, new: NewMessage<'_>) -> Result<Uuid, RepoError> {
    let id = Uuid::now_v7();
    let row = outbox::ActiveModel {
        id: Set(id),
        user_id: Set(new.user_id),
        chat_id: Set(new.chat_id),
        kind: Set(new.kind.to_owned()),
        payload: Set(new.payload),
        status: Set("pending".into()),
        attempts: Set(0),
        last_error: Set(None),
        not_before: Set(new.now),
        created_at: Set(new.now),
        sent_at: Set(None),
    };
    Outbox::insert(row).exec_without_returning(conn).await?;
    Ok(id)
}

/// Takes up to `limit` due messages for one sender: their `not_before` moves to `lease_until`
/// and their attempts go up, so a sender that dies leaves them to be sent again after the
/// lease. Run in a transaction.
pub async fn claim(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxRow>, RepoError> {
    let mut query = Outbox::find()
        .filter(Column::Status.eq("pending"))
        .filter(Column::NotBefore.lte(now))
        .order_by_asc(Column::NotBefore)
        .limit(limit);
    if conn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = query.all(conn).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        Outbox::update_many()
            .col_expr(Column::NotBefore, Expr::value(lease_until))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .filter(Column::Id.is_in(ids))
            .exec(conn)
            .await?;
    }
    Ok(rows)
}

pub async fn mark_sent(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), RepoError> {
    Outbox::update_many()
        .col_expr(Column::Status, Expr::value("sent"))
        .col_expr(Column::SentAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Another try at `at`, with the reason this one failed.
pub async fn retry_at(conn: &impl ConnectionTrait, id: Uuid, at: DateTime<Utc>, error: &str) -> Result<(), RepoError> {
    Outbox::update_many()
        .col_expr(Column::NotBefore, Expr::value(at))
        .col_expr(Column::LastError, Expr::value(error))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn mark_failed(conn: &impl ConnectionTrait, id: Uuid, error: &str) -> Result<(), RepoError> {
    Outbox::update_many()
        .col_expr(Column::Status, Expr::value("failed"))
        .col_expr(Column::LastError, Expr::value(error))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes messages sent or failed before `before`; how many.
pub async fn prune(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, RepoError> {
    let result = Outbox::delete_many()
        .filter(Column::Status.ne("pending"))
        .filter(Column::CreatedAt.lt(before))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
