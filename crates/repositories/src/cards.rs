//! Cards. Duplicates are judged per profile on `lemma_key`; search runs on `search_key`; both
//! are folded by the application (`domain::text::normalized_key`).

use chrono::{DateTime, Utc};
use domain::text::normalized_key;
use domain::{CardState, DeckId, ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::card_progress;
use crate::entities::cards::{self, Column, Entity as Cards};
use crate::entities::language_profiles;

pub use crate::entities::cards::Model as CardRow;

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

/// One page of the profile's cards, newest first, with the total that matches.
pub async fn list(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    filter: &CardQuery,
) -> Result<(Vec<CardRow>, u64), RepoError> {
    let mut condition = Condition::all().add(Column::ProfileId.eq(profile_id.as_uuid()));
    if let Some(deck_id) = filter.deck_id {
        condition = condition.add(Column::DeckId.eq(deck_id.as_uuid()));
    }
    if let Some(search) = filter.search.as_deref().map(normalized_key).filter(|s| !s.is_empty()) {
        let escaped = search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        condition = condition.add(
            Expr::col(Column::SearchKey).like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    if let Some(state) = filter.state {
        let with_progress_in = |states: &[&str]| {
            Query::select()
                .column(card_progress::Column::CardId)
                .from(card_progress::Entity)
                .and_where(Expr::col(card_progress::Column::UserId).eq(user_id.as_uuid()))
                .and_where(Expr::col(card_progress::Column::State).is_in(states.iter().map(|s| (*s).to_owned())))
                .to_owned()
        };
        condition = condition.add(match state {
            // A card nobody has studied has no progress row at all.
            CardState::New => Column::Id.not_in_subquery(with_progress_in(&["learning", "review", "relearning"])),
            other => Column::Id.in_subquery(with_progress_in(&[other.as_str()])),
        });
    }
    let query = Cards::find().filter(condition);
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(filter.limit)
        .offset(filter.offset)
        .all(conn)
        .await?;
    Ok((rows, total))
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
