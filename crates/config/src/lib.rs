//! One typed [`Settings`] for every Lang Agent binary, read from the environment (and `.env`)
//! and validated once at start-up, plus the process-wide telemetry set-up.
//!
//! This crate must not depend on any other workspace crate: everything else depends on it.

mod billing;
mod env;
mod llm;
mod memory;
mod origins;
mod settings;
pub mod telemetry;

pub use billing::BillingSettings;
pub use llm::{LlmProviderKind, LlmSettings, ModelPrice, PlanSettings};
pub use memory::MemorySettings;
pub use settings::{
    AppEnv, AuthSettings, ConfigError, DatabaseSettings, LogFormat, NotifierSettings, RedisSettings, ServerSettings,
    Settings, TelegramSettings,
};
