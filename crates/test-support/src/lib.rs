//! Test-only support shared by the workspace's integration tests: a fresh PostgreSQL database
//! per test, cloned from a template migrated once (as crates.io's `test_db` does), and a Redis
//! check, both failing with a message that says how to start the missing service.
//!
//! Never a dependency of production code.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // a test harness should fail loudly

pub mod backends;
pub mod bot_api;
pub mod fault_proxy;
pub mod modules;
mod postgres;
pub mod process;
mod redis;

pub use postgres::TestDatabase;
pub use redis::require_redis;
