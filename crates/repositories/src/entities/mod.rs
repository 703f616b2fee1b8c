//! sea-orm entities, one per table. Only this crate sees them; services get domain values.
pub mod decks;
pub mod language_profiles;
pub mod refresh_sessions;
pub mod users;
