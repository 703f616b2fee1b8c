//! Three learner-facing fixes (issue 11):
//! - `daily_activity.extra_new_cards`: new cards a learner added to one study day's allowance
//!   ("study more today"), on top of the profile's daily number;
//! - `users.timezone_source`: `manual` once the learner picked a zone by hand, so another
//!   device's detected zone no longer overwrites it; `device` (everyone so far) follows it;
//! - `cards.search_key` refolded without diacritics, so "bano" finds "baño" on both engines.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement, TryGetable, Value};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Cards refolded per statement round.
const BATCH: u64 = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE daily_activity ADD COLUMN extra_new_cards INTEGER NOT NULL DEFAULT 0")
            .await?;
        db.execute_unprepared(
            "ALTER TABLE users ADD COLUMN timezone_source TEXT NOT NULL DEFAULT 'device' \
             CHECK (timezone_source IN ('device', 'manual'))",
        )
        .await?;
        // SQLite's RETURNING reports an added column as NULL on rows that do not store it yet.
        db.execute_unprepared("UPDATE daily_activity SET extra_new_cards = 0").await?;
        db.execute_unprepared("UPDATE users SET timezone_source = 'device'").await?;
        refold_search_keys(db).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE daily_activity DROP COLUMN extra_new_cards").await?;
        db.execute_unprepared("ALTER TABLE users DROP COLUMN timezone_source").await?;
        Ok(())
    }
}

/// The search fold as of this migration (`domain::text::search_key` computes it for new
/// cards): whitespace collapsed, lower case, diacritics dropped. A copy, so that this
/// migration keeps doing what it did when the domain code moves on.
fn search_fold(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.to_lowercase().nfd().filter(|c| !is_combining_mark(*c)).nfc().collect()
}

/// Recomputes every card's `search_key`, in id order, a batch at a time.
async fn refold_search_keys(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let mut after: Option<Value> = None;
    loop {
        let (sql, values) = match &after {
            Some(id) => (
                format!("SELECT id, front, back, lemma FROM cards WHERE id > $1 ORDER BY id LIMIT {BATCH}"),
                vec![id.clone()],
            ),
            None => (format!("SELECT id, front, back, lemma FROM cards ORDER BY id LIMIT {BATCH}"), Vec::new()),
        };
        let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        let next = Value::from(uuid_of(last)?);
        for row in &rows {
            let front: String = row.try_get("", "front")?;
            let back: String = row.try_get("", "back")?;
            let lemma: Option<String> = row.try_get("", "lemma")?;
            let key = search_fold(&format!("{front} {back} {}", lemma.unwrap_or_default()));
            let update = Statement::from_sql_and_values(
                backend,
                "UPDATE cards SET search_key = $1 WHERE id = $2",
                [key.into(), Value::from(uuid_of(row)?)],
            );
            db.execute_raw(update).await?;
        }
        after = Some(next);
    }
}

fn uuid_of(row: &sea_orm_migration::sea_orm::QueryResult) -> Result<sea_orm_migration::sea_orm::prelude::Uuid, DbErr> {
    <sea_orm_migration::sea_orm::prelude::Uuid as TryGetable>::try_get(row, "", "id").map_err(DbErr::from)
}

#[cfg(test)]
mod tests {
    use super::search_fold;

    #[test]
    fn drops_diacritics_and_case() {
        assert_eq!(search_fold("  El  Baño "), "el bano");
        assert_eq!(search_fold("Crème BRÛLÉE"), "creme brulee");
        assert_eq!(search_fold("Straße"), "straße");
    }
}
