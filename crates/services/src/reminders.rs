//! Streak reminders: at the learner's local reminder hour, a learner with a streak who has not
//! studied today gets one reminder (an in-app notification and a bot message queued in the
//! outbox), at most once per local day however many notifiers run.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain::{InterfaceLanguage, UserId, at_local_hour};
use repositories::notifications::{self, NewNotification};
use repositories::outbox::{self, NewMessage};
use repositories::users::UserRow;
use repositories::{Database, RepoError, TransactionTrait, reminders, stats};
use serde_json::json;

use crate::Clock;
use crate::learner::{study_day_of, zone_of};

/// What a reminder says, in the learner's language, written by the caller (the bot's texts).
#[derive(Debug, Clone)]
pub struct ReminderText {
    pub title: String,
    pub body: String,
    /// The bot message (HTML) and its keyboard (Telegram's `InlineKeyboardMarkup` as JSON).
    pub html: String,
    pub keyboard: Option<serde_json::Value>,
}

/// What the text is written from.
#[derive(Debug, Clone, Copy)]
pub struct ReminderFacts {
    pub language: InterfaceLanguage,
    pub streak: u32,
    pub safe_until: DateTime<Utc>,
    pub zone: domain::TimeZone,
}

/// Writes the reminder text; the notifier passes the bot's.
pub type Compose = dyn Fn(&ReminderFacts) -> ReminderText + Send + Sync;

/// The outbox kind of a streak reminder.
pub const REMINDER_KIND: &str = "streak_reminder";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderRun {
    /// Users whose reminder time had come.
    pub due: usize,
    /// Reminders written (the rest studied today, had no streak, or were reminded already).
    pub sent: usize,
}

#[derive(Debug, Clone)]
pub struct ReminderService {
    db: Database,
    clock: Arc<dyn Clock>,
    window: Window,
}

/// The local hours reminders may be sent in (`STREAK_REMINDER_WINDOW_START`/`_END`): a reminder
/// hour outside it is moved to its nearer edge, so nobody is woken at night.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: u32,
    pub end: u32,
}

impl Window {
    pub const ALL_DAY: Self = Self { start: 0, end: 23 };

    fn clamp(self, hour: u32) -> u32 {
        if self.start <= self.end { hour.clamp(self.start, self.end) } else { hour }
    }
}

/// The next instant after `now` at which it is the user's reminder hour (within `window`):00 in
/// their zone (the first valid instant after it on a DST gap).
pub fn next_reminder_at(user: &UserRow, now: DateTime<Utc>, window: Window) -> DateTime<Utc> {
    let zone = zone_of(user);
    let hour = window.clamp(u32::try_from(user.reminder_hour).unwrap_or(19).min(23));
    let today = now.with_timezone(&zone.tz()).date_naive();
    (0..3)
        .map(|days| at_local_hour(today + Duration::days(days), zone, hour))
        .find(|at| *at > now)
        .unwrap_or(now + Duration::days(1))
}

impl ReminderService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, window: Window) -> Self {
        Self { db, clock, window }
    }

    /// Gives every user with reminders on and no schedule (new, or settings changed) their next
    /// reminder time; how many, at most `limit` a call.
    pub async fn schedule_new(&self, limit: u64) -> Result<usize, RepoError> {
        let now = self.clock.now();
        let users = reminders::unscheduled(self.db.conn(), limit).await?;
        for user in &users {
            reminders::schedule_unscheduled(self.db.conn(), user.id, next_reminder_at(user, now, self.window)).await?;
        }
        Ok(users.len())
    }

    /// Handles up to `limit` users whose reminder time has come, in one transaction: each is
    /// locked (another notifier skips them), reminded if due, and scheduled for the next day.
    /// A crash before the commit leaves them due for the next run.
    pub async fn run_due(&self, limit: u64, compose: &Compose) -> Result<ReminderRun, RepoError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await?;
        let due = reminders::claim_due(&txn, now, limit).await?;
        let mut run = ReminderRun { due: due.len(), sent: 0 };
        for user in &due {
            // After an outage the reminder hour is long past: a reminder now could come in the
            // night or after the streak is gone, so that day is skipped.
            let late = user.next_reminder_at.is_some_and(|at| now - at > Duration::hours(1));
            if !late && self.remind(&txn, user, now, compose).await? {
                run.sent += 1;
            }
            reminders::schedule(&txn, user.id, next_reminder_at(user, now, self.window)).await?;
        }
        txn.commit().await?;
        Ok(run)
    }

    async fn remind(
        &self,
        txn: &impl repositories::ConnectionTrait,
        user: &UserRow,
        now: DateTime<Utc>,
        compose: &Compose,
    ) -> Result<bool, RepoError> {
        let user_id = UserId::from_uuid(user.id);
        let today = study_day_of(user, now);
        let facts = stats::study_runs(txn, user_id).await?.facts(today.date);
        if facts.current == 0 || facts.today_done || user.bot_blocked_at.is_some() {
            return Ok(false);
        }
        if !reminders::log_once(txn, user_id, today.date, now).await? {
            return Ok(false);
        }
        let language = repositories::users::find_with_language(txn, user_id)
            .await?
            .and_then(|found| found.interface_language)
            .and_then(|code| code.parse::<InterfaceLanguage>().ok())
            .unwrap_or_else(|| InterfaceLanguage::from_telegram(user.language_code.as_deref()));
        let text =
            compose(&ReminderFacts { language, streak: facts.current, safe_until: today.ends_at, zone: zone_of(user) });
        let payload = json!({ "open": "study" });
        let note = NewNotification {
            user_id,
            kind: REMINDER_KIND,
            title: &text.title,
            body: &text.body,
            payload: Some(payload),
            now,
        };
        notifications::insert(txn, note).await?;
        // A message still unsent when the streak can no longer be kept is not sent at all.
        let message = json!({ "html": text.html, "keyboard": text.keyboard, "expires_at": today.ends_at }).to_string();
        let queued = NewMessage {
            user_id: Some(user.id),
            chat_id: user.telegram_id,
            kind: REMINDER_KIND,
            payload: message,
            now,
        };
        outbox::enqueue(txn, queued).await?;
        Ok(true)
    }
}
