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
    /// Never-studied cards beyond today's new-card allowance: they wait for a later day, or
    /// for the learner to raise today's allowance ("study more today").
    #[serde(default)]
    pub waiting: u64,
}

impl DayCounts {
    /// The counts a queue read saw, with the day's new-card allowance applied.
    pub fn of(snapshot: &QueueSnapshot) -> Self {
        let unstudied = snapshot.counts.cards.saturating_sub(snapshot.counts.studied);
        Self { new: unstudied, learning: snapshot.counts.learning, due: snapshot.counts.due, waiting: 0 }
            .within(new_allowance(snapshot.new_cards_per_day, snapshot.new_cards_studied_today))
    }

    /// `self` with its unstudied cards (`new` and `waiting`) split by the day's new-card
    /// `allowance`: up to it they are new today, the rest wait.
    pub fn within(self, allowance: u64) -> Self {
        let unstudied = self.new.saturating_add(self.waiting);
        let new = unstudied.min(allowance);
        Self { new, waiting: unstudied - new, ..self }
    }
}

/// New cards a profile may still start today. `studied_today` is net of the extra cards the
/// learner allowed for the day (`raw::new_cards_studied_on`), so it may be negative.
pub fn new_allowance(per_day: i32, studied_today: i32) -> u64 {
    u64::try_from(i64::from(per_day) - i64::from(studied_today)).unwrap_or(0)
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
        now,
        learning_until: now,
        day_end: day.ends_at,
        day: day.date,
        limit: 0,
    };
    let snapshot = study_queue::read(conn, query).await?;
    Ok(snapshot.map(|s| (DayCounts::of(&s), s.counts.cards)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowance_counts_extra_cards_and_never_goes_below_zero() {
        assert_eq!(new_allowance(20, 0), 20);
        assert_eq!(new_allowance(20, 25), 0);
        // 20 a day, 10 more allowed today, 5 studied: 25 left.
        assert_eq!(new_allowance(20, 5 - 10), 25);
        assert_eq!(new_allowance(0, -10), 10);
    }

    #[test]
    fn within_splits_unstudied_cards_into_new_and_waiting() {
        let all = DayCounts { new: 5, learning: 1, due: 2, waiting: 0 };
        assert_eq!(all.within(3), DayCounts { new: 3, learning: 1, due: 2, waiting: 2 });
        assert_eq!(all.within(0).within(10), all);
    }
}
