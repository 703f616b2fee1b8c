use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::json;
use services::readiness::ProbeResult;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessResponse {
    #[schema(example = "ready")]
    pub status: &'static str,
    /// `ok` or `down` per dependency.
    pub checks: ReadinessChecks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessChecks {
    pub database: &'static str,
    pub cache: &'static str,
}

/// Liveness: the process answers. No I/O, so a slow database never restarts healthy pods.
#[utoipa::path(get, path = "/health", tag = "service", responses((status = 200, body = HealthResponse)))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse { status: "ok" })
}

/// Readiness: the database and the cache both answer.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "service",
    responses(
        (status = 200, body = ReadinessResponse),
        (status = 503, description = "A dependency is down (`SERVICE_UNAVAILABLE`, details per dependency)", body = crate::error::ErrorBody)
    )
)]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let report = state.readiness.check().await;
    let label = |p: &ProbeResult| if p.is_ok() { "ok" } else { "down" };
    let checks = ReadinessChecks { database: label(&report.database), cache: label(&report.cache) };
    if report.is_ready() {
        return Ok(HttpResponse::Ok().json(ReadinessResponse { status: "ready", checks }));
    }
    Err(ApiError::new(ErrorCode::ServiceUnavailable)
        .with_details(json!({ "database": checks.database, "cache": checks.cache })))
}
