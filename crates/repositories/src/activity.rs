//! Daily activity per learner, profile and local study date; streaks and stats read it.

use chrono::NaiveDate;
use domain::{ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, InsertStatement, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait, QueryTrait};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::daily_activity::{self, Column, Entity as Activity};

/// Adds one review (and a new card when `was_new`) to the day, creating the row if needed;
/// `sign` -1 takes one away again (undo).
pub async fn add_review(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    date: NaiveDate,
    was_new: bool,
    seconds: i32,
    sign: i32,
) -> Result<(), RepoError> {
    conn.execute(&add_review_statement(user_id, profile_id, date, was_new, seconds, sign)).await?;
    Ok(())
}

/// The statement `add_review` runs (`review_write` puts it beside the review's other writes).
pub(crate) fn add_review_statement(
    user_id: UserId,
    profile_id: ProfileId,
    date: NaiveDate,
    was_new: bool,
    seconds: i32,
    sign: i32,
) -> InsertStatement {
    let new_cards = if was_new { sign } else { 0 };
    let day = ReviewedDay { user_id, profile_id, date, was_new, seconds };
    let add = |column: Column, by: i32| Expr::col((Activity, column)).add(by);
    let on_conflict = OnConflict::columns([Column::UserId, Column::ProfileId, Column::LocalDate])
        .value(Column::CardsReviewed, add(Column::CardsReviewed, sign))
        .value(Column::NewCardsStudied, add(Column::NewCardsStudied, new_cards))
        .value(Column::SecondsSpent, add(Column::SecondsSpent, seconds * sign))
        .to_owned();
    Activity::insert(review_row(&day, sign)).on_conflict(on_conflict).into_query()
}

/// One review's share of a day (`add_reviews_statement`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReviewedDay {
    pub(crate) user_id: UserId,
    pub(crate) profile_id: ProfileId,
    pub(crate) date: NaiveDate,
    pub(crate) was_new: bool,
    pub(crate) seconds: i32,
}

/// The day's row as a review (`sign` 1) or its undo (-1) creates it: a first row never counts
/// below zero.
fn review_row(day: &ReviewedDay, sign: i32) -> daily_activity::ActiveModel {
    let new_cards = if day.was_new { sign } else { 0 };
    daily_activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(day.user_id.as_uuid()),
        profile_id: Set(day.profile_id.as_uuid()),
        local_date: Set(day.date),
        cards_reviewed: Set(Ord::max(sign, 0)),
        new_cards_studied: Set(Ord::max(new_cards, 0)),
        cards_added: Set(0),
        exercises_done: Set(0),
        messages_sent: Set(0),
        seconds_spent: Set(Ord::max(day.seconds * sign, 0)),
        extra_new_cards: Set(0),
    }
}

/// `add_review_statement` (with `sign` 1) for several days at once, each of another learner,
/// profile or date (one statement cannot update a row twice): each row inserted carries its
/// own increments, which a conflict adds from `excluded`. Never empty.
pub(crate) fn add_reviews_statement(days: &[ReviewedDay]) -> InsertStatement {
    let add = |column: Column| Expr::col((Activity, column)).add(Expr::col((Alias::new("excluded"), column)));
    let on_conflict = OnConflict::columns([Column::UserId, Column::ProfileId, Column::LocalDate])
        .value(Column::CardsReviewed, add(Column::CardsReviewed))
        .value(Column::NewCardsStudied, add(Column::NewCardsStudied))
        .value(Column::SecondsSpent, add(Column::SecondsSpent))
        .to_owned();
    Activity::insert_many(days.iter().map(|day| review_row(day, 1))).on_conflict(on_conflict).into_query()
}

/// Counts one tutor answer for the day, creating the row if needed.
pub async fn add_message(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    date: NaiveDate,
) -> Result<(), RepoError> {
    bump(conn, user_id, profile_id, date, Counter::MessagesSent, 1).await
}

/// Counts `count` cards added on the day (by hand, import, generation or from the tutor).
pub async fn add_cards(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    date: NaiveDate,
    count: u32,
) -> Result<(), RepoError> {
    if count == 0 {
        return Ok(());
    }
    bump(conn, user_id, profile_id, date, Counter::CardsAdded, i32::try_from(count).unwrap_or(i32::MAX)).await
}

/// Adds `count` new cards to the day's allowance of the profile ("study more today"); the
/// queue's allowance reads it back (`raw::new_cards_studied_on`).
pub async fn add_extra_new_cards(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    date: NaiveDate,
    count: u32,
) -> Result<(), RepoError> {
    bump(conn, user_id, profile_id, date, Counter::ExtraNewCards, i32::try_from(count).unwrap_or(i32::MAX)).await
}

/// Counts one graded exercise for the day, and the seconds spent on it.
pub async fn add_exercise(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    date: NaiveDate,
    seconds: u32,
) -> Result<(), RepoError> {
    bump(conn, user_id, profile_id, date, Counter::ExercisesDone, 1).await?;
    if seconds > 0 {
        let seconds = i32::try_from(seconds).unwrap_or(i32::MAX);
        bump(conn, user_id, profile_id, date, Counter::SecondsSpent, seconds).await?;
    }
    Ok(())
}

/// The counters that only ever go up by themselves (reviews move several at once).
#[derive(Debug, Clone, Copy)]
enum Counter {
    CardsAdded,
    ExtraNewCards,
    ExercisesDone,
    MessagesSent,
    SecondsSpent,
}

/// Adds `by` to one counter of the day, creating the row if needed.
async fn bump(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    date: NaiveDate,
    counter: Counter,
    by: i32,
) -> Result<(), RepoError> {
    let mut row = daily_activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id.as_uuid()),
        profile_id: Set(profile_id.as_uuid()),
        local_date: Set(date),
        cards_reviewed: Set(0),
        new_cards_studied: Set(0),
        cards_added: Set(0),
        exercises_done: Set(0),
        messages_sent: Set(0),
        seconds_spent: Set(0),
        extra_new_cards: Set(0),
    };
    let column = match counter {
        Counter::ExtraNewCards => {
            row.extra_new_cards = Set(by);
            Column::ExtraNewCards
        }
        Counter::CardsAdded => {
            row.cards_added = Set(by);
            Column::CardsAdded
        }
        Counter::MessagesSent => {
            row.messages_sent = Set(by);
            Column::MessagesSent
        }
        Counter::ExercisesDone => {
            row.exercises_done = Set(by);
            Column::ExercisesDone
        }
        Counter::SecondsSpent => {
            row.seconds_spent = Set(by);
            Column::SecondsSpent
        }
    };
    let on_conflict = OnConflict::columns([Column::UserId, Column::ProfileId, Column::LocalDate])
        .value(column, Expr::col((Activity, column)).add(by))
        .to_owned();
    Activity::insert(row).on_conflict(on_conflict).exec_without_returning(conn).await?;
    Ok(())
}
