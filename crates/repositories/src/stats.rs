//! What the streak, the calendar and the stats screen read: days of activity, reviews, card
//! states and exercise results, each in one aggregate statement for both engines.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{LatestRun, ProfileId, StudyRuns, UserId};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult};
use uuid::Uuid;

use crate::RepoError;
use crate::raw::{Params, count};

/// The one definition of an active day, over one `daily_activity` row: a card reviewed, an
/// exercise finished or a card added (a tutor message alone does not count). A day is active
/// when any of its rows (one per profile) is; the counters are never negative, so that is the
/// same as their sums. It is also the predicate of `ix_daily_activity_active_days` (migration
/// 000063), written the same way so the planner uses that index.
pub const ACTIVE_DAY: &str = "cards_reviewed + exercises_done + cards_added > 0";

/// The runs of the user's active study dates (`domain::StudyRuns`), counted by the database
/// in one row: a learner of a year has some 300 active days, of which the streak needs only
/// the count, the longest run and the latest one, and sending them all cost more than the
/// rest of the request (docs/performance.md, "Twelfth pass"). Consecutive dates share
/// `date - rank` (gaps and islands): a date less a whole number of days on PostgreSQL, a
/// Julian day number on SQLite.
pub async fn study_runs(conn: &impl ConnectionTrait, user_id: UserId) -> Result<StudyRuns, RepoError> {
    let island = match conn.get_database_backend() {
        DbBackend::Sqlite => "julianday(local_date) - ROW_NUMBER() OVER (ORDER BY local_date)",
        _ => "local_date - CAST(ROW_NUMBER() OVER (ORDER BY local_date) AS INTEGER)",
    };
    let mut p = Params::default();
    let sql = format!(
        "WITH days AS (SELECT DISTINCT local_date FROM daily_activity WHERE user_id = {user} AND {ACTIVE_DAY}), \
        runs AS (SELECT MAX(local_date) AS ends_on, COUNT(*) AS days \
            FROM (SELECT local_date, {island} AS island FROM days) AS d GROUP BY island) \
        SELECT ends_on, days, CAST(SUM(days) OVER () AS BIGINT) AS active_days, MAX(days) OVER () AS best \
        FROM runs ORDER BY ends_on DESC LIMIT 1",
        user = p.bind(user_id.as_uuid())
    );
    let Some(row) = conn.query_one_raw(p.statement(conn, &sql)).await? else {
        return Ok(StudyRuns::default());
    };
    let row = RunsRow::from_query_result(&row, "")?;
    let days = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(StudyRuns {
        active_days: days(row.active_days),
        best: days(row.best),
        latest: Some(LatestRun { ends_on: row.ends_on, days: days(row.days) }),
    })
}

#[derive(FromQueryResult)]
struct RunsRow {
    ends_on: NaiveDate,
    days: i64,
    active_days: i64,
    best: i64,
}

/// One study day's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayTotals {
    pub date: NaiveDate,
    pub reviews: u64,
    pub exercises: u64,
    pub cards_added: u64,
    pub seconds: u64,
}

#[derive(Debug, FromQueryResult)]
struct DayRow {
    local_date: NaiveDate,
    reviews: i64,
    exercises: i64,
    cards_added: i64,
    seconds: i64,
}

