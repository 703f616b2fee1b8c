//! `telegram_inbox`: every Telegram update, from the webhook or long polling, is stored here
//! first (keyed by `update_id`, so a redelivery is a no-op) and handled later by a processor
//! that claims rows in order per chat. A crash loses nothing: a claim is a lease that runs out.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(telegram_inbox()).await?;
        let db = manager.get_connection();
        for sql in [
            // The processor's claim: the oldest rows that can run now.
            "CREATE INDEX ix_telegram_inbox_runnable ON telegram_inbox (status, not_before, update_id)",
            // "No earlier update of this chat is still unfinished."
            "CREATE INDEX ix_telegram_inbox_chat ON telegram_inbox (chat_id, update_id)",
            // Pruning finished rows by age.
            "CREATE INDEX ix_telegram_inbox_received ON telegram_inbox (received_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TelegramInbox::Table).if_exists().to_owned()).await?;
        Ok(())
    }
}

fn telegram_inbox() -> TableCreateStatement {
    Table::create()
        .table(TelegramInbox::Table)
        .col(big_integer(TelegramInbox::UpdateId).primary_key())
        // The chat (or, for updates without one, the sender) whose updates run in order; NULL
        // for updates that belong to no one in particular.
        .col(big_integer_null(TelegramInbox::ChatId))
        .col(text(TelegramInbox::Payload))
        .col(text(TelegramInbox::Status).default("pending").check(Expr::col(TelegramInbox::Status).is_in([
            "pending",
            "processing",
            "done",
            "failed",
        ])))
        .col(integer(TelegramInbox::Attempts).default(0).check(Expr::col(TelegramInbox::Attempts).gte(0)))
        .col(text_null(TelegramInbox::LastError))
        .col(timestamp_with_time_zone(TelegramInbox::ReceivedAt))
        // A pending row waits until then (a retry's backoff); a processing row's lease ends then.
        .col(timestamp_with_time_zone(TelegramInbox::NotBefore))
        .col(timestamp_with_time_zone_null(TelegramInbox::ProcessedAt))
        .to_owned()
}

#[derive(DeriveIden)]
pub enum TelegramInbox {
    Table,
    UpdateId,
    ChatId,
    Payload,
    Status,
    Attempts,
    LastError,
    ReceivedAt,
    NotBefore,
    ProcessedAt,
}
