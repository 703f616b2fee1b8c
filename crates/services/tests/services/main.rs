//! Services against the real Redis and PostgreSQL (and the in-memory twins).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod bot_users;
mod cache;
mod exercises;
mod inbox;
mod init_data;
mod llm;
mod llm_anthropic;
mod moderation;
mod modules;
mod poller;
mod profiles;
mod prompts;
mod reminders;
mod round_trips;
mod sessions;
mod speech;
mod srs;
mod stats;
mod study;
mod vision;

/// The service graph as every binary builds it, on `backend`'s database, an in-memory cache
/// and `clock`: one free profile, three premium ones, 200 free cards, no LLM.
fn app_on(backend: &test_support::backends::Backend, clock: &services::ManualClock) -> services::App {
    let vars = [
        ("APP_ENV", "test"),
        ("FREE_MAX_PROFILES", "1"),
        ("PREMIUM_MAX_PROFILES", "3"),
        ("FREE_MAX_CARDS", "200"),
        ("PREMIUM_MAX_CARDS", "0"),
    ];
    let settings = config::Settings::from_vars(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
        .expect("test settings are valid");
    let clock: std::sync::Arc<dyn services::Clock> = std::sync::Arc::new(clock.clone());
    let cache = std::sync::Arc::new(services::cache::MemoryCache::new(clock.clone()));
    services::App::assemble(settings, backend.db.clone(), cache, clock).expect("the service graph builds")
}
