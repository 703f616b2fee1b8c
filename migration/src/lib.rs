//! Database migrations (sea-orm-migration), shared by PostgreSQL and SQLite.
//!
//! Run by `api-server migrate`, at api-server start with `RUN_MIGRATIONS=true`, or on its own
//! with this crate's binary. Depends on no workspace crate, so it can be built alone.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_users;
mod m20261127_000002_profiles_decks_sessions;
mod m20261127_000003_cards_and_study;
mod m20261127_000004_messages_and_token_usage;
mod m20261128_000005_auth_version;
mod m20261128_000006_queue_index;
mod m20261128_000010_study_more_and_manual_zone;
mod m20261128_000020_telegram_inbox;
mod m20261128_000021_bot_blocked;
mod m20261128_000030_topics_and_exercises;
mod m20261128_000040_notifications;
mod m20261128_000050_reminders_and_outbox;
mod m20261128_000060_groups;
mod m20261128_000061_billing;
mod m20261128_000062_fsrs_fits;
mod m20261128_000063_study_read_indexes;
mod m20261129_000064_user_change_notifications;
mod m20261130_000065_inbox_unfinished_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_users::Migration),
            Box::new(m20261127_000002_profiles_decks_sessions::Migration),
            Box::new(m20261127_000003_cards_and_study::Migration),
            Box::new(m20261127_000004_messages_and_token_usage::Migration),
            Box::new(m20261128_000005_auth_version::Migration),
            Box::new(m20261128_000006_queue_index::Migration),
            Box::new(m20261128_000010_study_more_and_manual_zone::Migration),
            Box::new(m20261128_000020_telegram_inbox::Migration),
            Box::new(m20261128_000021_bot_blocked::Migration),
            Box::new(m20261128_000030_topics_and_exercises::Migration),
            Box::new(m20261128_000040_notifications::Migration),
            Box::new(m20261128_000050_reminders_and_outbox::Migration),
            Box::new(m20261128_000060_groups::Migration),
            Box::new(m20261128_000061_billing::Migration),
            Box::new(m20261128_000062_fsrs_fits::Migration),
            Box::new(m20261128_000063_study_read_indexes::Migration),
            Box::new(m20261129_000064_user_change_notifications::Migration),
            Box::new(m20261130_000065_inbox_unfinished_index::Migration),
        ]
    }
}

/// Changes whenever a migration's source changes; the test harness names its template database
/// after it, so an edited migration never reuses a stale template.
pub const FINGERPRINT: &str = env!("MIGRATIONS_FINGERPRINT");
