//! Topics a learner practises with exercises, one active per profile, with their accuracy read
//! from the attempts in the same statement.

use chrono::{DateTime, Utc};
use domain::text::normalized_key;
use domain::{ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::topics::{self, Column, Entity as Topics};
use crate::raw::{Params, columns};

pub use crate::entities::topics::Model as TopicRow;

/// How a topic has gone so far: graded attempts and when it was last practised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicTally {
    pub attempts: u64,
    pub correct: u64,
    pub partial: u64,
    pub last_practised_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicWithTally {
    pub topic: TopicRow,
    pub tally: TopicTally,
}

pub struct NewTopic<'a> {
    pub profile_id: ProfileId,
    pub owner_id: UserId,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub kind: &'a str,
    pub is_active: bool,
    pub now: DateTime<Utc>,
}

pub async fn insert(conn: &impl ConnectionTrait, new: NewTopic<'_>) -> Result<TopicRow, RepoError> {
    let row = topics::ActiveModel {
        id: Set(Uuid::now_v7()),
        profile_id: Set(new.profile_id.as_uuid()),
        owner_id: Set(new.owner_id.as_uuid()),
        name: Set(new.name.trim().to_owned()),
        name_key: Set(normalized_key(new.name)),
        description: Set(new.description.map(|d| d.trim().to_owned())),
        kind: Set(new.kind.to_owned()),
        is_active: Set(new.is_active),
        archived_at: Set(None),
        created_at: Set(new.now),
        updated_at: Set(new.now),
    };
    Ok(Topics::insert(row).exec_with_returning(conn).await?)
}

#[derive(Debug, FromQueryResult)]
struct TallyRow {
    attempts: i64,
    correct: i64,
    partial: i64,
    last_practised_at: Option<DateTime<Utc>>,
}

impl From<TallyRow> for TopicTally {
    fn from(row: TallyRow) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Self {
            attempts: count(row.attempts),
            correct: count(row.correct),
            partial: count(row.partial),
            last_practised_at: row.last_practised_at,
        }
    }
}

const TALLY: &str = "COUNT(a.id) AS attempts, \
    COALESCE(SUM(CASE WHEN a.result = 'correct' THEN 1 ELSE 0 END), 0) AS correct, \
    COALESCE(SUM(CASE WHEN a.result = 'partial' THEN 1 ELSE 0 END), 0) AS partial, \
    MAX(a.completed_at) AS last_practised_at";

/// The owner's topics of one profile with their tallies, in one statement: the active one
/// first, then by name; archived ones only when asked.
pub async fn list_with_tally(
    conn: &impl ConnectionTrait,
    owner_id: UserId,
    profile_id: ProfileId,
    include_archived: bool,
) -> Result<Vec<TopicWithTally>, RepoError> {
    let mut p = Params::default();
    let archived = if include_archived { "" } else { "AND t.archived_at IS NULL" };
    let sql = format!(
        "SELECT {topic}, {TALLY} FROM topics t \
         LEFT JOIN exercise_attempts a ON a.topic_id = t.id AND a.user_id = t.owner_id \
         WHERE t.owner_id = {owner} AND t.profile_id = {profile} {archived} \
         GROUP BY t.id ORDER BY t.is_active DESC, t.name_key, t.id",
        topic = columns::<Topics>("t", "t_"),
        owner = p.bind(owner_id.as_uuid()),
        profile = p.bind(profile_id.as_uuid()),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter()
        .map(|row| {
            Ok(TopicWithTally {
                topic: TopicRow::from_query_result(row, "t_")?,
                tally: TallyRow::from_query_result(row, "")?.into(),
            })
        })
        .collect()
}

/// One learner's tally on a topic (theirs, or one shared with their group: each student's
/// accuracy is their own).
pub async fn tally(conn: &impl ConnectionTrait, user_id: UserId, topic_id: Uuid) -> Result<TopicTally, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT {TALLY} FROM exercise_attempts a WHERE a.topic_id = {} AND a.user_id = {}",
        p.bind(topic_id),
        p.bind(user_id.as_uuid())
    );
    let row = conn.query_one_raw(p.statement(conn, &sql)).await?;
    Ok(row.map(|row| TallyRow::from_query_result(&row, "")).transpose()?.map(TopicTally::from).unwrap_or_default())
}

