//! Two indexes for study-loop reads (issue 10, docs/performance.md):
//! - `ix_card_progress_user_state_due` replaces `ix_card_progress_user_due` and also carries
//!   `card_id`, so the queue and the day's counts read
//!   a learner's progress (state, due, card) from the index alone, in one range scan, instead
//!   of one index probe and table page per card of the profile (225 buffers became 13 on the
//!   seeded data). Progress rows change state and due on every review, so their updates were
//!   never HOT: the wider entry costs a review nothing more.
//! - `ix_daily_activity_active_days` holds only the days that count for the streak, in date
//!   order, so the streak is an index-only scan instead of one table page per active day
//!   (about 10x cheaper for a year of study). Its predicate is `stats::ACTIVE_DAY` for one row;
//!   the counters are never negative, so a day is active when any of its rows is.
//!
//! SQLite has no INCLUDE: there `card_id` is a fourth key column, which serves the same scan.
//! `IF NOT EXISTS`: a large database may have them built beforehand with `CREATE INDEX
//! CONCURRENTLY` (docs/operations.md), and the migration then only drops the old index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let progress = match manager.get_database_backend() {
            DbBackend::Sqlite => {
                "CREATE INDEX IF NOT EXISTS ix_card_progress_user_state_due ON card_progress (user_id, state, due, card_id)"
            }
            _ => {
                "CREATE INDEX ix_card_progress_user_state_due ON card_progress (user_id, state, due) INCLUDE (card_id)"
            }
        };
        // A new name: SQLite refused to create an index under the name just dropped.
        db.execute_unprepared(progress).await?;
        db.execute_unprepared("DROP INDEX IF EXISTS ix_card_progress_user_due").await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_daily_activity_active_days ON daily_activity (user_id, local_date) \
             WHERE cards_reviewed + exercises_done + cards_added > 0",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX ix_daily_activity_active_days").await?;
        db.execute_unprepared("CREATE INDEX ix_card_progress_user_due ON card_progress (user_id, state, due)").await?;
        db.execute_unprepared("DROP INDEX ix_card_progress_user_state_due").await?;
        Ok(())
    }
}
