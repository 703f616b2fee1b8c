//! sea-orm entities, one per table. Only this crate sees them; services get domain values.
pub mod card_progress;
pub mod card_reviews;
pub mod cards;
pub mod daily_activity;
pub mod decks;
pub mod exercise_attempts;
pub mod language_profiles;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod refresh_sessions;
pub mod reminder_log;
pub mod token_usage;
pub mod topics;
pub mod users;
