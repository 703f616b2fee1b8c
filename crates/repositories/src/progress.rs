//! Per-learner scheduling state (`card_progress`). A card without a row is new to that learner.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{InsertStatement, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::card_progress::{self, Column, Entity as ProgressRows};
use crate::entities::cards;

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
    let row = card_progress::ActiveModel {
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
    };
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
    ProgressRows::insert(row).on_conflict(on_conflict).into_query()
}

static REVIEWED_CARD_COLUMNS: LazyLock<String> = LazyLock::new(|| crate::raw::columns::<cards::Entity>("c", "c_"));
static REVIEWED_PROGRESS_COLUMNS: LazyLock<String> = LazyLock::new(|| crate::raw::columns::<ProgressRows>("p", "p_"));

/// A card to review with what the review needs, read in one round trip.
#[derive(Debug, Clone)]
pub struct ReviewTarget {
    pub card: cards::Model,
    /// The learner's profile the review counts in: the card's own for the learner's cards; for
    /// a card of a deck shared with the learner's group, their profile of the deck's language,
    /// else their active one.
    pub profile_id: Uuid,
    pub desired_retention: f64,
    /// The profile's own FSRS parameters (a JSON array of 21), `None` for the defaults.
    pub fsrs_parameters: Option<serde_json::Value>,
    /// The learner's progress on it (`None` while new).
    pub progress: Option<ProgressRow>,
}

/// The card when the learner may review it (theirs, or in a deck shared with a group they
/// belong to); `None` when it is missing or out of their reach.
pub async fn card_for_review(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    card_id: Uuid,
) -> Result<Option<ReviewTarget>, RepoError> {
    use sea_orm::FromQueryResult;
    let mut p = crate::raw::Params::default();
    let user = p.bind(user_id.as_uuid());
    let card = p.bind(card_id);
    let shared = crate::raw::shared_with(&user, "deck_id", "c.deck_id");
    // COALESCE stops at the first hit, so the learner's own card costs one index probe.
    let sql = format!(
        "SELECT {card_columns}, lp.id AS learner_profile_id, lp.desired_retention, \
            (SELECT f.parameters FROM profile_fsrs f WHERE f.profile_id = lp.id) AS fsrs_parameters, \
            {progress_columns} FROM cards c \
        JOIN language_profiles lp ON lp.user_id = {user} AND lp.id = COALESCE(\
            (SELECT own.id FROM language_profiles own WHERE own.id = c.profile_id AND own.user_id = {user}), \
            (SELECT mine.id FROM language_profiles theirs \
                JOIN language_profiles mine ON mine.user_id = {user} AND mine.language = theirs.language \
                WHERE theirs.id = c.profile_id AND {shared}), \
            (SELECT a.id FROM language_profiles a WHERE a.user_id = {user} AND a.is_active AND {shared})) \
        LEFT JOIN card_progress p ON p.user_id = {user} AND p.card_id = c.id \
        WHERE c.id = {card}",
        card_columns = *REVIEWED_CARD_COLUMNS,
        progress_columns = *REVIEWED_PROGRESS_COLUMNS,
    );
    let Some(row) = conn.query_one_raw(p.statement(conn, &sql)).await? else {
        return Ok(None);
    };
    Ok(Some(ReviewTarget {
        card: cards::Model::from_query_result(&row, "c_")?,
        profile_id: row.try_get("", "learner_profile_id")?,
        desired_retention: row.try_get("", "desired_retention")?,
        fsrs_parameters: row.try_get("", "fsrs_parameters")?,
        progress: card_progress::Model::from_query_result_optional(&row, "p_")?,
    }))
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
