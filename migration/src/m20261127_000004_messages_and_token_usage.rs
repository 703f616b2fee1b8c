//! The tutor conversation (one history per profile, shared by the bot and the Mini App) and the
//! record of every LLM call for cost accounting.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000002_profiles_decks_sessions::LanguageProfiles;
use crate::m20261127_000003_cards_and_study::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(messages()).await?;
        manager.create_table(token_usage()).await?;
        let db = manager.get_connection();
        for sql in [
            // History pages walk back by id (UUID v7, time-ordered) within a profile.
            "CREATE INDEX ix_messages_profile_id ON messages (profile_id, id)",
            // At most one answer per user message, even when a retry races the first call.
            "CREATE UNIQUE INDEX ux_messages_reply_to ON messages (reply_to)",
            "CREATE INDEX ix_token_usage_user_time ON token_usage (user_id, created_at)",
            "CREATE INDEX ix_token_usage_time ON token_usage (created_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [TokenUsage::Table.into_iden(), Messages::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

fn messages() -> TableCreateStatement {
    Table::create()
        .table(Messages::Table)
        .col(pk_uuid(Messages::Id))
        .col(uuid(Messages::UserId))
        .col(uuid(Messages::ProfileId))
        .col(text(Messages::Role).check(Expr::col(Messages::Role).is_in(["user", "assistant"])))
        .col(text(Messages::Content))
        .col(text(Messages::Channel).check(Expr::col(Messages::Channel).is_in(["bot", "miniapp"])))
        .col(integer_null(Messages::Tokens))
        // The structured "words you can add" side channel of an assistant answer.
        .col(json_null(Messages::Words))
        // The user message an assistant message answers; NULL for user messages.
        .col(uuid_null(Messages::ReplyTo))
        .col(big_integer_null(Messages::TelegramMessageId))
        .col(timestamp_with_time_zone(Messages::CreatedAt))
        .foreign_key(&mut cascade((Messages::Table, Messages::UserId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade(
            (Messages::Table, Messages::ProfileId),
            (LanguageProfiles::Table, LanguageProfiles::Id),
        ))
        .foreign_key(&mut cascade((Messages::Table, Messages::ReplyTo), (Messages::Table, Messages::Id)))
        .check(Expr::col(Messages::Role).eq("assistant").or(Expr::col(Messages::ReplyTo).is_null()))
        .to_owned()
}

fn token_usage() -> TableCreateStatement {
    Table::create()
        .table(TokenUsage::Table)
        .col(pk_uuid(TokenUsage::Id))
        // NULL for calls made for no particular user (none yet; kept for jobs such as moderation).
        .col(uuid_null(TokenUsage::UserId))
        .col(uuid_null(TokenUsage::ProfileId))
        .col(text(TokenUsage::Operation))
        .col(text(TokenUsage::Provider))
        .col(text(TokenUsage::Model))
        .col(integer(TokenUsage::PromptTokens).default(0).check(Expr::col(TokenUsage::PromptTokens).gte(0)))
        .col(integer(TokenUsage::CompletionTokens).default(0).check(Expr::col(TokenUsage::CompletionTokens).gte(0)))
        .col(big_integer(TokenUsage::CostUsdMicros).default(0).check(Expr::col(TokenUsage::CostUsdMicros).gte(0)))
        .col(integer(TokenUsage::LatencyMs).check(Expr::col(TokenUsage::LatencyMs).gte(0)))
        .col(text(TokenUsage::Outcome).check(Expr::col(TokenUsage::Outcome).is_in(["ok", "error"])))
        .col(timestamp_with_time_zone(TokenUsage::CreatedAt))
        .foreign_key(&mut cascade((TokenUsage::Table, TokenUsage::UserId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade(
            (TokenUsage::Table, TokenUsage::ProfileId),
            (LanguageProfiles::Table, LanguageProfiles::Id),
        ))
        .to_owned()
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    UserId,
    ProfileId,
    Role,
    Content,
    Channel,
    Tokens,
    Words,
    ReplyTo,
    TelegramMessageId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TokenUsage {
    Table,
    Id,
    UserId,
    ProfileId,
    Operation,
    Provider,
    Model,
    PromptTokens,
    CompletionTokens,
    CostUsdMicros,
    LatencyMs,
    Outcome,
    CreatedAt,
}
