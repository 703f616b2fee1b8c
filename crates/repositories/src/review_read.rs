//! A review's read in one statement, under the learner's lock: the card, the learner's progress
//! on it, and the profile the review counts in with its settings and its counts of the day
//! before the review. The counts after the review follow from these and the card's new state
//! (`services::counts`), so a review needs no second count.

use chrono::{DateTime, NaiveDate, Utc};
use domain::UserId;
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::RepoError;
use crate::by_position::{self, CARD_COLUMNS, Columns, PROGRESS_COLUMNS};
use crate::entities::cards;
use crate::progress::ProgressRow;
use crate::raw::{Params, shared_with};
use crate::study_queue::{DayParams, HEADER_COLUMNS, HEADER_SELECT, PROFILE_WIDE, ProfileDay, counting_ctes};

/// The card to review, in the learner's study day.
#[derive(Debug, Clone, Copy)]
pub struct ReviewRead {
    pub user_id: UserId,
    pub card_id: Uuid,
    pub now: DateTime<Utc>,
    pub day: NaiveDate,
    pub day_end: DateTime<Utc>,
}

/// A card to review with what the review needs.
#[derive(Debug, Clone)]
pub struct ReviewTarget {
    pub card: cards::Model,
    /// The learner's progress on it (`None` while new).
    pub progress: Option<ProgressRow>,
    /// The learner's profile the review counts in (the card's own for the learner's cards; for
    /// a card of a deck shared with the learner's group, their profile of the deck's language,
    /// else their active one), with its profile-wide counts before the review.
    pub profile: ProfileDay,
    /// The card is one of those `profile.counts` counts: the profile's own, outside archived
    /// decks (a shared deck's card or a shelved one is reviewed without being counted).
    pub counted: bool,
}

/// The card when the learner may review it (theirs, or in a deck shared with a group they
/// belong to); `None` when it is missing or out of their reach.
pub async fn read(conn: &impl ConnectionTrait, read: ReviewRead) -> Result<Option<ReviewTarget>, RepoError> {
    let mut p = Params::default();
    let at = DayParams::bind(&mut p, read.user_id, read.day, read.day_end, read.now);
    let user = &at.user;
    let card = p.bind(read.card_id);
    let shared = shared_with(user, "deck_id", "c.deck_id");
    let counting = counting_ctes(&at, "id = (SELECT x.profile_id FROM target x)", PROFILE_WIDE, "TRUE");
    let (card_columns, progress_columns) = (&*CARD_COLUMNS, &*PROGRESS_COLUMNS);
    // COALESCE stops at the first hit, so the learner's own card costs one index probe.
    // `counted` follows the header's columns, the card's and its progress's columns follow it,
    // in that order: they are read by position.
    let sql = format!(
        "WITH target AS (\
            SELECT c.id AS card_id, lp.id AS profile_id FROM cards c \
            JOIN language_profiles lp ON lp.user_id = {user} AND lp.id = COALESCE(\
                (SELECT own.id FROM language_profiles own WHERE own.id = c.profile_id AND own.user_id = {user}), \
                (SELECT mine.id FROM language_profiles theirs \
                    JOIN language_profiles mine ON mine.user_id = {user} AND mine.language = theirs.language \
                    WHERE theirs.id = c.profile_id AND {shared}), \
                (SELECT a.id FROM language_profiles a WHERE a.user_id = {user} AND a.is_active AND {shared})) \
            WHERE c.id = {card}), \
        {counting} \
        SELECT {HEADER_SELECT}, EXISTS (SELECT 1 FROM scope s WHERE s.id = c.id) AS counted, \
            {card_columns}, {progress_columns} \
        FROM target x JOIN cards c ON c.id = x.card_id CROSS JOIN profile pr CROSS JOIN tally t \
        LEFT JOIN card_progress p ON p.user_id = {user} AND p.card_id = c.id"
    );
    let Some(row) = conn.query_one_raw(p.statement(conn, &sql)).await? else {
        return Ok(None);
    };
    let profile = ProfileDay::from_row(&row)?;
    let counted: bool = row.try_get_by_index(HEADER_COLUMNS)?;
    let mut columns = Columns::from(&row, HEADER_COLUMNS + 1);
    // An inner join: the card's id is never NULL here.
    let card = by_position::card(&mut columns)?
        .ok_or_else(|| DbErr::Custom("the reviewed card came without its id".into()))?;
    let progress = by_position::progress(&mut columns)?;
    Ok(Some(ReviewTarget { card, progress, profile, counted }))
}
