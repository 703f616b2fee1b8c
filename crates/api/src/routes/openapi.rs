//! The OpenAPI document, at `/api/openapi.json`; Swagger UI at `/api/docs/` outside production.
//!
//! Its paths come from the route table (`routes::API_ROUTES`, plus the development routes
//! where they exist), each operation from its handler's `#[utoipa::path]`. The errors that any
//! operation of a kind can answer (401 when it needs a token, 400/413/415/422 when it reads a
//! body, 404 when its path names a resource, 429, 500 and 503 everywhere) are added here, once, from
//! what the operation declares, so the document lists every status the server really sends.

use actix_web::{HttpResponse, web};
use config::{AppEnv, Settings};
use serde_json::{Map, Value, json};
use utoipa::OpenApi;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::{ErrorBody, ErrorObject};
use crate::routes::{ApiRoutes, DevelopmentRoutes, health, transfer};
use crate::schemas::values;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lang Agent API",
        description = "REST API of the Lang Agent Telegram Mini App. Every error has the body \
                       `{\"error\": {\"code\", \"message\", \"details\"?, \"request_id\"}}`, in the \
                       signed-in user's interface language."
    ),
    // The value schemas are named here because `value_type`s are referred to, not collected.
    components(schemas(
        ErrorBody, ErrorObject, health::HealthResponse, health::ReadinessResponse, health::ReadinessChecks,
        values::LanguageCodeValue, values::CefrLevelValue, values::GoalValue, values::InterfaceLanguageValue,
        values::CardStateValue, values::TimeZoneValue, values::FormsValue, values::WordValue,
        values::TopicNameValue, values::AnswerValue, values::TopicKindValue, values::ExerciseKindValue,
        values::GradeValue, values::DifficultyValue, values::PeriodValue, values::ActivityLevelValue, transfer::ExportFormatParam,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "service", description = "Liveness and readiness"),
        (name = "auth", description = "Sign-in with Telegram initData, refresh, logout"),
        (name = "me", description = "The signed-in user"),
        (name = "profiles", description = "Language profiles"),
        (name = "decks", description = "Decks with today's counts"),
        (name = "cards", description = "Cards"),
        (name = "study", description = "The FSRS study loop"),
        (name = "tutor", description = "The LLM tutor chat and its history"),
        (name = "media", description = "Voice and pictures for the tutor"),
        (name = "exercises", description = "Topics and exercises"),
        (name = "stats", description = "Streak, calendar and learning statistics"),
        (name = "notifications", description = "In-app notifications"),
        (name = "groups", description = "Teacher groups: members, invites, shared material, progress"),
        (name = "billing", description = "Plans, Telegram Stars invoices, the trial and my payments"),
        (name = "admin", description = "Admins only: users, metrics, premium grants, refunds, the audit log"),
    )
)]
struct ApiDoc;

/// Declares the `bearer` scheme the authenticated paths refer to.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The document this server answers with: the development routes only where they exist.
pub fn document(settings: &Settings) -> Value {
    let mut doc = ApiDoc::openapi();
    doc.merge(ApiRoutes::openapi());
    if settings.app_env.is_development() {
        doc.merge(DevelopmentRoutes::openapi());
    }
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let operations = item.as_object_mut().into_iter().flat_map(|item| item.values_mut());
            for operation in operations.filter_map(Value::as_object_mut) {
                add_common_errors(path, operation);
                qualify_operation_id(operation);
            }
        }
    }
    doc
}

/// The statuses every operation of its kind can answer, with the codes behind them.
fn add_common_errors(path: &str, operation: &mut Map<String, Value>) {
    let has = |location: &str| {
        operation.get("parameters").and_then(Value::as_array).is_some_and(|ps| ps.iter().any(|p| p["in"] == location))
    };
    let (in_path, in_query, in_header) = (has("path"), has("query"), has("header"));
    let secured = operation.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let body = operation.contains_key("requestBody");
    let mut common = Vec::new();
    if body {
        common.push(("400", "INVALID_FIELD_VALUE: the body is not well-formed"));
        common.push(("413", "PAYLOAD_TOO_LARGE"));
        common.push(("415", "UNSUPPORTED_MEDIA_TYPE: another content type than the one documented"));
    }
    if body || in_query || in_header {
        common.push(("422", "VALIDATION_ERROR: details map each field to what is wrong with it"));
    }
    if secured {
        common.push(("401", "AUTH_FAILED (no, a bad or a revoked token) or TOKEN_EXPIRED"));
    }
    if in_path {
        common.push(("404", "NOT_FOUND or the *_NOT_FOUND of the resource: it does not exist or is not yours"));
    }
    if path.starts_with("/api/") {
        common.push(("429", "RATE_LIMIT_EXCEEDED, with Retry-After and X-RateLimit-*"));
    }
    common.push(("500", "INTERNAL_ERROR: the request id ties it to the server's log"));
    common.push(("503", "SERVICE_UNAVAILABLE: the database is out of reach (Retry-After); retry shortly"));
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else { return };
    for (status, description) in common {
        responses.entry(status).or_insert_with(|| error_response(description));
    }
}

/// Handlers are named after what they do within their module (`list`, `get`): prefixed with
/// the operation's tag (`cards_list`), every operationId is unique, as OpenAPI requires.
fn qualify_operation_id(operation: &mut Map<String, Value>) {
    let tag = operation.get("tags").and_then(|t| t.get(0)).and_then(Value::as_str).map(str::to_owned);
    if let (Some(tag), Some(Value::String(id))) = (tag, operation.get_mut("operationId"))
        && !id.starts_with(&format!("{tag}_"))
    {
        *id = format!("{tag}_{id}");
    }
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    })
}

pub fn configure(cfg: &mut web::ServiceConfig, settings: &Settings) {
    cfg.service(web::resource("/api/openapi.json").route(web::get().to(openapi_json)));
    if settings.app_env != AppEnv::Production {
        cfg.service(web::redirect("/api/docs", "/api/docs/"));
        cfg.service(SwaggerUi::new("/api/docs/{_:.*}").config(Config::from("/api/openapi.json")));
    }
}

/// Built on request (rarely asked for: Swagger UI, client generators, contract tests).
pub async fn openapi_json(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(document(&state.settings))
}
