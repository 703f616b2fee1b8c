//! `/api/profiles`: language profiles.

use actix_web::{HttpResponse, web};
use domain::{CefrLevel, Goal, InterfaceLanguage, LanguageCode, ProfileId};
use serde::{Deserialize, Serialize};
use services::profiles::{NewProfile, ProfilePatch};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::values::{CefrLevelValue, GoalValue, InterfaceLanguageValue, LanguageCodeValue};
use crate::schemas::{PageQuery, Pagination, ProfileResponse};
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateProfileRequest {
    /// The language studied; one profile per language.
    #[schema(value_type = LanguageCodeValue, example = "en")]
    pub language: LanguageCode,
    #[schema(value_type = CefrLevelValue, example = "A2")]
    pub current_level: CefrLevel,
    /// Not below `current_level` (400 `TARGET_BELOW_CURRENT`).
    #[schema(value_type = CefrLevelValue, example = "B2")]
    pub target_level: CefrLevel,
    /// A set: repeats are merged.
    #[schema(value_type = Vec<GoalValue>, max_items = 8, example = json!(["travel"]))]
    #[validate(length(max = 8))]
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[schema(value_type = InterfaceLanguageValue, example = "ru")]
    pub interface_language: InterfaceLanguage,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    #[schema(value_type = Option<CefrLevelValue>)]
    pub current_level: Option<CefrLevel>,
    #[schema(value_type = Option<CefrLevelValue>)]
    pub target_level: Option<CefrLevel>,
    #[schema(value_type = Option<Vec<GoalValue>>, max_items = 8)]
    #[validate(length(max = 8))]
    pub goals: Option<Vec<Goal>>,
    #[schema(value_type = Option<InterfaceLanguageValue>)]
    pub interface_language: Option<InterfaceLanguage>,
    #[validate(range(min = 0, max = 500))]
    #[schema(minimum = 0, maximum = 500)]
    pub new_cards_per_day: Option<i32>,
    /// The recall probability FSRS schedules for.
    #[validate(range(min = 0.70, max = 0.97))]
    #[schema(minimum = 0.70, maximum = 0.97)]
    pub desired_retention: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileList {
    pub data: Vec<ProfileResponse>,
    pub pagination: Pagination,
}

#[utoipa::path(get, path = "/api/profiles", tag = "profiles", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = ProfileList)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(validation_error)?;
    let profiles = state.profiles.list(user.id()).await?;
    let (page, pagination) = query.slice(profiles);
    Ok(HttpResponse::Ok().json(ProfileList { data: page.into_iter().map(Into::into).collect(), pagination }))
}

#[utoipa::path(post, path = "/api/profiles", tag = "profiles", security(("bearer" = [])), request_body = CreateProfileRequest,
    responses((status = 201, body = ProfileResponse),
              (status = 400, description = "TARGET_BELOW_CURRENT", body = crate::error::ErrorBody),
              (status = 402, description = "LIMIT_REACHED", body = crate::error::ErrorBody),
              (status = 409, description = "DUPLICATE_LANGUAGE", body = crate::error::ErrorBody)))]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateProfileRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let new = NewProfile {
        language: body.language,
        current_level: body.current_level,
        target_level: body.target_level,
        goals: body.goals,
        interface_language: body.interface_language,
    };
    let profile = state.profiles.create(user.id(), new).await?;
    Ok(HttpResponse::Created().json(ProfileResponse::from(profile)))
}

#[utoipa::path(get, path = "/api/profiles/{id}", tag = "profiles", security(("bearer" = [])),
    responses((status = 200, body = ProfileResponse), (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let profile = state.profiles.get(user.id(), ProfileId::from_uuid(*id)).await?;
    Ok(HttpResponse::Ok().json(ProfileResponse::from(profile)))
}

#[utoipa::path(patch, path = "/api/profiles/{id}", tag = "profiles", security(("bearer" = [])), request_body = UpdateProfileRequest,
    responses((status = 200, body = ProfileResponse),
              (status = 400, description = "TARGET_BELOW_CURRENT", body = crate::error::ErrorBody)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateProfileRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let patch = ProfilePatch {
        current_level: body.current_level,
        target_level: body.target_level,
        goals: body.goals,
        interface_language: body.interface_language,
        new_cards_per_day: body.new_cards_per_day,
        desired_retention: body.desired_retention,
    };
    let profile = state.profiles.update(user.id(), ProfileId::from_uuid(*id), patch).await?;
    Ok(HttpResponse::Ok().json(ProfileResponse::from(profile)))
}

#[utoipa::path(delete, path = "/api/profiles/{id}", tag = "profiles", security(("bearer" = [])),
    responses((status = 204), (status = 400, description = "LAST_PROFILE", body = crate::error::ErrorBody)))]
pub async fn delete(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    state.profiles.delete(user.id(), ProfileId::from_uuid(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/profiles/{id}/activate", tag = "profiles", security(("bearer" = [])),
    responses((status = 200, body = ProfileResponse)))]
pub async fn activate(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let profile = state.profiles.activate(user.id(), ProfileId::from_uuid(*id)).await?;
    Ok(HttpResponse::Ok().json(ProfileResponse::from(profile)))
}
