//! The invariants of groups hold in the database itself, on both engines: the owner is a
//! teacher member from the first commit on, invite codes have their shape and their uses their
//! bound, and a material is one deck or one topic, shared once.

use repositories::{ConnectionTrait, TransactionTrait};
use sea_orm::Statement;
use test_support::backends::{Backend, empty_postgres, empty_sqlite};

const OWNER: &str = "0192e7a0-0000-7000-8000-000000000001";
const STUDENT: &str = "0192e7a0-0000-7000-8000-000000000002";
const PROFILE: &str = "0192e7a0-0000-7000-8000-0000000000a1";
const DECK: &str = "0192e7a0-0000-7000-8000-0000000000d1";
const TOPIC: &str = "0192e7a0-0000-7000-8000-0000000000e1";
const GROUP: &str = "0192e7a0-0000-7000-8000-0000000000b1";

fn group(id: &str, name: &str, key: &str) -> String {
    format!(
        "INSERT INTO groups (id, owner_id, name, name_key, language, max_members, created_at, updated_at) \
         VALUES ('{id}', '{OWNER}', '{name}', '{key}', 'de', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
}

fn member(group: &str, user: &str, role: &str) -> String {
    format!(
        "INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES ('{group}', '{user}', '{role}', CURRENT_TIMESTAMP)"
    )
}

fn invite(n: u8, code: &str, max_uses: &str, uses: i32) -> String {
    format!(
        "INSERT INTO group_invites (id, group_id, code, created_by, max_uses, uses, created_at) \
         VALUES ('0192e7a0-0000-7000-8000-0000000000c{n}', '{GROUP}', '{code}', '{OWNER}', {max_uses}, {uses}, CURRENT_TIMESTAMP)"
    )
}

fn material(n: u8, deck: &str, topic: &str) -> String {
    format!(
        "INSERT INTO group_materials (id, group_id, deck_id, topic_id, shared_by, shared_at) \
         VALUES ('0192e7a0-0000-7000-8000-0000000000f{n}', '{GROUP}', {deck}, {topic}, '{OWNER}', CURRENT_TIMESTAMP)"
    )
}

/// Runs `statements` in one transaction; `Err` when any of them or the commit is refused.
async fn in_transaction(backend: &Backend, statements: &[String]) -> Result<(), sea_orm::DbErr> {
    let txn = backend.db.conn().begin().await?;
    for sql in statements {
        txn.execute_unprepared(sql).await?;
    }
    txn.commit().await
}

async fn rows(backend: &Backend, sql: &str) -> usize {
    let conn = backend.db.conn();
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap().len()
}

async fn group_invariants_hold(backend: Backend) {
    backend.db.migrate().await.unwrap();
    let conn = backend.db.conn();
    let exec = |sql: String| async move { conn.execute_unprepared(&sql).await };
    for (id, tg) in [(OWNER, 1), (STUDENT, 2)] {
        exec(format!("INSERT INTO users (id, telegram_id, first_name) VALUES ('{id}', {tg}, 'A')")).await.unwrap();
    }
    exec(format!(
        "INSERT INTO language_profiles (id, user_id, language, current_level, target_level, goals, is_active, created_at, updated_at) \
         VALUES ('{PROFILE}', '{OWNER}', 'de', 'A1', 'A2', '[]', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    ))
    .await
    .unwrap();
    exec(format!(
        "INSERT INTO decks (id, profile_id, owner_id, name, name_key, is_default, created_at, updated_at) \
         VALUES ('{DECK}', '{PROFILE}', '{OWNER}', 'D', 'd', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    ))
    .await
    .unwrap();
    exec(format!(
        "INSERT INTO topics (id, profile_id, owner_id, name, name_key, kind, created_at, updated_at) \
         VALUES ('{TOPIC}', '{PROFILE}', '{OWNER}', 'T', 't', 'grammar', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    ))
    .await
    .unwrap();

    // A group without its owner as a teacher member never commits.
    assert!(in_transaction(&backend, &[group(GROUP, "Deutsch", "deutsch")]).await.is_err(), "no owner member");
    let as_student = [group(GROUP, "Deutsch", "deutsch"), member(GROUP, OWNER, "student")];
    assert!(in_transaction(&backend, &as_student).await.is_err(), "the owner as a student");
    in_transaction(&backend, &[group(GROUP, "Deutsch", "deutsch"), member(GROUP, OWNER, "teacher")]).await.unwrap();
    let other = "0192e7a0-0000-7000-8000-0000000000b2";
    let twin = [group(other, "DEUTSCH", "deutsch"), member(other, OWNER, "teacher")];
    assert!(in_transaction(&backend, &twin).await.is_err(), "one live group per owner and name");
    let blank = [group(other, "   ", ""), member(other, OWNER, "teacher")];
    assert!(in_transaction(&backend, &blank).await.is_err(), "a blank name");

    exec(member(GROUP, STUDENT, "student")).await.unwrap();
    assert!(exec(member(GROUP, STUDENT, "teacher")).await.is_err(), "one membership per user");
    assert!(exec(member(GROUP, "0192e7a0-0000-7000-8000-000000000003", "student")).await.is_err(), "no such user");
    let demote = format!("UPDATE group_members SET role = 'student' WHERE user_id = '{OWNER}'");
    assert!(in_transaction(&backend, &[demote]).await.is_err(), "the owner stays a teacher");
    let remove = format!("DELETE FROM group_members WHERE user_id = '{OWNER}'");
    assert!(in_transaction(&backend, &[remove]).await.is_err(), "the owner stays a member");
    assert!(exec(format!("UPDATE group_members SET role = 'admin' WHERE user_id = '{STUDENT}'")).await.is_err());

    exec(invite(1, "abcDEF12_-", "1", 0)).await.unwrap();
    assert!(exec(invite(2, "short", "NULL", 0)).await.is_err(), "at least 8 characters");
    assert!(exec(invite(2, "has space1", "NULL", 0)).await.is_err(), "URL-safe characters only");
    assert!(exec(invite(2, "abcDEF12_-", "NULL", 0)).await.is_err(), "codes are unique");
    assert!(exec(invite(2, "zzzzzzzzzz", "0", 0)).await.is_err(), "max_uses is at least 1");
    let used_up = "UPDATE group_invites SET uses = uses + 1 WHERE code = 'abcDEF12_-'";
    exec(used_up.to_owned()).await.unwrap();
    assert!(exec(used_up.to_owned()).await.is_err(), "uses never pass max_uses");

    assert!(exec(material(1, "NULL", "NULL")).await.is_err(), "neither deck nor topic");
    assert!(exec(material(1, &format!("'{DECK}'"), &format!("'{TOPIC}'"))).await.is_err(), "both");
    exec(material(1, &format!("'{DECK}'"), "NULL")).await.unwrap();
    exec(material(2, "NULL", &format!("'{TOPIC}'"))).await.unwrap();
    assert!(exec(material(3, &format!("'{DECK}'"), "NULL")).await.is_err(), "a deck is shared once");

    // Deleting the deck takes its sharing with it; deleting the owner takes the group.
    exec(format!("DELETE FROM decks WHERE id = '{DECK}'")).await.unwrap();
    assert_eq!(rows(&backend, "SELECT id FROM group_materials").await, 1);
    in_transaction(&backend, &[format!("DELETE FROM users WHERE id = '{OWNER}'")]).await.unwrap();
    for table in ["groups", "group_members", "group_invites", "group_materials"] {
        assert_eq!(rows(&backend, &format!("SELECT 1 FROM {table}")).await, 0, "{table} kept rows");
    }
}

#[tokio::test]
async fn group_invariants_on_postgres() {
    group_invariants_hold(empty_postgres().await).await;
}

#[tokio::test]
async fn group_invariants_on_sqlite() {
    group_invariants_hold(empty_sqlite().await).await;
}
