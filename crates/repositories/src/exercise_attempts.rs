//! Exercises answered: one row per graded exercise, read back as the history and as the recent
//! results that set the next exercises' difficulty.

use chrono::{DateTime, Utc};
use domain::{ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JsonValue, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::exercise_attempts::{self, Column, Entity as Attempts};
use crate::raw::{Params, columns};

pub use crate::entities::exercise_attempts::Model as AttemptRow;

pub struct NewAttempt {
    pub id: Uuid,
    pub user_id: UserId,
    pub profile_id: ProfileId,
    pub topic_id: Option<Uuid>,
    pub kind: String,
    pub question: String,
    pub prompt: String,
    pub options: Option<JsonValue>,
    pub correct_answer: String,
    pub user_answer: String,
    pub result: String,
    pub feedback: JsonValue,
    pub used_hint: bool,
    pub duration_ms: Option<i32>,
    pub channel: String,
    pub completed_at: DateTime<Utc>,
}

/// Writes the attempt; the exercise's id is the row's, so the same exercise is recorded once.
pub async fn insert(conn: &impl ConnectionTrait, new: NewAttempt) -> Result<AttemptRow, RepoError> {
    let row = exercise_attempts::ActiveModel {
        id: Set(new.id),
        user_id: Set(new.user_id.as_uuid()),
        profile_id: Set(new.profile_id.as_uuid()),
        topic_id: Set(new.topic_id),
        kind: Set(new.kind),
        question: Set(new.question),
        prompt: Set(new.prompt),
        options: Set(new.options),
        correct_answer: Set(new.correct_answer),
        user_answer: Set(new.user_answer),
        result: Set(new.result),
        feedback: Set(new.feedback),
        used_hint: Set(new.used_hint),
        duration_ms: Set(new.duration_ms),
        channel: Set(new.channel),
        completed_at: Set(new.completed_at),
    };
    Ok(Attempts::insert(row).exec_with_returning(conn).await?)
}

/// The results of the topic's latest `limit` attempts, newest first.
pub async fn recent_results(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    topic_id: Uuid,
    limit: u64,
) -> Result<Vec<String>, RepoError> {
    Ok(Attempts::find()
        .select_only()
        .column(Column::Result)
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::TopicId.eq(topic_id))
        .order_by_desc(Column::CompletedAt)
        .limit(limit)
        .into_tuple::<String>()
        .all(conn)
        .await?)
}

#[derive(Debug, Default, Clone)]
pub struct HistoryFilter {
    pub topic_id: Option<Uuid>,
    pub result: Option<String>,
}

/// An attempt and the name its topic has now (none once the topic is deleted).
#[derive(Debug, Clone)]
pub struct AttemptWithTopic {
    pub attempt: AttemptRow,
    pub topic_name: Option<String>,
}

/// A page of the profile's attempts, newest first, and how many match in all.
pub async fn history(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    filter: &HistoryFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<AttemptWithTopic>, u64), RepoError> {
    let matching = || {
        let mut p = Params::default();
        let mut condition =
            format!("a.user_id = {} AND a.profile_id = {}", p.bind(user_id.as_uuid()), p.bind(profile_id.as_uuid()));
        if let Some(topic) = filter.topic_id {
            condition.push_str(&format!(" AND a.topic_id = {}", p.bind(topic)));
        }
        if let Some(result) = &filter.result {
            condition.push_str(&format!(" AND a.result = {}", p.bind(result.clone())));
        }
        (p, condition)
    };
    let (p, condition) = matching();
    let sql = format!(
        "SELECT {attempt}, t.name AS topic_name, COUNT(*) OVER () AS total FROM exercise_attempts a \
         LEFT JOIN topics t ON t.id = a.topic_id WHERE {condition} \
         ORDER BY a.completed_at DESC, a.id DESC LIMIT {limit} OFFSET {offset}",
        attempt = columns::<Attempts>("a", "a_"),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    let mut total = 0;
    let mut page = Vec::with_capacity(rows.len());
    for row in &rows {
        total = u64::try_from(row.try_get::<i64>("", "total")?).unwrap_or(0);
        page.push(AttemptWithTopic {
            attempt: AttemptRow::from_query_result(row, "a_")?,
            topic_name: row.try_get::<Option<String>>("", "topic_name")?,
        });
    }
    if rows.is_empty() && offset > 0 {
        // Past the end: the window function saw no rows, so count on its own.
        let (p, condition) = matching();
        let sql = format!("SELECT COUNT(*) AS total FROM exercise_attempts a WHERE {condition}");
        if let Some(row) = conn.query_one_raw(p.statement(conn, &sql)).await? {
            total = u64::try_from(row.try_get::<i64>("", "total")?).unwrap_or(0);
        }
    }
    Ok((page, total))
}
