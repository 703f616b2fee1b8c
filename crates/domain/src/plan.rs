//! Plans and what they allow. The numbers come from configuration; the rules live here.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    Free,
    Premium,
}

impl Plan {
    /// Premium while `premium_until` lies in the future.
    pub fn of(premium_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match premium_until {
            Some(until) if until > now => Self::Premium,
            _ => Self::Free,
        }
    }
}

/// Per-plan maximums (`None` = unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    pub profiles: u32,
}
