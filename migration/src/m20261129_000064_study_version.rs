//! `users.study_version`: a counter every review and undo of the learner bumps, so a review on
//! PostgreSQL can read without holding the learner's lock and then write in one statement that
//! takes the lock only if nothing of the learner's study changed since its read
//! (`repositories::review_write`, docs/performance.md, "Seventh pass").
//!
//! Adding a column with a constant default rewrites nothing on PostgreSQL. `fillfactor = 90`
//! leaves room on each page, so the bump is a HOT update (the column is in no index) once rows
//! are written again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE users ADD COLUMN study_version BIGINT NOT NULL DEFAULT 0").await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE users SET (fillfactor = 90)").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE users RESET (fillfactor)").await?;
        }
        db.execute_unprepared("ALTER TABLE users DROP COLUMN study_version").await?;
        Ok(())
    }
}
