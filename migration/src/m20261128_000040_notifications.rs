//! In-app notifications (a streak reminder, later group and plan events), written in the
//! user's interface language when they are created; the Mini App lists them with an unread
//! badge.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000003_cards_and_study::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(notifications()).await?;
        let db = manager.get_connection();
        for sql in [
            "CREATE INDEX ix_notifications_user_time ON notifications (user_id, created_at)",
            // The unread badge counts only unread rows.
            "CREATE INDEX ix_notifications_unread ON notifications (user_id) WHERE read_at IS NULL",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Notifications::Table).if_exists().to_owned()).await?;
        Ok(())
    }
}

fn notifications() -> TableCreateStatement {
    Table::create()
        .table(Notifications::Table)
        .col(pk_uuid(Notifications::Id))
        .col(uuid(Notifications::UserId))
        .col(text(Notifications::Kind))
        .col(text(Notifications::Title))
        .col(text(Notifications::Body))
        .col(json_null(Notifications::Payload))
        .col(timestamp_with_time_zone_null(Notifications::ReadAt))
        .col(timestamp_with_time_zone(Notifications::CreatedAt))
        .foreign_key(&mut cascade((Notifications::Table, Notifications::UserId), (Users::Table, Users::Id)))
        .to_owned()
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Body,
    Payload,
    ReadAt,
    CreatedAt,
}
