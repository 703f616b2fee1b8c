//! When each learner's own FSRS parameters are fitted, and how much one fit may cost.

use crate::env::EnvReader;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemorySettings {
    /// A profile is first fitted once it has this many reviews.
    pub fit_min_reviews: u32,
    /// …and again after this many more,
    pub refit_reviews: u32,
    /// …or when the last fit is this many days old and there are new reviews.
    pub refit_days: u32,
    /// A fit reads at most the profile's most recent this many reviews (bounds memory).
    pub fit_max_reviews: u32,
    /// A fit still running after this is stopped and changes nothing (bounds time).
    pub fit_timeout_seconds: u32,
}

pub(crate) fn read_memory(env: &mut EnvReader) -> MemorySettings {
    MemorySettings {
        fit_min_reviews: env.ranged("FSRS_FIT_MIN_REVIEWS", 1000, 100, 1_000_000),
        refit_reviews: env.ranged("FSRS_REFIT_REVIEWS", 1000, 100, 1_000_000),
        refit_days: env.ranged("FSRS_REFIT_DAYS", 30, 1, 365),
        fit_max_reviews: env.ranged("FSRS_FIT_MAX_REVIEWS", 100_000, 1000, 1_000_000),
        fit_timeout_seconds: env.ranged("FSRS_FIT_TIMEOUT_SECONDS", 120, 1, 3600),
    }
}
