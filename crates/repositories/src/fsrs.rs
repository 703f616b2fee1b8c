//! Personal FSRS parameters: which profiles are due for a fit, the fitting job's lease, the
//! review log a fit reads, the record of each fit and what the profile schedules with.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use crate::RepoError;
use crate::raw::Params;

/// A profile with enough new reviews since its last fit.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FitCandidate {
    pub profile_id: Uuid,
    pub user_id: Uuid,
    /// The review count at the profile's last fit when it was chosen: `lease` takes the profile
    /// only while that is still so, so a fit that ended meanwhile is not run again.
    pub fitted_at: i32,
}

/// When a profile is due for a fit.
#[derive(Debug, Clone, Copy)]
pub struct FitPolicy {
    /// No fit before this many reviews.
    pub min_reviews: i64,
    /// Fit again after this many more…
    pub refit_every: i64,
    /// …or when the last fit is older than this and there are new reviews at all.
    pub refit_before: DateTime<Utc>,
}

/// Profiles due for a fit and not leased, oldest fit first. Review counts come from the daily
/// activity (one row per profile and day), so choosing costs no pass over the review log.
pub async fn due_for_fit(
    conn: &impl ConnectionTrait,
    policy: FitPolicy,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<FitCandidate>, RepoError> {
    let mut p = Params::default();
    let (min, every, before, now) =
        (p.bind(policy.min_reviews), p.bind(policy.refit_every), p.bind(policy.refit_before), p.bind(now));
    let limit = p.bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let sql = format!(
        "SELECT profile_id, user_id, fitted_at FROM (\
            SELECT lp.id AS profile_id, lp.user_id, f.last_fit_at, COALESCE(f.reviews_at_last_fit, 0) AS fitted_at, \
                (SELECT COALESCE(SUM(a.cards_reviewed), 0) FROM daily_activity a \
                    WHERE a.user_id = lp.user_id AND a.profile_id = lp.id) AS reviews \
            FROM language_profiles lp LEFT JOIN profile_fsrs f ON f.profile_id = lp.id \
            WHERE f.lease_until IS NULL OR f.lease_until < {now}) AS t \
        WHERE reviews >= {min} AND (last_fit_at IS NULL OR reviews - fitted_at >= {every} \
            OR (last_fit_at < {before} AND reviews > fitted_at)) \
        ORDER BY last_fit_at IS NOT NULL, last_fit_at, profile_id LIMIT {limit}"
    );
    Ok(FitCandidate::find_by_statement(p.statement(conn, &sql)).all(conn).await?)
}

/// Takes the profile for one fitting job until `until`; `false` when another holds it, or when
/// a fit ended since `candidate` was chosen (its review count at the last fit moved on: without
/// this, a second notifier holding the same candidate list would fit the profile again once
/// the first released the lease).
pub async fn lease(
    conn: &impl ConnectionTrait,
    candidate: &FitCandidate,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let mut p = Params::default();
    let (profile, seen, until, now) =
        (p.bind(candidate.profile_id), p.bind(candidate.fitted_at), p.bind(until), p.bind(now));
    let sql = format!(
        "INSERT INTO profile_fsrs (profile_id, lease_until) VALUES ({profile}, {until}) \
        ON CONFLICT (profile_id) DO UPDATE SET lease_until = excluded.lease_until \
        WHERE (profile_fsrs.lease_until IS NULL OR profile_fsrs.lease_until < {now}) \
            AND profile_fsrs.reviews_at_last_fit = {seen} \
        RETURNING profile_id"
    );
    Ok(conn.query_one_raw(p.statement(conn, &sql)).await?.is_some())
}

/// One review as a fit reads it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LoggedReviewRow {
    pub card_id: Uuid,
    pub rating: i16,
    pub elapsed_days: i32,
    pub reviewed_at: DateTime<Utc>,
    pub first_review: bool,
}

