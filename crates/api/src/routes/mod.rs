//! The route table. Every route is written once, below: the same list registers it with
//! actix-web and puts it in the OpenAPI document, so the document cannot miss a route or list
//! one that does not exist. Handlers parse, call one service, and map the result.

pub mod admin;
mod admin_metrics;
pub mod auth;
pub mod billing;
pub mod cards;
pub mod chat;
pub mod decks;
pub mod exercises;
pub mod generate;
pub mod groups;
pub mod health;
pub mod me;
pub mod media;
pub mod memory;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod profiles;
pub mod stats;
pub mod study;
pub mod telegram;
pub mod transfer;
pub mod web_app;

use actix_web::web;
use config::Settings;

/// `table!(register_fn, DocStruct, ROUTES_CONST { "/path" => { get: module::handler, … }, … })`
/// expands to a function that registers each path as one resource (so an unsupported method
/// answers 405 with `Allow`), an OpenAPI document of exactly those handlers, and the list of
/// (method, path) pairs for tests.
macro_rules! table {
    ($register:ident, $doc:ident, $routes:ident {
        $( $path:literal => { $( $method:ident : $($handler:ident)::+ ),+ $(,)? } ),* $(,)?
    }) => {
        pub fn $register(cfg: &mut web::ServiceConfig) {
            $( cfg.service(web::resource($path) $( .route(web::$method().to($($handler)::+)) )+ ); )*
        }

        #[derive(utoipa::OpenApi)]
        #[openapi(paths( $( $( $($handler)::+ ),+ ),* ))]
        pub struct $doc;

        pub const $routes: &[(&str, &str)] = &[ $( $( (stringify!($method), $path) ),+ ),* ];
    };
}

table!(register_api, ApiRoutes, API_ROUTES {
    "/health" => { get: health::health },
    "/ready" => { get: health::ready },
    "/api/auth/validate" => { post: auth::validate },
    "/api/auth/refresh" => { post: auth::refresh },
    "/api/auth/logout" => { post: auth::logout },
    "/api/me" => { get: me::get_me, patch: me::update_me, delete: me::delete_me },
    "/api/me/export" => { get: me::export_me },
    "/api/profiles" => { get: profiles::list, post: profiles::create },
    "/api/profiles/{id}" => { get: profiles::get, patch: profiles::update, delete: profiles::delete },
    "/api/profiles/{id}/activate" => { post: profiles::activate },
    "/api/profiles/{id}/memory" => { get: memory::get_memory },
    "/api/profiles/{id}/memory/parameters" => { delete: memory::reset_parameters },
    "/api/decks" => { get: decks::list, post: decks::create },
    "/api/decks/{id}" => { get: decks::get, patch: decks::update, delete: decks::delete },
    "/api/decks/{id}/import" => { post: transfer::import },
    "/api/decks/{id}/export" => { get: transfer::export },
    "/api/cards" => { get: cards::list, post: cards::create },
    // Before `/api/cards/{id}`, which would otherwise match and answer 405.
    "/api/cards/generate" => { post: generate::generate },
    "/api/cards/{id}" => { get: cards::get, patch: cards::update, delete: cards::delete },
    "/api/cards/{id}/move" => { post: cards::move_card },
    "/api/study/queue" => { get: study::queue },
    "/api/study/review" => { post: study::review },
    "/api/study/undo" => { post: study::undo },
    "/api/study/more" => { post: study::study_more },
    "/api/sessions/chat" => { post: chat::chat },
    "/api/dialog/history" => { get: chat::history, delete: chat::clear },
    "/api/media/transcribe" => { post: media::transcribe },
    "/api/media/ocr" => { post: media::ocr },
    "/api/topics" => { get: exercises::list_topics, post: exercises::create_topic },
    // Before `/api/topics/{id}`.
    "/api/topics/suggest" => { post: exercises::suggest_topics },
    "/api/topics/{id}" => { get: exercises::get_topic, patch: exercises::update_topic, delete: exercises::delete_topic },
    "/api/topics/{id}/activate" => { post: exercises::activate_topic },
    "/api/exercises/generate" => { post: exercises::generate },
    "/api/exercises/history" => { get: exercises::history },
    "/api/exercises/{id}/hint" => { post: exercises::hint },
    "/api/exercises/{id}/submit" => { post: exercises::submit },
    "/api/stats" => { get: stats::overview },
    "/api/stats/streak" => { get: stats::streak },
    "/api/stats/calendar" => { get: stats::calendar },
    "/api/notifications" => { get: notifications::list },
    // Before `/api/notifications/{id}/read` would take "read-all" as an id.
    "/api/notifications/read-all" => { post: notifications::read_all },
    "/api/notifications/{id}/read" => { post: notifications::read },
    "/api/groups" => { get: groups::list, post: groups::create },
    // Before `/api/groups/{id}`, which would otherwise take "join" as an id.
    "/api/groups/join" => { post: groups::join },
    "/api/groups/invites/{code}" => { get: groups::preview },
    "/api/groups/{id}" => { get: groups::get, patch: groups::update, delete: groups::archive },
    "/api/groups/{id}/invites" => { get: groups::list_invites, post: groups::create_invite },
    "/api/groups/{id}/invites/{invite_id}" => { delete: groups::revoke_invite },
    "/api/groups/{id}/leave" => { post: groups::leave },
    "/api/groups/{id}/members/{user_id}" => { patch: groups::set_role, delete: groups::remove_member },
    "/api/groups/{id}/materials" => { get: groups::list_materials, post: groups::share },
    "/api/groups/{id}/materials/{material_id}" => { delete: groups::unshare },
    "/api/groups/{id}/materials/{material_id}/copy" => { post: groups::copy_deck },
    "/api/groups/{id}/progress" => { get: groups::progress },
    "/api/billing/plans" => { get: billing::plans },
    "/api/billing/invoice" => { post: billing::invoice },
    "/api/billing/trial" => { post: billing::trial },
    "/api/billing/payments" => { get: billing::payments },
    "/api/admin/users" => { get: admin::users },
    "/api/admin/users/{id}/premium" => { post: admin::grant },
    "/api/admin/users/{id}/payments" => { get: admin::user_payments },
    "/api/admin/metrics" => { get: admin::metrics },
    "/api/admin/payments/{id}/refund" => { post: admin::refund },
    "/api/admin/actions" => { get: admin::actions },
});

// Signs initData with the local bot token: registered (and documented) only in local/test.
table!(register_development, DevelopmentRoutes, DEVELOPMENT_ROUTES {
    "/api/auth/dev-login" => { post: auth::dev_login },
});

/// Registers every route of the main listener.
pub fn configure(cfg: &mut web::ServiceConfig, settings: &Settings) {
    if settings.server.metrics_port.is_none() {
        cfg.service(metrics::resource());
    }
    register_api(cfg);
    if settings.telegram.webhook_secret.is_some() {
        telegram::configure(cfg);
    }
    if settings.app_env.is_development() {
        register_development(cfg);
    }
    openapi::configure(cfg, settings);
    // Last: the Mini App catches every remaining GET.
    web_app::configure(cfg, &settings.server.web_dist_dir);
}
