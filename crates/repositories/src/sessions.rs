//! Refresh sessions: one row per issued refresh token (only its hash is stored), grouped in
//! families that share one sign-in, so a reused token can revoke everything it led to.

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::refresh_sessions::{self, Column, Entity as Sessions};

pub use crate::entities::refresh_sessions::Model as SessionRow;

pub struct NewSession<'a> {
    pub user_id: UserId,
    pub family_id: Uuid,
    pub token_hash: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(conn: &impl ConnectionTrait, session: NewSession<'_>) -> Result<SessionRow, RepoError> {
    let row = refresh_sessions::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(session.user_id.as_uuid()),
        family_id: Set(session.family_id),
        token_hash: Set(session.token_hash.to_owned()),
        created_at: Set(session.created_at),
        expires_at: Set(session.expires_at),
        revoked_at: Set(None),
        user_agent: Set(session.user_agent.map(str::to_owned)),
    };
    Ok(Sessions::insert(row).exec_with_returning(conn).await?)
}

/// Finds a session by its token hash, locking it for the rotation: `SELECT … FOR UPDATE` on
/// PostgreSQL; on SQLite, which has no row locks, a no-op write first takes the database's
/// write lock (waiting out the busy timeout), so the rotation's later writes cannot fail with
/// SQLITE_BUSY halfway.
pub async fn find_by_hash_for_update(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<SessionRow>, RepoError> {
    if conn.get_database_backend() == sea_orm::DbBackend::Sqlite {
        Sessions::update_many()
            .col_expr(Column::RevokedAt, Expr::col(Column::RevokedAt))
            .filter(Column::TokenHash.eq(token_hash))
            .exec(conn)
            .await?;
        return Ok(Sessions::find().filter(Column::TokenHash.eq(token_hash)).one(conn).await?);
    }
    Ok(Sessions::find().filter(Column::TokenHash.eq(token_hash)).lock_exclusive().one(conn).await?)
}

/// Marks one live session spent; `false` when it was already revoked (a concurrent use).
pub async fn revoke_one(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, RepoError> {
    let result = Sessions::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn revoke_family(conn: &impl ConnectionTrait, family_id: Uuid, now: DateTime<Utc>) -> Result<u64, RepoError> {
    let result = Sessions::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::FamilyId.eq(family_id))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Deletes the sessions that can never be used again: expired ones, and revoked ones whose
/// whole family is dead. A revoked token of a live family is kept until it expires, so its
/// reuse is still recognised (and revokes the family).
pub async fn delete_dead(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, RepoError> {
    use sea_orm::Condition;
    use sea_orm::sea_query::{ExprTrait, Query};
    let live_families = Query::select()
        .column(Column::FamilyId)
        .from(Sessions)
        .and_where(Expr::col(Column::RevokedAt).is_null())
        .and_where(Expr::col(Column::ExpiresAt).gt(now))
        .to_owned();
    let dead = Condition::any().add(Column::ExpiresAt.lte(now)).add(
        Condition::all().add(Column::RevokedAt.is_not_null()).add(Column::FamilyId.not_in_subquery(live_families)),
    );
    Ok(Sessions::delete_many().filter(dead).exec(conn).await?.rows_affected)
}