/// The profile's most recent `limit` reviews (undone ones left out), oldest first, and how many
/// it has in all.
pub async fn review_log(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    profile_id: Uuid,
    limit: u64,
) -> Result<(Vec<LoggedReviewRow>, i64), RepoError> {
    let mut p = Params::default();
    let (user, profile) = (p.bind(user_id), p.bind(profile_id));
    let limit = p.bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let sql = format!(
        "SELECT card_id, rating, elapsed_days, reviewed_at, state_before = 'new' AS first_review, \
            COUNT(*) OVER () AS total FROM card_reviews \
        WHERE user_id = {user} AND profile_id = {profile} AND undone_at IS NULL \
        ORDER BY reviewed_at DESC, id LIMIT {limit}"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    let total = match rows.first() {
        Some(row) => row.try_get::<i64>("", "total")?,
        None => 0,
    };
    let mut log = rows.iter().map(|row| LoggedReviewRow::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    log.reverse();
    Ok((log, total))
}

/// What a finished (or failed) fit leaves behind.
#[derive(Debug, Clone)]
pub struct FitRecord {
    pub profile_id: Uuid,
    pub review_count: i64,
    pub outcome: FitOutcome,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub enum FitOutcome {
    Ran { adopted: bool, parameters: serde_json::Value, trained_on: i64, held_out: i64, figures: FitFigures },
    Failed { error: String },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitFigures {
    pub log_loss_before: f64,
    pub rmse_before: f64,
    pub log_loss_after: f64,
    pub rmse_after: f64,
}

/// Records the fit, adopts its parameters when it won, and releases the lease, as one unit:
/// call it in a transaction. `false` (and nothing to commit) when the lease was lost meanwhile.
pub async fn record_fit(
    conn: &impl ConnectionTrait,
    record: &FitRecord,
    leased_until: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let mut p = Params::default();
    let (profile, at, count, lease) =
        (p.bind(record.profile_id), p.bind(record.at), p.bind(record.review_count), p.bind(leased_until));
    let adopt = match &record.outcome {
        FitOutcome::Ran { adopted: true, parameters, .. } => {
            let parameters = p.bind(parameters.clone());
            format!("parameters = {parameters}, parameters_since = {at}, ")
        }
        _ => String::new(),
    };
    let sql = format!(
        "UPDATE profile_fsrs SET {adopt}last_fit_at = {at}, reviews_at_last_fit = {count}, lease_until = NULL \
        WHERE profile_id = {profile} AND lease_until = {lease}"
    );
    if conn.execute_raw(p.statement(conn, &sql)).await?.rows_affected() == 0 {
        return Ok(false);
    }
    let mut p = Params::default();
    let (id, profile, at, count) =
        (p.bind(Uuid::now_v7()), p.bind(record.profile_id), p.bind(record.at), p.bind(record.review_count));
    let sql = match &record.outcome {
        FitOutcome::Ran { adopted, parameters, trained_on, held_out, figures } => {
            let outcome = p.bind(if *adopted { "adopted" } else { "rejected" });
            let (trained_on, held_out, parameters) =
                (p.bind(*trained_on), p.bind(*held_out), p.bind(parameters.clone()));
            let (llb, rb, lla, ra) = (
                p.bind(figures.log_loss_before),
                p.bind(figures.rmse_before),
                p.bind(figures.log_loss_after),
                p.bind(figures.rmse_after),
            );
            format!(
                "INSERT INTO fsrs_fits (id, profile_id, outcome, review_count, trained_on, held_out, parameters, \
                    log_loss_before, rmse_before, log_loss_after, rmse_after, created_at) \
                VALUES ({id}, {profile}, {outcome}, {count}, {trained_on}, {held_out}, {parameters}, \
                    {llb}, {rb}, {lla}, {ra}, {at})"
            )
        }
        FitOutcome::Failed { error } => {
            let error = p.bind(error.chars().take(500).collect::<String>());
            format!(
                "INSERT INTO fsrs_fits (id, profile_id, outcome, review_count, trained_on, held_out, error, created_at) \
                VALUES ({id}, {profile}, 'failed', {count}, 0, 0, {error}, {at})"
            )
        }
    };
    conn.execute_raw(p.statement(conn, &sql)).await?;
    Ok(true)
}

/// Back to FSRS's defaults; the fits stay on record. `false` when the profile had none.
pub async fn reset(conn: &impl ConnectionTrait, profile_id: Uuid) -> Result<bool, RepoError> {
    let mut p = Params::default();
    let profile = p.bind(profile_id);
    let sql = format!(
        "UPDATE profile_fsrs SET parameters = NULL, parameters_since = NULL \
        WHERE profile_id = {profile} AND parameters IS NOT NULL"
    );
    Ok(conn.execute_raw(p.statement(conn, &sql)).await?.rows_affected() > 0)
}

/// What a profile schedules with and its last fit, for the memory page.
#[derive(Debug, Clone, FromQueryResult)]
pub struct MemoryRow {
    pub parameters: Option<serde_json::Value>,
    pub parameters_since: Option<DateTime<Utc>>,
    pub fit_outcome: Option<String>,
    pub fit_at: Option<DateTime<Utc>>,
    pub fit_review_count: Option<i32>,
    pub fit_held_out: Option<i32>,
    pub log_loss_before: Option<f64>,
    pub rmse_before: Option<f64>,
    pub log_loss_after: Option<f64>,
    pub rmse_after: Option<f64>,
}

pub async fn memory(conn: &impl ConnectionTrait, profile_id: Uuid) -> Result<MemoryRow, RepoError> {
    let mut p = Params::default();
    let profile = p.bind(profile_id);
    let sql = format!(
        "SELECT f.parameters, f.parameters_since, x.outcome AS fit_outcome, x.created_at AS fit_at, \
            x.review_count AS fit_review_count, x.held_out AS fit_held_out, x.log_loss_before, x.rmse_before, \
            x.log_loss_after, x.rmse_after \
        FROM (SELECT {profile} AS id) AS me \
        LEFT JOIN profile_fsrs f ON f.profile_id = me.id \
        LEFT JOIN fsrs_fits x ON x.id = (SELECT l.id FROM fsrs_fits l WHERE l.profile_id = me.id \
            ORDER BY l.created_at DESC, l.id DESC LIMIT 1)"
    );
    let row = MemoryRow::find_by_statement(p.statement(conn, &sql)).one(conn).await?;
    row.ok_or_else(|| RepoError::Setup("the memory query returned no row".to_owned()))
}

/// The profile's review count and, since `since`, its long-term reviews (a day or more after
/// the previous one, of a card in review) and how many of them were recalled.
#[derive(Debug, Clone, Copy, FromQueryResult)]
pub struct RecallTally {
    pub total: i64,
    pub long_term: i64,
    pub recalled: i64,
}

pub async fn recall_since(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    profile_id: Uuid,
    since: DateTime<Utc>,
) -> Result<RecallTally, RepoError> {
    let mut p = Params::default();
    let (user, profile, since) = (p.bind(user_id), p.bind(profile_id), p.bind(since));
    let recent = format!("state_before = 'review' AND elapsed_days >= 1 AND reviewed_at >= {since}");
    let sql = format!(
        "SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE {recent}) AS long_term, \
            COUNT(*) FILTER (WHERE {recent} AND rating > 1) AS recalled \
        FROM card_reviews WHERE user_id = {user} AND profile_id = {profile} AND undone_at IS NULL"
    );
    let tally = RecallTally::find_by_statement(p.statement(conn, &sql)).one(conn).await?;
    Ok(tally.unwrap_or(RecallTally { total: 0, long_term: 0, recalled: 0 }))
}

/// When the learner's studied cards of the profile come due before `until` (overdue ones
/// included), for the workload forecast.
pub async fn due_times(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    profile_id: Uuid,
    until: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, RepoError> {
    let mut p = Params::default();
    let (user, profile, until) = (p.bind(user_id), p.bind(profile_id), p.bind(until));
    let sql = format!(
        "SELECT cp.due FROM card_progress cp JOIN cards c ON c.id = cp.card_id \
        WHERE cp.user_id = {user} AND c.profile_id = {profile} AND cp.due < {until}"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    Ok(rows.iter().map(|row| row.try_get::<DateTime<Utc>>("", "due")).collect::<Result<_, _>>()?)
}