/// Totals per day from `from` to `to` (inclusive), days without activity left out; of one
/// profile or, with `None`, of all the user's.
pub async fn day_totals(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: Option<ProfileId>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayTotals>, RepoError> {
    let mut p = Params::default();
    let mut condition = format!(
        "user_id = {} AND local_date >= {} AND local_date <= {}",
        p.bind(user_id.as_uuid()),
        p.bind(from),
        p.bind(to)
    );
    if let Some(profile) = profile_id {
        condition.push_str(&format!(" AND profile_id = {}", p.bind(profile.as_uuid())));
    }
    let sql = format!(
        "SELECT local_date, COALESCE(SUM(cards_reviewed), 0) AS reviews, COALESCE(SUM(exercises_done), 0) AS exercises, \
         COALESCE(SUM(cards_added), 0) AS cards_added, COALESCE(SUM(seconds_spent), 0) AS seconds \
         FROM daily_activity WHERE {condition} GROUP BY local_date ORDER BY local_date"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter()
        .map(|row| {
            let day = DayRow::from_query_result(row, "")?;
            Ok(DayTotals {
                date: day.local_date,
                reviews: count(day.reviews),
                exercises: count(day.exercises),
                cards_added: count(day.cards_added),
                seconds: count(day.seconds),
            })
        })
        .collect()
}

/// Reviews in a period by rating, and how reviews of cards already in review went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewTotals {
    pub total: u64,
    pub again: u64,
    pub hard: u64,
    pub good: u64,
    pub easy: u64,
    /// Reviews of cards that were in the review state, and those not rated Again: retention.
    pub mature: u64,
    pub mature_passed: u64,
}

#[derive(Debug, FromQueryResult)]
struct ReviewRow {
    total: i64,
    again: i64,
    hard: i64,
    good: i64,
    easy: i64,
    mature: i64,
    mature_passed: i64,
}

pub async fn review_totals(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReviewTotals, RepoError> {
    let mut p = Params::default();
    let rating = |n: u8| format!("COALESCE(SUM(CASE WHEN rating = {n} THEN 1 ELSE 0 END), 0)");
    let sql = format!(
        "SELECT COUNT(*) AS total, {again} AS again, {hard} AS hard, {good} AS good, {easy} AS easy, \
         COALESCE(SUM(CASE WHEN state_before = 'review' THEN 1 ELSE 0 END), 0) AS mature, \
         COALESCE(SUM(CASE WHEN state_before = 'review' AND rating > 1 THEN 1 ELSE 0 END), 0) AS mature_passed \
         FROM card_reviews WHERE user_id = {user} AND profile_id = {profile} AND undone_at IS NULL \
         AND local_date >= {from} AND local_date <= {to}",
        again = rating(1),
        hard = rating(2),
        good = rating(3),
        easy = rating(4),
        user = p.bind(user_id.as_uuid()),
        profile = p.bind(profile_id.as_uuid()),
        from = p.bind(from),
        to = p.bind(to),
    );
    let Some(row) = conn.query_one_raw(p.statement(conn, &sql)).await? else { return Ok(ReviewTotals::default()) };
    let r = ReviewRow::from_query_result(&row, "")?;
    Ok(ReviewTotals {
        total: count(r.total),
        again: count(r.again),
        hard: count(r.hard),
        good: count(r.good),
        easy: count(r.easy),
        mature: count(r.mature),
        mature_passed: count(r.mature_passed),
    })
}

/// The profile's cards by their current state (`new` for cards never studied).
pub async fn card_states(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
) -> Result<Vec<(String, u64)>, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT COALESCE(pr.state, 'new') AS state, COUNT(*) AS n FROM cards c \
         LEFT JOIN card_progress pr ON pr.card_id = c.id AND pr.user_id = {user} \
         WHERE c.profile_id = {profile} GROUP BY COALESCE(pr.state, 'new')",
        user = p.bind(user_id.as_uuid()),
        profile = p.bind(profile_id.as_uuid()),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter().map(|row| Ok((row.try_get::<String>("", "state")?, count(row.try_get::<i64>("", "n")?)))).collect()
}

/// Exercise results of one topic (`None`: attempts whose topic was deleted) in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicResults {
    pub topic_id: Option<Uuid>,
    pub name: Option<String>,
    pub attempts: u64,
    pub correct: u64,
    pub partial: u64,
}

pub async fn exercise_results(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    profile_id: ProfileId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<TopicResults>, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT a.topic_id AS topic_id, t.name AS name, COUNT(*) AS attempts, \
         COALESCE(SUM(CASE WHEN a.result = 'correct' THEN 1 ELSE 0 END), 0) AS correct, \
         COALESCE(SUM(CASE WHEN a.result = 'partial' THEN 1 ELSE 0 END), 0) AS partial \
         FROM exercise_attempts a LEFT JOIN topics t ON t.id = a.topic_id \
         WHERE a.user_id = {user} AND a.profile_id = {profile} AND a.completed_at >= {from} AND a.completed_at < {to} \
         GROUP BY a.topic_id, t.name ORDER BY attempts DESC, name",
        user = p.bind(user_id.as_uuid()),
        profile = p.bind(profile_id.as_uuid()),
        from = p.bind(from),
        to = p.bind(to),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter()
        .map(|row| {
            Ok(TopicResults {
                topic_id: row.try_get::<Option<Uuid>>("", "topic_id")?,
                name: row.try_get::<Option<String>>("", "name")?,
                attempts: count(row.try_get::<i64>("", "attempts")?),
                correct: count(row.try_get::<i64>("", "correct")?),
                partial: count(row.try_get::<i64>("", "partial")?),
            })
        })
        .collect()
}
