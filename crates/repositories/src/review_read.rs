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
    let card = p.bind(read.card_id);
    let sql = read_sql(&at, &card);
    let Some(row) = conn.query_one_raw(p.statement(conn, &sql)).await? else {
        return Ok(None);
    };
    target_of(&row).map(Some)
}

/// One review of a batch (`read_many`).
#[derive(Debug, Clone, Copy)]
pub struct BatchRead {
    pub read: ReviewRead,
    pub client_review_id: Uuid,
}

/// What `read_many` found for one review of a batch.
#[derive(Debug, Clone)]
pub struct BatchTarget {
    pub target: ReviewTarget,
    /// The learner already recorded a review under this `client_review_id` (a retry). Exact
    /// under the learner's lock: every review is written under it.
    pub replayed: bool,
}

/// `read` for the reviews of a batch, in one statement (PostgreSQL only: the reviews come in as
/// one JSON parameter, so the statement's text is the same whatever their number, and each is
/// read by `read`'s statement as a lateral subquery). Answers in the order of `reads`.
pub async fn read_many(
    conn: &impl ConnectionTrait,
    reads: &[BatchRead],
) -> Result<Vec<Option<BatchTarget>>, RepoError> {
    let input: Vec<serde_json::Value> = reads
        .iter()
        .enumerate()
        .map(|(ord, r)| {
            serde_json::json!({
                "ord": ord,
                "user_id": r.read.user_id.as_uuid(),
                "card_id": r.read.card_id,
                "day": r.read.day,
                "day_end": r.read.day_end,
                "now": r.read.now,
                "client_review_id": r.client_review_id,
            })
        })
        .collect();
    let mut p = Params::default();
    let batch = p.bind(serde_json::Value::Array(input));
    let at = DayParams::columns("batch");
    let read = read_sql(&at, "batch.card_id");
    // `ord` and `replayed` follow the columns `read`'s statement answers, which are read by
    // position from the start of the row.
    let sql = format!(
        "SELECT r.*, batch.ord, EXISTS (SELECT 1 FROM card_reviews done \
            WHERE done.user_id = batch.user_id AND done.client_review_id = batch.client_review_id) AS replayed \
        FROM jsonb_to_recordset({batch}::jsonb) AS batch(ord integer, user_id uuid, card_id uuid, day date, \
            day_end timestamptz, now timestamptz, client_review_id uuid) \
        CROSS JOIN LATERAL ({read}) r"
    );
    let mut found: Vec<Option<BatchTarget>> = vec![None; reads.len()];
    for row in conn.query_all_raw(p.statement(conn, &sql)).await? {
        let ord: i32 = row.try_get("", "ord")?;
        let replayed: bool = row.try_get("", "replayed")?;
        let slot = usize::try_from(ord).ok().and_then(|ord| found.get_mut(ord));
        let slot =
            slot.ok_or_else(|| DbErr::Custom(format!("a batch read answered for review {ord} of {}", reads.len())))?;
        *slot = Some(BatchTarget { target: target_of(&row)?, replayed });
    }
    Ok(found)
}

/// The statement of `read`, for the learner `at.user` and the card `card` (parameters or, in
/// `read_many`, columns of the batch).
fn read_sql(at: &DayParams, card: &str) -> String {
    let user = &at.user;
    let shared = shared_with(user, "deck_id", "c.deck_id");
    let counting = counting_ctes(at, "id = (SELECT x.profile_id FROM target x)", PROFILE_WIDE, "TRUE");
    let (card_columns, progress_columns) = (&*CARD_COLUMNS, &*PROGRESS_COLUMNS);
    // COALESCE stops at the first hit, so the learner's own card costs one index probe.
    // `counted` follows the header's columns, the card's and its progress's columns follow it,
    // in that order: they are read by position.
    format!(
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
    )
}

fn target_of(row: &sea_orm::QueryResult) -> Result<ReviewTarget, RepoError> {
    let profile = ProfileDay::from_row(row)?;
    let counted: bool = row.try_get_by_index(HEADER_COLUMNS)?;
    let mut columns = Columns::from(row, HEADER_COLUMNS + 1);
    // An inner join: the card's id is never NULL here.
    let card = by_position::card(&mut columns)?
        .ok_or_else(|| DbErr::Custom("the reviewed card came without its id".into()))?;
    let progress = by_position::progress(&mut columns)?;
    Ok(ReviewTarget { card, progress, profile, counted })
}
