//! `/api/groups`: teacher groups, their members and invites, shared decks and topics, and the
//! teacher's progress table. Bodies live in `schemas::groups`.

use actix_web::{HttpResponse, web};
use domain::ProfileId;
use serde_json::json;
use services::groups::{GroupPatch, NewGroup, NewInvite, Period, ShareRequest};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorCode};
use crate::schemas::PageQuery;
use crate::schemas::group_materials::{GroupProgressResponse, MaterialList, MaterialResponse, ProgressQuery};
use crate::schemas::groups::{
    CopyDeckRequest, CreateGroupRequest, CreateInviteRequest, GroupDetailResponse, GroupList, GroupListQuery,
    InviteList, InvitePreviewResponse, InviteResponse, JoinGroupRequest, SetRoleRequest, ShareMaterialRequest,
    UpdateGroupRequest,
};
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

type Res = Result<HttpResponse, ApiError>;

#[utoipa::path(get, path = "/api/groups", tag = "groups", security(("bearer" = [])), params(GroupListQuery),
    responses((status = 200, body = GroupList)))]
pub async fn list(user: AuthUser, state: web::Data<AppState>, query: web::Query<GroupListQuery>) -> Res {
    query.validate().map_err(validation_error)?;
    let groups = state.groups.list(user.id(), query.include_archived).await?;
    let (page, pagination) = PageQuery { limit: query.limit, offset: query.offset }.slice(groups);
    Ok(HttpResponse::Ok().json(GroupList { data: page.into_iter().map(Into::into).collect(), pagination }))
}

#[utoipa::path(post, path = "/api/groups", tag = "groups", security(("bearer" = [])), request_body = CreateGroupRequest,
    responses((status = 201, body = GroupDetailResponse),
              (status = 402, description = "LIMIT_REACHED (`limit`: `groups`, or `group_members` for a `max_members` above the plan)", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT (details.field name)", body = crate::error::ErrorBody)))]
pub async fn create(user: AuthUser, state: web::Data<AppState>, body: ValidatedJson<CreateGroupRequest>) -> Res {
    let body = body.0;
    let new = NewGroup {
        name: body.name,
        description: body.description,
        language: body.language,
        max_members: body.max_members,
    };
    let group = state.groups.create(user.id(), new).await?;
    Ok(HttpResponse::Created().json(GroupDetailResponse::from(group)))
}

#[utoipa::path(get, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = GroupDetailResponse),
              (status = 404, description = "GROUP_NOT_FOUND: not a member", body = crate::error::ErrorBody)))]
pub async fn get(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Res {
    Ok(HttpResponse::Ok().json(GroupDetailResponse::from(state.groups.get(user.id(), *id).await?)))
}

#[utoipa::path(patch, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])), request_body = UpdateGroupRequest,
    responses((status = 200, body = GroupDetailResponse),
              (status = 403, description = "FORBIDDEN: not a teacher of the group", body = crate::error::ErrorBody),
              (status = 402, description = "LIMIT_REACHED: `max_members` above the owner's plan", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT (details.field name)", body = crate::error::ErrorBody)))]
pub async fn update(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateGroupRequest>,
) -> Res {
    let body = body.0;
    let patch = GroupPatch { name: body.name, description: body.description, max_members: body.max_members };
    Ok(HttpResponse::Ok().json(GroupDetailResponse::from(state.groups.update(user.id(), *id, patch).await?)))
}

#[utoipa::path(delete, path = "/api/groups/{id}", tag = "groups", security(("bearer" = [])),
    responses((status = 204, description = "Archived: invites stop working, materials stay readable to members"),
              (status = 403, description = "FORBIDDEN: not the owner", body = crate::error::ErrorBody)))]
pub async fn archive(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Res {
    state.groups.archive(user.id(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/groups/{id}/invites", tag = "groups", security(("bearer" = [])), request_body = CreateInviteRequest,
    responses((status = 201, body = InviteResponse),
              (status = 403, description = "FORBIDDEN: not a teacher of the group", body = crate::error::ErrorBody)))]
pub async fn create_invite(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<CreateInviteRequest>,
) -> Res {
    let new = NewInvite { expires_in_hours: body.0.expires_in_hours, max_uses: body.0.max_uses };
    Ok(HttpResponse::Created().json(InviteResponse::from(state.groups.create_invite(user.id(), *id, new).await?)))
}

#[utoipa::path(get, path = "/api/groups/{id}/invites", tag = "groups", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = InviteList),
              (status = 403, description = "FORBIDDEN: not a teacher of the group", body = crate::error::ErrorBody)))]
