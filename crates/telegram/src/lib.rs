//! The Telegram bot adapter: update router, commands, callbacks, keyboards, HTML formatting
//! and the Bot API client wrapper. Calls `services`; never touches the database directly.
//!
//! So far it holds the rule every Bot API call must follow: the token never reaches a log.

mod redaction;

pub use redaction::redact_bot_token;
