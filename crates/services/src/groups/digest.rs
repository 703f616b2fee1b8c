//! The weekly digest for teachers: on Monday, at or after their local reminder hour, every
//! teacher of a live group with students gets one message with last week's numbers, queued in
//! the outbox. `sent_notices` (kind `teacher_digest`, key the ISO week) makes it once per week
//! whatever the number of notifiers.

use chrono::{Datelike, Duration, Timelike, Utc, Weekday};
use domain::{InterfaceLanguage, UserId};
use repositories::group_progress::{self, GroupWeekRow};
use repositories::groups::materials::counted;
use repositories::outbox::{self, NewMessage};
use repositories::users::UserRow;
use repositories::{RepoError, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use super::GroupService;
use super::model::share;
use crate::learner::zone_of;

/// The `sent_notices` and outbox kind of the digest.
pub const DIGEST_KIND: &str = "teacher_digest";

/// One group's week.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestGroup {
    pub id: Uuid,
    pub name: String,
    pub students: u64,
    pub active_students: u64,
    pub reviews: u64,
    pub retention: Option<f64>,
    pub exercises: u64,
}

impl From<GroupWeekRow> for DigestGroup {
    fn from(row: GroupWeekRow) -> Self {
        let reviews = counted(row.reviews);
        Self {
            id: row.group_id,
            name: row.name,
            students: counted(row.students),
            active_students: counted(row.active_students),
            reviews,
            retention: share(counted(row.remembered) as f64, reviews),
            exercises: counted(row.exercises),
        }
    }
}

/// What the digest is written from.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestFacts {
    pub language: InterfaceLanguage,
    pub first_name: String,
    /// ISO week, `2026-W48`.
    pub week: String,
    pub groups: Vec<DigestGroup>,
}

/// The bot message: HTML and its keyboard (`InlineKeyboardMarkup` as JSON).
#[derive(Debug, Clone)]
pub struct DigestText {
    pub html: String,
    pub keyboard: Option<serde_json::Value>,
}

/// Writes the digest; the notifier passes the bot's.
pub type ComposeDigest = dyn Fn(&DigestFacts) -> DigestText + Send + Sync;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DigestRun {
    /// Teachers looked at (not yet sent a digest this week).
    pub candidates: usize,
    /// Digests queued.
    pub sent: usize,
}

/// The ISO week of the teacher's local date when it is Monday at or after their reminder hour.
fn due_week(user: &UserRow, now: chrono::DateTime<Utc>) -> Option<String> {
    let local = now.with_timezone(&zone_of(user).tz());
    let hour = u32::try_from(user.reminder_hour).unwrap_or(19);
    if local.weekday() != Weekday::Mon || local.hour() < hour {
        return None;
    }
    let week = local.date_naive().iso_week();
    Some(format!("{}-W{:02}", week.year(), week.week()))
}

impl GroupService {
    /// Queues the digest of every teacher whose Monday hour has come, `page` teachers per read.
    pub async fn run_teacher_digests(&self, page: u64, compose: &ComposeDigest) -> Result<DigestRun, RepoError> {
        let now = self.clock.now();
        // Monday somewhere on Earth lies between Sunday 10:00 and Tuesday 14:00 UTC.
        if !matches!(now.weekday(), Weekday::Sun | Weekday::Mon | Weekday::Tue) {
            return Ok(DigestRun::default());
        }
        let mut run = DigestRun::default();
        let mut after: Option<Uuid> = None;
        loop {
            let since = now - Duration::days(6);
            let teachers = group_progress::digest_candidates(self.db.conn(), DIGEST_KIND, since, after, page).await?;
            run.candidates += teachers.len();
            for teacher in &teachers {
                if let Some(week) = due_week(teacher, now)
                    && self.send_digest(teacher, &week, compose).await?
                {
                    run.sent += 1;
                }
            }
            match teachers.last() {
                Some(last) if u64::try_from(teachers.len()).unwrap_or(0) >= page => after = Some(last.id),
                _ => return Ok(run),
            }
        }
    }

    /// Records the week's notice and queues the message in one transaction; `false` when
    /// another notifier got there first.
    async fn send_digest(&self, teacher: &UserRow, week: &str, compose: &ComposeDigest) -> Result<bool, RepoError> {
        let now = self.clock.now();
        let teacher_id = UserId::from_uuid(teacher.id);
        let txn = self.db.conn().begin().await?;
        if !group_progress::record_notice(&txn, teacher_id, DIGEST_KIND, week, now).await? {
            return Ok(false);
        }
        let groups = group_progress::teacher_week(&txn, teacher_id, now - Duration::days(7), now).await?;
        if groups.is_empty() {
            txn.commit().await?;
            return Ok(false);
        }
        let language = repositories::users::find_with_language(&txn, teacher_id)
            .await?
            .and_then(|found| found.interface_language)
            .and_then(|code| code.parse::<InterfaceLanguage>().ok())
            .unwrap_or_else(|| InterfaceLanguage::from_telegram(teacher.language_code.as_deref()));
        let facts = DigestFacts {
            language,
            first_name: teacher.first_name.clone(),
            week: week.to_owned(),
            groups: groups.into_iter().map(DigestGroup::from).collect(),
        };
        let text = compose(&facts);
        let payload = json!({ "html": text.html, "keyboard": text.keyboard }).to_string();
        let message =
            NewMessage { user_id: Some(teacher.id), chat_id: teacher.telegram_id, kind: DIGEST_KIND, payload, now };
        outbox::enqueue(&txn, message).await?;
        txn.commit().await?;
        Ok(true)
    }
}
