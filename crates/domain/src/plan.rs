//! Plans and what they allow. The numbers come from configuration; the rules live here, once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Premium => "premium",
        }
    }
}

/// LLM-costing work counted per local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DailyQuota {
    /// Tutor answers, from the Mini App and the bot.
    Messages,
    /// Words turned into cards by the LLM.
    CardGeneration,
    /// Voice messages turned into text.
    Voice,
    /// Exercises generated for practice.
    Exercises,
}

impl DailyQuota {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Messages => "messages",
            Self::CardGeneration => "card_generation",
            Self::Voice => "voice",
            Self::Exercises => "exercises",
        }
    }
}

/// What one plan allows (`None` = unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    pub profiles: u32,
    pub cards: Option<u32>,
    pub daily_messages: Option<u32>,
    pub daily_card_generation: Option<u32>,
    pub daily_voice: Option<u32>,
    pub daily_exercises: Option<u32>,
    /// Live groups a user may own.
    pub groups: u32,
    /// Members of one group, its owner included.
    pub group_members: u32,
}

impl PlanLimits {
    pub fn daily(&self, quota: DailyQuota) -> Option<u32> {
        match quota {
            DailyQuota::Messages => self.daily_messages,
            DailyQuota::CardGeneration => self.daily_card_generation,
            DailyQuota::Voice => self.daily_voice,
            DailyQuota::Exercises => self.daily_exercises,
        }
    }

    /// Whether `adding` more profiles fit next to the `used` ones.
    pub fn profile_room(&self, used: u64, adding: u64) -> Result<(), LimitExceeded> {
        room(LimitKind::Profiles, Some(self.profiles), used, adding)
    }

    /// Whether one more owned group fits next to the `used` ones.
    pub fn group_room(&self, used: u64) -> Result<(), LimitExceeded> {
        room(LimitKind::Groups, Some(self.groups), used, 1)
    }

    /// Whether one more member fits in a group of `members` whose own cap is `group_max`:
    /// the lower of that cap and this plan's (the owner's) limit holds, so a lapsed plan
    /// freezes a group's growth without removing anyone.
    pub fn member_room(&self, members: u64, group_max: u32) -> Result<(), LimitExceeded> {
        room(LimitKind::GroupMembers, Some(self.group_members.min(group_max)), members, 1)
    }

    /// Whether `adding` more cards fit next to the `used` ones.
    pub fn card_room(&self, used: u64, adding: u64) -> Result<(), LimitExceeded> {
        room(LimitKind::Cards, self.cards, used, adding)
    }
}

fn room(limit: LimitKind, max: Option<u32>, used: u64, adding: u64) -> Result<(), LimitExceeded> {
    match max {
        Some(max) if used.saturating_add(adding) > u64::from(max) => Err(LimitExceeded { limit, used, max }),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LimitKind {
    Profiles,
    Cards,
    Groups,
    #[serde(rename = "group_members")]
    GroupMembers,
}

impl LimitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Profiles => "profiles",
            Self::Cards => "cards",
            Self::Groups => "groups",
            Self::GroupMembers => "group_members",
        }
    }
}

/// A plan limit that would be crossed: `used` of `max` are taken already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the plan allows {max} {}", .limit.as_str())]
pub struct LimitExceeded {
    pub limit: LimitKind,
    pub used: u64,
    pub max: u32,
}

/// The limits of every plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plans {
    pub free: PlanLimits,
    pub premium: PlanLimits,
}

impl Plans {
    pub fn limits(&self, plan: Plan) -> &PlanLimits {
        match plan {
            Plan::Free => &self.free,
            Plan::Premium => &self.premium,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_counts_what_is_added_and_unlimited_is_unlimited() {
        let limits = PlanLimits {
            profiles: 1,
            cards: Some(3),
            daily_messages: None,
            daily_card_generation: Some(5),
            daily_voice: Some(2),
            daily_exercises: Some(4),
            groups: 1,
            group_members: 5,
        };
        assert!(limits.card_room(2, 1).is_ok());
        assert_eq!(limits.card_room(2, 2), Err(LimitExceeded { limit: LimitKind::Cards, used: 2, max: 3 }));
        assert!(limits.profile_room(0, 1).is_ok());
        assert!(limits.profile_room(1, 1).is_err());
        let unlimited = PlanLimits { cards: None, ..limits };
        assert!(unlimited.card_room(u64::MAX, 1).is_ok());
        assert_eq!(limits.daily(DailyQuota::CardGeneration), Some(5));
    }

    #[test]
    fn groups_and_members_are_capped_by_the_lower_limit() {
        let limits = PlanLimits {
            profiles: 1,
            cards: None,
            daily_messages: None,
            daily_card_generation: None,
            daily_voice: None,
            daily_exercises: None,
            groups: 1,
            group_members: 5,
        };
        assert!(limits.group_room(0).is_ok());
        assert_eq!(limits.group_room(1), Err(LimitExceeded { limit: LimitKind::Groups, used: 1, max: 1 }));
        assert!(limits.member_room(4, 100).is_ok());
        assert_eq!(
            limits.member_room(5, 100),
            Err(LimitExceeded { limit: LimitKind::GroupMembers, used: 5, max: 5 }),
            "a group of 100 under a plan of 5 stops growing at 5"
        );
        assert!(limits.member_room(2, 3).is_ok());
        assert!(limits.member_room(3, 3).is_err(), "the group's own lower cap holds too");
        assert_eq!(LimitKind::GroupMembers.as_str(), "group_members");
    }
}
