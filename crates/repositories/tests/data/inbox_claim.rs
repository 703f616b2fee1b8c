//! The inbox's claim on PostgreSQL is planned for the backlog it finds. A prepared statement's
//! generic plan stays until the table is next analysed, and the one PostgreSQL makes for an
//! empty inbox scans the whole backlog once per row: a burst after a quiet spell held a core
//! for minutes in the bench (docs/performance.md, "Eleventh pass"). On SQLite it walks the
//! unfinished updates in order instead of sorting the backlog.

use chrono::{Duration, Utc};
use repositories::inbox::{self, NewUpdate};
use repositories::{ConnectionTrait, Database, DbBackend};
use sea_orm::Statement;
use test_support::TestDatabase;
use test_support::process::ScratchDir;

use crate::pool::{migrated_sqlite, one_connection};
use crate::sqlite_statements::plan;

#[tokio::test]
async fn the_inbox_claim_is_planned_for_each_call_not_from_a_plan_made_when_the_inbox_was_empty() {
    let pg = TestDatabase::migrated().await;
    let db = Database::connect(&one_connection(pg.url.clone())).await.unwrap();
    let now = Utc::now();
    // A quiet spell: the inbox analysed empty and claimed often (PostgreSQL would settle on a
    // generic plan after five runs of a prepared statement).
    db.conn().execute_unprepared("ANALYZE telegram_inbox").await.unwrap();
    for _ in 0..8 {
        assert!(inbox::claim(db.conn(), now, now + Duration::seconds(60), 8).await.unwrap().is_empty());
    }
    // Then a burst: 40 chats with 10 updates each, arriving interleaved.
    for update_id in 1..=400_i64 {
        let update = NewUpdate { update_id, chat_id: Some(update_id % 40), payload: "{}".to_owned() };
        assert!(inbox::insert(db.conn(), &update, now).await.unwrap());
    }
    let claimed = inbox::claim(db.conn(), now, now + Duration::seconds(60), 8).await.unwrap();
    let ids: Vec<i64> = claimed.iter().map(|u| u.update_id).collect();
    assert_eq!(ids, (1..=8).collect::<Vec<_>>(), "the earliest update of the first eight chats");

    let row = db
        .conn()
        .query_one_raw(Statement::from_string(
            db.conn().get_database_backend(),
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE 'WITH picked AS%'",
        ))
        .await
        .unwrap()
        .expect("the claim is a prepared statement of this connection");
    let (generic, custom): (i64, i64) = (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap());
    assert_eq!(generic, 0, "a claim ran on a cached generic plan");
    assert_eq!(custom, 9, "each claim planned for itself");
}

/// On SQLite (one writer: a claim holds the lock the webhook's inserts wait for) the claim walks
/// the unfinished updates in arrival order and stops at its limit, instead of reading and
/// sorting the whole backlog (185 ms for 80 000 updates; docs/performance.md, "Thirteenth pass").
#[tokio::test]
async fn the_sqlite_claim_walks_the_unfinished_updates_in_order_without_sorting_the_backlog() {
    let dir = ScratchDir::new();
    let db = migrated_sqlite(&dir).await;
    let now = Utc::now();
    // 40 chats with 10 updates each, interleaved; the first chat's first update is done, its
    // second still in its backoff.
    for update_id in 1..=400_i64 {
        let update = NewUpdate { update_id, chat_id: Some(update_id % 40), payload: "{}".to_owned() };
        assert!(inbox::insert(db.conn(), &update, now).await.unwrap());
    }
    inbox::mark_done(db.conn(), 40, now).await.unwrap();
    db.conn()
        .execute_unprepared(&format!(
            "UPDATE telegram_inbox SET not_before = '{}' WHERE update_id = 80",
            (now + Duration::hours(1)).to_rfc3339()
        ))
        .await
        .unwrap();

    let claimed = inbox::claim(db.conn(), now, now + Duration::seconds(60), 8).await.unwrap();
    let ids: Vec<i64> = claimed.iter().map(|u| u.update_id).collect();
    assert_eq!(ids, (1..=8).collect::<Vec<_>>(), "the earliest update of the first eight chats");
    let next = inbox::claim(db.conn(), now, now + Duration::seconds(60), 40).await.unwrap();
    let ids: Vec<i64> = next.iter().map(|u| u.update_id).collect();
    assert_eq!(
        ids,
        (9..=39).collect::<Vec<_>>(),
        "chat 0 waits for its update in backoff, the claimed chats for theirs"
    );

    let sql: String = db
        .conn()
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_stmt WHERE sql LIKE 'WITH picked AS%'",
        ))
        .await
        .unwrap()
        .expect("the claim is a prepared statement of this connection")
        .try_get_by_index(0)
        .unwrap();
    let plan = plan(&db, &sql).await;
    assert!(plan.contains("ix_telegram_inbox_unfinished"), "plan: {plan}");
    assert!(!plan.contains("TEMP B-TREE"), "the claim sorts: {plan}");
}
