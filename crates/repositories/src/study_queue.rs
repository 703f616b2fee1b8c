//! The study loop's read in one statement: the profile, today's counts of a profile or deck,
//! and the cards to show (learning steps, due reviews, new cards), each with its progress.
//! The caller applies the day's new-card allowance and the learn-ahead rule to what it gets.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{DeckId, ProfileId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use crate::RepoError;
use crate::by_position::{self, CARD_COLUMNS, Columns, PROGRESS_COLUMNS};
use crate::entities::cards;
use crate::progress::ProgressRow;
use crate::raw::{Params, count, new_cards_studied_on, profile_condition, shared_with};

/// What to read, in the learner's study day.
#[derive(Debug, Clone, Copy)]
pub struct QueueQuery {
    pub user_id: UserId,
    /// The active profile when `None`.
    pub profile_id: Option<ProfileId>,
    /// The whole profile (without archived decks) when `None`.
    pub deck_id: Option<DeckId>,
    /// Learning steps due by now come first; the other kinds fill what they leave of `limit`.
    pub now: DateTime<Utc>,
    /// Learning steps due up to here are read (the caller decides whether to show early ones).
    pub learning_until: DateTime<Utc>,
    pub day_end: DateTime<Utc>,
    pub day: NaiveDate,
    /// Up to this many cards due now in all (learning steps, then reviews, then new cards),
    /// plus up to as many learning steps due by `learning_until`; 0 reads the counts alone.
    pub limit: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeCounts {
    pub cards: u64,
    /// Cards with a progress row (reviewed at least once).
    pub studied: u64,
    pub learning: u64,
    /// Review cards due before the day ends.
    pub due: u64,
}

#[derive(Debug, Clone)]
pub struct QueueSnapshot {
    /// The profile read, its settings and the day's counts.
    pub profile: ProfileDay,
    /// Learning steps due by `learning_until`, earliest first.
    pub learning: Vec<(cards::Model, ProgressRow)>,
    /// Reviews due before the day ends, most overdue first.
    pub reviews: Vec<(cards::Model, ProgressRow)>,
    /// Never-studied cards in the order they were added.
    pub fresh: Vec<cards::Model>,
}

#[derive(FromQueryResult)]
struct Header {
    profile_id: Uuid,
    desired_retention: f64,
    fsrs_parameters: Option<serde_json::Value>,
    new_cards_per_day: i32,
    new_cards_studied_today: i32,
    deck_found: bool,
    cards: i64,
    studied: i64,
    learning: i64,
    due: i64,
}

/// The columns `Header` reads, the first `HEADER_COLUMNS` of a statement built on
/// `counting_ctes`.
pub(crate) const HEADER_SELECT: &str = "pr.id AS profile_id, pr.desired_retention, pr.fsrs_parameters, pr.new_cards_per_day, \
    pr.new_cards_studied_today, pr.deck_found, (SELECT COUNT(*) FROM scope) AS cards, t.studied, t.learning, t.due";
pub(crate) const HEADER_COLUMNS: usize = 10;

/// A profile's day as a statement built on `counting_ctes` saw it: its settings and counts.
#[derive(Debug, Clone)]
pub struct ProfileDay {
    pub profile_id: ProfileId,
    pub desired_retention: f64,
    /// The profile's own FSRS parameters (a JSON array of 21), `None` for the defaults.
    pub fsrs_parameters: Option<serde_json::Value>,
    pub new_cards_per_day: i32,
    pub new_cards_studied_today: i32,
    /// `false` when a deck was asked for that is no deck of the profile nor shared with the learner.
    pub deck_found: bool,
    pub counts: ScopeCounts,
}

impl ProfileDay {
    pub(crate) fn from_row(row: &sea_orm::QueryResult) -> Result<Self, RepoError> {
        let header = Header::from_query_result(row, "")?;
        Ok(Self {
            profile_id: ProfileId::from_uuid(header.profile_id),
            desired_retention: header.desired_retention,
            fsrs_parameters: header.fsrs_parameters,
            new_cards_per_day: header.new_cards_per_day,
            new_cards_studied_today: header.new_cards_studied_today,
            deck_found: header.deck_found,
            counts: ScopeCounts {
                cards: count(header.cards),
                studied: count(header.studied),
                learning: count(header.learning),
                due: count(header.due),
            },
        })
    }
}

/// The bound parameters a day's counts depend on.
pub(crate) struct DayParams {
    pub(crate) user: String,
    day: String,
    day_end: String,
    now: String,
}

impl DayParams {
    pub(crate) fn bind(
        p: &mut Params,
        user_id: UserId,
        day: NaiveDate,
        day_end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        let user = p.bind(user_id.as_uuid());
        let day = p.bind(day);
        let day_end = p.bind(day_end);
        let now = p.bind(now);
        Self { user, day, day_end, now }
    }

