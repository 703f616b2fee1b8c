//! `/api/study`: today's queue, reviews and undo.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{DeckId, ProfileId, Rating};
use serde::{Deserialize, Serialize};
use services::study::ReviewRequest;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::cards::{CardResponse, DayCountsResponse, ProgressResponse};
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    pub profile_id: Option<Uuid>,
    pub deck_id: Option<Uuid>,
    /// Cards in the answer (default 100).
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Seconds each rating would schedule the card from now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Intervals {
    pub again: i64,
    pub hard: i64,
    pub good: i64,
    pub easy: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub card: CardResponse,
    pub intervals: Intervals,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudyDayResponse {
    pub date: NaiveDate,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueResponse {
    pub cards: Vec<QueueItem>,
    pub counts: DayCountsResponse,
    pub day: StudyDayResponse,
    pub rating_buttons: i16,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    pub card_id: Uuid,
    /// 1 Again, 2 Hard, 3 Good, 4 Easy.
    #[schema(value_type = u8, minimum = 1, maximum = 4)]
    pub rating: Rating,
    /// Time spent on the card, up to an hour.
    #[validate(range(max = 3_600_000))]
    #[schema(maximum = 3_600_000)]
    pub duration_ms: Option<u32>,
    /// Chosen by the client per answer; a retry with the same id is recorded once.
    pub client_review_id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewResponse {
    pub card_id: Uuid,
    pub progress: Option<ProgressResponse>,
    pub scheduled_seconds: i64,
    pub counts: DayCountsResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UndoResponse {
    pub card_id: Uuid,
    /// `null` when the card is new again.
    pub progress: Option<ProgressResponse>,
}

#[utoipa::path(get, path = "/api/study/queue", tag = "study", security(("bearer" = [])), params(QueueQuery),
    responses((status = 200, body = QueueResponse),
              (status = 404, description = "PROFILE_NOT_FOUND or DECK_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn queue(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let limit = u64::from(query.limit.unwrap_or(100));
    let queue = state
        .study
        .queue(user.id(), query.profile_id.map(ProfileId::from_uuid), query.deck_id.map(DeckId::from_uuid), limit)
        .await?;
    let cards = queue
        .items
        .into_iter()
        .map(|item| {
            let [again, hard, good, easy] = item.intervals;
            QueueItem { card: item.card.into(), intervals: Intervals { again, hard, good, easy } }
        })
        .collect();
    Ok(HttpResponse::Ok().json(QueueResponse {
        cards,
        counts: queue.counts.into(),
        day: StudyDayResponse { date: queue.day.date, ends_at: queue.day.ends_at },
        rating_buttons: queue.rating_buttons,
    }))
}

#[utoipa::path(post, path = "/api/study/review", tag = "study", security(("bearer" = [])), request_body = ReviewBody,
    responses((status = 200, body = ReviewResponse),
              (status = 404, description = "CARD_NOT_FOUND", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: this client_review_id was used for another answer", body = crate::error::ErrorBody)))]
pub async fn review(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<ReviewBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let request = ReviewRequest {
        card_id: body.card_id,
        rating: body.rating,
        duration_ms: body.duration_ms,
        client_review_id: body.client_review_id,
    };
    let result = state.study.review(user.id(), request).await?;
    Ok(HttpResponse::Ok().json(ReviewResponse {
        card_id: result.card_id,
        progress: result.progress.map(Into::into),
        scheduled_seconds: result.scheduled_seconds,
        counts: result.counts.into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StudyMoreBody {
    /// The active profile when left out.
    pub profile_id: Option<Uuid>,
    /// New cards to add to today's allowance.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub new_cards: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudyMoreResponse {
    /// The profile's counts for today with the raised allowance.
    pub counts: DayCountsResponse,
}

/// "Study more today" (Anki's custom study): raises the profile's new-card allowance for the
/// current study day only; the queue and every count take it into account.
#[utoipa::path(post, path = "/api/study/more", tag = "study", security(("bearer" = [])), request_body = StudyMoreBody,
    responses((status = 200, body = StudyMoreResponse),
              (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn study_more(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<StudyMoreBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let counts = state.study.study_more(user.id(), body.profile_id.map(ProfileId::from_uuid), body.new_cards).await?;
    Ok(HttpResponse::Ok().json(StudyMoreResponse { counts: counts.into() }))
}

#[utoipa::path(post, path = "/api/study/undo", tag = "study", security(("bearer" = [])),
    responses((status = 200, body = UndoResponse), (status = 409, description = "CONFLICT: nothing to undo", body = crate::error::ErrorBody)))]
pub async fn undo(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (card_id, progress) = state.study.undo(user.id()).await?;
    Ok(HttpResponse::Ok().json(UndoResponse { card_id, progress: progress.map(Into::into) }))
}
