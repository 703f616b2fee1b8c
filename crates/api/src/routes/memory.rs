//! `/api/profiles/{id}/memory`: the profile's memory model (FSRS parameters in use, the last
//! fit, true retention and the coming workload) and the way back to the defaults.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ProfileId;
use serde::Serialize;
use services::memory::{LastFit, MemoryReport};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MemoryResponse {
    /// Reviews in the profile's log.
    pub review_count: i64,
    /// `personal` once a fit was adopted, else `default` (FSRS-6's parameters).
    #[schema(example = "default")]
    pub parameters_source: ParametersSource,
    /// The 21 FSRS-6 parameters scheduling uses now.
    #[schema(min_items = 21, max_items = 21)]
    pub parameters: Vec<f32>,
    /// Since when the personal parameters are in use.
    pub personal_since: Option<DateTime<Utc>>,
    pub last_fit: Option<FitResponse>,
    /// The review count at which the next fit is due.
    pub next_fit_at_reviews: i64,
    pub desired_retention: f64,
    /// The share of reviews of the last 30 days (a day or more after the card's previous one)
    /// that were recalled; null without any.
    pub true_retention: Option<f64>,
    /// How many reviews `true_retention` is measured on.
    pub retention_reviews: i64,
    /// Reviews coming due on each of the next 30 study days, today (with overdue ones) first.
    pub forecast: Vec<ForecastDay>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParametersSource {
    Default,
    Personal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FitResponse {
    pub at: DateTime<Utc>,
    /// `adopted`: better on the learner's recent reviews, now in use; `rejected`: not better,
    /// the parameters in use stay; `failed`: the fit could not run (too few usable reviews).
    #[schema(example = "adopted")]
    pub outcome: String,
    pub review_count: i64,
    /// The most recent reviews both parameter sets were judged on.
    pub held_out: i64,
    /// Lower is better; `before` is the parameters in use at the time. Null for a failed fit.
    pub log_loss_before: Option<f64>,
    pub log_loss_after: Option<f64>,
    pub rmse_before: Option<f64>,
    pub rmse_after: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastDay {
    pub date: NaiveDate,
    pub reviews: u32,
}

impl From<MemoryReport> for MemoryResponse {
    fn from(report: MemoryReport) -> Self {
        Self {
            review_count: report.review_count,
            parameters_source: if report.personal_since.is_some() {
                ParametersSource::Personal
            } else {
                ParametersSource::Default
            },
            parameters: report.parameters,
            personal_since: report.personal_since,
            last_fit: report.last_fit.map(FitResponse::from),
            next_fit_at_reviews: report.next_fit_at_reviews,
            desired_retention: report.desired_retention,
            true_retention: report.true_retention,
            retention_reviews: report.retention_reviews,
            forecast: report.forecast.into_iter().map(|(date, reviews)| ForecastDay { date, reviews }).collect(),
        }
    }
}

impl From<LastFit> for FitResponse {
    fn from(fit: LastFit) -> Self {
        Self {
            at: fit.at,
            outcome: fit.outcome,
            review_count: fit.review_count,
            held_out: fit.held_out,
            log_loss_before: fit.figures.map(|f| f.log_loss_before),
            log_loss_after: fit.figures.map(|f| f.log_loss_after),
            rmse_before: fit.figures.map(|f| f.rmse_before),
            rmse_after: fit.figures.map(|f| f.rmse_after),
        }
    }
}

#[utoipa::path(get, path = "/api/profiles/{id}/memory", tag = "profiles", security(("bearer" = [])),
    responses((status = 200, body = MemoryResponse),
              (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn get_memory(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let report = state.memory.report(user.id(), ProfileId::from_uuid(*id)).await?;
    Ok(HttpResponse::Ok().json(MemoryResponse::from(report)))
}

/// Back to FSRS-6's default parameters; past fits stay on record, and the next fit comes as
/// usual after more reviews.
#[utoipa::path(delete, path = "/api/profiles/{id}/memory/parameters", tag = "profiles", security(("bearer" = [])),
    responses((status = 200, body = MemoryResponse),
              (status = 404, description = "PROFILE_NOT_FOUND", body = crate::error::ErrorBody)))]
pub async fn reset_parameters(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let report = state.memory.reset(user.id(), ProfileId::from_uuid(*id)).await?;
    Ok(HttpResponse::Ok().json(MemoryResponse::from(report)))
}
