//! `users.bot_blocked_at`: when Telegram last answered 403 ("bot was blocked by the user") to a
//! message for this user; cleared when the user writes to the bot again. Senders skip blocked
//! users instead of hammering Telegram with messages it refuses.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Users::Table).add_column(timestamp_with_time_zone_null(BotBlockedAt)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE users DROP COLUMN bot_blocked_at").await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
struct BotBlockedAt;
