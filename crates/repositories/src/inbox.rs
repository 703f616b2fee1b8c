//! The Telegram inbox: updates stored as they arrive and claimed by processors in order per
//! chat. A claim is a lease (`not_before` of a `processing` row): a processor that dies leaves
//! its rows to be taken again once the lease runs out.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, TransactionTrait};

use crate::RepoError;
use crate::raw::{Params, count};

/// One update as Telegram sent it.
#[derive(Debug, Clone)]
pub struct NewUpdate {
    pub update_id: i64,
    /// Whose updates must run in order (the chat, or the sender when there is no chat).
    pub chat_id: Option<i64>,
    /// The update's JSON, exactly as received.
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ClaimedUpdate {
    pub update_id: i64,
    pub chat_id: Option<i64>,
    pub payload: String,
    /// Including this claim.
    pub attempts: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct InboxRow {
    pub update_id: i64,
    pub chat_id: Option<i64>,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// Stores the update unless its `update_id` is already there. `true` when it was new.
pub async fn insert(conn: &impl ConnectionTrait, update: &NewUpdate, now: DateTime<Utc>) -> Result<bool, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "INSERT INTO telegram_inbox (update_id, chat_id, payload, status, attempts, received_at, not_before) \
         VALUES ({}, {}, {}, 'pending', 0, {now}, {now}) ON CONFLICT (update_id) DO NOTHING",
        p.bind(update.update_id),
        p.bind(update.chat_id),
        p.bind(update.payload.as_str()),
        now = p.bind(now),
    );
    let result = conn.execute_raw(p.statement(conn, &sql)).await?;
    Ok(result.rows_affected() == 1)
}

/// Claims up to `limit` updates that can run at `now`, at most one per chat, each the earliest
/// unfinished update of its chat, and leases them until `lease_until`. Concurrent claimers
/// never take the same row (PostgreSQL skips locked rows; SQLite runs one writer at a time).
pub async fn claim(
    conn: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ClaimedUpdate>, RepoError> {
    let mut p = Params::default();
    let now = p.bind(now);
    let lease_until = p.bind(lease_until);
    let limit = p.bind(i64::try_from(limit).unwrap_or(i64::MAX));
    // The unfinished updates in arrival order (`ix_telegram_inbox_unfinished`): the walk stops
    // once it has `limit` runnable ones instead of sorting the whole backlog. SQLite, which has
    // no statistics here, is told; PostgreSQL plans each claim with the backlog it finds.
    let (lock, walk) = match conn.get_database_backend() {
        DbBackend::Postgres => ("FOR UPDATE SKIP LOCKED", ""),
        _ => ("", "INDEXED BY ix_telegram_inbox_unfinished"),
    };
    // A row is runnable when it is pending and its backoff is over, or processing with its
    // lease run out (its processor died). An earlier unfinished row of the same chat holds it
    // back, so one chat's updates are handled one at a time and in order.
    // The pick is a CTE so it runs once: as an `IN (subquery)` PostgreSQL may run it again
    // per row and take more rows than the limit.
    let sql = format!(
        "WITH picked AS (\
            SELECT i.update_id FROM telegram_inbox i {walk} \
            WHERE i.status IN ('pending', 'processing') AND i.not_before <= {now} \
              AND NOT EXISTS (SELECT 1 FROM telegram_inbox e WHERE e.chat_id = i.chat_id \
                  AND e.update_id < i.update_id AND e.status IN ('pending', 'processing')) \
            ORDER BY i.update_id LIMIT {limit} {lock}) \
         UPDATE telegram_inbox SET status = 'processing', attempts = attempts + 1, not_before = {lease_until} \
         WHERE update_id IN (SELECT update_id FROM picked) \
         RETURNING update_id, chat_id, payload, attempts"
    );
    let statement = p.statement(conn, &sql);
    let mut rows = if conn.get_database_backend() == DbBackend::Postgres {
        // The inbox swings between empty and a backlog of thousands. PostgreSQL keeps the
        // generic plan of a prepared statement until the table is next analysed, and the one it
        // makes for an empty inbox scans the whole backlog once per row: 20 000 waiting updates
        // took 24 s, 100 000 held a core for minutes (docs/performance.md, "Eleventh pass").
        // Planned anew for each claim, with the table's current size, it walks the indexes.
        let txn = conn.begin().await?;
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan").await?;
        let rows = ClaimedUpdate::find_by_statement(statement).all(&txn).await?;
        txn.commit().await?;
        rows
    } else {
        ClaimedUpdate::find_by_statement(statement).all(conn).await?
    };
    // RETURNING follows no order.
    rows.sort_by_key(|row| row.update_id);
    Ok(rows)
}

/// The update was handled: it stays (for `update_id` deduplication) until pruned.
pub async fn mark_done(conn: &impl ConnectionTrait, update_id: i64, now: DateTime<Utc>) -> Result<(), RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "UPDATE telegram_inbox SET status = 'done', processed_at = {}, last_error = NULL WHERE update_id = {}",
        p.bind(now),
        p.bind(update_id)
    );
    conn.execute_raw(p.statement(conn, &sql)).await?;
    Ok(())
}

/// The handling failed: the row runs again after `retry_at`, or is parked as `failed` (with
/// the error) when `retry_at` is `None`, which lets the chat's later updates go ahead.
pub async fn mark_failed(
    conn: &impl ConnectionTrait,
    update_id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let mut p = Params::default();
    let error = p.bind(error);
    let id = p.bind(update_id);
    let sql = match retry_at {
        Some(at) => format!(
            "UPDATE telegram_inbox SET status = 'pending', not_before = {}, last_error = {error} WHERE update_id = {id}",
            p.bind(at)
        ),
        None => format!(
            "UPDATE telegram_inbox SET status = 'failed', processed_at = {}, last_error = {error} \
             WHERE update_id = {id}",
            p.bind(now)
        ),
    };
    conn.execute_raw(p.statement(conn, &sql)).await?;
    Ok(())
}

/// Deletes finished rows (done or parked) received before `before`; returns how many.
pub async fn prune(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, RepoError> {
    let mut p = Params::default();
    let sql =
        format!("DELETE FROM telegram_inbox WHERE status IN ('done', 'failed') AND received_at < {}", p.bind(before));
    Ok(conn.execute_raw(p.statement(conn, &sql)).await?.rows_affected())
}

/// Rows not yet finished (pending or processing): the backlog a metric and an alert watch.
pub async fn backlog(conn: &impl ConnectionTrait) -> Result<u64, RepoError> {
    #[derive(FromQueryResult)]
    struct Backlog {
        n: i64,
    }
    let p = Params::default();
    let sql = "SELECT COUNT(*) AS n FROM telegram_inbox WHERE status IN ('pending', 'processing')";
    let row = Backlog::find_by_statement(p.statement(conn, sql)).one(conn).await?;
    Ok(row.map_or(0, |r| count(r.n)))
}

pub async fn find(conn: &impl ConnectionTrait, update_id: i64) -> Result<Option<InboxRow>, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT update_id, chat_id, status, attempts, last_error FROM telegram_inbox WHERE update_id = {}",
        p.bind(update_id)
    );
    Ok(InboxRow::find_by_statement(p.statement(conn, &sql)).one(conn).await?)
}
