//! `/api/decks`: decks of a profile with today's counts.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::{DeckId, ProfileId};
use serde::{Deserialize, Serialize};
use services::cards::Deck;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::{PageQuery, Pagination, ProfileListQuery};
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

#[derive(Debug, Serialize, ToSchema)]
pub struct DeckCounts {
    pub new: u64,
    pub learning: u64,
    pub due: u64,
    /// Never-studied cards beyond the profile's new-card allowance for today.
    pub waiting: u64,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeckResponse {
    pub id: Uuid,
    pub profile_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub counts: DeckCounts,
}

impl From<Deck> for DeckResponse {
    fn from(d: Deck) -> Self {
        Self {
            id: d.id.as_uuid(),
            profile_id: d.profile_id.as_uuid(),
            name: d.name,
            description: d.description,
            is_default: d.is_default,
            archived_at: d.archived_at,
            created_at: d.created_at,
            updated_at: d.updated_at,
            counts: DeckCounts {
                new: d.counts.new,
                learning: d.counts.learning,
                due: d.counts.due,
                waiting: d.counts.waiting,
                total: d.total,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeckList {
    pub data: Vec<DeckResponse>,
    pub pagination: Pagination,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateDeckRequest {
    /// Unique in the profile, case-insensitively (409 `CONFLICT`).
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    pub name: String,
    #[validate(length(max = 500))]
    #[schema(max_length = 500, pattern = "^[^\\u0000]*$")]
    pub description: Option<String>,
    pub profile_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeckRequest {
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    pub name: Option<String>,
    /// `null` clears it.
    #[validate(length(max = 500))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 500, pattern = "^[^\\u0000]*$")]
    pub description: Option<Option<String>>,
    pub archived: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeleteDeckQuery {
    /// Delete the deck with its cards (otherwise a deck with cards answers 409).
    #[serde(default)]
    pub confirm: bool,
}

#[utoipa::path(get, path = "/api/decks", tag = "decks", security(("bearer" = [])), params(ProfileListQuery),
    responses((status = 200, body = DeckList),
              (status = 404, description = "PROFILE_NOT_FOUND: no such profile, or no active one", body = crate::error::ErrorBody)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ProfileListQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let decks =
        state.cards.list_decks(user.id(), query.profile_id.map(ProfileId::from_uuid), query.include_archived).await?;
    let (page, pagination) = PageQuery { limit: query.limit, offset: query.offset }.slice(decks);
    Ok(HttpResponse::Ok().json(DeckList { data: page.into_iter().map(Into::into).collect(), pagination }))
}

#[utoipa::path(post, path = "/api/decks", tag = "decks", security(("bearer" = [])), request_body = CreateDeckRequest,
    responses((status = 201, body = DeckResponse),
              (status = 404, description = "PROFILE_NOT_FOUND: no such profile, or no active one", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: the name exists", body = crate::error::ErrorBody)))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateDeckRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let deck = state
        .cards
        .create_deck(user.id(), body.profile_id.map(ProfileId::from_uuid), &body.name, body.description.as_deref())
        .await?;
    Ok(HttpResponse::Created().json(DeckResponse::from(deck)))
}

#[utoipa::path(get, path = "/api/decks/{id}", tag = "decks", security(("bearer" = [])),
    responses((status = 200, body = DeckResponse)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(DeckResponse::from(state.cards.get_deck(user.id(), DeckId::from_uuid(*id)).await?)))
}

#[utoipa::path(patch, path = "/api/decks/{id}", tag = "decks", security(("bearer" = [])), request_body = UpdateDeckRequest,
    responses((status = 200, body = DeckResponse),
              (status = 409, description = "CONFLICT: the name exists, or the default deck cannot be archived", body = crate::error::ErrorBody)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateDeckRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let deck =
        state.cards.update_deck(user.id(), DeckId::from_uuid(*id), body.name, body.description, body.archived).await?;
    Ok(HttpResponse::Ok().json(DeckResponse::from(deck)))
}

#[utoipa::path(delete, path = "/api/decks/{id}", tag = "decks", security(("bearer" = [])), params(DeleteDeckQuery),
    responses((status = 204), (status = 409, description = "CONFLICT: cards left (details.cards) or the default deck", body = crate::error::ErrorBody)))]
pub async fn delete(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<DeleteDeckQuery>,
) -> Result<HttpResponse, ApiError> {
    state.cards.delete_deck(user.id(), DeckId::from_uuid(*id), query.confirm).await?;
    Ok(HttpResponse::NoContent().finish())
}
