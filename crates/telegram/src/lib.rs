//! The Telegram bot adapter: update router, commands, callbacks, keyboards, HTML formatting
//! and the Bot API client wrapper. Calls `services`; never touches the database directly.

mod bot;
pub mod callback;
pub mod client;
pub mod digest;
pub mod format;
mod handlers;
pub mod pacing;
mod redaction;
pub mod reminders;
pub mod runtime;
pub mod sender;
pub mod startup;
pub mod texts;

pub use bot::{Bot, BotOptions};
pub use client::{ApiError, BotApi};
pub use handlers::premium::compose_expiry;
pub use redaction::redact_bot_token;
pub use sender::Sender;