/// The topic when its owner is `owner_id`; someone else's is `None`, like a missing one.
pub async fn find_owned(
    conn: &impl ConnectionTrait,
    owner_id: UserId,
    id: Uuid,
) -> Result<Option<TopicRow>, RepoError> {
    Ok(Topics::find_by_id(id).filter(Column::OwnerId.eq(owner_id.as_uuid())).one(conn).await?)
}

/// A topic shared with a group `user_id` belongs to (not archived), with the language of the
/// profile it belongs to; `None` otherwise.
pub async fn find_shared(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    id: Uuid,
) -> Result<Option<(TopicRow, String)>, RepoError> {
    let mut p = Params::default();
    let user = p.bind(user_id.as_uuid());
    let sql = format!(
        "SELECT {topic}, lp.language AS topic_language FROM topics t \
         JOIN language_profiles lp ON lp.id = t.profile_id \
         WHERE t.id = {id} AND {shared}",
        topic = columns::<Topics>("t", "t_"),
        id = p.bind(id),
        shared = crate::raw::shared_with(&user, "topic_id", "t.id"),
    );
    let Some(row) = conn.query_one_raw(p.statement(conn, &sql)).await? else {
        return Ok(None);
    };
    Ok(Some((TopicRow::from_query_result(&row, "t_")?, row.try_get("", "topic_language")?)))
}

pub async fn find_active(conn: &impl ConnectionTrait, profile_id: ProfileId) -> Result<Option<TopicRow>, RepoError> {
    Ok(Topics::find()
        .filter(Column::ProfileId.eq(profile_id.as_uuid()))
        .filter(Expr::col(Column::IsActive))
        .one(conn)
        .await?)
}

/// Whether another topic of the profile already has a name that folds like `name`.
pub async fn name_taken(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, RepoError> {
    let mut query = Topics::find()
        .filter(Column::ProfileId.eq(profile_id.as_uuid()))
        .filter(Column::NameKey.eq(normalized_key(name)));
    if let Some(id) = except {
        query = query.filter(Column::Id.ne(id));
    }
    Ok(query.count(conn).await? > 0)
}

pub async fn count_in_profile(conn: &impl ConnectionTrait, profile_id: ProfileId) -> Result<u64, RepoError> {
    Ok(Topics::find().filter(Column::ProfileId.eq(profile_id.as_uuid())).count(conn).await?)
}

#[derive(Debug, Default)]
pub struct TopicChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub kind: Option<String>,
    pub archived_at: Option<Option<DateTime<Utc>>>,
}

pub async fn update(
    conn: &impl ConnectionTrait,
    row: TopicRow,
    changes: TopicChanges,
    now: DateTime<Utc>,
) -> Result<TopicRow, RepoError> {
    let mut active: topics::ActiveModel = row.into();
    if let Some(name) = changes.name {
        active.name_key = Set(normalized_key(&name));
        active.name = Set(name.trim().to_owned());
    }
    if let Some(description) = changes.description {
        active.description = Set(description.map(|d| d.trim().to_owned()));
    }
    if let Some(kind) = changes.kind {
        active.kind = Set(kind);
    }
    if let Some(archived_at) = changes.archived_at {
        if archived_at.is_some() {
            // An archived topic is not practised: it stops being the active one.
            active.is_active = Set(false);
        }
        active.archived_at = Set(archived_at);
    }
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

/// Makes `id` the profile's one active topic; run in a transaction (the partial unique index
/// refuses two active topics, so the old one goes first).
pub async fn activate(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    Topics::update_many()
        .col_expr(Column::IsActive, Expr::value(false))
        .filter(Column::ProfileId.eq(profile_id.as_uuid()))
        .filter(Expr::col(Column::IsActive))
        .filter(Column::Id.ne(id))
        .exec(conn)
        .await?;
    Topics::update_many()
        .col_expr(Column::IsActive, Expr::value(true))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes the topic; its attempts stay, without a topic (`ON DELETE SET NULL`).
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), RepoError> {
    Topics::delete_by_id(id).exec(conn).await?;
    Ok(())
}
