//! The deck list in one statement: the profile's decks, each with this learner's counts, and
//! the profile's new-card allowance for the day (instead of a handful of queries per deck).

use chrono::{DateTime, NaiveDate, Utc};
use domain::{ProfileId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use crate::RepoError;
use crate::by_position::{self, Columns, DECK_COLUMNS};
use crate::decks::DeckRow;
use crate::raw::{Params, new_cards_studied_on, profile_condition};

/// One deck's cards as this learner sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeckCardCounts {
    pub total: u64,
    /// Never reviewed by this learner.
    pub unstudied: u64,
    /// In learning or relearning.
    pub learning: u64,
    /// Review cards due before `day_end`.
    pub due: u64,
}

/// The profile's decks with their counts, default deck first, then by name.
#[derive(Debug, Clone)]
pub struct DeckList {
    pub profile_id: ProfileId,
    pub new_cards_per_day: i32,
    pub new_cards_studied_today: i32,
    pub decks: Vec<(DeckRow, DeckCardCounts)>,
}

/// What to list, in the learner's study day.
#[derive(Debug, Clone, Copy)]
pub struct DeckListQuery {
    pub user_id: UserId,
    /// The active profile when `None`.
    pub profile_id: Option<ProfileId>,
    pub include_archived: bool,
    pub day_end: DateTime<Utc>,
    pub day: NaiveDate,
}

#[derive(FromQueryResult)]
struct Header {
    profile_id: Uuid,
    new_cards_per_day: i32,
    new_cards_studied_today: i32,
}

/// The position of a row's `total`: `unstudied`, `learning`, `due` and the deck's columns
/// follow it.
const COUNTS_COLUMN: usize = 3;

/// `None` when the profile does not exist or is not the user's.
pub async fn list(conn: &impl ConnectionTrait, query: DeckListQuery) -> Result<Option<DeckList>, RepoError> {
    let mut p = Params::default();
    let user = p.bind(query.user_id.as_uuid());
    let profile = profile_condition(&mut p, query.profile_id);
    let day_end = p.bind(query.day_end);
    let day = p.bind(query.day);
    let archived = if query.include_archived { "" } else { " AND d.archived_at IS NULL" };
    let studied_today = new_cards_studied_on(&user, &day, "lp");
    let deck_columns = &*DECK_COLUMNS;
    // `profile pr CROSS JOIN cards c`: SQLite keeps a CROSS JOIN's order, so the profile's cards
    // are sought by `profile_id`; with a plain join it scanned every card (measured: 1.9 s).
    let sql = format!(
        "WITH profile AS (\
            SELECT lp.id, lp.new_cards_per_day, {studied_today} AS new_cards_studied_today \
            FROM language_profiles lp WHERE lp.user_id = {user} AND lp.{profile}), \
        tally AS (\
            SELECT c.deck_id, COUNT(*) AS total, COUNT(*) FILTER (WHERE g.card_id IS NULL) AS unstudied, \
                COUNT(*) FILTER (WHERE g.state IN ('learning', 'relearning')) AS learning, \
                COUNT(*) FILTER (WHERE g.state = 'review' AND g.due < {day_end}) AS due \
            FROM profile pr CROSS JOIN cards c \
            LEFT JOIN (SELECT cp.card_id, cp.state, cp.due FROM card_progress cp WHERE cp.user_id = {user}) g \
                ON g.card_id = c.id \
            WHERE c.profile_id = pr.id GROUP BY c.deck_id) \
        SELECT pr.id AS profile_id, pr.new_cards_per_day, pr.new_cards_studied_today, \
            COALESCE(t.total, 0) AS total, COALESCE(t.unstudied, 0) AS unstudied, \
            COALESCE(t.learning, 0) AS learning, COALESCE(t.due, 0) AS due, {deck_columns} \
        FROM profile pr \
        LEFT JOIN decks d ON d.profile_id = pr.id{archived} \
        LEFT JOIN tally t ON t.deck_id = d.id \
        ORDER BY d.is_default DESC, d.name_key"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let header = Header::from_query_result(first, "")?;
    let mut list = DeckList {
        profile_id: ProfileId::from_uuid(header.profile_id),
        new_cards_per_day: header.new_cards_per_day,
        new_cards_studied_today: header.new_cards_studied_today,
        decks: Vec::with_capacity(rows.len()),
    };
    // Each row: the header, the deck's counts from `COUNTS_COLUMN`, then the deck's columns,
    // read by position.
    for row in &rows {
        let mut columns = Columns::from(row, COUNTS_COLUMN);
        let counts = DeckCardCounts {
            total: by_position::count(&mut columns)?,
            unstudied: by_position::count(&mut columns)?,
            learning: by_position::count(&mut columns)?,
            due: by_position::count(&mut columns)?,
        };
        let Some(deck) = by_position::deck(&mut columns)? else { continue };
        list.decks.push((deck, counts));
    }
    Ok(Some(list))
}
