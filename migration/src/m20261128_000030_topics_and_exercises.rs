//! Topics a learner practises (grammar, vocabulary or a situation; one active per profile,
//! enforced by a partial unique index) and the record of every exercise answered. Pending
//! exercises live in the cache; a row is written once, when an exercise is graded.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000002_profiles_decks_sessions::LanguageProfiles;
use crate::m20261127_000003_cards_and_study::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(topics()).await?;
        manager.create_table(exercise_attempts()).await?;
        let db = manager.get_connection();
        for sql in [
            "CREATE UNIQUE INDEX ux_topics_active ON topics (profile_id) WHERE is_active",
            "CREATE UNIQUE INDEX ux_topics_name ON topics (profile_id, name_key)",
            "CREATE INDEX ix_topics_owner ON topics (owner_id)",
            // History pages, newest first, per profile; the topic's accuracy and recent results.
            "CREATE INDEX ix_exercise_attempts_profile ON exercise_attempts (profile_id, completed_at)",
            "CREATE INDEX ix_exercise_attempts_topic ON exercise_attempts (topic_id, completed_at)",
            "CREATE INDEX ix_exercise_attempts_user ON exercise_attempts (user_id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ExerciseAttempts::Table.into_iden(), Topics::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

fn topics() -> TableCreateStatement {
    Table::create()
        .table(Topics::Table)
        .col(pk_uuid(Topics::Id))
        .col(uuid(Topics::ProfileId))
        .col(uuid(Topics::OwnerId))
        .col(text(Topics::Name))
        // The name folded (case, spacing), so "Past tense" and "past  tense" are one topic.
        .col(text(Topics::NameKey))
        .col(text_null(Topics::Description))
        .col(text(Topics::Kind).check(Expr::col(Topics::Kind).is_in(["grammar", "vocabulary", "situation"])))
        .col(boolean(Topics::IsActive).default(false))
        .col(timestamp_with_time_zone_null(Topics::ArchivedAt))
        .col(timestamp_with_time_zone(Topics::CreatedAt))
        .col(timestamp_with_time_zone(Topics::UpdatedAt))
        .foreign_key(&mut cascade((Topics::Table, Topics::OwnerId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade((Topics::Table, Topics::ProfileId), (LanguageProfiles::Table, LanguageProfiles::Id)))
        .to_owned()
}

fn exercise_attempts() -> TableCreateStatement {
    Table::create()
        .table(ExerciseAttempts::Table)
        .col(pk_uuid(ExerciseAttempts::Id))
        .col(uuid(ExerciseAttempts::UserId))
        .col(uuid(ExerciseAttempts::ProfileId))
        // A deleted topic leaves its attempts in the history, without a topic.
        .col(uuid_null(ExerciseAttempts::TopicId))
        .col(text(ExerciseAttempts::Kind).check(Expr::col(ExerciseAttempts::Kind).is_in([
            "translate",
            "transform",
            "fill_gap",
            "word_order",
            "multiple_choice",
        ])))
        .col(text(ExerciseAttempts::Question))
        .col(text(ExerciseAttempts::Prompt))
        .col(json_null(ExerciseAttempts::Options))
        .col(text(ExerciseAttempts::CorrectAnswer))
        .col(text(ExerciseAttempts::UserAnswer))
        .col(text(ExerciseAttempts::Result).check(Expr::col(ExerciseAttempts::Result).is_in([
            "correct",
            "partial",
            "incorrect",
        ])))
        // {explanation, mistakes: [{type, text, suggestion}], alternatives: [..]}
        .col(json(ExerciseAttempts::Feedback))
        .col(boolean(ExerciseAttempts::UsedHint).default(false))
        .col(integer_null(ExerciseAttempts::DurationMs))
        .col(text(ExerciseAttempts::Channel).check(Expr::col(ExerciseAttempts::Channel).is_in(["bot", "miniapp"])))
        .col(timestamp_with_time_zone(ExerciseAttempts::CompletedAt))
        .foreign_key(&mut cascade((ExerciseAttempts::Table, ExerciseAttempts::UserId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade(
            (ExerciseAttempts::Table, ExerciseAttempts::ProfileId),
            (LanguageProfiles::Table, LanguageProfiles::Id),
        ))
        .foreign_key(
            &mut ForeignKey::create()
                .from(ExerciseAttempts::Table, ExerciseAttempts::TopicId)
                .to(Topics::Table, Topics::Id)
                .on_delete(ForeignKeyAction::SetNull)
                .to_owned(),
        )
        .to_owned()
}

#[derive(DeriveIden)]
pub enum Topics {
    Table,
    Id,
    ProfileId,
    OwnerId,
    Name,
    NameKey,
    Description,
    Kind,
    IsActive,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ExerciseAttempts {
    Table,
    Id,
    UserId,
    ProfileId,
    TopicId,
    Kind,
    Question,
    Prompt,
    Options,
    CorrectAnswer,
    UserAnswer,
    Result,
    Feedback,
    UsedHint,
    DurationMs,
    Channel,
    CompletedAt,
}
