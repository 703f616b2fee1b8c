//! Cards. Duplicates are judged per profile on `lemma_key`; search runs on `search_key`; both
//! are folded by the application (`domain::text::normalized_key`, `domain::text::search_key`).

use chrono::{DateTime, Utc};
use domain::{CardState, DeckId, ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::RepoError;
use crate::by_position::{self, CARD_COLUMNS, Columns, PROGRESS_COLUMNS};
use crate::entities::cards::{self, Column, Entity as Cards};
use crate::entities::language_profiles;

pub use crate::entities::cards::Model as CardRow;
use crate::progress::ProgressRow;

pub use domain::CardContent;

pub async fn insert(
    conn: &impl ConnectionTrait,
    deck_id: DeckId,
    profile_id: ProfileId,
    content: CardContent,
    source: &str,
    now: DateTime<Utc>,
) -> Result<CardRow, RepoError> {
    let row = cards::ActiveModel {
        id: Set(Uuid::now_v7()),
        deck_id: Set(deck_id.as_uuid()),
        profile_id: Set(profile_id.as_uuid()),
        lemma_key: Set(content.lemma_key()),
        search_key: Set(content.search_key()),
        front: Set(content.front),
        back: Set(content.back),
        lemma: Set(content.lemma),
        part_of_speech: Set(content.part_of_speech),
        gender: Set(content.gender),
        forms: Set(content.forms),
        transcription: Set(content.transcription),
        example: Set(content.example),
        example_translation: Set(content.example_translation),
        notes: Set(content.notes),
        source: Set(source.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(Cards::insert(row).exec_with_returning(conn).await?)
}

pub async fn update_content(
    conn: &impl ConnectionTrait,
    row: CardRow,
    content: CardContent,
    now: DateTime<Utc>,
) -> Result<CardRow, RepoError> {
    let mut active: cards::ActiveModel = row.into();
    active.lemma_key = Set(content.lemma_key());
    active.search_key = Set(content.search_key());
    active.front = Set(content.front);
    active.back = Set(content.back);
    active.lemma = Set(content.lemma);
    active.part_of_speech = Set(content.part_of_speech);
    active.gender = Set(content.gender);
    active.forms = Set(content.forms);
    active.transcription = Set(content.transcription);
    active.example = Set(content.example);
    active.example_translation = Set(content.example_translation);
    active.notes = Set(content.notes);
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

pub async fn move_to(
    conn: &impl ConnectionTrait,
    row: CardRow,
    deck_id: DeckId,
    now: DateTime<Utc>,
) -> Result<CardRow, RepoError> {
    let mut active: cards::ActiveModel = row.into();
    active.deck_id = Set(deck_id.as_uuid());
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), RepoError> {
    Cards::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The card when it lies in one of `user_id`'s profiles; otherwise `None`.
pub async fn find_owned(conn: &impl ConnectionTrait, user_id: UserId, id: Uuid) -> Result<Option<CardRow>, RepoError> {
    Ok(Cards::find_by_id(id).filter(Column::ProfileId.in_subquery(owned_profiles(user_id))).one(conn).await?)
}

pub async fn find_by_lemma_key(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    key: &str,
) -> Result<Option<CardRow>, RepoError> {
    Ok(Cards::find()
        .filter(Column::ProfileId.eq(profile_id.as_uuid()))
        .filter(Column::LemmaKey.eq(key))
        .one(conn)
        .await?)
}

/// Cards in all of the user's profiles (the plan's card limit counts them all).
pub async fn count_for_user(conn: &impl ConnectionTrait, user_id: UserId) -> Result<u64, RepoError> {
    Ok(Cards::find().filter(Column::ProfileId.in_subquery(owned_profiles(user_id))).count(conn).await?)
}

/// The ids of `user_id`'s profiles, as a subquery.
pub(crate) fn owned_profiles(user_id: UserId) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(language_profiles::Column::Id)
        .from(language_profiles::Entity)
        .and_where(Expr::col(language_profiles::Column::UserId).eq(user_id.as_uuid()))
        .to_owned()
}

/// What a card list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CardQuery {
    pub deck_id: Option<DeckId>,
    pub state: Option<CardState>,
    pub search: Option<String>,
    pub limit: u64,
    pub offset: u64,
}

/// Which profile a card list reads.
#[derive(Debug, Clone, Copy)]
pub enum ListedProfile {
    Active,
    Given(ProfileId),
    /// The profile of `CardQuery::deck_id` (which must be set).
    OfDeck,
}

/// One page of the user's cards, newest first, each with the learner's progress, and the
/// total that matches: one round trip. The page is picked (and counted) from the cards index
/// and the learner's progress index first; only its rows are then read whole. An empty page
/// carries no total (`None`): the caller tells "nothing matches" from "no such profile or
/// deck" and counts past the end itself.
pub async fn list(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile: ListedProfile,
    filter: &CardQuery,
) -> Result<(Vec<(CardRow, Option<ProgressRow>)>, Option<u64>), RepoError> {
    let mut p = crate::raw::Params::default();
    let user = p.bind(user_id.as_uuid());
    let profile = match profile {
        ListedProfile::Active => "lp.is_active".to_owned(),
        ListedProfile::Given(id) => format!("lp.id = {}", p.bind(id.as_uuid())),
        ListedProfile::OfDeck => "TRUE".to_owned(),
    };
    let mut conditions = vec!["TRUE".to_owned()];
    if let Some(deck_id) = filter.deck_id {
        conditions.push(format!("c.deck_id = {}", p.bind(deck_id.as_uuid())));
    }
    // Folded like the stored key (issue 11: no case, no diacritics).
    if let Some(search) = filter.search.as_deref().map(domain::text::search_key).filter(|s| !s.is_empty()) {
        let escaped = search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        conditions.push(format!("c.search_key LIKE {} ESCAPE '\\'", p.bind(format!("%{escaped}%"))));
    }
    match filter.state {
        // A card nobody has studied has no progress row at all.
        Some(CardState::New) => conditions.push("(g.card_id IS NULL OR g.state = 'new')".to_owned()),
        Some(state) => conditions.push(format!("g.state = {}", p.bind(state.as_str()))),
        None => {}
    }
    let limit = p.bind(i64::try_from(filter.limit).unwrap_or(i64::MAX));
    let offset = p.bind(i64::try_from(filter.offset).unwrap_or(i64::MAX));
    let sql = format!(
        "WITH page AS (\
            SELECT c.id, c.created_at, COUNT(*) OVER () AS total FROM cards c \
            JOIN language_profiles lp ON lp.id = c.profile_id AND lp.user_id = {user} AND {profile} \
            LEFT JOIN (SELECT cp.card_id, cp.state FROM card_progress cp WHERE cp.user_id = {user}) g \
                ON g.card_id = c.id \
            WHERE {conditions} ORDER BY c.created_at DESC, c.id DESC LIMIT {limit} OFFSET {offset}) \
        SELECT page.total, {card_columns}, {progress_columns} FROM page JOIN cards c ON c.id = page.id \
        LEFT JOIN card_progress p ON p.card_id = c.id AND p.user_id = {user} \
        ORDER BY page.created_at DESC, page.id DESC",
        card_columns = *CARD_COLUMNS,
        progress_columns = *PROGRESS_COLUMNS,
        conditions = conditions.join(" AND "),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    let mut total = None;
    let mut page = Vec::with_capacity(rows.len());
    // `page.total`, then the card's and its progress's columns, read by position.
    for row in &rows {
        let count: i64 = row.try_get_by_index(0)?;
        total = Some(crate::raw::count(count));
        let mut columns = Columns::from(row, 1);
        let card = by_position::card(&mut columns)?
            .ok_or_else(|| DbErr::Custom("a listed card came without its id".into()))?;
        page.push((card, by_position::progress(&mut columns)?));
    }
    Ok((page, total))
}

/// How many cards match a list's filter (for a page past the end).
pub async fn count_matching(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    filter: &CardQuery,
) -> Result<u64, RepoError> {
    let everything = CardQuery { limit: 1, offset: 0, ..filter.clone() };
    let (_, total) = list(conn, user_id, ListedProfile::Given(profile_id), &everything).await?;
    Ok(total.unwrap_or(0))
}

pub async fn find_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<CardRow>, RepoError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Cards::find().filter(Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

/// Every card of a deck, oldest first (export).
pub async fn list_in_deck(conn: &impl ConnectionTrait, deck_id: DeckId) -> Result<Vec<CardRow>, RepoError> {
    Ok(Cards::find()
        .filter(Column::DeckId.eq(deck_id.as_uuid()))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?)
}

/// The lemma keys of a profile that are among `keys` (duplicate check for a batch).
pub async fn existing_keys(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    keys: &[String],
) -> Result<Vec<(String, Uuid)>, RepoError> {
    Ok(find_by_lemma_keys(conn, profile_id, keys).await?.into_iter().map(|r| (r.lemma_key, r.id)).collect())
}

/// The profile's cards whose normalised lemma is one of `keys`.
pub async fn find_by_lemma_keys(
    conn: &impl ConnectionTrait,
    profile_id: ProfileId,
    keys: &[String],
) -> Result<Vec<CardRow>, RepoError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Cards::find()
        .filter(Column::ProfileId.eq(profile_id.as_uuid()))
        .filter(Column::LemmaKey.is_in(keys.iter().cloned()))
        .all(conn)
        .await?)
}
