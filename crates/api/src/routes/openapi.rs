//! The OpenAPI document, generated from the handlers, at `/api/openapi.json`; Swagger UI at
//! `/api/docs/` outside production.

use actix_web::{HttpResponse, web};
use config::{AppEnv, Settings};
use utoipa::OpenApi;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::{ErrorBody, ErrorObject};
use crate::routes::{auth, cards, chat, decks, generate, health, me, profiles, study, transfer};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lang Agent API",
        description = "REST API of the Lang Agent Telegram Mini App. Every error has the body \
                       `{\"error\": {\"code\", \"message\", \"details\"?, \"request_id\"}}`."
    ),
    paths(
        health::health, health::ready,
        auth::validate, auth::dev_login, auth::refresh, auth::logout,
        me::get_me, me::update_me, me::delete_me, me::export_me,
        profiles::list, profiles::create, profiles::get, profiles::update, profiles::delete, profiles::activate,
        decks::list, decks::create, decks::get, decks::update, decks::delete,
        cards::list, cards::create, cards::get, cards::update, cards::delete, cards::move_card,
        generate::generate,
        chat::chat, chat::history, chat::clear,
        study::queue, study::review, study::undo,
        transfer::import, transfer::export,
    ),
    components(schemas(ErrorBody, ErrorObject, health::HealthResponse, health::ReadinessResponse, health::ReadinessChecks)),
    modifiers(&BearerAuth),
    tags(
        (name = "service", description = "Liveness, readiness and metrics"),
        (name = "auth", description = "Sign-in with Telegram initData, refresh, logout"),
        (name = "me", description = "The signed-in user"),
        (name = "profiles", description = "Language profiles"),
        (name = "decks", description = "Decks with today's counts"),
        (name = "cards", description = "Cards"),
        (name = "study", description = "The FSRS study loop"),
        (name = "tutor", description = "The LLM tutor chat and its history"),
    )
)]
pub struct ApiDoc;

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
