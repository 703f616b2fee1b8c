//! Pure domain types and rules of Lang Agent: identifiers and values that are parsed once at
//! the edge ("parse, don't validate") and trusted everywhere inside.
//!
//! No I/O lives here and this crate depends on no other workspace crate.

mod ids;
mod plan;
pub mod profile;
pub mod srs;
mod study_day;
pub mod text;
mod timezone;

pub use ids::{DeckId, ProfileId, UserId};
pub use plan::{Plan, PlanLimits};
pub use profile::{CefrLevel, Goal, InterfaceLanguage, LanguageCode, UnknownValue};
pub use srs::{CardState, Rating};
pub use study_day::StudyDay;
pub use timezone::{TimeZone, TimeZoneError};
