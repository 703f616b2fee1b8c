//! Route table. Handlers parse, call one service, and map the result.

pub mod auth;
pub mod cards;
pub mod chat;
pub mod decks;
pub mod generate;
pub mod health;
pub mod me;
pub mod metrics;
pub mod openapi;
pub mod profiles;
pub mod study;
pub mod transfer;
pub mod web_app;

use actix_web::web;
use config::Settings;

/// Registers every route of the main listener.
pub fn configure(cfg: &mut web::ServiceConfig, settings: &Settings) {
    cfg.service(web::resource("/health").route(web::get().to(health::health)))
        .service(web::resource("/ready").route(web::get().to(health::ready)));
    if settings.server.metrics_port.is_none() {
        cfg.service(metrics::resource());
    }
    cfg.service(web::resource("/api/auth/validate").route(web::post().to(auth::validate)))
        .service(web::resource("/api/auth/refresh").route(web::post().to(auth::refresh)))
        .service(web::resource("/api/auth/logout").route(web::post().to(auth::logout)));
    // Signs initData with the local bot token: never reachable in staging or production.
    if settings.app_env.is_development() {
        cfg.service(web::resource("/api/auth/dev-login").route(web::post().to(auth::dev_login)));
    }
    cfg.service(
        web::resource("/api/me")
            .route(web::get().to(me::get_me))
            .route(web::patch().to(me::update_me))
            .route(web::delete().to(me::delete_me)),
    )
    .service(web::resource("/api/me/export").route(web::get().to(me::export_me)))
    .service(
        web::resource("/api/profiles").route(web::get().to(profiles::list)).route(web::post().to(profiles::create)),
    )
    .service(
        web::resource("/api/profiles/{id}")
            .route(web::get().to(profiles::get))
            .route(web::patch().to(profiles::update))
            .route(web::delete().to(profiles::delete)),
    )
    .service(web::resource("/api/profiles/{id}/activate").route(web::post().to(profiles::activate)));
    cfg.service(web::resource("/api/decks").route(web::get().to(decks::list)).route(web::post().to(decks::create)))
        .service(
            web::resource("/api/decks/{id}")
                .route(web::get().to(decks::get))
                .route(web::patch().to(decks::update))
                .route(web::delete().to(decks::delete)),
        )
        .service(web::resource("/api/cards").route(web::get().to(cards::list)).route(web::post().to(cards::create)))
        // Before `/api/cards/{id}`, which would otherwise match and answer 405.
        .service(web::resource("/api/cards/generate").route(web::post().to(generate::generate)))
        .service(
            web::resource("/api/cards/{id}")
                .route(web::get().to(cards::get))
                .route(web::patch().to(cards::update))
                .route(web::delete().to(cards::delete)),
        )
        .service(web::resource("/api/cards/{id}/move").route(web::post().to(cards::move_card)))
        .service(web::resource("/api/study/queue").route(web::get().to(study::queue)))
        .service(web::resource("/api/study/review").route(web::post().to(study::review)))
        .service(web::resource("/api/study/undo").route(web::post().to(study::undo)))
        .service(web::resource("/api/decks/{id}/import").route(web::post().to(transfer::import)))
        .service(web::resource("/api/decks/{id}/export").route(web::get().to(transfer::export)));
    cfg.service(web::resource("/api/sessions/chat").route(web::post().to(chat::chat))).service(
        web::resource("/api/dialog/history").route(web::get().to(chat::history)).route(web::delete().to(chat::clear)),
    );
    openapi::configure(cfg, settings);
    // Last: the Mini App catches every remaining GET.
    web_app::configure(cfg, &settings.server.web_dist_dir);
}
