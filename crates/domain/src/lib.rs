//! Pure domain types and rules of Lang Agent: identifiers and values that are parsed once at
//! the edge ("parse, don't validate") and trusted everywhere inside.
//!
//! No I/O lives here and this crate depends on no other workspace crate.

pub mod card;
pub mod group;
mod ids;
mod plan;
pub mod profile;
pub mod srs;
pub mod streak;
mod study_day;
pub mod text;
mod timezone;

pub use card::CardContent;
pub use group::{GroupRole, InviteCode};
pub use ids::{DeckId, ProfileId, UserId};
pub use plan::{DailyQuota, LimitExceeded, LimitKind, Plan, PlanLimits, Plans};
pub use profile::{CefrLevel, Goal, InterfaceLanguage, LanguageCode, UnknownValue};
pub use srs::{CardState, Rating};
pub use streak::{LatestRun, StreakFacts, StudyRuns};
pub use study_day::{StudyDay, at_local_hour};
pub use timezone::{TimeZone, TimeZoneError};
