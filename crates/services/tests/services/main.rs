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
