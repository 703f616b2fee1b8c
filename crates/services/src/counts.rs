//! Today's counts of a deck or profile as the learner sees them: new cards still allowed
//! today, learning cards, and reviews due before their study day ends. Each card counts once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{DeckId, ProfileId, StudyDay, UserId};
use repositories::progress::{self, Scope};
use repositories::{ConnectionTrait, RepoError, activity, deck_counts, profiles, users};
use serde::{Deserialize, Serialize};

use crate::learner::study_day_of;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DayCounts {
    pub new: u64,
    pub learning: u64,
    pub due: u64,
}

/// The counts of `scope` in the study day that contains `now`.
pub async fn day_counts(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    user_id: UserId,
    scope: Scope,
) -> Result<DayCounts, RepoError> {
    let Some(user) = users::find_by_id(conn, user_id).await? else {
        return Ok(DayCounts::default());
    };
    let day = study_day_of(&user, now);
    let (learning, due) = progress::count_learning_and_due(conn, user_id, scope, day.ends_at).await?;
    let allowance = new_allowance(conn, user_id, scope.profile_id, &day).await?;
    let unstudied = progress::count_unstudied(conn, user_id, scope).await?;
    Ok(DayCounts { new: unstudied.min(allowance), learning, due })
}

/// Today's counts and card totals of every deck of the profile, in one grouped query.
pub async fn deck_day_counts(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    user_id: UserId,
    profile_id: ProfileId,
) -> Result<HashMap<DeckId, (DayCounts, u64)>, RepoError> {
    let Some(user) = users::find_by_id(conn, user_id).await? else {
        return Ok(HashMap::new());
    };
    let day = study_day_of(&user, now);
    let allowance = new_allowance(conn, user_id, profile_id, &day).await?;
    let per_deck = deck_counts::for_profile(conn, user_id, profile_id, day.ends_at).await?;
    Ok(per_deck
        .into_iter()
        .map(|(deck, c)| {
            (deck, (DayCounts { new: c.unstudied.min(allowance), learning: c.learning, due: c.due }, c.total))
        })
        .collect())
}

/// New cards the profile may still start today.
pub async fn new_allowance(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    day: &StudyDay,
) -> Result<u64, RepoError> {
    let per_day = profiles::find_owned(conn, user_id, profile_id).await?.map_or(0, |p| p.new_cards_per_day.max(0));
    let studied = activity::new_cards_studied(conn, user_id, profile_id, day.date).await?;
    Ok(u64::try_from(per_day).unwrap_or(0).saturating_sub(u64::from(studied)))
}
