//! The review log: append-only, except that undo marks a row as undone.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, InsertStatement, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::card_reviews::{self, Column, Entity as Reviews};

pub use crate::entities::card_reviews::Model as ReviewRow;

pub struct NewReview {
    pub user_id: UserId,
    pub card_id: Uuid,
    pub profile_id: ProfileId,
    pub client_review_id: Uuid,
    pub rating: i16,
    pub state_before: String,
    pub state_after: String,
    pub elapsed_days: i32,
    pub scheduled_days: i32,
    pub stability_after: Option<f64>,
    pub difficulty_after: Option<f64>,
    pub progress_before: serde_json::Value,
    pub progress_after: serde_json::Value,
    pub scheduled_seconds: i64,
    pub duration_ms: Option<i32>,
    pub local_date: NaiveDate,
    pub reviewed_at: DateTime<Utc>,
}

/// Appends the review unless the user already recorded one under its `client_review_id`;
/// `false` means a replay (nothing was written).
pub async fn insert_once(conn: &impl ConnectionTrait, new: NewReview) -> Result<bool, RepoError> {
    Ok(conn.execute(&insert_once_statement(vec![new])).await?.rows_affected() == 1)
}

/// The statement `insert_once` runs (`review_write` puts it beside the review's other writes).
/// With several reviews (`review_write::record_many`) each is appended unless its learner
/// already recorded one under its `client_review_id`. Never empty.
pub(crate) fn insert_once_statement(news: Vec<NewReview>) -> InsertStatement {
    let on_conflict = OnConflict::columns([Column::UserId, Column::ClientReviewId]).do_nothing().to_owned();
    Reviews::insert_many(news.into_iter().map(active_model)).on_conflict(on_conflict).into_query()
}

fn active_model(new: NewReview) -> card_reviews::ActiveModel {
    card_reviews::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(new.user_id.as_uuid()),
        card_id: Set(new.card_id),
        profile_id: Set(new.profile_id.as_uuid()),
        client_review_id: Set(new.client_review_id),
        rating: Set(new.rating),
        state_before: Set(new.state_before),
        state_after: Set(new.state_after),
        elapsed_days: Set(new.elapsed_days),
        scheduled_days: Set(new.scheduled_days),
        stability_after: Set(new.stability_after),
        difficulty_after: Set(new.difficulty_after),
        progress_before: Set(new.progress_before),
        progress_after: Set(new.progress_after),
        scheduled_seconds: Set(new.scheduled_seconds),
        duration_ms: Set(new.duration_ms),
        local_date: Set(new.local_date),
        reviewed_at: Set(new.reviewed_at),
        undone_at: Set(None),
    }
}

pub async fn find_by_client_id(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    client_review_id: Uuid,
) -> Result<Option<ReviewRow>, RepoError> {
    Ok(Reviews::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::ClientReviewId.eq(client_review_id))
        .one(conn)
        .await?)
}

/// The user's most recent review that has not been undone.
pub async fn latest_in_effect(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Option<ReviewRow>, RepoError> {
    Ok(Reviews::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .filter(Column::UndoneAt.is_null())
        .order_by_desc(Column::ReviewedAt)
        .order_by_desc(Column::Id)
        .one(conn)
        .await?)
}

pub async fn mark_undone(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, RepoError> {
    let result = Reviews::update_many()
        .col_expr(Column::UndoneAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::UndoneAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
