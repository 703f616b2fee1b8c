//! The bot's two queues seen from outside, for the backlog gauges: how many rows are still to
//! do and when the oldest of them arrived, for the inbox and the outbox, in one round trip.
//!
//! Each half is driven by the queue's status index (`ix_telegram_inbox_runnable`,
//! `ix_outbox_due`): only unfinished rows are visited, never the week of finished ones kept
//! for deduplication, so the cost follows the backlog, which is small while all is well.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::RepoError;
use crate::raw::{Params, count};

/// One queue's unfinished work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Queue {
    pub depth: u64,
    /// When the oldest unfinished row arrived; `None` when there is none.
    pub oldest: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Updates pending or being processed.
    pub inbox: Queue,
    /// Messages not yet sent (waiting, leased, or waiting out a retry).
    pub outbox: Queue,
}

/// The statement, public so its plan can be checked with `EXPLAIN` (see infra/README.md).
pub const SQL: &str = "SELECT i.depth AS inbox_depth, i.oldest AS inbox_oldest, \
        o.depth AS outbox_depth, o.oldest AS outbox_oldest \
    FROM (SELECT COUNT(*) AS depth, MIN(received_at) AS oldest FROM telegram_inbox \
            WHERE status IN ('pending', 'processing')) i \
    CROSS JOIN (SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending') o";

/// Both queues' depth and oldest arrival.
pub async fn sample(conn: &impl ConnectionTrait) -> Result<Backlog, RepoError> {
    #[derive(FromQueryResult)]
    struct Row {
        inbox_depth: i64,
        inbox_oldest: Option<DateTime<Utc>>,
        outbox_depth: i64,
        outbox_oldest: Option<DateTime<Utc>>,
    }
    let row = Row::find_by_statement(Params::default().statement(conn, SQL)).one(conn).await?;
    Ok(row.map_or_else(Backlog::default, |r| Backlog {
        inbox: Queue { depth: count(r.inbox_depth), oldest: r.inbox_oldest },
        outbox: Queue { depth: count(r.outbox_depth), oldest: r.outbox_oldest },
    }))
}
