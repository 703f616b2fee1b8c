//! The one place where a user's plan and its limits are decided: `PlanSettings` from the
//! configuration become `domain::Plans`, and the counting checks run here.

use chrono::{DateTime, Utc};
use config::PlanSettings;
use domain::{LimitExceeded, Plan, PlanLimits, Plans, UserId};
use repositories::{ConnectionTrait, RepoError, cards};

/// The limits of every plan, from configuration.
pub fn from_settings(settings: &PlanSettings) -> Plans {
    Plans {
        free: PlanLimits {
            profiles: settings.free_max_profiles,
            cards: Some(settings.free_max_cards),
            daily_messages: Some(settings.free_daily_messages),
            daily_card_generation: Some(settings.free_daily_card_generation),
            daily_voice: Some(settings.free_daily_voice),
            daily_exercises: Some(settings.free_daily_exercises),
            groups: settings.free_max_groups,
            group_members: settings.free_max_group_members,
        },
        premium: PlanLimits {
            profiles: settings.premium_max_profiles,
            cards: settings.premium_max_cards,
            daily_messages: settings.premium_daily_messages,
            daily_card_generation: settings.premium_daily_card_generation,
            daily_voice: settings.premium_daily_voice,
            daily_exercises: settings.premium_daily_exercises,
            groups: settings.premium_max_groups,
            group_members: settings.premium_max_group_members,
        },
    }
}

/// A user's plan at `now` and what it allows.
#[derive(Debug, Clone, Copy)]
pub struct Entitlement {
    pub plan: Plan,
    pub limits: PlanLimits,
}

impl Entitlement {
    pub fn of(plans: &Plans, premium_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        let plan = Plan::of(premium_until, now);
        Self { plan, limits: *plans.limits(plan) }
    }

    /// Fails unless `adding` more cards fit; every card of every profile counts.
    pub async fn ensure_card_room(
        &self,
        conn: &impl ConnectionTrait,
        user_id: UserId,
        adding: u64,
    ) -> Result<(), PlanError> {
        if self.limits.cards.is_none() {
            return Ok(());
        }
        let used = cards::count_for_user(conn, user_id).await?;
        Ok(self.limits.card_room(used, adding)?)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    #[error(transparent)]
    Repo(#[from] RepoError),
}
