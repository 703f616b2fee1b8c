use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(pk_uuid(Users::Id))
                    .col(big_integer_uniq(Users::TelegramId))
                    .col(text(Users::FirstName))
                    .col(text_null(Users::LastName))
                    .col(text_null(Users::Username))
                    .col(text_null(Users::LanguageCode))
                    .col(text_null(Users::PhotoUrl))
                    .col(text(Users::Timezone).default("UTC"))
                    .col(
                        small_integer(Users::DayRolloverHour)
                            .default(4)
                            .check(Expr::col(Users::DayRolloverHour).between(0, 23)),
                    )
                    .col(timestamp_with_time_zone_null(Users::PremiumUntil))
                    .col(boolean(Users::TrialUsed).default(false))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(boolean(Users::RemindersEnabled).default(true))
                    .col(
                        small_integer(Users::ReminderHour)
                            .default(19)
                            .check(Expr::col(Users::ReminderHour).between(0, 23)),
                    )
                    .col(
                        small_integer(Users::RatingButtons)
                            .default(3)
                            .check(Expr::col(Users::RatingButtons).is_in([3, 4])),
                    )
                    .col(timestamp_with_time_zone_null(Users::LastSeenAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt).default(Expr::current_timestamp()))
                    .col(timestamp_with_time_zone(Users::UpdatedAt).default(Expr::current_timestamp()))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Users::Table).if_exists().to_owned()).await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    TelegramId,
    FirstName,
    LastName,
    Username,
    LanguageCode,
    PhotoUrl,
    Timezone,
    DayRolloverHour,
    PremiumUntil,
    TrialUsed,
    IsAdmin,
    RemindersEnabled,
    ReminderHour,
    RatingButtons,
    LastSeenAt,
    CreatedAt,
    UpdatedAt,
}
