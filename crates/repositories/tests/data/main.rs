//! The data layer against real databases: every migration on PostgreSQL and SQLite, and the
//! repositories' SQL on both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod billing;
mod groups;
mod inbox_claim;
mod migrations;
mod pool;
mod sqlite_statements;
mod user_changes;
mod users;