pub async fn list_invites(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Res {
    query.validate().map_err(validation_error)?;
    let (page, pagination) = query.slice(state.groups.invites(user.id(), *id).await?);
    Ok(HttpResponse::Ok().json(InviteList { data: page.into_iter().map(Into::into).collect(), pagination }))
}

#[utoipa::path(delete, path = "/api/groups/{id}/invites/{invite_id}", tag = "groups", security(("bearer" = [])),
    responses((status = 204, description = "Revoked"),
              (status = 404, description = "NOT_FOUND: no such live invite", body = crate::error::ErrorBody)))]
pub async fn revoke_invite(user: AuthUser, state: web::Data<AppState>, path: web::Path<(Uuid, Uuid)>) -> Res {
    let (id, invite_id) = *path;
    state.groups.revoke_invite(user.id(), id, invite_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/groups/invites/{code}", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = InvitePreviewResponse),
              (status = 400, description = "INVITE_EXPIRED: expired, used up or revoked", body = crate::error::ErrorBody),
              (status = 404, description = "GROUP_NOT_FOUND: unknown code or archived group", body = crate::error::ErrorBody)))]
pub async fn preview(user: AuthUser, state: web::Data<AppState>, code: web::Path<String>) -> Res {
    Ok(HttpResponse::Ok().json(InvitePreviewResponse::from(state.groups.preview(user.id(), &code).await?)))
}

#[utoipa::path(post, path = "/api/groups/join", tag = "groups", security(("bearer" = [])), request_body = JoinGroupRequest,
    responses((status = 200, body = GroupDetailResponse),
              (status = 400, description = "INVITE_EXPIRED: expired, used up or revoked", body = crate::error::ErrorBody),
              (status = 402, description = "LIMIT_REACHED (`limit`: `group_members`)", body = crate::error::ErrorBody),
              (status = 404, description = "GROUP_NOT_FOUND: unknown code or archived group", body = crate::error::ErrorBody),
              (status = 409, description = "ALREADY_MEMBER", body = crate::error::ErrorBody)))]
pub async fn join(user: AuthUser, state: web::Data<AppState>, body: ValidatedJson<JoinGroupRequest>) -> Res {
    Ok(HttpResponse::Ok().json(GroupDetailResponse::from(state.groups.join(user.id(), &body.0.code).await?)))
}

#[utoipa::path(post, path = "/api/groups/{id}/leave", tag = "groups", security(("bearer" = [])),
    responses((status = 204, description = "Left"),
              (status = 409, description = "CONFLICT: the owner archives the group instead", body = crate::error::ErrorBody)))]
