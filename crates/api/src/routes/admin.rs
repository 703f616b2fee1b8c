//! `/api/admin`: users, metrics, premium grants, refunds and the audit log. Every route answers
//! 403 `FORBIDDEN` unless the caller's Telegram id is in `ADMIN_TELEGRAM_IDS` right now.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::{Plan, UserId};
use repositories::admin::{AdminUserRow, AuditEntry};
use serde::{Deserialize, Serialize};
use services::admin::{Grant, Period, UserSort};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::Pagination;
use crate::schemas::values::non_blank;
use crate::state::AppState;
use crate::validated_json::{ValidatedJson, validation_error};

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanFilter {
    Free,
    Premium,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserSortValue {
    #[default]
    CreatedAt,
    LastSeenAt,
    PremiumUntil,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OrderValue {
    Asc,
    #[default]
    Desc,
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct AdminUserQuery {
    /// Part of a first or last name or username, or a whole Telegram id.
    #[validate(length(max = 100))]
    pub search: Option<String>,
    #[param(inline)]
    pub plan: Option<PlanFilter>,
    #[param(inline)]
    #[serde(default)]
    pub sort: UserSortValue,
    #[param(inline)]
    #[serde(default)]
    pub order: OrderValue,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(range(max = crate::schemas::MAX_OFFSET))]
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUserResponse {
    pub id: Uuid,
    pub telegram_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// `free` or `premium`, now.
    pub plan: String,
    pub premium_until: Option<DateTime<Utc>>,
    /// Listed in `ADMIN_TELEGRAM_IDS` now.
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Cards in all their profiles.
    pub cards: i64,
    /// Reviews in the last 30 days.
    pub reviews_30d: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUserListResponse {
    pub data: Vec<AdminUserResponse>,
    pub pagination: Pagination,
}

#[utoipa::path(get, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    params(AdminUserQuery),
    responses((status = 200, body = AdminUserListResponse),
              (status = 403, description = "FORBIDDEN: not an admin", body = crate::error::ErrorBody)))]
pub async fn users(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<AdminUserQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = state.admin.admin(user.id()).await?;
    query.validate().map_err(validation_error)?;
    let query = query.into_inner();
    let (limit, offset) = (query.limit.unwrap_or(20), query.offset.unwrap_or(0));
    let sort = match query.sort {
        UserSortValue::CreatedAt => UserSort::CreatedAt,
        UserSortValue::LastSeenAt => UserSort::LastSeenAt,
        UserSortValue::PremiumUntil => UserSort::PremiumUntil,
    };
    let plan = query.plan.map(|plan| match plan {
        PlanFilter::Free => Plan::Free,
        PlanFilter::Premium => Plan::Premium,
    });
    let descending = matches!(query.order, OrderValue::Desc);
    let (rows, total) =
        state.admin.users(admin, query.search, plan, sort, descending, u64::from(limit), u64::from(offset)).await?;
    let now = state.clock.now();
    let has_more = u64::from(offset) + (rows.len() as u64) < total;
    let data = rows.into_iter().map(|row| admin_user(&state, row, now)).collect();
    Ok(HttpResponse::Ok()
        .json(AdminUserListResponse { data, pagination: Pagination { limit, offset, total, has_more } }))
}

fn admin_user(state: &AppState, row: AdminUserRow, now: DateTime<Utc>) -> AdminUserResponse {
    AdminUserResponse {
        id: row.id,
        telegram_id: row.telegram_id,
        first_name: row.first_name,
        last_name: row.last_name,
        username: row.username,
        plan: Plan::of(row.premium_until, now).as_str().to_owned(),
        premium_until: row.premium_until,
        is_admin: state.admin.is_admin_telegram_id(row.telegram_id),
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        cards: row.cards,
        reviews_30d: row.reviews,
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MetricsPeriod {
    Week,
    #[default]
    Month,
    #[serde(rename = "3months")]
    ThreeMonths,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MetricsQuery {
    /// `week`, `month` (default) or `3months`.
    #[param(inline)]
    #[serde(default)]
    pub period: MetricsPeriod,
}

pub use super::admin_metrics::*;

#[utoipa::path(get, path = "/api/admin/metrics", tag = "admin", security(("bearer" = [])),
    params(MetricsQuery),
    responses((status = 200, body = MetricsResponse),
              (status = 403, description = "FORBIDDEN: not an admin", body = crate::error::ErrorBody)))]
pub async fn metrics(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<MetricsQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = state.admin.admin(user.id()).await?;
    let period = match query.period {
        MetricsPeriod::Week => Period::Week,
        MetricsPeriod::Month => Period::Month,
        MetricsPeriod::ThreeMonths => Period::ThreeMonths,
    };
    Ok(HttpResponse::Ok().json(MetricsResponse::from(state.admin.metrics(admin, period).await?)))
}

/// `days` (added, negative to take off) or `until` (the new end), and why.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    #[validate(range(min = -3650, max = 3650))]
    #[schema(minimum = -3650, maximum = 3650)]
    pub days: Option<i32>,
    pub until: Option<DateTime<Utc>>,
    #[validate(length(min = 1, max = 500), custom(function = "non_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Exactly one of `days` (not 0) and `until`: a rule the schema does not state, so a body that
/// breaks it is 400 `INVALID_FIELD_VALUE` (as `api.md` has it), not 422.
fn grant_of(body: &GrantRequest) -> Result<Grant, ApiError> {
    let reason = match (body.days, body.until) {
        (Some(0), None) => "days_nonzero",
        (Some(days), None) => return Ok(Grant::Days(days)),
        (None, Some(until)) => return Ok(Grant::Until(until)),
        _ => "days_or_until",
    };
    Err(ApiError::new(crate::error::ErrorCode::InvalidFieldValue).with_details(serde_json::json!({ "reason": reason })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantResponse {
    pub user_id: Uuid,
    pub premium_until: DateTime<Utc>,
}

#[utoipa::path(post, path = "/api/admin/users/{id}/premium", tag = "admin", security(("bearer" = [])),
    request_body = GrantRequest,
    responses((status = 200, body = GrantResponse),
              (status = 403, description = "FORBIDDEN: not an admin", body = crate::error::ErrorBody),
              (status = 400, description = "INVALID_FIELD_VALUE: not exactly one of `days` (not 0) and `until` (details.reason days_nonzero, days_or_until)", body = crate::error::ErrorBody),
              (status = 404, description = "USER_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn grant(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<GrantRequest>,
) -> Result<HttpResponse, ApiError> {
    let admin = state.admin.admin(user.id()).await?;
    let body = body.0;
    let grant = grant_of(&body)?;
    let target = UserId::from_uuid(*id);
    let premium_until = state.admin.grant(admin, target, grant, body.reason.trim()).await?;
    Ok(HttpResponse::Ok().json(GrantResponse { user_id: *id, premium_until }))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    #[validate(length(min = 1, max = 500), custom(function = "non_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundResponse {
    /// The user's end of premium after the refunded period was taken off.
    pub premium_until: DateTime<Utc>,
}

#[utoipa::path(post, path = "/api/admin/payments/{id}/refund", tag = "admin", security(("bearer" = [])),
    request_body = RefundRequest,
    responses((status = 200, body = RefundResponse),
              (status = 403, description = "FORBIDDEN: not an admin", body = crate::error::ErrorBody),
              (status = 404, description = "NOT_FOUND: no such payment", body = crate::error::ErrorBody),
              (status = 409, description = "CONFLICT: refunded already, or not a Stars payment", body = crate::error::ErrorBody),
              (status = 503, description = "SERVICE_UNAVAILABLE: the Bot API failed", body = crate::error::ErrorBody)))]
pub async fn refund(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ValidatedJson<RefundRequest>,
) -> Result<HttpResponse, ApiError> {
    let admin = state.admin.admin(user.id()).await?;
    let premium_until = state.admin.refund(admin, *id, body.0.reason.trim()).await?;
    Ok(HttpResponse::Ok().json(RefundResponse { premium_until }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminActionResponse {
    pub id: Uuid,
    pub admin_id: Option<Uuid>,
    pub admin_telegram_id: i64,
    /// `premium_grant` or `payment_refund`.
    pub action: String,
    pub target_user_id: Option<Uuid>,
    /// Who the action was about; `null` once they erased their account.
    pub target: Option<AuditTargetResponse>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditTargetResponse {
    pub telegram_id: i64,
    pub first_name: String,
    pub username: Option<String>,
}

impl From<AuditEntry> for AdminActionResponse {
    fn from(entry: AuditEntry) -> Self {
        let a = entry.action;
        Self {
            id: a.id,
            admin_id: a.admin_id,
            admin_telegram_id: a.admin_telegram_id,
            action: a.action,
            target_user_id: a.target_user_id,
            target: entry.target.map(|t| AuditTargetResponse {
                telegram_id: t.telegram_id,
                first_name: t.first_name,
                username: t.username,
            }),
            details: a.details,
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminActionListResponse {
    pub data: Vec<AdminActionResponse>,
    pub pagination: Pagination,
}

#[utoipa::path(get, path = "/api/admin/actions", tag = "admin", security(("bearer" = [])),
    params(crate::schemas::PageQuery),
    responses((status = 200, body = AdminActionListResponse),
              (status = 403, description = "FORBIDDEN: not an admin", body = crate::error::ErrorBody)))]
pub async fn actions(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<crate::schemas::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = state.admin.admin(user.id()).await?;
    query.validate().map_err(validation_error)?;
    let (limit, offset) = (query.limit.unwrap_or(20), query.offset.unwrap_or(0));
    let (rows, total) = state.admin.actions(admin, u64::from(limit), u64::from(offset)).await?;
    let has_more = u64::from(offset) + (rows.len() as u64) < total;
    let data = rows.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok()
        .json(AdminActionListResponse { data, pagination: Pagination { limit, offset, total, has_more } }))
}

/// A user's payment as an admin sees it: whether a refund is still possible.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminPaymentResponse {
    #[serde(flatten)]
    pub payment: crate::routes::billing::PaymentResponse,
    /// A Stars charge not refunded yet.
    pub refundable: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminPaymentListResponse {
    pub data: Vec<AdminPaymentResponse>,
    pub pagination: Pagination,
}

#[utoipa::path(get, path = "/api/admin/users/{id}/payments", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "the user"), crate::schemas::PageQuery),
    responses((status = 200, body = AdminPaymentListResponse),
              (status = 403, description = "FORBIDDEN: not an admin", body = crate::error::ErrorBody),
              (status = 404, description = "USER_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn user_payments(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<crate::schemas::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let admin = state.admin.admin(user.id()).await?;
    query.validate().map_err(validation_error)?;
    let rows = state.admin.user_payments(admin, UserId::from_uuid(*id)).await?;
    let (page, pagination) = query.slice(rows);
    let data = page
        .into_iter()
        .map(|(payment, refundable)| AdminPaymentResponse { payment: payment.into(), refundable })
        .collect();
    Ok(HttpResponse::Ok().json(AdminPaymentListResponse { data, pagination }))
}
