//! Today's counts of a deck or profile as the learner sees them: new cards still allowed
//! today, learning cards, and reviews due before their study day ends. Each card counts once.

use chrono::{DateTime, Utc};
use domain::{DeckId, ProfileId, UserId};
use repositories::study_queue::{self, QueueQuery, QueueSnapshot};
use repositories::users::UserRow;
use repositories::{ConnectionTrait, RepoError};
use serde::{Deserialize, Serialize};

use crate::learner::study_day_of;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DayCounts {
    pub new: u64,
    pub learning: u64,
    pub due: u64,
}

impl DayCounts {
    /// The counts a queue read saw, with the day's new-card allowance applied.
    pub fn of(snapshot: &QueueSnapshot) -> Self {
        let unstudied = snapshot.counts.cards.saturating_sub(snapshot.counts.studied);
        Self { new: unstudied, learning: snapshot.counts.learning, due: snapshot.counts.due }
            .within(new_allowance(snapshot.new_cards_per_day, snapshot.new_cards_studied_today))
    }

    /// `self` counting every unstudied card as new, capped at the day's new-card `allowance`.
    pub fn within(self, allowance: u64) -> Self {
        Self { new: self.new.min(allowance), ..self }
    }
}

/// New cards a profile may still start today.
pub fn new_allowance(per_day: i32, studied_today: i32) -> u64 {
    u64::try_from(per_day.saturating_sub(studied_today.max(0))).unwrap_or(0)
}

/// The counts of a profile (or one of its decks) and its number of cards, in the study day
/// of `user` that contains `now`: one round trip. `None` when the profile is not the user's.
pub async fn day_counts(
    conn: &impl ConnectionTrait,
    user: &UserRow,
    now: DateTime<Utc>,
    profile_id: ProfileId,
    deck_id: Option<DeckId>,
) -> Result<Option<(DayCounts, u64)>, RepoError> {
    let day = study_day_of(user, now);
    let query = QueueQuery {
        user_id: UserId::from_uuid(user.id),
        profile_id: Some(profile_id),
        deck_id,
        learning_until: now,
        day_end: day.ends_at,
        day: day.date,
        limit: 0,
    };
    let snapshot = study_queue::read(conn, query).await?;
    Ok(snapshot.map(|s| (DayCounts::of(&s), s.counts.cards)))
}
