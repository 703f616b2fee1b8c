use repositories::{ConnectionTrait, DbBackend, Migrator, MigratorTrait};
use sea_orm::Statement;

use test_support::backends::{Backend, empty_postgres, empty_sqlite};

async fn table_names(backend: &Backend) -> Vec<String> {
    let conn = backend.db.conn();
    let sql = match backend.db.backend() {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}

/// Up, up again (a no-op), all the way down, and up once more: the full life of the schema.
async fn migrations_apply_cleanly_and_are_idempotent(backend: Backend) {
    let total = Migrator::migrations().len();
    assert_eq!(backend.db.pending_migrations().await.unwrap(), total);

    backend.db.migrate().await.unwrap();
    assert_eq!(backend.db.pending_migrations().await.unwrap(), 0);
    let tables = table_names(&backend).await;
    assert!(tables.contains(&"users".to_string()), "{tables:?}");
    assert!(tables.contains(&"seaql_migrations".to_string()), "{tables:?}");

    backend.db.migrate().await.expect("a second run is a no-op");
    assert_eq!(table_names(&backend).await, tables);

    Migrator::down(backend.db.conn(), None).await.expect("every migration rolls back");
    assert_eq!(table_names(&backend).await, vec!["seaql_migrations".to_string()]);
    assert_eq!(backend.db.pending_migrations().await.unwrap(), total);

    backend.db.migrate().await.expect("and applies again after a rollback");
    assert_eq!(table_names(&backend).await, tables);
}

#[tokio::test]
async fn on_postgres() {
    migrations_apply_cleanly_and_are_idempotent(empty_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    migrations_apply_cleanly_and_are_idempotent(empty_sqlite().await).await;
}

/// CHECK constraints are enforced by the database itself, on both engines.
async fn user_settings_are_range_checked(backend: Backend) {
    backend.db.migrate().await.unwrap();
    let conn = backend.db.conn();
    let insert = |id: &str, tg: i64, column: &str, value: i64| {
        format!("INSERT INTO users (id, telegram_id, first_name, {column}) VALUES ('{id}', {tg}, 'A', {value})")
    };
    let uuid = |n: u8| format!("0192e7a0-0000-7000-8000-0000000000{n:02}");
    for (n, (column, bad)) in
        [("day_rollover_hour", 24), ("reminder_hour", -1), ("rating_buttons", 5)].into_iter().enumerate()
    {
        let n = u8::try_from(n).unwrap();
        let sql = insert(&uuid(n), i64::from(n), column, bad);
        let result = conn.execute_unprepared(&sql).await;
        assert!(result.is_err(), "{column} = {bad} was accepted");
    }
}

#[tokio::test]
async fn checks_hold_on_postgres() {
    user_settings_are_range_checked(empty_postgres().await).await;
}

#[tokio::test]
async fn checks_hold_on_sqlite() {
    user_settings_are_range_checked(empty_sqlite().await).await;
}

/// The invariants of profiles and decks hold in the database itself, on both engines.
async fn profile_and_deck_invariants_hold(backend: Backend) {
    backend.db.migrate().await.unwrap();
    let conn = backend.db.conn();
    let exec = |sql: String| async move { conn.execute_unprepared(&sql).await };
    let user = "0192e7a0-0000-7000-8000-000000000001";
    let (p1, p2, p3) = (
        "0192e7a0-0000-7000-8000-0000000000a1",
        "0192e7a0-0000-7000-8000-0000000000a2",
        "0192e7a0-0000-7000-8000-0000000000a3",
    );
    exec(format!("INSERT INTO users (id, telegram_id, first_name) VALUES ('{user}', 1, 'A')")).await.unwrap();
    let profile = |id: &str, lang: &str, current: &str, target: &str, active: bool| {
        format!(
            "INSERT INTO language_profiles (id, user_id, language, current_level, target_level, goals, is_active, created_at, updated_at) \
             VALUES ('{id}', '{user}', '{lang}', '{current}', '{target}', '[]', {active}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    };
    exec(profile(p1, "en", "A2", "B2", true)).await.unwrap();
    assert!(exec(profile(p2, "de", "B2", "A1", false)).await.is_err(), "target below current");
    assert!(exec(profile(p2, "de", "Z9", "Z9", false)).await.is_err(), "unknown level");
    assert!(exec(profile(p2, "en", "A1", "A2", false)).await.is_err(), "one profile per language");
    assert!(exec(profile(p2, "de", "A1", "A2", true)).await.is_err(), "a second active profile");
    exec(profile(p2, "de", "A1", "A2", false)).await.unwrap();
    exec(profile(p3, "fr", "A1", "A2", false)).await.unwrap();

    let deck = |n: u8, profile: &str, name: &str, default: bool| {
        format!(
            "INSERT INTO decks (id, profile_id, owner_id, name, name_key, is_default, created_at, updated_at) \
             VALUES ('0192e7a0-0000-7000-8000-0000000000d{n}', '{profile}', '{user}', '{name}', '{key}', {default}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            key = domain::text::normalized_key(name)
        )
    };
    exec(deck(1, p1, "Мои слова", true)).await.unwrap();
    assert!(exec(deck(2, p1, "МОИ СЛОВА", false)).await.is_err(), "deck names are unique per profile, ignoring case");
    assert!(exec(deck(2, p1, "Other", true)).await.is_err(), "one default deck per profile");
    exec(deck(2, p2, "Мои слова", true)).await.unwrap();

    // Deleting the user takes everything with it.
    exec(format!("DELETE FROM users WHERE id = '{user}'")).await.unwrap();
    for table in ["language_profiles", "decks"] {
        let rows = conn
            .query_all_raw(Statement::from_string(conn.get_database_backend(), format!("SELECT id FROM {table}")))
            .await
            .unwrap();
        assert!(rows.is_empty(), "{table} kept rows of a deleted user");
    }
}

#[tokio::test]
async fn profile_invariants_on_postgres() {
    profile_and_deck_invariants_hold(empty_postgres().await).await;
}

#[tokio::test]
async fn profile_invariants_on_sqlite() {
    profile_and_deck_invariants_hold(empty_sqlite().await).await;
}
