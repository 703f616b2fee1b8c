//! SQLite keeps a statement compiled between executions, and its plans use the partial indexes
//! the statements are written for. Built without the query planner stability guarantee
//! (`.cargo/config.toml`), SQLite compiles a statement again on every execution whose plan it
//! thinks a bound value might change, which is any `LIMIT ?`: every paged read, the queue's
//! statement included (docs/performance.md, "Eleventh pass").

use chrono::Utc;
use repositories::{ConnectionTrait, Database, DbBackend, reminders};
use sea_orm::Statement;
use test_support::process::ScratchDir;

use crate::pool::migrated_sqlite;

struct Compiled {
    sql: String,
    runs: i64,
    recompiled: i64,
}

/// The SELECT statements this connection holds prepared whose text contains `needle`.
async fn prepared(db: &Database, needle: &str) -> Vec<Compiled> {
    let rows = db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT sql, run, reprep FROM sqlite_stmt WHERE sql LIKE 'SELECT %' AND instr(sql, ?) > 0 AND instr(sql, 'sqlite_stmt') = 0",
            [needle.into()],
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| Compiled {
            sql: row.try_get_by_index(0).unwrap(),
            runs: row.try_get_by_index(1).unwrap(),
            recompiled: row.try_get_by_index(2).unwrap(),
        })
        .collect()
}

/// SQLite's plan of `sql`, its steps joined by "; ".
pub(crate) async fn plan(db: &Database, sql: &str) -> String {
    let rows = db
        .conn()
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, format!("EXPLAIN QUERY PLAN {sql}")))
        .await
        .unwrap();
    rows.iter().map(|row| row.try_get_by_index::<String>(3).unwrap()).collect::<Vec<_>>().join("; ")
}

#[tokio::test]
async fn sqlite_compiles_a_paged_read_once_and_finds_due_reminders_through_their_index() {
    let dir = ScratchDir::new();
    let db = migrated_sqlite(&dir).await;

    for limit in [1, 5, 20] {
        reminders::unscheduled(db.conn(), limit).await.unwrap();
        reminders::claim_due(db.conn(), Utc::now(), limit).await.unwrap();
    }

    let statements = prepared(&db, "reminders_enabled").await;
    assert_eq!(statements.len(), 2, "the two reminder reads, each prepared once");
    for statement in &statements {
        assert_eq!(statement.runs, 3, "{}", statement.sql);
        assert_eq!(statement.recompiled, 0, "compiled again after a new LIMIT: {}", statement.sql);
        let plan = plan(&db, &statement.sql).await;
        assert!(plan.contains("ix_users_reminder_"), "not through a reminder index: {plan} ({})", statement.sql);
    }
}
