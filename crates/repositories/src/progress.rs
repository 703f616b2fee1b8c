//! Per-learner scheduling state (`card_progress`). A card without a row is new to that learner.

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{InsertStatement, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::card_progress::{self, Column, Entity as ProgressRows};

pub use crate::entities::card_progress::Model as ProgressRow;

/// The scheduling values written after a review (or restored by undo).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProgressValues {
    pub state: String,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub due: DateTime<Utc>,
    pub last_review: Option<DateTime<Utc>>,
    pub reps: i32,
    pub lapses: i32,
    pub step: Option<i32>,
}

impl From<&ProgressRow> for ProgressValues {
    fn from(r: &ProgressRow) -> Self {
        Self {
            state: r.state.clone(),
            stability: r.stability,
            difficulty: r.difficulty,
            due: r.due,
            last_review: r.last_review,
            reps: r.reps,
            lapses: r.lapses,
            step: r.step,
        }
    }
}

pub async fn find(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    card_id: Uuid,
) -> Result<Option<ProgressRow>, RepoError> {
    Ok(ProgressRows::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::CardId.eq(card_id))
        .one(conn)
        .await?)
}

pub async fn find_many(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    card_ids: &[Uuid],
) -> Result<Vec<ProgressRow>, RepoError> {
    if card_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ProgressRows::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::CardId.is_in(card_ids.iter().copied()))
        .all(conn)
        .await?)
}

pub async fn upsert(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    card_id: Uuid,
    values: &ProgressValues,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    conn.execute(&upsert_statement(user_id, card_id, values, now)).await?;
    Ok(())
}

/// The statement `upsert` runs (`review_write` puts it beside the review's other writes).
pub(crate) fn upsert_statement(
    user_id: UserId,
    card_id: Uuid,
    values: &ProgressValues,
    now: DateTime<Utc>,
) -> InsertStatement {
    upsert_many_statement([(user_id, card_id, values)], now)
}

/// `upsert_statement` for several cards at once, each of another learner or card (one
/// statement cannot update a row twice). Never empty.
pub(crate) fn upsert_many_statement<'a>(
    rows: impl IntoIterator<Item = (UserId, Uuid, &'a ProgressValues)>,
    now: DateTime<Utc>,
) -> InsertStatement {
    let rows = rows.into_iter().map(|(user_id, card_id, values)| card_progress::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id.as_uuid()),
        card_id: Set(card_id),
        state: Set(values.state.clone()),
        stability: Set(values.stability),
        difficulty: Set(values.difficulty),
        due: Set(values.due),
        last_review: Set(values.last_review),
        reps: Set(values.reps),
        lapses: Set(values.lapses),
        step: Set(values.step),
        updated_at: Set(now),
    });
    let on_conflict = OnConflict::columns([Column::UserId, Column::CardId])
        .update_columns([
            Column::State,
            Column::Stability,
            Column::Difficulty,
            Column::Due,
            Column::LastReview,
            Column::Reps,
            Column::Lapses,
            Column::Step,
            Column::UpdatedAt,
        ])
        .to_owned();
    ProgressRows::insert_many(rows).on_conflict(on_conflict).into_query()
}

/// Forgets the learner's state of a card (undo of its very first review).
pub async fn delete(conn: &impl ConnectionTrait, user_id: UserId, card_id: Uuid) -> Result<(), RepoError> {
    ProgressRows::delete_many()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::CardId.eq(card_id))
        .exec(conn)
        .await?;
    Ok(())
}
