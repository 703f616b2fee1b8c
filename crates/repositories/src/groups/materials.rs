//! Decks and topics shared with a group. The list is one statement with the viewer's own
//! counts for each deck (the schedule is per learner, `card_progress` per user).

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::group_materials::{self, Column, Entity as Materials};
use crate::raw::{Params, columns, count};

pub use crate::entities::group_materials::Model as MaterialRow;

/// What is shared: one deck or one topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    Deck(Uuid),
    Topic(Uuid),
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    shared: Shared,
    shared_by: UserId,
    now: DateTime<Utc>,
) -> Result<MaterialRow, RepoError> {
    let (deck_id, topic_id) = match shared {
        Shared::Deck(id) => (Some(id), None),
        Shared::Topic(id) => (None, Some(id)),
    };
    let row = group_materials::ActiveModel {
        id: Set(Uuid::now_v7()),
        group_id: Set(group_id),
        deck_id: Set(deck_id),
        topic_id: Set(topic_id),
        shared_by: Set(shared_by.as_uuid()),
        shared_at: Set(now),
    };
    Ok(Materials::insert(row).exec_with_returning(conn).await?)
}

pub async fn find(conn: &impl ConnectionTrait, group_id: Uuid, id: Uuid) -> Result<Option<MaterialRow>, RepoError> {
    Ok(Materials::find_by_id(id).filter(Column::GroupId.eq(group_id)).one(conn).await?)
}

/// `false` when the group has no such material.
pub async fn delete(conn: &impl ConnectionTrait, group_id: Uuid, id: Uuid) -> Result<bool, RepoError> {
    let done =
        Materials::delete_many().filter(Column::Id.eq(id)).filter(Column::GroupId.eq(group_id)).exec(conn).await?;
    Ok(done.rows_affected > 0)
}

/// A material with what the list shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialView {
    pub material: MaterialRow,
    pub shared_by_first_name: String,
    pub deck: Option<SharedDeck>,
    pub topic: Option<SharedTopic>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct SharedDeck {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub card_count: i64,
    /// The viewer's cards of the deck whose review is due at `now`.
    pub due_now: i64,
    /// Cards of the deck the viewer has not started.
    pub new_available: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct SharedTopic {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
}

#[derive(Debug, FromQueryResult)]
struct Sharer {
    shared_by_first_name: String,
}

/// The group's materials, newest first, with the viewer's counts for each deck.
pub async fn list(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    viewer: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<MaterialView>, RepoError> {
    let mut p = Params::default();
    let group = p.bind(group_id);
    let viewer = p.bind(viewer.as_uuid());
    let now = p.bind(now);
    let sql = format!(
        "WITH tally AS (\
            SELECT c.deck_id, COUNT(*) AS card_count, \
                COUNT(*) FILTER (WHERE g.id IS NULL OR g.state = 'new') AS new_available, \
                COUNT(*) FILTER (WHERE g.state <> 'new' AND g.due <= {now}) AS due_now \
            FROM cards c JOIN group_materials gm ON gm.deck_id = c.deck_id AND gm.group_id = {group} \
            LEFT JOIN card_progress g ON g.card_id = c.id AND g.user_id = {viewer} \
            GROUP BY c.deck_id) \
         SELECT {material}, u.first_name AS shared_by_first_name, \
            d.id AS d_id, d.name AS d_name, d.description AS d_description, \
            COALESCE(t.card_count, 0) AS d_card_count, COALESCE(t.due_now, 0) AS d_due_now, \
            COALESCE(t.new_available, 0) AS d_new_available, \
            tp.id AS t_id, tp.name AS t_name, tp.description AS t_description, tp.kind AS t_kind \
         FROM group_materials m JOIN users u ON u.id = m.shared_by \
         LEFT JOIN decks d ON d.id = m.deck_id LEFT JOIN tally t ON t.deck_id = m.deck_id \
         LEFT JOIN topics tp ON tp.id = m.topic_id \
         WHERE m.group_id = {group} ORDER BY m.shared_at DESC, m.id DESC",
        material = columns::<Materials>("m", "m_"),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter()
        .map(|row| {
            let material = MaterialRow::from_query_result(row, "m_")?;
            let deck = match material.deck_id {
                Some(_) => Some(SharedDeck::from_query_result(row, "d_")?),
                None => None,
            };
            let topic = match material.topic_id {
                Some(_) => Some(SharedTopic::from_query_result(row, "t_")?),
                None => None,
            };
            let sharer = Sharer::from_query_result(row, "")?;
            Ok(MaterialView { material, shared_by_first_name: sharer.shared_by_first_name, deck, topic })
        })
        .collect()
}

/// A counted number as unsigned.
pub fn counted(n: i64) -> u64 {
    count(n)
}

/// The language of the profile a deck belongs to.
pub async fn deck_language(conn: &impl ConnectionTrait, deck_id: Uuid) -> Result<Option<String>, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT lp.language FROM decks d JOIN language_profiles lp ON lp.id = d.profile_id WHERE d.id = {}",
        p.bind(deck_id)
    );
    let row = conn.query_one_raw(p.statement(conn, &sql)).await?;
    Ok(row.map(|row| row.try_get::<String>("", "language")).transpose()?)
}

/// A deck someone else shared with a live group of the learner, for the bot's deck picker.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DeckSharedWithMe {
    pub deck_id: Uuid,
    pub name: String,
    /// One of the groups it is shared with (a deck may be shared with several).
    pub group_name: String,
}

/// Decks shared with the learner's live groups (not their own), by name.
pub async fn decks_shared_with(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Vec<DeckSharedWithMe>, RepoError> {
    let mut p = Params::default();
    let user = p.bind(user_id.as_uuid());
    let sql = format!(
        "SELECT d.id AS deck_id, d.name AS name, MIN(g.name) AS group_name FROM group_materials gm \
         JOIN group_members m ON m.group_id = gm.group_id AND m.user_id = {user} \
         JOIN groups g ON g.id = gm.group_id AND g.archived_at IS NULL \
         JOIN decks d ON d.id = gm.deck_id \
         WHERE d.owner_id <> {user} \
         GROUP BY d.id, d.name ORDER BY d.name, d.id"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter().map(|row| Ok(DeckSharedWithMe::from_query_result(row, "")?)).collect()
}
