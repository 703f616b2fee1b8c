//! Every deck's counts for one learner in a single grouped query, for the deck list (instead
//! of a handful of queries per deck).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{DeckId, ProfileId, UserId};
use sea_orm::sea_query::{Alias, CaseStatement, Expr, ExprTrait, Func, JoinType, Query};
use sea_orm::{ConnectionTrait, FromQueryResult, StatementBuilder};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::{card_progress, cards};

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

#[derive(FromQueryResult)]
struct Row {
    deck_id: Uuid,
    total: i64,
    unstudied: i64,
    learning: i64,
    due: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Counts for every deck of the profile that has cards (decks without cards are absent).
pub async fn for_profile(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    day_end: DateTime<Utc>,
) -> Result<HashMap<DeckId, DeckCardCounts>, RepoError> {
    let progress = Alias::new("p");
    let state = || Expr::col((progress.clone(), card_progress::Column::State));
    // COALESCE: SUM over no rows is NULL.
    let sum_when = |condition: Expr| {
        let case: Expr = CaseStatement::new().case(condition, 1).finally(0).into();
        let sum: Expr = Func::sum(case).into();
        Func::coalesce([sum, Expr::val(0)])
    };
    let mut query = Query::select();
    query
        .column((cards::Entity, cards::Column::DeckId))
        .expr_as(Func::count(Expr::col((cards::Entity, cards::Column::Id))), Alias::new("total"))
        .expr_as(sum_when(Expr::col((progress.clone(), card_progress::Column::Id)).is_null()), Alias::new("unstudied"))
        .expr_as(sum_when(state().is_in(["learning", "relearning"])), Alias::new("learning"))
        .expr_as(
            sum_when(state().eq("review").and(Expr::col((progress.clone(), card_progress::Column::Due)).lt(day_end))),
            Alias::new("due"),
        )
        .from(cards::Entity)
        .join_as(
            JoinType::LeftJoin,
            card_progress::Entity,
            progress.clone(),
            Expr::col((progress.clone(), card_progress::Column::CardId))
                .equals((cards::Entity, cards::Column::Id))
                .and(Expr::col((progress.clone(), card_progress::Column::UserId)).eq(user_id.as_uuid())),
        )
        .and_where(Expr::col((cards::Entity, cards::Column::ProfileId)).eq(profile_id.as_uuid()))
        .group_by_col((cards::Entity, cards::Column::DeckId));
    let statement = StatementBuilder::build(&query, &conn.get_database_backend());
    let rows = Row::find_by_statement(statement).all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let counts = DeckCardCounts {
                total: count(r.total),
                unstudied: count(r.unstudied),
                learning: count(r.learning),
                due: count(r.due),
            };
            (DeckId::from_uuid(r.deck_id), counts)
        })
        .collect())
}
