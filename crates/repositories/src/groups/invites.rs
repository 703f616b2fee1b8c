//! Invite codes. A use is taken by one conditional `UPDATE`, so two joins at once can never
//! take more uses than the invite has (the table's CHECK backs this up).

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::group_invites::{self, Column, Entity as Invites};
use crate::raw::Params;

pub use crate::entities::group_invites::Model as InviteRow;

pub struct NewInvite<'a> {
    pub group_id: Uuid,
    pub code: &'a str,
    pub created_by: UserId,
    pub expires_at: Option<DateTime<Utc>>,
    pub max_uses: Option<i32>,
    pub now: DateTime<Utc>,
}

pub async fn insert(conn: &impl ConnectionTrait, new: NewInvite<'_>) -> Result<InviteRow, RepoError> {
    let row = group_invites::ActiveModel {
        id: Set(Uuid::now_v7()),
        group_id: Set(new.group_id),
        code: Set(new.code.to_owned()),
        created_by: Set(new.created_by.as_uuid()),
        expires_at: Set(new.expires_at),
        max_uses: Set(new.max_uses),
        uses: Set(0),
        revoked_at: Set(None),
        created_at: Set(new.now),
    };
    Ok(Invites::insert(row).exec_with_returning(conn).await?)
}

pub async fn find_by_code(conn: &impl ConnectionTrait, code: &str) -> Result<Option<InviteRow>, RepoError> {
    Ok(Invites::find().filter(Column::Code.eq(code)).one(conn).await?)
}

/// The group's invites that still work at `now`, newest first.
pub async fn live(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<InviteRow>, RepoError> {
    let invites = Invites::find()
        .filter(Column::GroupId.eq(group_id))
        .filter(Column::RevokedAt.is_null())
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(conn)
        .await?;
    Ok(invites.into_iter().filter(|invite| is_live(invite, now)).collect())
}

/// Not revoked, not expired and not used up.
pub fn is_live(invite: &InviteRow, now: DateTime<Utc>) -> bool {
    invite.revoked_at.is_none()
        && invite.expires_at.is_none_or(|at| at > now)
        && invite.max_uses.is_none_or(|max| invite.uses < max)
}

/// `false` when there is no such live invite of the group.
pub async fn revoke(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    use sea_orm::sea_query::Expr;
    let done = Invites::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::GroupId.eq(group_id))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Takes one use of the invite if it still works at `now`; `false` when it does not (expired,
/// used up or revoked meanwhile). One statement: concurrent joins never share the last use.
pub async fn take_use(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "UPDATE group_invites SET uses = uses + 1 WHERE id = {id} AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > {now}) AND (max_uses IS NULL OR uses < max_uses)",
        id = p.bind(id),
        now = p.bind(now),
    );
    Ok(conn.execute_raw(p.statement(conn, &sql)).await?.rows_affected() > 0)
}
