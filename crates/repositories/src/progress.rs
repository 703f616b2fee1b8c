//! Per-learner scheduling state (`card_progress`). A card without a row is new to that learner.

use chrono::{DateTime, Utc};
use domain::{DeckId, ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::card_progress::{self, Column, Entity as ProgressRows};
use crate::entities::{cards, decks};

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
    ProgressRows::insert(row).on_conflict(on_conflict).exec_without_returning(conn).await?;
    Ok(())
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

/// Which cards a count or queue covers: a profile, or one deck of it.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub profile_id: ProfileId,
    pub deck_id: Option<DeckId>,
}

impl Scope {
    fn card_ids(self) -> SelectStatement {
        let mut q = Query::select();
        q.column(cards::Column::Id)
            .from(cards::Entity)
            .and_where(Expr::col(cards::Column::ProfileId).eq(self.profile_id.as_uuid()));
        match self.deck_id {
            Some(deck) => q.and_where(Expr::col(cards::Column::DeckId).eq(deck.as_uuid())),
            None => q.and_where(Expr::col(cards::Column::DeckId).not_in_subquery(archived_decks(self.profile_id))),
        };
        q.to_owned()
    }
}

/// Archived decks are shelved: a profile-wide queue or count leaves their cards out (a deck
/// opened on its own still studies).
fn archived_decks(profile_id: ProfileId) -> SelectStatement {
    Query::select()
        .column(decks::Column::Id)
        .from(decks::Entity)
        .and_where(Expr::col(decks::Column::ProfileId).eq(profile_id.as_uuid()))
        .and_where(Expr::col(decks::Column::ArchivedAt).is_not_null())
        .to_owned()
}

fn in_scope(user_id: UserId, scope: Scope) -> sea_orm::Select<ProgressRows> {
    ProgressRows::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::CardId.in_subquery(scope.card_ids()))
}

/// Cards in learning or relearning, and review cards due before `day_end`.
pub async fn count_learning_and_due(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    scope: Scope,
    day_end: DateTime<Utc>,
) -> Result<(u64, u64), RepoError> {
    let learning = in_scope(user_id, scope).filter(Column::State.is_in(["learning", "relearning"])).count(conn).await?;
    let due =
        in_scope(user_id, scope).filter(Column::State.eq("review")).filter(Column::Due.lt(day_end)).count(conn).await?;
    Ok((learning, due))
}

/// Cards of the scope the learner has never reviewed.
pub async fn count_unstudied(conn: &impl ConnectionTrait, user_id: UserId, scope: Scope) -> Result<u64, RepoError> {
    Ok(unstudied(user_id, scope).count(conn).await?)
}

fn unstudied(user_id: UserId, scope: Scope) -> sea_orm::Select<cards::Entity> {
    let studied = Query::select()
        .column(Column::CardId)
        .from(ProgressRows)
        .and_where(Expr::col(Column::UserId).eq(user_id.as_uuid()))
        .to_owned();
    let q = cards::Entity::find()
        .filter(cards::Column::ProfileId.eq(scope.profile_id.as_uuid()))
        .filter(cards::Column::Id.not_in_subquery(studied));
    match scope.deck_id {
        Some(deck) => q.filter(cards::Column::DeckId.eq(deck.as_uuid())),
        None => q.filter(cards::Column::DeckId.not_in_subquery(archived_decks(scope.profile_id))),
    }
}

/// Learning cards whose step is due by `until`, earliest first.
pub async fn learning_due(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    scope: Scope,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ProgressRow>, RepoError> {
    Ok(in_scope(user_id, scope)
        .filter(Column::State.is_in(["learning", "relearning"]))
        .filter(Column::Due.lte(until))
        .order_by_asc(Column::Due)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Review cards due before `day_end`, most overdue first.
pub async fn reviews_due(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    scope: Scope,
    day_end: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ProgressRow>, RepoError> {
    Ok(in_scope(user_id, scope)
        .filter(Column::State.eq("review"))
        .filter(Column::Due.lt(day_end))
        .order_by_asc(Column::Due)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Never-studied cards in the order they were added.
pub async fn unstudied_cards(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    scope: Scope,
    limit: u64,
) -> Result<Vec<cards::Model>, RepoError> {
    Ok(unstudied(user_id, scope)
        .order_by_asc(cards::Column::CreatedAt)
        .order_by_asc(cards::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}
