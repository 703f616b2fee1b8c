//! Sign-in sessions, language profiles (exactly one active per user) and decks (names unique
//! per profile regardless of case, through an application-computed key).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;

const LEVELS: [&str; 6] = ["A1", "A2", "B1", "B2", "C1", "C2"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(refresh_sessions()).await?;
        manager.create_table(language_profiles()).await?;
        manager.create_table(decks()).await?;
        let db = manager.get_connection();
        // Partial and expression indexes: the same SQL runs on PostgreSQL and SQLite.
        for sql in [
            "CREATE INDEX ix_refresh_sessions_family ON refresh_sessions (family_id)",
            "CREATE INDEX ix_refresh_sessions_user ON refresh_sessions (user_id)",
            "CREATE UNIQUE INDEX ux_language_profiles_one_active ON language_profiles (user_id) WHERE is_active",
            "CREATE UNIQUE INDEX ux_decks_profile_name ON decks (profile_id, name_key)",
            "CREATE UNIQUE INDEX ux_decks_one_default ON decks (profile_id) WHERE is_default",
            "CREATE INDEX ix_decks_owner ON decks (owner_id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Decks::Table.into_iden(), LanguageProfiles::Table.into_iden(), RefreshSessions::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

fn user_fk<T: IntoIden + 'static>(table: T, column: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

fn refresh_sessions() -> TableCreateStatement {
    Table::create()
        .table(RefreshSessions::Table)
        .col(pk_uuid(RefreshSessions::Id))
        .col(uuid(RefreshSessions::UserId))
        .col(uuid(RefreshSessions::FamilyId))
        .col(text_uniq(RefreshSessions::TokenHash))
        .col(timestamp_with_time_zone(RefreshSessions::CreatedAt))
        .col(timestamp_with_time_zone(RefreshSessions::ExpiresAt))
        .col(timestamp_with_time_zone_null(RefreshSessions::RevokedAt))
        .col(text_null(RefreshSessions::UserAgent))
        .foreign_key(&mut user_fk(RefreshSessions::Table, RefreshSessions::UserId))
        .to_owned()
}

fn language_profiles() -> TableCreateStatement {
    Table::create()
        .table(LanguageProfiles::Table)
        .col(pk_uuid(LanguageProfiles::Id))
        .col(uuid(LanguageProfiles::UserId))
        .col(text(LanguageProfiles::Language))
        .col(text(LanguageProfiles::CurrentLevel).check(Expr::col(LanguageProfiles::CurrentLevel).is_in(LEVELS)))
        .col(text(LanguageProfiles::TargetLevel).check(Expr::col(LanguageProfiles::TargetLevel).is_in(LEVELS)))
        .col(json(LanguageProfiles::Goals))
        .col(
            text(LanguageProfiles::InterfaceLanguage)
                .default("ru")
                .check(Expr::col(LanguageProfiles::InterfaceLanguage).is_in(["ru", "en"])),
        )
        .col(boolean(LanguageProfiles::IsActive).default(false))
        .col(
            integer(LanguageProfiles::NewCardsPerDay)
                .default(20)
                .check(Expr::col(LanguageProfiles::NewCardsPerDay).between(0, 500)),
        )
        .col(
            double(LanguageProfiles::DesiredRetention)
                .default(0.9)
                .check(Expr::col(LanguageProfiles::DesiredRetention).between(0.70, 0.97)),
        )
        .col(timestamp_with_time_zone(LanguageProfiles::CreatedAt))
        .col(timestamp_with_time_zone(LanguageProfiles::UpdatedAt))
        // 'A1' < 'A2' < … < 'C2' as text, so the level order is a plain comparison.
        .check(Expr::col(LanguageProfiles::TargetLevel).gte(Expr::col(LanguageProfiles::CurrentLevel)))
        .index(Index::create().unique().col(LanguageProfiles::UserId).col(LanguageProfiles::Language))
        .foreign_key(&mut user_fk(LanguageProfiles::Table, LanguageProfiles::UserId))
        .to_owned()
}

fn decks() -> TableCreateStatement {
    Table::create()
        .table(Decks::Table)
        .col(pk_uuid(Decks::Id))
        .col(uuid(Decks::ProfileId))
        .col(uuid(Decks::OwnerId))
        .col(text(Decks::Name))
        // The name folded by the application (Unicode-aware), for case-insensitive uniqueness.
        .col(text(Decks::NameKey))
        .col(text_null(Decks::Description))
        .col(boolean(Decks::IsDefault).default(false))
        .col(timestamp_with_time_zone_null(Decks::ArchivedAt))
        .col(timestamp_with_time_zone(Decks::CreatedAt))
        .col(timestamp_with_time_zone(Decks::UpdatedAt))
        .foreign_key(
            ForeignKey::create()
                .from(Decks::Table, Decks::ProfileId)
                .to(LanguageProfiles::Table, LanguageProfiles::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(&mut user_fk(Decks::Table, Decks::OwnerId))
        .to_owned()
}

#[derive(DeriveIden)]
pub(crate) enum RefreshSessions {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    UserAgent,
}

#[derive(DeriveIden)]
pub(crate) enum LanguageProfiles {
    Table,
    Id,
    UserId,
    Language,
    CurrentLevel,
    TargetLevel,
    Goals,
    InterfaceLanguage,
    IsActive,
    NewCardsPerDay,
    DesiredRetention,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Decks {
    Table,
    Id,
    ProfileId,
    OwnerId,
    Name,
    NameKey,
    Description,
    IsDefault,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}
