use repositories::{ConnectionTrait, DbBackend, Migrator, MigratorTrait};
use sea_orm::Statement;

use crate::backends::{Backend, empty_postgres, empty_sqlite};

async fn table_names(backend: &Backend) -> Vec<String> {
    let conn = backend.db.conn();
    let sql = match backend.db.backend() {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        }
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
    assert!(
        tables.contains(&"seaql_migrations".to_string()),
        "{tables:?}"
    );

    backend.db.migrate().await.expect("a second run is a no-op");
    assert_eq!(table_names(&backend).await, tables);

    Migrator::down(backend.db.conn(), None)
        .await
        .expect("every migration rolls back");
    assert_eq!(
        table_names(&backend).await,
        vec!["seaql_migrations".to_string()]
    );
    assert_eq!(backend.db.pending_migrations().await.unwrap(), total);

    backend
        .db
        .migrate()
        .await
        .expect("and applies again after a rollback");
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
        format!(
            "INSERT INTO users (id, telegram_id, first_name, {column}) VALUES ('{id}', {tg}, 'A', {value})"
        )
    };
    let uuid = |n: u8| format!("0192e7a0-0000-7000-8000-0000000000{n:02}");
    for (n, (column, bad)) in [
        ("day_rollover_hour", 24),
        ("reminder_hour", -1),
        ("rating_buttons", 5),
    ]
    .into_iter()
    .enumerate()
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
