//! The inbox's unfinished updates in arrival order, for the processor's claim
//! (`repositories::inbox::claim`): it takes the earliest runnable updates, and walking this index
//! from the start stops after as many as it takes. Through `ix_telegram_inbox_runnable` (status,
//! then time) it read and sorted the whole backlog on every claim: 185 ms for 80 000 waiting
//! updates on SQLite, holding the one writer's lock while the webhook's inserts waited (p99 2 s at
//! 500 updates/s after a burst; docs/performance.md, "Thirteenth pass"). Both engines; the
//! predicate is the claim's own, written literally so SQLite can use the index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS ix_telegram_inbox_unfinished ON telegram_inbox (update_id) \
                 WHERE status IN ('pending', 'processing')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX ix_telegram_inbox_unfinished").await?;
        Ok(())
    }
}
