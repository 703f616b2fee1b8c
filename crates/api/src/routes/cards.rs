//! `/api/cards`: cards written by hand, with search, editing and moving.

use actix_web::{HttpResponse, web};

use std::collections::BTreeMap;

use domain::CardContent;
use domain::{CardState, DeckId, ProfileId};
use serde::{Deserialize, Serialize};
use services::cards::{CardFilter, CardPatch, CardSource};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::Pagination;
use crate::schemas::cards::CardResponse;
use crate::schemas::values::{CardStateValue, FormsValue, check_forms, no_nul};
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

#[derive(Debug, Serialize, ToSchema)]
pub struct CardList {
    pub data: Vec<CardResponse>,
    pub pagination: Pagination,
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct CardListQuery {
    pub profile_id: Option<Uuid>,
    pub deck_id: Option<Uuid>,
    /// The learner's state of the card.
    #[param(value_type = Option<CardStateValue>)]
    pub state: Option<CardState>,
    /// Matches the front, back or lemma, ignoring case.
    #[validate(length(max = 200), custom(function = "no_nul"))]
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub search: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(range(max = crate::schemas::MAX_OFFSET))]
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Forms as stored: trimmed, `null` when there are none.
fn forms_value(forms: Option<BTreeMap<String, String>>) -> Option<serde_json::Value> {
    let forms: serde_json::Map<String, serde_json::Value> = forms?
        .into_iter()
        .map(|(name, value)| (name.trim().to_owned(), serde_json::Value::String(value.trim().to_owned())))
        .collect();
    (!forms.is_empty()).then_some(serde_json::Value::Object(forms))
}

/// The fields of a card a person types.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CardFields {
    /// The word or phrase.
    #[validate(length(min = 1, max = 500))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    pub front: String,
    /// Its translation.
    #[validate(length(min = 1, max = 1000))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    pub back: String,
    /// The dictionary form; duplicates are judged on it (else on the front).
    #[validate(length(max = 200))]
    #[schema(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub lemma: Option<String>,
    #[validate(length(max = 50))]
    #[schema(max_length = 50, pattern = "^[^\\u0000]*$")]
    pub part_of_speech: Option<String>,
    #[validate(length(max = 50))]
    #[schema(max_length = 50, pattern = "^[^\\u0000]*$")]
    pub gender: Option<String>,
    #[validate(custom(function = "check_forms"))]
    #[schema(value_type = Option<FormsValue>)]
    pub forms: Option<BTreeMap<String, String>>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub transcription: Option<String>,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000, pattern = "^[^\\u0000]*$")]
    pub example: Option<String>,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000, pattern = "^[^\\u0000]*$")]
    pub example_translation: Option<String>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, pattern = "^[^\\u0000]*$")]
    pub notes: Option<String>,
}

