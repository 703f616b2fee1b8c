//! Teacher groups and their members. The owner is always a teacher member (the database holds
//! it: see migration 000060), so a group and its owner's membership are written together.
//! Invite codes and shared materials live in the submodules.

pub mod invites;
pub mod materials;

use chrono::{DateTime, Utc};
use domain::UserId;
use domain::text::normalized_key;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::group_members::{self, Entity as GroupMembers};
use crate::entities::groups::{self, Column, Entity as Groups};
use crate::raw::{Params, columns, count};

pub use crate::entities::group_members::Model as MemberRow;
pub use crate::entities::groups::Model as GroupRow;

pub const TEACHER: &str = "teacher";
pub const STUDENT: &str = "student";

pub struct NewGroup<'a> {
    pub owner_id: UserId,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub max_members: i32,
    pub now: DateTime<Utc>,
}

/// The group and its owner's teacher membership; run in a transaction (the database checks
/// the membership at commit).
pub async fn insert_with_owner(conn: &impl ConnectionTrait, new: NewGroup<'_>) -> Result<GroupRow, RepoError> {
    let row = groups::ActiveModel {
        id: Set(Uuid::now_v7()),
        owner_id: Set(new.owner_id.as_uuid()),
        name: Set(new.name.trim().to_owned()),
        name_key: Set(normalized_key(new.name)),
        description: Set(new.description.map(|d| d.trim().to_owned())),
        language: Set(new.language.to_owned()),
        max_members: Set(new.max_members),
        created_at: Set(new.now),
        updated_at: Set(new.now),
        archived_at: Set(None),
    };
    let group = Groups::insert(row).exec_with_returning(conn).await?;
    add_member(conn, group.id, new.owner_id, TEACHER, new.now).await?;
    Ok(group)
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<GroupRow>, RepoError> {
    Ok(Groups::find_by_id(id).one(conn).await?)
}

/// Locks the group for the rest of the transaction, so joins are counted one at a time. On
/// SQLite (no row locks) a no-op write takes the database's write lock instead.
pub async fn lock(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<GroupRow>, RepoError> {
    if conn.get_database_backend() == DbBackend::Sqlite {
        Groups::update_many()
            .col_expr(Column::UpdatedAt, Expr::col(Column::UpdatedAt))
            .filter(Column::Id.eq(id))
            .exec(conn)
            .await?;
        return find(conn, id).await;
    }
    // NO KEY UPDATE: serialises joins, while inserts that refer to the group still go ahead.
    Ok(Groups::find_by_id(id).lock(LockType::NoKeyUpdate).one(conn).await?)
}

/// The group with the user's membership; `None` when they are not a member (or it is gone).
pub async fn find_for_member(
    conn: &impl ConnectionTrait,
    id: Uuid,
    user_id: UserId,
) -> Result<Option<(GroupRow, MemberRow)>, RepoError> {
    let Some(member) = membership(conn, id, user_id).await? else {
        return Ok(None);
    };
    Ok(find(conn, id).await?.map(|group| (group, member)))
}

pub async fn membership(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    user_id: UserId,
) -> Result<Option<MemberRow>, RepoError> {
    Ok(GroupMembers::find_by_id((group_id, user_id.as_uuid())).one(conn).await?)
}

/// Live groups the user owns (what the plan's `groups` limit counts).
pub async fn count_owned(conn: &impl ConnectionTrait, owner_id: UserId) -> Result<u64, RepoError> {
    Ok(Groups::find()
        .filter(Column::OwnerId.eq(owner_id.as_uuid()))
        .filter(Column::ArchivedAt.is_null())
        .count(conn)
        .await?)
}

pub async fn count_members(conn: &impl ConnectionTrait, group_id: Uuid) -> Result<u64, RepoError> {
    Ok(GroupMembers::find().filter(group_members::Column::GroupId.eq(group_id)).count(conn).await?)
}

/// Whether another live group of the owner has a name that folds like `name`.
pub async fn name_taken(
    conn: &impl ConnectionTrait,
    owner_id: UserId,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, RepoError> {
    let mut query = Groups::find()
        .filter(Column::OwnerId.eq(owner_id.as_uuid()))
        .filter(Column::NameKey.eq(normalized_key(name)))
        .filter(Column::ArchivedAt.is_null());
    if let Some(id) = except {
        query = query.filter(Column::Id.ne(id));
    }
    Ok(query.count(conn).await? > 0)
}

#[derive(Debug, Default)]
pub struct GroupChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub max_members: Option<i32>,
    pub archived_at: Option<DateTime<Utc>>,
}

pub async fn update(
    conn: &impl ConnectionTrait,
    row: GroupRow,
    changes: GroupChanges,
    now: DateTime<Utc>,
) -> Result<GroupRow, RepoError> {
    let mut active: groups::ActiveModel = row.into();
    if let Some(name) = changes.name {
        active.name_key = Set(normalized_key(&name));
        active.name = Set(name.trim().to_owned());
    }
    if let Some(description) = changes.description {
        active.description = Set(description.map(|d| d.trim().to_owned()));
    }
    if let Some(max_members) = changes.max_members {
        active.max_members = Set(max_members);
    }
    if let Some(archived_at) = changes.archived_at {
        active.archived_at = Set(Some(archived_at));
    }
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

pub async fn add_member(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    user_id: UserId,
    role: &str,
    now: DateTime<Utc>,
) -> Result<MemberRow, RepoError> {
    let row = group_members::ActiveModel {
        group_id: Set(group_id),
        user_id: Set(user_id.as_uuid()),
        role: Set(role.to_owned()),
        joined_at: Set(now),
    };
    Ok(GroupMembers::insert(row).exec_with_returning(conn).await?)
}

/// `false` when the user is not a member.
pub async fn set_role(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    user_id: UserId,
    role: &str,
) -> Result<bool, RepoError> {
    let done = GroupMembers::update_many()
        .col_expr(group_members::Column::Role, Expr::value(role))
        .filter(group_members::Column::GroupId.eq(group_id))
        .filter(group_members::Column::UserId.eq(user_id.as_uuid()))
        .exec(conn)
        .await?;
    Ok(done.rows_affected > 0)
}

/// `false` when the user was not a member.
pub async fn remove_member(conn: &impl ConnectionTrait, group_id: Uuid, user_id: UserId) -> Result<bool, RepoError> {
    let done = GroupMembers::delete_by_id((group_id, user_id.as_uuid())).exec(conn).await?;
    Ok(done.rows_affected > 0)
}

/// A group as its list shows it to one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupListRow {
    pub group: GroupRow,
    pub role: String,
    pub member_count: u64,
    pub owner: PersonRow,
}

/// Who a member is, as other members see them.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct PersonRow {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct ListExtras {
    role: String,
    member_count: i64,
}

/// The groups `user_id` belongs to, newest first, with their role, the member count and the
/// owner, in one statement; archived ones only when asked.
pub async fn list_for_user(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    include_archived: bool,
    only: Option<Uuid>,
) -> Result<Vec<GroupListRow>, RepoError> {
    let mut p = Params::default();
    let archived = if include_archived { "" } else { " AND g.archived_at IS NULL" };
    let user = p.bind(user_id.as_uuid());
    let only = match only {
        Some(id) => format!(" AND g.id = {}", p.bind(id)),
        None => String::new(),
    };
    let sql = format!(
        "SELECT {group}, me.role AS role, \
            (SELECT COUNT(*) FROM group_members c WHERE c.group_id = g.id) AS member_count, \
            o.id AS o_user_id, o.first_name AS o_first_name, o.last_name AS o_last_name, o.username AS o_username \
         FROM group_members me JOIN groups g ON g.id = me.group_id JOIN users o ON o.id = g.owner_id \
         WHERE me.user_id = {user}{archived}{only} ORDER BY g.created_at DESC, g.id",
        group = columns::<Groups>("g", "g_"),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter()
        .map(|row| {
            let extras = ListExtras::from_query_result(row, "")?;
            Ok(GroupListRow {
                group: GroupRow::from_query_result(row, "g_")?,
                role: extras.role,
                member_count: count(extras.member_count),
                owner: PersonRow::from_query_result(row, "o_")?,
            })
        })
        .collect()
}

/// A member with who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberWithPerson {
    pub person: PersonRow,
    pub role: String,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
struct MemberExtras {
    role: String,
    joined_at: DateTime<Utc>,
}

/// The group's members (teachers only, when `teachers_only`): teachers first, then by joining.
pub async fn members(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    teachers_only: bool,
) -> Result<Vec<MemberWithPerson>, RepoError> {
    let mut p = Params::default();
    let teachers = if teachers_only { " AND m.role = 'teacher'" } else { "" };
    let sql = format!(
        "SELECT u.id AS user_id, u.first_name, u.last_name, u.username, m.role, m.joined_at \
         FROM group_members m JOIN users u ON u.id = m.user_id \
         WHERE m.group_id = {group}{teachers} \
         ORDER BY CASE WHEN m.role = 'teacher' THEN 0 ELSE 1 END, m.joined_at, u.id",
        group = p.bind(group_id),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter()
        .map(|row| {
            let extras = MemberExtras::from_query_result(row, "")?;
            Ok(MemberWithPerson {
                person: PersonRow::from_query_result(row, "")?,
                role: extras.role,
                joined_at: extras.joined_at,
            })
        })
        .collect()
}
