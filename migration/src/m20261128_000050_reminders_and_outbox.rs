//! Streak reminders and paced outbound messages:
//! - `users.next_reminder_at`: the next instant the learner's local reminder hour comes (NULL
//!   until the notifier schedules it, and again whenever the zone or the reminder settings
//!   change), indexed so due reminders are found without reading every user;
//! - `reminder_log`: at most one reminder per user and local date, whatever the replicas do;
//! - `outbox`: bot messages queued by the notifier and sent at Telegram's pace.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000003_cards_and_study::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE users ADD COLUMN next_reminder_at TIMESTAMP WITH TIME ZONE NULL").await?;
        manager.create_table(reminder_log()).await?;
        manager.create_table(outbox()).await?;
        for sql in [
            "CREATE INDEX ix_users_reminder_due ON users (next_reminder_at) WHERE reminders_enabled",
            "CREATE INDEX ix_users_reminder_unscheduled ON users (id) WHERE reminders_enabled AND next_reminder_at IS NULL",
            "CREATE UNIQUE INDEX ux_reminder_log_user_date ON reminder_log (user_id, local_date)",
            "CREATE INDEX ix_outbox_due ON outbox (status, not_before)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Outbox::Table.into_iden(), ReminderLog::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS ix_users_reminder_due").await?;
        db.execute_unprepared("DROP INDEX IF EXISTS ix_users_reminder_unscheduled").await?;
        db.execute_unprepared("ALTER TABLE users DROP COLUMN next_reminder_at").await?;
        Ok(())
    }
}

fn reminder_log() -> TableCreateStatement {
    Table::create()
        .table(ReminderLog::Table)
        .col(pk_uuid(ReminderLog::Id))
        .col(uuid(ReminderLog::UserId))
        .col(date(ReminderLog::LocalDate))
        .col(timestamp_with_time_zone(ReminderLog::SentAt))
        .col(big_integer_null(ReminderLog::TelegramMessageId))
        .foreign_key(&mut cascade((ReminderLog::Table, ReminderLog::UserId), (Users::Table, Users::Id)))
        .to_owned()
}

fn outbox() -> TableCreateStatement {
    Table::create()
        .table(Outbox::Table)
        .col(pk_uuid(Outbox::Id))
        .col(uuid_null(Outbox::UserId))
        .col(big_integer(Outbox::ChatId))
        .col(text(Outbox::Kind))
        // {"html": …, "keyboard": InlineKeyboardMarkup | null}
        .col(text(Outbox::Payload))
        .col(
            text(Outbox::Status)
                .default("pending")
                .check(Expr::col(Outbox::Status).is_in(["pending", "sent", "failed"])),
        )
        .col(integer(Outbox::Attempts).default(0))
        .col(text_null(Outbox::LastError))
        // Not sent before this: a retry's backoff, a 429's wait, or a sender's lease.
        .col(timestamp_with_time_zone(Outbox::NotBefore))
        .col(timestamp_with_time_zone(Outbox::CreatedAt))
        .col(timestamp_with_time_zone_null(Outbox::SentAt))
        .foreign_key(&mut cascade((Outbox::Table, Outbox::UserId), (Users::Table, Users::Id)))
        .to_owned()
}

#[derive(DeriveIden)]
enum ReminderLog {
    Table,
    Id,
    UserId,
    LocalDate,
    SentAt,
    TelegramMessageId,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    UserId,
    ChatId,
    Kind,
    Payload,
    Status,
    Attempts,
    LastError,
    NotBefore,
    CreatedAt,
    SentAt,
}