    /// The same values as columns of `alias` (`user_id`, `day`, `day_end`, `now`): a statement
    /// that reads several learners' days at once (`review_read::read_many`).
    pub(crate) fn columns(alias: &str) -> Self {
        Self {
            user: format!("{alias}.user_id"),
            day: format!("{alias}.day"),
            day_end: format!("{alias}.day_end"),
            now: format!("{alias}.now"),
        }
    }
}

/// The cards of the whole profile `pr` studies: its own, without archived decks (they are
/// shelved). Uncorrelated, so PostgreSQL hashes the (usually empty) list once instead of
/// probing it per card.
pub(crate) const PROFILE_WIDE: &str = "c.profile_id = pr.id AND c.deck_id NOT IN (SELECT d.id FROM decks d \
    JOIN profile pa ON d.profile_id = pa.id WHERE d.archived_at IS NOT NULL)";

/// The CTEs a day's counts come from: `profile` (the user's profile `lp.{profile}`, its
/// settings and the new cards it started today), `scope` (its cards that `in_scope` keeps),
/// `progress` (the learner's rows of them) and `tally` (their counts in the day).
/// `profile pr CROSS JOIN cards c`: SQLite (which never runs ANALYZE here) keeps a CROSS JOIN's
/// order, so the profile's cards are sought by `profile_id` instead of every card being scanned
/// (that plan made the queue 100x slower); PostgreSQL plans it as any join.
pub(crate) fn counting_ctes(at: &DayParams, profile: &str, in_scope: &str, deck_found: &str) -> String {
    let DayParams { user, day, day_end, now } = at;
    let studied_today = new_cards_studied_on(user, day, "lp");
    format!(
        "profile AS (\
            SELECT lp.id, lp.desired_retention, lp.new_cards_per_day, \
                (SELECT f.parameters FROM profile_fsrs f WHERE f.profile_id = lp.id) AS fsrs_parameters, \
                {studied_today} AS new_cards_studied_today, \
                {deck_found} AS deck_found \
            FROM language_profiles lp WHERE lp.user_id = {user} AND lp.{profile}), \
        scope AS (\
            SELECT c.id, c.created_at FROM profile pr CROSS JOIN cards c WHERE {in_scope}), \
        progress AS (\
            SELECT cp.card_id, cp.state, cp.due FROM card_progress cp \
            WHERE cp.user_id = {user} AND cp.card_id IN (SELECT s.id FROM scope s)), \
        tally AS (\
            SELECT COUNT(*) AS studied, \
                COUNT(*) FILTER (WHERE state IN ('learning', 'relearning')) AS learning, \
                COUNT(*) FILTER (WHERE state = 'review' AND due < {day_end}) AS due, \
                COUNT(*) FILTER (WHERE state IN ('learning', 'relearning') AND due <= {now}) AS learning_now \
            FROM progress)"
    )
}

/// The position of `x.bucket` in the statement's columns: the cards' and their progress's
/// columns follow it, read by position (`by_position`).
const BUCKET_COLUMN: usize = HEADER_COLUMNS;

const LEARNING: i32 = 1;
const REVIEW: i32 = 2;
const FRESH: i32 = 3;

/// `None` when the profile does not exist or is not the user's.
pub async fn read(conn: &impl ConnectionTrait, query: QueueQuery) -> Result<Option<QueueSnapshot>, RepoError> {
    let mut p = Params::default();
    let at = DayParams::bind(&mut p, query.user_id, query.day, query.day_end, query.now);
    let user = &at.user;
    let (profile, in_scope, deck_found) = match query.deck_id {
        Some(deck) => {
            let deck = p.bind(deck.as_uuid());
            let shared = shared_with(user, "deck_id", "d.id");
            // A deck names its profile: the learner's own deck studies in the profile it belongs
            // to; a deck shared by a teacher in the learner's profile of its language, else in
            // the active one. An explicit `profile_id` still wins.
            let profile = match query.profile_id {
                Some(id) => format!("id = {}", p.bind(id.as_uuid())),
                None => format!(
                    "id = COALESCE(\
                        (SELECT d.profile_id FROM decks d WHERE d.id = {deck} AND d.owner_id = {user}), \
                        (SELECT mine.id FROM decks d JOIN language_profiles theirs ON theirs.id = d.profile_id \
                            JOIN language_profiles mine ON mine.user_id = {user} AND mine.language = theirs.language \
                            WHERE d.id = {deck}), \
                        (SELECT a.id FROM language_profiles a WHERE a.user_id = {user} AND a.is_active))"
                ),
            };
            (
                profile,
                format!("c.deck_id = {deck} AND pr.deck_found"),
                format!("EXISTS (SELECT 1 FROM decks d WHERE d.id = {deck} AND (d.profile_id = lp.id OR {shared}))"),
            )
        }
        None => (profile_condition(&mut p, query.profile_id), PROFILE_WIDE.to_owned(), "TRUE".to_owned()),
    };
    let counting = counting_ctes(&at, &profile, &in_scope, &deck_found);
    let day_end = &at.day_end;
    let learning_until = p.bind(query.learning_until);
    let limit = p.bind(i64::try_from(query.limit).unwrap_or(i64::MAX));
    let (card_columns, progress_columns) = (&*CARD_COLUMNS, &*PROGRESS_COLUMNS);
    // `x.bucket` follows the header's columns (BUCKET_COLUMN), the cards' and their progress's
    // columns follow it, in that order: they are read by position.
    let sql = format!(
        "WITH {counting}, \
        room AS (\
            SELECT after_learning, \
                CASE WHEN due >= after_learning THEN 0 ELSE after_learning - due END AS after_reviews \
            FROM (SELECT due, CASE WHEN learning_now >= {limit} THEN 0 ELSE {limit} - learning_now END \
                AS after_learning FROM tally) AS r), \
        learning AS (\
            SELECT card_id, {LEARNING} AS bucket, due AS sort_at FROM progress \
            WHERE state IN ('learning', 'relearning') AND due <= {learning_until} \
            ORDER BY due, card_id LIMIT {limit}), \
        reviews AS (\
            SELECT card_id, {REVIEW} AS bucket, due AS sort_at FROM progress \
            WHERE state = 'review' AND due < {day_end} ORDER BY due, card_id \
            LIMIT (SELECT after_learning FROM room)), \
        fresh AS (\
            SELECT s.id AS card_id, {FRESH} AS bucket, s.created_at AS sort_at FROM scope s \
            WHERE NOT EXISTS (SELECT 1 FROM progress g WHERE g.card_id = s.id) \
            ORDER BY s.created_at, s.id LIMIT (SELECT after_reviews FROM room)), \
        picked AS (SELECT * FROM learning UNION ALL SELECT * FROM reviews UNION ALL SELECT * FROM fresh) \
        SELECT {HEADER_SELECT}, x.bucket, {card_columns}, {progress_columns} \
        FROM profile pr CROSS JOIN tally t \
        LEFT JOIN picked x ON TRUE \
        LEFT JOIN cards c ON c.id = x.card_id \
        LEFT JOIN card_progress p ON p.user_id = {user} AND p.card_id = x.card_id \
        ORDER BY x.bucket, x.sort_at, x.card_id"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut snapshot = QueueSnapshot {
        profile: ProfileDay::from_row(first)?,
        learning: Vec::new(),
        reviews: Vec::new(),
        fresh: Vec::new(),
    };
    for row in &rows {
        let bucket: Option<i32> = row.try_get_by_index(BUCKET_COLUMN)?;
        let mut columns = Columns::from(row, BUCKET_COLUMN + 1);
        let Some(card) = by_position::card(&mut columns)? else { continue };
        let progress = by_position::progress(&mut columns)?;
        match (bucket, progress) {
            (Some(LEARNING), Some(progress)) => snapshot.learning.push((card, progress)),
            (Some(REVIEW), Some(progress)) => snapshot.reviews.push((card, progress)),
            (Some(FRESH), None) => snapshot.fresh.push(card),
            // A card reviewed between the CTEs and the join cannot happen in one statement.
            _ => {}
        }
    }
    Ok(Some(snapshot))
}
