//! PostgreSQL tells every listening process when a user's cached entry goes stale
//! (`services::user_cache`): a change to the user's row, or to which profile is active and its
//! interface language, sends `NOTIFY lang_agent_user_changed, '<user id>'` at commit. Refreshing
//! only `last_seen_at`/`updated_at` (every bot update and sign-in does) notifies nobody: no
//! cached reader uses them. SQLite has no NOTIFY; there the cache keeps its short bound.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    r"CREATE FUNCTION notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR to_jsonb(OLD) - 'last_seen_at' - 'updated_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_seen_at' - 'updated_at'
    THEN
        PERFORM pg_notify('lang_agent_user_changed', OLD.id::text);
    END IF;
    RETURN NULL;
END $$",
    "CREATE TRIGGER users_notify_changed AFTER UPDATE OR DELETE ON users \
        FOR EACH ROW EXECUTE FUNCTION notify_user_changed()",
    r"CREATE FUNCTION notify_profile_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('lang_agent_user_changed', NEW.user_id::text);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('lang_agent_user_changed', OLD.user_id::text);
    ELSIF (OLD.is_active, OLD.interface_language, OLD.user_id)
        IS DISTINCT FROM (NEW.is_active, NEW.interface_language, NEW.user_id) THEN
        PERFORM pg_notify('lang_agent_user_changed', OLD.user_id::text);
        PERFORM pg_notify('lang_agent_user_changed', NEW.user_id::text);
    END IF;
    RETURN NULL;
END $$",
    "CREATE TRIGGER language_profiles_notify_user_changed AFTER INSERT OR UPDATE OR DELETE ON language_profiles \
        FOR EACH ROW EXECUTE FUNCTION notify_profile_user_changed()",
];

const DOWN: &[&str] = &[
    "DROP TRIGGER language_profiles_notify_user_changed ON language_profiles",
    "DROP FUNCTION notify_profile_user_changed()",
    "DROP TRIGGER users_notify_changed ON users",
    "DROP FUNCTION notify_user_changed()",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
