//! Route table. Handlers parse, call one service, and map the result.

pub mod health;
pub mod metrics;
pub mod openapi;

use actix_web::web;
use config::Settings;

/// Registers every route of the main listener.
pub fn configure(cfg: &mut web::ServiceConfig, settings: &Settings) {
    cfg.service(web::resource("/health").route(web::get().to(health::health)))
        .service(web::resource("/ready").route(web::get().to(health::ready)));
    if settings.server.metrics_port.is_none() {
        cfg.service(metrics::resource());
    }
    openapi::configure(cfg, settings);
}
