//! In-app notifications: the notifier writes them (in the user's interface language), the Mini
//! App lists them, counts the unread and marks them read.

use std::sync::Arc;

use domain::UserId;
use repositories::notifications::{self as rows, NewNotification, NotificationRow};
use repositories::{Database, RepoError};
use serde_json::Value;
use uuid::Uuid;

use crate::Clock;

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("notification not found")]
    NotFound,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// One page and the counts the badge needs.
#[derive(Debug, Clone)]
pub struct NotificationPage {
    pub items: Vec<NotificationRow>,
    pub total: u64,
    pub unread: u64,
}

#[derive(Debug, Clone)]
pub struct NotificationService {
    db: Database,
    clock: Arc<dyn Clock>,
}

impl NotificationService {
    pub fn new(db: Database, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    pub async fn list(
        &self,
        user_id: UserId,
        unread_only: bool,
        limit: u64,
        offset: u64,
    ) -> Result<NotificationPage, NotificationError> {
        let conn = self.db.conn();
        let (items, total) = rows::page(conn, user_id, unread_only, limit, offset).await?;
        let unread = if unread_only { total } else { rows::unread_count(conn, user_id).await? };
        Ok(NotificationPage { items, total, unread })
    }

    pub async fn mark_read(&self, user_id: UserId, id: Uuid) -> Result<NotificationRow, NotificationError> {
        rows::mark_read(self.db.conn(), user_id, id, self.clock.now()).await?.ok_or(NotificationError::NotFound)
    }

    pub async fn mark_all_read(&self, user_id: UserId) -> Result<u64, NotificationError> {
        Ok(rows::mark_all_read(self.db.conn(), user_id, self.clock.now()).await?)
    }

    /// Writes a notification for the user; `title` and `body` are already in their language.
    pub async fn notify(
        &self,
        user_id: UserId,
        kind: &str,
        title: &str,
        body: &str,
        payload: Option<Value>,
    ) -> Result<NotificationRow, NotificationError> {
        let new = NewNotification { user_id, kind, title, body, payload, now: self.clock.now() };
        Ok(rows::insert(self.db.conn(), new).await?)
    }
}
