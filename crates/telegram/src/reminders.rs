//! The bot's side of the notifier: the streak reminder's words and buttons, and sending the
//! outbox at Telegram's pace.

use frankenstein::types::InlineKeyboardMarkup;
use services::App;
use services::outbox::Outgoing;
use services::reminders::{ReminderFacts, ReminderText};

use crate::callback::Callback;
use crate::client::ApiError;
use crate::handlers::{app_button_at, button, keyboard};
use crate::sender::Sender;
use crate::texts::{fill, texts};

/// The reminder in the learner's language: the streak, the local time it is safe until, and
/// "Study now" (a card in this chat) beside the Mini App's study screen when there is one.
pub fn compose(facts: &ReminderFacts, mini_app_url: Option<&url::Url>) -> ReminderText {
    let t = texts(facts.language);
    let local = facts.safe_until.with_timezone(&facts.zone.tz());
    let time = local.format("%H:%M").to_string();
    let streak = t.days(u64::from(facts.streak));
    let html = fill(t.reminder_text, &[("streak", &streak), ("time", &time)]);
    let mut row = vec![button(t.study_now, &Callback::NextCard)];
    row.extend(app_button_at(mini_app_url.cloned(), t.open_app, "study"));
    let markup = keyboard(vec![row]);
    ReminderText {
        title: t.reminder_title.to_owned(),
        body: crate::format::html_to_plain(&html),
        keyboard: serde_json::to_value(&markup).ok(),
        html,
    }
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxRun {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Sends up to `limit` due outbox messages through `sender` (which paces them and waits out a
/// 429 for that chat); what still fails is retried later, and a 403 turns the recipient's
/// reminders off.
pub async fn drain_outbox(app: &App, sender: &Sender, limit: u64) -> Result<OutboxRun, services::RepoError> {
    let mut run = OutboxRun::default();
    let started = std::time::Instant::now();
    for message in app.outbox.claim(limit).await? {
        // Past the time the lease is sure to hold (429 waits can be long): the rest stays
        // leased and is sent after the lease by whichever sender claims it next.
        if started.elapsed() >= app.outbox.send_within() {
            break;
        }
        let markup: Option<InlineKeyboardMarkup> =
            message.keyboard.clone().and_then(|k| serde_json::from_value(k).ok());
        match sender.send_html(message.chat_id, &message.html, markup).await {
            Ok(_) => {
                app.outbox.sent(message.id).await?;
                app.metrics.outbox.sent(&message.kind);
                run.sent += 1;
            }
            Err(error) => match outcome(&app.outbox, &message, error).await? {
                true => {
                    app.metrics.outbox.retried(&message.kind);
                    run.retried += 1;
                }
                false => {
                    app.metrics.outbox.failed(&message.kind);
                    run.failed += 1;
                }
            },
        }
    }
    Ok(run)
}

/// Records a failed send; `true` when it will be tried again.
async fn outcome(
    outbox: &services::outbox::OutboxService,
    message: &Outgoing,
    error: ApiError,
) -> Result<bool, services::RepoError> {
    let reason = error.to_string();
    match error {
        ApiError::Forbidden(_) => outbox.blocked(message, &reason).await.map(|()| false),
        ApiError::TooManyRequests { retry_after } => outbox.retry(message, retry_after, &reason).await.map(|()| true),
        ApiError::Server { .. } | ApiError::Transport(_) => {
            // 1, 2, 4, 8 minutes.
            let wait = std::time::Duration::from_secs(60 << message.attempts.clamp(1, 4).saturating_sub(1));
            outbox.retry(message, wait, &reason).await.map(|()| message.attempts < services::outbox::MAX_ATTEMPTS)
        }
        _ => outbox.failed(message, &reason).await.map(|()| false),
    }
}
