//! api-server in-process on a random port, against a fresh PostgreSQL database per test and
//! the real Redis.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod admin;
mod auth;
mod billing;
mod body_limit;
mod cards;
mod cors;
mod errors;
mod exercises;
mod fake_llm;
mod generate;
mod groups;
mod handlers;
mod helpers;
mod me;
mod media;
mod memory;
mod metrics;
mod modules;
mod notifications;
mod openapi;
mod profiles;
mod races;
mod rate_limit;
mod readiness;
mod resilience;
mod security_headers;
mod session;
mod shared_study;
mod stats;
mod study;
mod study_more;
mod telegram_webhook;
mod transfer;
mod tutor;
