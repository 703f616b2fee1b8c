//! Today's counts of a deck or profile as the learner sees them: new cards still allowed
//! today, learning cards, and reviews due before their study day ends. Each card counts once.

use chrono::{DateTime, Utc};
use domain::{DeckId, ProfileId, UserId};
use repositories::progress::ProgressValues;
use repositories::review_read::ReviewTarget;
use repositories::study_queue::{self, QueueQuery, QueueSnapshot, ScopeCounts};
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
        let day = &snapshot.profile;
        Self::from_scope(day.counts, day.new_cards_per_day, day.new_cards_studied_today)
    }

    fn from_scope(counts: ScopeCounts, new_cards_per_day: i32, new_cards_studied_today: i32) -> Self {
        let unstudied = counts.cards.saturating_sub(counts.studied);
        Self { new: unstudied, learning: counts.learning, due: counts.due, waiting: 0 }
            .within(new_allowance(new_cards_per_day, new_cards_studied_today))
    }

    /// The profile's counts once a review is written, from what the review's read saw before it
    /// (under the learner's lock, in the review's transaction): the card leaves the count of
    /// its old state for that of its new one, and the day has one more new card started when
    /// it was new. What counting again would give (`the_counts_a_review_answers_are_a_fresh_count`
    /// checks it), without the second count.
    pub fn after_review(before: &ReviewTarget, after: &ProgressValues, was_new: bool, day_end: DateTime<Utc>) -> Self {
        let day = &before.profile;
        let mut counts = day.counts;
        if before.counted {
            let (learning_before, due_before) =
                before.progress.as_ref().map_or((0, 0), |p| counted_as(&p.state, p.due, day_end));
            let (learning_after, due_after) = counted_as(&after.state, after.due, day_end);
            counts.studied += u64::from(before.progress.is_none());
            counts.learning = (counts.learning + learning_after).saturating_sub(learning_before);
            counts.due = (counts.due + due_after).saturating_sub(due_before);
        }
        Self::from_scope(counts, day.new_cards_per_day, day.new_cards_studied_today + i32::from(was_new))
    }

    /// `self` with its unstudied cards (`new` and `waiting`) split by the day's new-card
    /// `allowance`: up to it they are new today, the rest wait.
    pub fn within(self, allowance: u64) -> Self {
        let unstudied = self.new.saturating_add(self.waiting);
        let new = unstudied.min(allowance);
        Self { new, waiting: unstudied - new, ..self }
    }
}

/// What a progress row adds to the learning and the due count: the tally's `FILTER`s of
/// `study_queue::counting_ctes`, in Rust.
fn counted_as(state: &str, due: DateTime<Utc>, day_end: DateTime<Utc>) -> (u64, u64) {
    match state {
        "learning" | "relearning" => (1, 0),
        "review" if due < day_end => (0, 1),
        _ => (0, 0),
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
    Ok(snapshot.map(|s| (DayCounts::of(&s), s.profile.counts.cards)))
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
