//! What PostgreSQL announces to `UserChangeFeed` (migration `m20261129_000064`): a change to a
//! user's row or to which profile is active and in which interface language, each once at
//! commit; nothing for the `last_seen_at` refresh every bot update and sign-in writes, nothing
//! for a rolled-back change. SQLite has no feed.

use std::time::Duration;

use domain::UserId;
use repositories::user_changes::{self, Heard, UserChangeFeed};
use repositories::{ConnectionTrait, TransactionTrait};
use test_support::backends::{migrated_postgres, migrated_sqlite};
use uuid::Uuid;

const USER: &str = "6b1c2f9e-0a5d-4c1b-9a37-3f0e6c0d9a01";
const PROFILE: &str = "6b1c2f9e-0a5d-4c1b-9a37-3f0e6c0d9a02";

/// The next thing heard within a second, `None` if nothing was.
async fn heard(feed: &mut UserChangeFeed) -> Option<Heard> {
    tokio::time::timeout(Duration::from_secs(1), feed.next()).await.ok().map(|next| next.unwrap().unwrap())
}

/// Nothing is heard for a moment (a heartbeat sent afterwards arrives first).
async fn nothing_heard(feed: &mut UserChangeFeed, db: &repositories::Database) {
    user_changes::heartbeat(db).await.unwrap();
    assert_eq!(heard(feed).await, Some(Heard::Alive), "a notice came before the heartbeat");
}

#[tokio::test]
async fn postgres_announces_the_changes_a_cached_user_depends_on() {
    let backend = migrated_postgres().await;
    let db = &backend.db;
    let conn = db.conn();
    let exec = |sql: String| async move { conn.execute_unprepared(&sql).await.unwrap() };
    let user = Heard::User(UserId::from_uuid(Uuid::parse_str(USER).unwrap()));
    let mut feed = UserChangeFeed::listen(db).await.unwrap().expect("PostgreSQL has a feed");

    exec(format!("INSERT INTO users (id, telegram_id, first_name) VALUES ('{USER}', 7, 'A')")).await;
    nothing_heard(&mut feed, db).await; // a new user is in no cache

    exec(format!(
        "INSERT INTO language_profiles (id, user_id, language, current_level, target_level, goals, is_active, created_at, updated_at) \
         VALUES ('{PROFILE}', '{USER}', 'de', 'A1', 'A2', '[]', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    ))
    .await;
    assert_eq!(heard(&mut feed).await, Some(user), "a new profile may be the active one");

    exec("UPDATE users SET last_seen_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP".into()).await;
    nothing_heard(&mut feed, db).await;

    exec("UPDATE language_profiles SET current_level = 'A2'".into()).await;
    nothing_heard(&mut feed, db).await;

    exec("UPDATE language_profiles SET interface_language = 'en'".into()).await;
    assert_eq!(heard(&mut feed).await, Some(user));

    exec("UPDATE users SET auth_version = auth_version + 1".into()).await;
    assert_eq!(heard(&mut feed).await, Some(user), "a logout is heard");

    let txn = conn.begin().await.unwrap();
    txn.execute_unprepared("UPDATE users SET first_name = 'B'").await.unwrap();
    txn.rollback().await.unwrap();
    nothing_heard(&mut feed, db).await;

    // The erasure cascades to the profile: one notice for both (PostgreSQL folds duplicates).
    exec("DELETE FROM users".into()).await;
    assert_eq!(heard(&mut feed).await, Some(user));
    nothing_heard(&mut feed, db).await;
}

#[tokio::test]
async fn sqlite_has_no_feed_and_its_heartbeat_does_nothing() {
    let backend = migrated_sqlite().await;
    assert!(UserChangeFeed::listen(&backend.db).await.unwrap().is_none());
    user_changes::heartbeat(&backend.db).await.unwrap();
}
