//! Personal FSRS parameters (issue 18): `profile_fsrs` holds what a profile schedules with and
//! the fitting job's lease; `fsrs_fits` records every fit, adopted or not, with its figures.
//! A profile without a `profile_fsrs` row, or with `parameters` null, uses FSRS-6's defaults.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000002_profiles_decks_sessions::LanguageProfiles;
use crate::m20261127_000003_cards_and_study::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(profile_fsrs()).await?;
        manager.create_table(fsrs_fits()).await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX ix_fsrs_fits_profile_time ON fsrs_fits (profile_id, created_at)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [FsrsFits::Table.into_iden(), ProfileFsrs::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

fn profile_fsrs() -> TableCreateStatement {
    Table::create()
        .table(ProfileFsrs::Table)
        .col(uuid(ProfileFsrs::ProfileId).primary_key())
        // The 21 FSRS-6 parameters in use (a JSON array); null: the defaults.
        .col(json_null(ProfileFsrs::Parameters))
        .col(timestamp_with_time_zone_null(ProfileFsrs::ParametersSince))
        // A notifier fitting this profile holds it until then; another skips it.
        .col(timestamp_with_time_zone_null(ProfileFsrs::LeaseUntil))
        .col(timestamp_with_time_zone_null(ProfileFsrs::LastFitAt))
        // The profile's review count when it was last fitted: the next fit waits for more.
        .col(integer(ProfileFsrs::ReviewsAtLastFit).default(0))
        .check(Expr::cust("(parameters IS NULL) = (parameters_since IS NULL)"))
        .foreign_key(&mut cascade(
            (ProfileFsrs::Table, ProfileFsrs::ProfileId),
            (LanguageProfiles::Table, LanguageProfiles::Id),
        ))
        .to_owned()
}

fn fsrs_fits() -> TableCreateStatement {
    Table::create()
        .table(FsrsFits::Table)
        .col(pk_uuid(FsrsFits::Id))
        .col(uuid(FsrsFits::ProfileId))
        .col(text(FsrsFits::Outcome).check(Expr::col(FsrsFits::Outcome).is_in(["adopted", "rejected", "failed"])))
        .col(integer(FsrsFits::ReviewCount))
        .col(integer(FsrsFits::TrainedOn))
        .col(integer(FsrsFits::HeldOut))
        .col(json_null(FsrsFits::Parameters))
        .col(double_null(FsrsFits::LogLossBefore))
        .col(double_null(FsrsFits::RmseBefore))
        .col(double_null(FsrsFits::LogLossAfter))
        .col(double_null(FsrsFits::RmseAfter))
        .col(text_null(FsrsFits::Error).check(Expr::cust("length(error) <= 500")))
        .col(timestamp_with_time_zone(FsrsFits::CreatedAt))
        // A fit that ran has its parameters and figures; a failed one has its reason instead.
        .check(Expr::cust(
            "(outcome = 'failed' AND error IS NOT NULL AND parameters IS NULL) \
             OR (outcome <> 'failed' AND error IS NULL AND parameters IS NOT NULL \
                 AND log_loss_before IS NOT NULL AND log_loss_after IS NOT NULL \
                 AND rmse_before IS NOT NULL AND rmse_after IS NOT NULL)",
        ))
        .foreign_key(&mut cascade(
            (FsrsFits::Table, FsrsFits::ProfileId),
            (LanguageProfiles::Table, LanguageProfiles::Id),
        ))
        .to_owned()
}

#[derive(DeriveIden)]
enum ProfileFsrs {
    Table,
    ProfileId,
    Parameters,
    ParametersSince,
    LeaseUntil,
    LastFitAt,
    ReviewsAtLastFit,
}

#[derive(DeriveIden)]
enum FsrsFits {
    Table,
    Id,
    ProfileId,
    Outcome,
    ReviewCount,
    TrainedOn,
    HeldOut,
    Parameters,
    LogLossBefore,
    RmseBefore,
    LogLossAfter,
    RmseAfter,
    Error,
    CreatedAt,
}
