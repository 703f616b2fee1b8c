//! api-server in-process on a random port, against a fresh PostgreSQL database per test and
//! the real Redis.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod body_limit;
mod cors;
mod errors;
mod helpers;
mod metrics;
mod openapi;
mod readiness;
mod security_headers;
