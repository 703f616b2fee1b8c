//! `/api/billing`: the plans and their Stars prices, invoice links, the trial and my payments.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::PlanLimits;
use repositories::payments::PaymentRow;
use serde::{Deserialize, Serialize};
use services::billing::{Offer, PlanId};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;
use crate::validated_json::ValidatedJson;

/// A plan on sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanIdValue {
    /// 30 days, a Stars subscription renewed monthly.
    Monthly,
    /// 365 days, paid once.
    Yearly,
}

impl From<PlanIdValue> for PlanId {
    fn from(plan: PlanIdValue) -> Self {
        match plan {
            PlanIdValue::Monthly => Self::Monthly,
            PlanIdValue::Yearly => Self::Yearly,
        }
    }
}

impl From<PlanId> for PlanIdValue {
    fn from(plan: PlanId) -> Self {
        match plan {
            PlanId::Monthly => Self::Monthly,
            PlanId::Yearly => Self::Yearly,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferResponse {
    pub id: PlanIdValue,
    /// The price in Telegram Stars.
    pub stars: u32,
    pub period_days: i32,
    /// Renewed by Telegram until cancelled.
    pub recurring: bool,
}

impl From<Offer> for OfferResponse {
    fn from(offer: Offer) -> Self {
        Self { id: offer.plan.into(), stars: offer.stars, period_days: offer.period_days, recurring: offer.recurring }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentPlanResponse {
    /// `free` or `premium`.
    pub plan: String,
    pub premium_until: Option<DateTime<Utc>>,
    pub trial_available: bool,
    /// 0 when there is no trial.
    pub trial_days: u32,
}

/// What one plan allows; `null`: unlimited.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanLimitsResponse {
    pub profiles: u32,
    pub cards: Option<u32>,
    pub daily_messages: Option<u32>,
    pub daily_card_generation: Option<u32>,
    pub daily_voice: Option<u32>,
    pub daily_exercises: Option<u32>,
    pub groups: u32,
    pub group_members: u32,
}

impl From<&PlanLimits> for PlanLimitsResponse {
    fn from(l: &PlanLimits) -> Self {
        Self {
            profiles: l.profiles,
            cards: l.cards,
            daily_messages: l.daily_messages,
            daily_card_generation: l.daily_card_generation,
            daily_voice: l.daily_voice,
            daily_exercises: l.daily_exercises,
            groups: l.groups,
            group_members: l.group_members,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanLimitsByPlan {
    pub free: PlanLimitsResponse,
    pub premium: PlanLimitsResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlansResponse {
    pub plans: Vec<OfferResponse>,
    pub current: CurrentPlanResponse,
    pub limits: PlanLimitsByPlan,
}

#[utoipa::path(get, path = "/api/billing/plans", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = PlansResponse)))]
pub async fn plans(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let catalogue = state.billing.catalogue(user.id()).await?;
    Ok(HttpResponse::Ok().json(PlansResponse {
        plans: catalogue.offers.into_iter().map(Into::into).collect(),
        current: CurrentPlanResponse {
            plan: catalogue.plan.as_str().to_owned(),
            premium_until: catalogue.premium_until,
            trial_available: catalogue.trial_available,
            trial_days: catalogue.trial_days,
        },
        limits: PlanLimitsByPlan { free: (&catalogue.limits.free).into(), premium: (&catalogue.limits.premium).into() },
    }))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequest {
    pub plan: PlanIdValue,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceResponse {
    pub plan: PlanIdValue,
    pub stars: u32,
    /// A `t.me/$…` invoice link for `Telegram.WebApp.openInvoice`.
    pub link: String,
}

#[utoipa::path(post, path = "/api/billing/invoice", tag = "billing", security(("bearer" = [])),
    request_body = InvoiceRequest,
    responses((status = 200, body = InvoiceResponse),
              (status = 503, description = "SERVICE_UNAVAILABLE: the Bot API did not make the link", body = crate::error::ErrorBody)))]
pub async fn invoice(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<InvoiceRequest>,
) -> Result<HttpResponse, ApiError> {
    let link = state.billing.invoice_link(user.id(), body.0.plan.into()).await?;
    Ok(HttpResponse::Ok().json(InvoiceResponse { plan: link.plan.into(), stars: link.stars, link: link.link }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrialResponse {
    pub premium_until: DateTime<Utc>,
}

#[utoipa::path(post, path = "/api/billing/trial", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = TrialResponse),
              (status = 409, description = "CONFLICT: the trial was used or is disabled", body = crate::error::ErrorBody)))]
pub async fn trial(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let premium_until = state.billing.start_trial(user.id()).await?;
    Ok(HttpResponse::Ok().json(TrialResponse { premium_until }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    pub id: Uuid,
    /// `purchase`, `renewal`, `grant`, `trial` or `refund`.
    pub kind: String,
    /// `telegram_stars`, `admin` or `trial`.
    pub provider: String,
    /// `monthly`, `yearly`, or `null` for grants and trials.
    pub plan: Option<String>,
    /// Stars (0 for grants and trials).
    pub amount: i32,
    pub currency: String,
    /// Days added (negative: taken off by a refund or a grant).
    pub period_days: i32,
    pub premium_until_after: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl From<PaymentRow> for PaymentResponse {
    fn from(p: PaymentRow) -> Self {
        Self {
            id: p.id,
            kind: p.kind,
            provider: p.provider,
            plan: p.plan,
            amount: p.amount,
            currency: p.currency,
            period_days: p.period_days,
            premium_until_after: p.premium_until_after,
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentListResponse {
    pub data: Vec<PaymentResponse>,
    pub pagination: crate::schemas::Pagination,
}

#[utoipa::path(get, path = "/api/billing/payments", tag = "billing", security(("bearer" = [])),
    params(crate::schemas::PageQuery), responses((status = 200, body = PaymentListResponse)))]
pub async fn payments(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<crate::schemas::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate().map_err(crate::validated_json::validation_error)?;
    let rows = state.billing.payments(user.id()).await?;
    let (page, pagination) = query.slice(rows);
    Ok(HttpResponse::Ok().json(PaymentListResponse { data: page.into_iter().map(Into::into).collect(), pagination }))
}
