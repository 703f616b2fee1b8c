//! Pure domain types and rules of Lang Agent: identifiers and values that are parsed once at
//! the edge ("parse, don't validate") and trusted everywhere inside.
//!
//! No I/O lives here and this crate depends on no other workspace crate.

mod ids;
mod timezone;

pub use ids::UserId;
pub use timezone::{TimeZone, TimeZoneError};
