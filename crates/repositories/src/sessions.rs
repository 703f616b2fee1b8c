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

/// Finds a session by its token hash, locking the row (PostgreSQL) for the rotation.
pub async fn find_by_hash_for_update(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<SessionRow>, RepoError> {
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
