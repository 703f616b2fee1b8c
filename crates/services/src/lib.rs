//! Lang Agent's use cases, and the small traits that keep outside dependencies replaceable:
//! [`Clock`] (tests move time instead of sleeping) and [`cache::Cache`] (Redis, or an
//! in-process twin in local mode).
//!
//! Never imports actix-web or frankenstein: the HTTP API and the bot both call into this crate.

pub mod admin;
pub mod app;
pub mod auth;
pub mod billing;
pub mod cache;
pub mod cards;
mod clock;
pub mod counts;
pub mod detached;
pub mod exercises;
pub mod export;
pub mod generation;
pub mod groups;
pub mod healthcheck;
pub mod idempotency;
pub mod inbox;
pub mod leader;
pub mod learner;
pub mod lifecycle;
pub mod llm;
pub mod media;
pub mod memory;
pub mod metrics;
pub mod moderation;
pub mod notifications;
pub mod outbox;
pub mod plans;
pub mod poller;
pub mod profiles;
pub mod prompts;
pub mod quota;
pub mod rate_limit;
pub mod readiness;
pub mod reminders;
pub mod srs;
pub mod stats;
pub mod study;
pub mod transfer;
pub mod tutor;
pub mod user_cache;
pub mod users;

pub use app::App;
pub use clock::{Clock, ManualClock, SystemClock};
/// The data layer's error, for callers that report a service's database failure as it is.
pub use repositories::RepoError;
