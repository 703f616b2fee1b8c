//! `/api/notifications`: the in-app notifications with the unread count for the badge.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use repositories::notifications::NotificationRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::Pagination;
use crate::state::AppState;
use crate::validated_json::validation_error;

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: Uuid,
    /// What it is about, e.g. `streak_reminder`.
    pub kind: String,
    /// In the user's interface language.
    pub title: String,
    pub body: String,
    /// Data for the client (say, where a tap leads); `null` when there is none.
    #[schema(value_type = Option<Object>)]
    pub payload: Option<serde_json::Value>,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<NotificationRow> for NotificationResponse {
    fn from(n: NotificationRow) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            payload: n.payload,
            read_at: n.read_at,
            created_at: n.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPageResponse {
    pub data: Vec<NotificationResponse>,
    pub pagination: Pagination,
    /// Unread notifications in all, for the badge.
    pub unread: u64,
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    #[serde(default)]
    pub unread_only: bool,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(range(max = crate::schemas::MAX_OFFSET))]
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

#[utoipa::path(get, path = "/api/notifications", tag = "notifications", security(("bearer" = [])),
    params(NotificationQuery), responses((status = 200, body = NotificationPageResponse)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<NotificationQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let (limit, offset) = (query.limit.unwrap_or(20), query.offset.unwrap_or(0));
    let page = state.notifications.list(user.id(), query.unread_only, u64::from(limit), u64::from(offset)).await?;
    let has_more = u64::from(offset) + (page.items.len() as u64) < page.total;
    Ok(HttpResponse::Ok().json(NotificationPageResponse {
        data: page.items.into_iter().map(Into::into).collect(),
        pagination: Pagination { limit, offset, total: page.total, has_more },
        unread: page.unread,
    }))
}

#[utoipa::path(post, path = "/api/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationResponse),
              (status = 404, description = "NOT_FOUND: no such notification of yours", body = crate::error::ErrorBody)))]
pub async fn read(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(NotificationResponse::from(state.notifications.mark_read(user.id(), *id).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadAllResponse {
    /// How many were unread.
    pub updated: u64,
}

#[utoipa::path(post, path = "/api/notifications/read-all", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = ReadAllResponse)))]
pub async fn read_all(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(ReadAllResponse { updated: state.notifications.mark_all_read(user.id()).await? }))
}
