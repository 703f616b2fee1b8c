//! Services against the real Redis and PostgreSQL (and the in-memory twins).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod cache;
mod init_data;
mod llm;
mod llm_anthropic;
mod moderation;
mod profiles;
mod prompts;
mod srs;
mod study;

/// Plan limits for service tests: one free profile, three premium ones, 200 free cards.
fn test_plans() -> config::PlanSettings {
    config::PlanSettings {
        free_max_profiles: 1,
        premium_max_profiles: 3,
        free_max_cards: 200,
        premium_max_cards: None,
        free_daily_messages: 50,
        premium_daily_messages: None,
        free_daily_card_generation: 30,
        premium_daily_card_generation: None,
    }
}
