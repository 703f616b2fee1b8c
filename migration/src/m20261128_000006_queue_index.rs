//! A covering index of a profile's cards in queue order, so the study queue reads the index
//! alone instead of one table page per card (docs/performance.md).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX ix_cards_profile_queue ON cards (profile_id, deck_id, created_at, id)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX ix_cards_profile_queue").await?;
        Ok(())
    }
}