pub async fn leave(user: AuthUser, state: web::Data<AppState>, id: web::Path<Uuid>) -> Res {
    state.groups.leave(user.id(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/groups/{id}/members/{user_id}", tag = "groups", security(("bearer" = [])),
    responses((status = 204, description = "Removed"),
              (status = 403, description = "FORBIDDEN: a student, or a teacher removing a teacher", body = crate::error::ErrorBody),
              (status = 404, description = "USER_NOT_FOUND: not a member", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: the owner cannot be removed", body = crate::error::ErrorBody)))]
pub async fn remove_member(user: AuthUser, state: web::Data<AppState>, path: web::Path<(Uuid, Uuid)>) -> Res {
    let (id, member) = *path;
    state.groups.remove(user.id(), id, domain::UserId::from_uuid(member)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(patch, path = "/api/groups/{id}/members/{user_id}", tag = "groups", security(("bearer" = [])),
    request_body = SetRoleRequest,
    responses((status = 200, body = GroupDetailResponse),
              (status = 403, description = "FORBIDDEN: not the owner", body = crate::error::ErrorBody),
              (status = 404, description = "USER_NOT_FOUND: not a member", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: the owner stays a teacher", body = crate::error::ErrorBody)))]
pub async fn set_role(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidatedJson<SetRoleRequest>,
) -> Res {
    let (id, member) = *path;
    let group = state.groups.set_role(user.id(), id, domain::UserId::from_uuid(member), body.0.role).await?;
    Ok(HttpResponse::Ok().json(GroupDetailResponse::from(group)))
}

#[utoipa::path(get, path = "/api/groups/{id}/materials", tag = "groups", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = MaterialList)))]
pub async fn list_materials(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Res {
    query.validate().map_err(validation_error)?;
    let (page, pagination) = query.slice(state.groups.materials(user.id(), *id).await?);
    Ok(HttpResponse::Ok().json(MaterialList { data: page.into_iter().map(Into::into).collect(), pagination }))
}

#[utoipa::path(post, path = "/api/groups/{id}/materials", tag = "groups", security(("bearer" = [])), request_body = ShareMaterialRequest,
    responses((status = 201, body = MaterialResponse),
              (status = 400, description = "INVALID_FIELD_VALUE: not exactly one of `deck_id` and `topic_id` (details.reason deck_or_topic)", body = crate::error::ErrorBody),
              (status = 403, description = "FORBIDDEN: not a teacher of the group", body = crate::error::ErrorBody),
              (status = 404, description = "DECK_NOT_FOUND / TOPIC_NOT_FOUND: not one of mine", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: already shared", body = crate::error::ErrorBody)))]
pub async fn share(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<ShareMaterialRequest>,
) -> Res {
    let what = match (body.0.deck_id, body.0.topic_id) {
        (Some(deck), None) => ShareRequest::Deck(deck),
        (None, Some(topic)) => ShareRequest::Topic(topic),
        // A rule the schema does not state: 400, not 422 (api.md).
        _ => {
            return Err(ApiError::new(ErrorCode::InvalidFieldValue)
                .with_details(json!({ "reason": "deck_or_topic", "body": ["exactly one of deck_id and topic_id"] })));
        }
    };
    Ok(HttpResponse::Created().json(MaterialResponse::from(state.groups.share(user.id(), *id, what).await?)))
}

#[utoipa::path(delete, path = "/api/groups/{id}/materials/{material_id}", tag = "groups", security(("bearer" = [])),
    responses((status = 204, description = "No longer shared"),
              (status = 403, description = "FORBIDDEN: not a teacher of the group", body = crate::error::ErrorBody)))]
pub async fn unshare(user: AuthUser, state: web::Data<AppState>, path: web::Path<(Uuid, Uuid)>) -> Res {
    let (id, material_id) = *path;
    state.groups.unshare(user.id(), id, material_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/groups/{id}/materials/{material_id}/copy", tag = "groups", security(("bearer" = [])),
    request_body = CopyDeckRequest,
    responses((status = 201, body = crate::routes::decks::DeckResponse),
              (status = 400, description = "INVALID_FIELD_VALUE: the material is a topic", body = crate::error::ErrorBody),
              (status = 402, description = "LIMIT_REACHED (`limit`: `cards`)", body = crate::error::ErrorBody)))]
pub async fn copy_deck(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidatedJson<CopyDeckRequest>,
) -> Res {
    let (id, material_id) = *path;
    let profile = body.0.profile_id.map(ProfileId::from_uuid);
    let deck = state.groups.copy_deck(user.id(), id, material_id, profile).await?;
    Ok(HttpResponse::Created().json(crate::routes::decks::DeckResponse::from(deck)))
}

#[utoipa::path(get, path = "/api/groups/{id}/progress", tag = "groups", security(("bearer" = [])), params(ProgressQuery),
    responses((status = 200, body = GroupProgressResponse),
              (status = 403, description = "FORBIDDEN: not a teacher of the group", body = crate::error::ErrorBody)))]
pub async fn progress(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ProgressQuery>,
) -> Res {
    let period = match query.period.as_deref() {
        None | Some("week") => Period::Week,
        Some("month") => Period::Month,
        Some("3months") => Period::ThreeMonths,
        Some("all") => Period::All,
        Some(_) => {
            return Err(ApiError::new(ErrorCode::ValidationError)
                .with_details(json!({ "period": ["one of week, month, 3months, all"] })));
        }
    };
    Ok(HttpResponse::Ok().json(GroupProgressResponse::from(state.groups.progress(user.id(), *id, period).await?)))
}
