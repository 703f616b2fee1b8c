//! `users.auth_version`: every access token carries the version it was issued under, and
//! logout or erasure bumps it, so a cached sign-in can be refused without asking the database
//! on every request (see docs/performance.md).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE users ADD COLUMN auth_version INTEGER NOT NULL DEFAULT 0").await?;
        // SQLite's RETURNING reports an added column as NULL on rows that do not store it yet.
        db.execute_unprepared("UPDATE users SET auth_version = 0").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE users DROP COLUMN auth_version").await?;
        Ok(())
    }
}
