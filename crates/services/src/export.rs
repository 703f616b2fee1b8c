//! `GET /api/me/export`: everything the user owns, as it is stored (refresh sessions without
//! their token hashes, and without the derived search and duplicate keys).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::UserId;
use repositories::account::{self, AccountRows};
use repositories::users::UserRow;
use repositories::{Database, RepoError, users};
use serde::Serialize;

use crate::Clock;

#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub exported_at: DateTime<Utc>,
    pub user: UserRow,
    #[serde(flatten)]
    pub rows: AccountRows,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the user no longer exists")]
    UserGone,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Clone)]
pub struct ExportService {
    db: Database,
    clock: Arc<dyn Clock>,
}

impl ExportService {
    pub fn new(db: Database, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    /// Read in one read-only snapshot (repeatable read on PostgreSQL; SQLite's transactions
    /// are snapshots already), so the sections agree with each other.
    pub async fn export(&self, user_id: UserId) -> Result<Export, ExportError> {
        use repositories::{AccessMode, DbBackend, IsolationLevel, TransactionTrait};
        let conn = self.db.conn();
        let txn = match conn.get_database_backend() {
            DbBackend::Postgres => {
                conn.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await
            }
            _ => conn.begin().await,
        }
        .map_err(RepoError::from)?;
        let user = users::find_by_id(&txn, user_id).await?.ok_or(ExportError::UserGone)?;
        let rows = account::rows_of(&txn, user_id).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(Export { exported_at: self.clock.now(), user, rows })
    }
}
