//! A review's three writes (the log entry, the learner's progress, the day's activity) as one
//! round trip on PostgreSQL: data-modifying CTEs in one statement, instead of three statements
//! (docs/performance.md); a batch of reviews of several learners writes the same way, with a
//! row per review in each. SQLite has no data-modifying CTEs, so there they run one by one. Each
//! write is the statement its own module builds (`reviews`, `progress`, `activity`), so the two
//! paths cannot drift apart.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, CommonTableExpression, Expr, Query, WithClause};
use sea_orm::{ConnectionTrait, DbBackend};

use crate::activity::ReviewedDay;
use crate::progress::ProgressValues;
use crate::reviews::NewReview;
use crate::{RepoError, activity, progress, reviews};

/// What the review adds to the learner's day.
#[derive(Debug, Clone, Copy)]
pub struct DayDelta {
    pub date: NaiveDate,
    /// The card was new before this review.
    pub was_new: bool,
    pub seconds: i32,
}

/// One review's writes: its log entry, the card's progress after it, its share of the day.
pub struct ReviewWrite {
    pub review: NewReview,
    pub after: ProgressValues,
    pub day: DayDelta,
}

/// Writes the review, the card's new progress and the day's activity. `false`: the learner
/// already recorded a review under this `client_review_id` (a retry). On PostgreSQL the
/// progress and activity were then written too, so the caller must roll its transaction back,
/// as it does for any replay; on SQLite nothing was written.
pub async fn record(conn: &impl ConnectionTrait, write: ReviewWrite, now: DateTime<Utc>) -> Result<bool, RepoError> {
    if conn.get_database_backend() != DbBackend::Postgres {
        let ReviewWrite { review, after, day } = write;
        let (user_id, card_id, profile_id) = (review.user_id, review.card_id, review.profile_id);
        if !reviews::insert_once(conn, review).await? {
            return Ok(false);
        }
        progress::upsert(conn, user_id, card_id, &after, now).await?;
        activity::add_review(conn, user_id, profile_id, day.date, day.was_new, day.seconds, 1).await?;
        return Ok(true);
    }
    Ok(record_many(conn, vec![write], now).await? == 1)
}

/// The writes of several reviews, each of another learner (a statement cannot update a
/// progress or activity row twice), as one statement: PostgreSQL only (data-modifying CTEs).
/// Answers how many log entries were written: fewer than the reviews when some learner
/// already recorded a review under its `client_review_id`, whose progress and activity were
/// written all the same, so the caller must then roll its transaction back.
pub async fn record_many(
    conn: &impl ConnectionTrait,
    writes: Vec<ReviewWrite>,
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    if writes.is_empty() {
        return Ok(0);
    }
    let progress =
        progress::upsert_many_statement(writes.iter().map(|w| (w.review.user_id, w.review.card_id, &w.after)), now);
    let days: Vec<ReviewedDay> = writes
        .iter()
        .map(|w| ReviewedDay {
            user_id: w.review.user_id,
            profile_id: w.review.profile_id,
            date: w.day.date,
            was_new: w.day.was_new,
            seconds: w.day.seconds,
        })
        .collect();
    let activity = activity::add_reviews_statement(&days);
    let mut log = reviews::insert_once_statement(writes.into_iter().map(|w| w.review).collect());
    log.returning_col(Alias::new("id"));
    let cte =
        |name: &str, statement| CommonTableExpression::new().query(statement).table_name(Alias::new(name)).to_owned();
    let with = WithClause::new()
        .cte(cte("recorded", log))
        .cte(cte("progress_written", progress))
        .cte(cte("activity_written", activity))
        .to_owned();
    let select =
        Query::select().expr_as(Expr::cust("(SELECT COUNT(*) FROM recorded)"), Alias::new("recorded")).to_owned();
    let statement = conn.get_database_backend().build(&select.with(with));
    let row = conn
        .query_one_raw(statement)
        .await?
        .ok_or_else(|| RepoError::Database(sea_orm::DbErr::RecordNotFound("a review write returned no row".into())))?;
    let recorded: i64 = row.try_get("", "recorded")?;
    Ok(u64::try_from(recorded).unwrap_or(0))
}
