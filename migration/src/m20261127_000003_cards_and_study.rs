//! Cards, per-learner scheduling state, the append-only review log and daily activity.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000002_profiles_decks_sessions::{Decks, LanguageProfiles};

const STATES: [&str; 4] = ["new", "learning", "review", "relearning"];
const SOURCES: [&str; 5] = ["manual", "llm", "chat", "ocr", "import"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(cards()).await?;
        manager.create_table(card_progress()).await?;
        manager.create_table(card_reviews()).await?;
        manager.create_table(daily_activity()).await?;
        let db = manager.get_connection();
        for sql in [
            // Duplicates are judged per profile on the normalised lemma (or front).
            "CREATE UNIQUE INDEX ux_cards_profile_lemma ON cards (profile_id, lemma_key)",
            "CREATE INDEX ix_cards_deck ON cards (deck_id, created_at)",
            "CREATE UNIQUE INDEX ux_card_progress_user_card ON card_progress (user_id, card_id)",
            "CREATE INDEX ix_card_progress_user_due ON card_progress (user_id, state, due)",
            "CREATE UNIQUE INDEX ux_card_reviews_client_id ON card_reviews (user_id, client_review_id)",
            "CREATE INDEX ix_card_reviews_user_time ON card_reviews (user_id, reviewed_at)",
            "CREATE INDEX ix_card_reviews_card ON card_reviews (card_id)",
            "CREATE UNIQUE INDEX ux_daily_activity_day ON daily_activity (user_id, profile_id, local_date)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DailyActivity::Table.into_iden(),
            CardReviews::Table.into_iden(),
            CardProgress::Table.into_iden(),
            Cards::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

/// A foreign key whose rows go when the row they point at is deleted.
pub(crate) fn cascade(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

fn cards() -> TableCreateStatement {
    Table::create()
        .table(Cards::Table)
        .col(pk_uuid(Cards::Id))
        .col(uuid(Cards::DeckId))
        .col(uuid(Cards::ProfileId))
        .col(text(Cards::Front))
        .col(text(Cards::Back))
        .col(text_null(Cards::Lemma))
        // Normalised lemma (or front): the application computes it, Unicode-aware.
        .col(text(Cards::LemmaKey))
        // Front, back and lemma folded the same way, for case-insensitive search on both engines.
        .col(text(Cards::SearchKey))
        .col(text_null(Cards::PartOfSpeech))
        .col(text_null(Cards::Gender))
        .col(json_null(Cards::Forms))
        .col(text_null(Cards::Transcription))
        .col(text_null(Cards::Example))
        .col(text_null(Cards::ExampleTranslation))
        .col(text_null(Cards::Notes))
        .col(text(Cards::Source).default("manual").check(Expr::col(Cards::Source).is_in(SOURCES)))
        .col(timestamp_with_time_zone(Cards::CreatedAt))
        .col(timestamp_with_time_zone(Cards::UpdatedAt))
        .foreign_key(&mut cascade((Cards::Table, Cards::DeckId), (Decks::Table, Decks::Id)))
        .foreign_key(&mut cascade((Cards::Table, Cards::ProfileId), (LanguageProfiles::Table, LanguageProfiles::Id)))
        .to_owned()
}

fn card_progress() -> TableCreateStatement {
    Table::create()
        .table(CardProgress::Table)
        .col(pk_uuid(CardProgress::Id))
        .col(uuid(CardProgress::UserId))
        .col(uuid(CardProgress::CardId))
        .col(text(CardProgress::State).check(Expr::col(CardProgress::State).is_in(STATES)))
        .col(double_null(CardProgress::Stability))
        .col(double_null(CardProgress::Difficulty))
        .col(timestamp_with_time_zone(CardProgress::Due))
        .col(timestamp_with_time_zone_null(CardProgress::LastReview))
        .col(integer(CardProgress::Reps).default(0).check(Expr::col(CardProgress::Reps).gte(0)))
        .col(integer(CardProgress::Lapses).default(0).check(Expr::col(CardProgress::Lapses).gte(0)))
        .col(integer_null(CardProgress::Step))
        .col(timestamp_with_time_zone(CardProgress::UpdatedAt))
        .foreign_key(&mut cascade((CardProgress::Table, CardProgress::UserId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade((CardProgress::Table, CardProgress::CardId), (Cards::Table, Cards::Id)))
        .to_owned()
}

fn card_reviews() -> TableCreateStatement {
    Table::create()
        .table(CardReviews::Table)
        .col(pk_uuid(CardReviews::Id))
        .col(uuid(CardReviews::UserId))
        .col(uuid(CardReviews::CardId))
        .col(uuid(CardReviews::ProfileId))
        .col(uuid(CardReviews::ClientReviewId))
        .col(small_integer(CardReviews::Rating).check(Expr::col(CardReviews::Rating).between(1, 4)))
        .col(text(CardReviews::StateBefore).check(Expr::col(CardReviews::StateBefore).is_in(STATES)))
        .col(text(CardReviews::StateAfter).check(Expr::col(CardReviews::StateAfter).is_in(STATES)))
        .col(integer(CardReviews::ElapsedDays))
        .col(integer(CardReviews::ScheduledDays))
        .col(double_null(CardReviews::StabilityAfter))
        .col(double_null(CardReviews::DifficultyAfter))
        // The progress row as it was, so undo restores it exactly.
        .col(json(CardReviews::ProgressBefore))
        // What the review produced, so a replayed request answers exactly the first result.
        .col(json(CardReviews::ProgressAfter))
        .col(big_integer(CardReviews::ScheduledSeconds))
        .col(integer_null(CardReviews::DurationMs))
        .col(date(CardReviews::LocalDate))
        .col(timestamp_with_time_zone(CardReviews::ReviewedAt))
        .col(timestamp_with_time_zone_null(CardReviews::UndoneAt))
        .foreign_key(&mut cascade((CardReviews::Table, CardReviews::UserId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade((CardReviews::Table, CardReviews::CardId), (Cards::Table, Cards::Id)))
        .to_owned()
}

fn daily_activity() -> TableCreateStatement {
    Table::create()
        .table(DailyActivity::Table)
        .col(pk_uuid(DailyActivity::Id))
        .col(uuid(DailyActivity::UserId))
        .col(uuid(DailyActivity::ProfileId))
        .col(date(DailyActivity::LocalDate))
        .col(integer(DailyActivity::CardsReviewed).default(0))
        .col(integer(DailyActivity::NewCardsStudied).default(0))
        .col(integer(DailyActivity::CardsAdded).default(0))
        .col(integer(DailyActivity::ExercisesDone).default(0))
        .col(integer(DailyActivity::MessagesSent).default(0))
        .col(integer(DailyActivity::SecondsSpent).default(0))
        .foreign_key(&mut cascade((DailyActivity::Table, DailyActivity::UserId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade(
            (DailyActivity::Table, DailyActivity::ProfileId),
            (LanguageProfiles::Table, LanguageProfiles::Id),
        ))
        .to_owned()
}

#[derive(DeriveIden)]
pub(crate) enum Cards {
    Table,
    Id,
    DeckId,
    ProfileId,
    Front,
    Back,
    Lemma,
    LemmaKey,
    SearchKey,
    PartOfSpeech,
    Gender,
    Forms,
    Transcription,
    Example,
    ExampleTranslation,
    Notes,
    Source,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CardProgress {
    Table,
    Id,
    UserId,
    CardId,
    State,
    Stability,
    Difficulty,
    Due,
    LastReview,
    Reps,
    Lapses,
    Step,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CardReviews {
    Table,
    Id,
    UserId,
    CardId,
    ProfileId,
    ClientReviewId,
    Rating,
    StateBefore,
    StateAfter,
    ElapsedDays,
    ScheduledDays,
    StabilityAfter,
    DifficultyAfter,
    ProgressBefore,
    ProgressAfter,
    ScheduledSeconds,
    DurationMs,
    LocalDate,
    ReviewedAt,
    UndoneAt,
}

#[derive(DeriveIden)]
enum DailyActivity {
    Table,
    Id,
    UserId,
    ProfileId,
    LocalDate,
    CardsReviewed,
    NewCardsStudied,
    CardsAdded,
    ExercisesDone,
    MessagesSent,
    SecondsSpent,
}
