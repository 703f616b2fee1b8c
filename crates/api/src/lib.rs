//! The HTTP face of Lang Agent on actix-web: the app factory, routes, extractors, middleware,
//! the mapping of every error to the API's error contract, metrics and the OpenAPI document.
//!
//! Handlers stay thin and call `services`; this crate never touches sea-orm entities.

pub mod auth;
pub mod cors_policy;
pub mod error;
pub mod extractors;
pub mod i18n;
pub mod metrics;
pub mod middleware;
pub mod monitor;
pub mod routes;
pub mod schemas;
pub mod sse;
pub mod startup;
pub mod state;
pub mod validated_json;

pub use startup::{Application, build_app, build_metrics_app};
pub use state::AppState;