impl CardFields {
    fn into_content(self) -> Result<CardContent, ApiError> {
        let front = self.front.trim().to_owned();
        let back = self.back.trim().to_owned();
        if front.is_empty() || back.is_empty() {
            return Err(ApiError::new(crate::error::ErrorCode::ValidationError)
                .with_details(serde_json::json!({ "front": ["front and back must not be blank"] })));
        }
        Ok(CardContent {
            front,
            back,
            lemma: trimmed(self.lemma),
            part_of_speech: trimmed(self.part_of_speech),
            gender: trimmed(self.gender),
            forms: forms_value(self.forms),
            transcription: trimmed(self.transcription),
            example: trimmed(self.example),
            example_translation: trimmed(self.example_translation),
            notes: trimmed(self.notes),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateCardRequest {
    pub deck_id: Option<Uuid>,
    /// Where the card came from: typed by hand (default), a tutor answer or a photo.
    #[serde(default)]
    pub source: CreatedFrom,
    #[serde(flatten)]
    #[validate(nested)]
    pub fields: CardFields,
}

/// Where a card typed or picked in the Mini App came from.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CreatedFrom {
    /// Typed by hand (the default).
    #[default]
    Manual,
    /// A word the tutor offered.
    Chat,
    /// A word found in a photo.
    Ocr,
}

impl From<CreatedFrom> for CardSource {
    fn from(source: CreatedFrom) -> Self {
        match source {
            CreatedFrom::Manual => Self::Manual,
            CreatedFrom::Chat => Self::Chat,
            CreatedFrom::Ocr => Self::Ocr,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MoveCardRequest {
    pub deck_id: Uuid,
}

#[utoipa::path(get, path = "/api/cards", tag = "cards", security(("bearer" = [])), params(CardListQuery),
    responses((status = 200, body = CardList),
              (status = 404, description = "PROFILE_NOT_FOUND or DECK_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<CardListQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let query = query.into_inner();
    let (limit, offset) = (query.limit.unwrap_or(20), query.offset.unwrap_or(0));
    let filter = CardFilter {
        deck_id: query.deck_id.map(DeckId::from_uuid),
        state: query.state,
        search: query.search,
        limit: u64::from(limit),
        offset: u64::from(offset),
    };
    let (cards, total) = state.cards.list_cards(user.id(), query.profile_id.map(ProfileId::from_uuid), filter).await?;
    let has_more = u64::from(offset) + (cards.len() as u64) < total;
    Ok(HttpResponse::Ok().json(CardList {
        data: cards.into_iter().map(Into::into).collect(),
        pagination: Pagination { limit, offset, total, has_more },
    }))
}

#[utoipa::path(post, path = "/api/cards", tag = "cards", security(("bearer" = [])), request_body = CreateCardRequest,
    responses((status = 201, body = CardResponse),
              (status = 402, description = "LIMIT_REACHED", body = crate::error::ErrorBody),
              (status = 404, description = "DECK_NOT_FOUND, or PROFILE_NOT_FOUND without an active profile", body = crate::error::ErrorBody),
              (status = 409, description = "DUPLICATE_CARD with details.existing", body = crate::error::ErrorBody)))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateCardRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let content = body.fields.into_content()?;
    let deck_id = body.deck_id.map(DeckId::from_uuid);
    let card = state.cards.create_card(user.id(), deck_id, content, body.source.into()).await?;
    Ok(HttpResponse::Created().json(CardResponse::from(card)))
}

#[utoipa::path(get, path = "/api/cards/{id}", tag = "cards", security(("bearer" = [])),
    responses((status = 200, body = CardResponse)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(CardResponse::from(state.cards.get_card(user.id(), *id).await?)))
}

/// A partial edit: absent fields are kept, `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateCardRequest {
    #[validate(length(min = 1, max = 500))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    pub front: Option<String>,
    #[validate(length(min = 1, max = 1000))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    pub back: Option<String>,
    #[validate(length(max = 200))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = "^[^\\u0000]*$")]
    pub lemma: Option<Option<String>>,
    #[validate(length(max = 50))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 50, pattern = "^[^\\u0000]*$")]
    pub part_of_speech: Option<Option<String>>,
    #[validate(length(max = 50))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 50, pattern = "^[^\\u0000]*$")]
    pub gender: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[validate(custom(function = "check_forms"))]
    #[schema(value_type = Option<FormsValue>)]
    pub forms: Option<Option<BTreeMap<String, String>>>,
    #[validate(length(max = 200))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = "^[^\\u0000]*$")]
    pub transcription: Option<Option<String>>,
    #[validate(length(max = 1000))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 1000, pattern = "^[^\\u0000]*$")]
    pub example: Option<Option<String>>,
    #[validate(length(max = 1000))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 1000, pattern = "^[^\\u0000]*$")]
    pub example_translation: Option<Option<String>>,
    #[validate(length(max = 2000))]
    #[serde(default, deserialize_with = "crate::schemas::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = "^[^\\u0000]*$")]
    pub notes: Option<Option<String>>,
}

impl UpdateCardRequest {
    fn into_patch(self) -> Result<CardPatch, ApiError> {
        let required = |value: Option<String>, field: &str| match value.map(|v| v.trim().to_owned()) {
            Some(v) if v.is_empty() => Err(ApiError::new(crate::error::ErrorCode::ValidationError)
                .with_details(serde_json::json!({ field: ["must not be blank"] }))),
            other => Ok(other),
        };
        let optional = |value: Option<Option<String>>| value.map(trimmed);
        Ok(CardPatch {
            front: required(self.front, "front")?,
            back: required(self.back, "back")?,
            lemma: optional(self.lemma),
            part_of_speech: optional(self.part_of_speech),
            gender: optional(self.gender),
            forms: self.forms.map(forms_value),
            transcription: optional(self.transcription),
            example: optional(self.example),
            example_translation: optional(self.example_translation),
            notes: optional(self.notes),
        })
    }
}

#[utoipa::path(patch, path = "/api/cards/{id}", tag = "cards", security(("bearer" = [])), request_body = UpdateCardRequest,
    responses((status = 200, body = CardResponse), (status = 409, description = "DUPLICATE_CARD", body = crate::error::ErrorBody)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateCardRequest>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.0.into_patch()?;
    Ok(HttpResponse::Ok().json(CardResponse::from(state.cards.update_card(user.id(), *id, patch).await?)))
}

#[utoipa::path(delete, path = "/api/cards/{id}", tag = "cards", security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    state.cards.delete_card(user.id(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/cards/{id}/move", tag = "cards", security(("bearer" = [])), request_body = MoveCardRequest,
    responses((status = 200, body = CardResponse)))]
pub async fn move_card(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<MoveCardRequest>,
) -> Result<HttpResponse, ApiError> {
    let card = state.cards.move_card(user.id(), *id, DeckId::from_uuid(body.0.deck_id)).await?;
    Ok(HttpResponse::Ok().json(CardResponse::from(card)))
}
