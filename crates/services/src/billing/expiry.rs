//! Premium-expiry reminders: 3 days and 1 day before `premium_until`, each sent once per end
//! date (`sent_notices`), however many notifiers run: an in-app notification and a bot message
//! queued in the outbox.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use domain::{InterfaceLanguage, UserId};
use repositories::notifications::{self, NewNotification};
use repositories::outbox::{self, NewMessage};
use repositories::users::UserRow;
use repositories::{ConnectionTrait, RepoError, TransactionTrait, payments};
use serde_json::json;

use super::BillingService;
use crate::learner::zone_of;

/// The outbox and notification kind.
pub const EXPIRY_KIND: &str = "premium_expiry";

/// Which warning: 3 days or 1 day before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryWarning {
    ThreeDays,
    OneDay,
}

impl ExpiryWarning {
    fn notice_kind(self) -> &'static str {
        match self {
            Self::ThreeDays => "premium_expiry_3d",
            Self::OneDay => "premium_expiry_1d",
        }
    }

    /// Ends within `(now + after, now + within]` get this warning.
    fn window(self) -> (Duration, Duration) {
        match self {
            Self::ThreeDays => (Duration::days(1), Duration::days(3)),
            Self::OneDay => (Duration::zero(), Duration::days(1)),
        }
    }
}

/// What the warning is written from.
#[derive(Debug, Clone, Copy)]
pub struct ExpiryFacts {
    pub language: InterfaceLanguage,
    pub warning: ExpiryWarning,
    pub premium_until: DateTime<Utc>,
    pub zone: domain::TimeZone,
}

/// The warning in the user's language, written by the bot's texts.
#[derive(Debug, Clone)]
pub struct ExpiryText {
    pub title: String,
    pub body: String,
    pub html: String,
    pub keyboard: Option<serde_json::Value>,
}

pub type ExpiryCompose = dyn Fn(&ExpiryFacts) -> ExpiryText + Send + Sync;

impl BillingService {
    /// Queues the due warnings of one kind, up to `limit` users; how many were written.
    pub async fn warn_expiring(
        &self,
        warning: ExpiryWarning,
        limit: u64,
        compose: &ExpiryCompose,
    ) -> Result<usize, RepoError> {
        let now = self.clock.now();
        let (after, within) = warning.window();
        let kind = warning.notice_kind();
        let due = payments::premium_ending(self.db.conn(), now, after, within, kind, limit).await?;
        let mut sent = 0;
        for user in &due {
            let txn = self.db.conn().begin().await?;
            if warn(&txn, user, warning, now, compose).await? {
                sent += 1;
            }
            txn.commit().await?;
        }
        Ok(sent)
    }
}

async fn warn(
    txn: &impl ConnectionTrait,
    user: &UserRow,
    warning: ExpiryWarning,
    now: DateTime<Utc>,
    compose: &ExpiryCompose,
) -> Result<bool, RepoError> {
    let Some(premium_until) = user.premium_until else {
        return Ok(false);
    };
    let user_id = UserId::from_uuid(user.id);
    let key = premium_until.to_rfc3339_opts(SecondsFormat::Secs, true);
    if !payments::notice_once(txn, user_id, warning.notice_kind(), &key, now).await? {
        return Ok(false);
    }
    let language = repositories::users::find_with_language(txn, user_id)
        .await?
        .and_then(|found| found.interface_language)
        .and_then(|code| code.parse::<InterfaceLanguage>().ok())
        .unwrap_or_else(|| InterfaceLanguage::from_telegram(user.language_code.as_deref()));
    let text = compose(&ExpiryFacts { language, warning, premium_until, zone: zone_of(user) });
    let note = NewNotification {
        user_id,
        kind: EXPIRY_KIND,
        title: &text.title,
        body: &text.body,
        payload: Some(json!({ "open": "premium" })),
        now,
    };
    notifications::insert(txn, note).await?;
    if user.bot_blocked_at.is_none() {
        // Pointless once premium has ended.
        let message = json!({ "html": text.html, "keyboard": text.keyboard, "expires_at": premium_until }).to_string();
        let queued =
            NewMessage { user_id: Some(user.id), chat_id: user.telegram_id, kind: EXPIRY_KIND, payload: message, now };
        outbox::enqueue(txn, queued).await?;
    }
    Ok(true)
}
