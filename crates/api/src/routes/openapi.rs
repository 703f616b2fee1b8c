//! The OpenAPI document, generated from the handlers, at `/api/openapi.json`; Swagger UI at
//! `/api/docs/` outside production.

use actix_web::{HttpResponse, web};
use config::{AppEnv, Settings};
use utoipa::OpenApi;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::{ErrorBody, ErrorObject};
use crate::routes::health;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lang Agent API",
        description = "REST API of the Lang Agent Telegram Mini App. Every error has the body \
                       `{\"error\": {\"code\", \"message\", \"details\"?, \"request_id\"}}`."
    ),
    paths(health::health, health::ready),
    components(schemas(ErrorBody, ErrorObject, health::HealthResponse, health::ReadinessResponse, health::ReadinessChecks)),
    tags((name = "service", description = "Liveness, readiness and metrics"))
)]
pub struct ApiDoc;

pub fn configure(cfg: &mut web::ServiceConfig, settings: &Settings) {
    cfg.service(web::resource("/api/openapi.json").route(web::get().to(openapi_json)));
    if settings.app_env != AppEnv::Production {
        cfg.service(web::redirect("/api/docs", "/api/docs/"));
        cfg.service(SwaggerUi::new("/api/docs/{_:.*}").config(Config::from("/api/openapi.json")));
    }
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
