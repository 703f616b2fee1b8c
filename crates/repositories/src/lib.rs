//! Data access for Lang Agent: sea-orm entities, one module per aggregate, and the connection
//! set-up for PostgreSQL and SQLite.
//!
//! Repository functions take `&impl ConnectionTrait`, so they run inside or outside a
//! transaction; the service opens the transaction and this crate never commits on its own.
//! Depends on `config` and `domain` only; it knows nothing of HTTP or Telegram.

pub mod account;
pub mod activity;
pub mod admin;
pub mod anki;
pub mod backlog;
mod by_position;
pub mod cards;
mod connection;
pub mod deck_counts;
pub mod decks;
pub mod entities;
mod error;
pub mod exercise_attempts;
pub mod fsrs;
pub mod group_progress;
pub mod groups;
pub mod inbox;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod payments;
pub mod profiles;
pub mod progress;
mod raw;
pub mod reminders;
pub mod review_read;
pub mod review_write;
pub mod reviews;
pub mod sessions;
pub mod stats;
pub mod study_queue;
pub mod token_usage;
pub mod topics;
pub mod user_changes;
pub mod users;

pub use connection::{Database, PING_AFTER_IDLE, PoolStats};
pub use error::{RepoError, is_connection_failure};
pub use migration::{Migrator, MigratorTrait};
pub use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, IsolationLevel, TransactionTrait,
};
