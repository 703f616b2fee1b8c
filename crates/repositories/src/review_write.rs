//! A review's writes (the learner's `study_version`, the log entry, the learner's progress, the
//! day's activity) as one round trip on PostgreSQL: data-modifying CTEs in one statement,
//! instead of four statements (docs/performance.md). SQLite has no data-modifying CTEs, so
//! there they run one by one. Each write is the row its own module builds (`users`, `reviews`,
//! `progress`, `activity`), so the two paths cannot drift apart.
//!
//! The statement is whole on its own: it may run outside a transaction, after a read that did
//! not hold the learner's lock. Its first step bumps `study_version` only while it is the one
//! that read saw; on PostgreSQL that update waits for the learner's row and then checks the
//! newest version of it, so a review or undo that came in between leaves this one writing
//! nothing (`Written::Stale`), and every other write of the statement selects from that step.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, CommonTableExpression, Expr, InsertStatement, OnConflict, Query, WithClause};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, Iterable};

use crate::progress::ProgressValues;
use crate::reviews::NewReview;
use crate::{RepoError, activity, progress, reviews, users};

/// What the review adds to the learner's day.
#[derive(Debug, Clone, Copy)]
pub struct DayDelta {
    pub date: NaiveDate,
    /// The card was new before this review.
    pub was_new: bool,
    pub seconds: i32,
}

/// What `record` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Recorded,
    /// The learner already recorded a review under this `client_review_id` (a retry): nothing
    /// of this review was written (on SQLite the version bump was, for the caller's rollback).
    Replayed,
    /// The learner's study changed since `study_version` was read (or the learner is gone):
    /// nothing was written; read again.
    Stale,
}

/// Writes the review, the card's new progress and the day's activity, if the learner's
/// `study_version` is still `study_version`. Inside a transaction that holds the learner's lock
/// (SQLite's path, and PostgreSQL's after a stale answer) it cannot be stale.
pub async fn record(
    conn: &impl ConnectionTrait,
    review: NewReview,
    after: &ProgressValues,
    day: DayDelta,
    now: DateTime<Utc>,
    study_version: i64,
) -> Result<Written, RepoError> {
    let (user_id, card_id, profile_id) = (review.user_id, review.card_id, review.profile_id);
    if conn.get_database_backend() != DbBackend::Postgres {
        if conn.execute(&users::bump_study_version_statement(user_id, Some(study_version))).await?.rows_affected() == 0
        {
            return Ok(Written::Stale);
        }
        if !reviews::insert_once(conn, review).await? {
            return Ok(Written::Replayed);
        }
        progress::upsert(conn, user_id, card_id, after, now).await?;
        activity::add_review(conn, user_id, profile_id, day.date, day.was_new, day.seconds, 1).await?;
        return Ok(Written::Recorded);
    }
    let mut gate = users::bump_study_version_statement(user_id, Some(study_version));
    gate.returning_col(Alias::new("id"));
    let (row, on_conflict) = reviews::insert_once_parts(review);
    let mut log = insert_from(row, on_conflict, "gate")?;
    log.returning_col(Alias::new("id"));
    let (row, on_conflict) = progress::upsert_parts(user_id, card_id, after, now);
    let progress = insert_from(row, on_conflict, "recorded")?;
    let (row, on_conflict) = activity::add_review_parts(user_id, profile_id, day.date, day.was_new, day.seconds, 1);
    let activity = insert_from(row, on_conflict, "recorded")?;
    let cte = |name: &str, statement: sea_orm::sea_query::SubQueryStatement| {
        CommonTableExpression::new().query(statement).table_name(Alias::new(name)).to_owned()
    };
    let with = WithClause::new()
        .cte(cte("gate", gate.into()))
        .cte(cte("recorded", log.into()))
        .cte(cte("progress_written", progress.into()))
        .cte(cte("activity_written", activity.into()))
        .to_owned();
    let select = Query::select()
        .expr_as(Expr::cust("(SELECT COUNT(*) FROM gate)"), Alias::new("passed"))
        .expr_as(Expr::cust("(SELECT COUNT(*) FROM recorded)"), Alias::new("recorded"))
        .to_owned();
    let statement = conn.get_database_backend().build(&select.with(with));
    let row = conn
        .query_one_raw(statement)
        .await?
        .ok_or_else(|| RepoError::Database(sea_orm::DbErr::RecordNotFound("a review write returned no row".into())))?;
    let (passed, recorded): (i64, i64) = (row.try_get("", "passed")?, row.try_get("", "recorded")?);
    Ok(match (passed, recorded) {
        (0, _) => Written::Stale,
        (_, 0) => Written::Replayed,
        _ => Written::Recorded,
    })
}

/// `INSERT INTO <table> (<the row's set columns>) SELECT <their values> FROM <source>`: the row
/// once for every row `source` yields (here none or one), with the values sea-orm's own insert
/// of `row` would bind.
fn insert_from<A: ActiveModelTrait>(
    row: A,
    on_conflict: OnConflict,
    source: &str,
) -> Result<InsertStatement, RepoError> {
    let (mut columns, mut values) = (Vec::new(), Vec::new());
    for column in <A::Entity as EntityTrait>::Column::iter() {
        if let ActiveValue::Set(value) | ActiveValue::Unchanged(value) = row.get(column) {
            values.push(column.save_as(Expr::val(value)));
            columns.push(column);
        }
    }
    let select = Query::select().exprs(values).from(Alias::new(source)).to_owned();
    let mut insert = Query::insert();
    insert
        .into_table(A::Entity::default())
        .columns(columns)
        .select_from(select)
        .map_err(|e| RepoError::Database(sea_orm::DbErr::Custom(e.to_string())))?
        .on_conflict(on_conflict);
    Ok(insert)
}
