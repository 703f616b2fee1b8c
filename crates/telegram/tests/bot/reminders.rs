//! Streak reminders end to end: scheduled at the learner's local hour, exactly one per local
//! day with two notifiers at once, none for someone who studied today (in a zone whose day is
//! not the UTC day), not lost to a crash after the claim, then sent through the outbox with
//! Telegram's 429 and 403 handled.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use repositories::users::{self, UserSettingsChanges};
use telegram::reminders::drain_outbox;

use crate::Harness;
use crate::fake_telegram::{blocked, too_many_requests};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A learner in Los Angeles (UTC-8 in November) reminded at 19:00, who was active on `days`.
async fn learner(h: &Harness, telegram_id: i64, days: &[&str]) -> domain::UserId {
    h.onboard(telegram_id, "Немецкий", "A2", "Путешествия").await;
    let user_id = h.user_id(telegram_id).await;
    let conn = h.app.db.conn();
    let row = users::find_by_id(conn, user_id).await.unwrap().unwrap();
    let changes = UserSettingsChanges {
        timezone: Some("America/Los_Angeles".into()),
        reminder_hour: Some(19),
        ..UserSettingsChanges::default()
    };
    users::update_settings(conn, row, changes, services::Clock::now(h.clock.as_ref().unwrap())).await.unwrap();
    let profile = repositories::profiles::find_active(conn, user_id).await.unwrap().unwrap();
    for day in days {
        repositories::activity::add_cards(conn, user_id, domain::ProfileId::from_uuid(profile.id), date(day), 3)
            .await
            .unwrap();
    }
    user_id
}

fn compose(h: &Harness) -> impl Fn(&services::reminders::ReminderFacts) -> services::reminders::ReminderText + use<> {
    let url = h.app.settings.telegram.mini_app_url.clone();
    move |facts| telegram::reminders::compose(facts, url.as_ref())
}

/// A second notifier: its own service graph on the same database.
fn second_notifier(h: &Harness) -> services::App {
    let clock: Arc<dyn services::Clock> = Arc::new(h.clock.clone().unwrap());
    let cache = Arc::new(services::cache::MemoryCache::new(clock.clone()));
    services::App::assemble((*h.app.settings).clone(), h.app.db.clone(), cache, clock).unwrap()
}

pub(crate) async fn count(h: &Harness, table: &str) -> i64 {
    use repositories::ConnectionTrait;
    let conn = h.app.db.conn();
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = conn.query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), sql)).await.unwrap();
    row.unwrap().try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn one_reminder_a_local_day_for_a_streak_not_yet_kept_today() {
    let h = Harness::with_manual_clock(&[]).await;
    let clock = h.clock.clone().unwrap();
    // 18:00 on the 27th in Los Angeles: 02:00 on the 28th in UTC.
    clock.set(at("2026-11-28T02:00:00Z"));
    let due = learner(&h, 601, &["2026-11-25", "2026-11-26"]).await;
    // Studied "today" by the local day (the 27th), though UTC is already on the 28th.
    learner(&h, 602, &["2026-11-26", "2026-11-27"]).await;
    learner(&h, 603, &[]).await;
    assert_eq!(h.app.reminders.schedule_new(100).await.unwrap(), 3);
    let row = users::find_by_id(h.app.db.conn(), due).await.unwrap().unwrap();
    assert_eq!(row.next_reminder_at, Some(at("2026-11-28T03:00:00Z")), "19:00 local");

    let write = compose(&h);
    clock.set(at("2026-11-28T02:59:00Z"));
    assert_eq!(h.app.reminders.run_due(100, &write).await.unwrap().due, 0, "not yet");
    clock.set(at("2026-11-28T03:00:30Z"));
    let other = second_notifier(&h);
    let (a, b) = tokio::join!(h.app.reminders.run_due(100, &write), other.reminders.run_due(100, &write));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.due + b.due, 3, "each due user is handled by one notifier");
    assert_eq!(a.sent + b.sent, 1, "only the learner whose streak waits for today");
    assert_eq!(
        (count(&h, "reminder_log").await, count(&h, "notifications").await, count(&h, "outbox").await),
        (1, 1, 1)
    );
    let again = h.app.reminders.run_due(100, &write).await.unwrap();
    assert_eq!(again.due, 0, "scheduled for tomorrow");
    let row = users::find_by_id(h.app.db.conn(), due).await.unwrap().unwrap();
    assert_eq!(row.next_reminder_at, Some(at("2026-11-29T03:00:00Z")));

    let page = h.app.notifications.list(due, false, 10, 0).await.unwrap();
    assert_eq!(page.unread, 1);
    assert_eq!(page.items[0].title, "Серия под угрозой");
    let run = drain_outbox(&h.app, &h.runtime.bot_sender(), 10).await.unwrap();
    assert_eq!(run.sent, 1);
    let shown = h.tg.last();
    assert!(shown.text.contains("серия — 2 дня") && shown.text.contains("до 04:00"), "{}", shown.text);
    assert!(shown.button("Учить сейчас").starts_with("c1:"));
    assert_eq!(shown.button("Открыть приложение"), "https://app.example.org/study");
    assert_eq!(drain_outbox(&h.app, &h.runtime.bot_sender(), 10).await.unwrap().sent, 0, "sent once");
}

#[tokio::test]
async fn a_crash_after_the_claim_loses_no_reminder() {
    use repositories::TransactionTrait;
    let h = Harness::with_manual_clock(&[]).await;
    let clock = h.clock.clone().unwrap();
    clock.set(at("2026-11-28T02:00:00Z"));
    learner(&h, 611, &["2026-11-26"]).await;
    h.app.reminders.schedule_new(100).await.unwrap();
    clock.set(at("2026-11-28T03:05:00Z"));
    {
        // A notifier claims the user, then dies before committing.
        let txn = h.app.db.conn().begin().await.unwrap();
        let claimed = repositories::reminders::claim_due(&txn, at("2026-11-28T03:05:00Z"), 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        txn.rollback().await.unwrap();
    }
    let run = h.app.reminders.run_due(100, &compose(&h)).await.unwrap();
    assert_eq!((run.due, run.sent), (1, 1));
}

#[tokio::test]
async fn telegram_429_is_waited_out_and_403_turns_reminders_off() {
    let h = Harness::with_manual_clock(&[]).await;
    let clock = h.clock.clone().unwrap();
    clock.set(at("2026-11-28T02:00:00Z"));
    let waits = learner(&h, 621, &["2026-11-26"]).await;
    let blocks = learner(&h, 622, &["2026-11-26"]).await;
    h.app.reminders.schedule_new(100).await.unwrap();
    clock.set(at("2026-11-28T03:01:00Z"));
    assert_eq!(h.app.reminders.run_due(100, &compose(&h)).await.unwrap().sent, 2);

    // The first message meets a 429: the sender holds that chat for retry_after and sends again.
    h.tg.clear();
    h.tg.script("sendMessage", too_many_requests(1));
    let first = drain_outbox(&h.app, &h.runtime.bot_sender(), 1).await.unwrap();
    assert_eq!((first.sent, first.retried, first.failed), (1, 0, 0));
    assert_eq!(h.tg.calls_of("sendMessage").len(), 2);
    // The second meets a 403: failed, not retried, and that learner's reminders go off.
    h.tg.script("sendMessage", blocked());
    let second = drain_outbox(&h.app, &h.runtime.bot_sender(), 1).await.unwrap();
    assert_eq!((second.sent, second.retried, second.failed), (0, 0, 1));
    let conn = h.app.db.conn();
    let mut states = Vec::new();
    for id in [waits, blocks] {
        let row = users::find_by_id(conn, id).await.unwrap().unwrap();
        states.push((row.reminders_enabled, row.bot_blocked_at.is_some()));
    }
    states.sort_unstable();
    assert_eq!(states, [(false, true), (true, false)], "one kept, the blocked one off");
    assert_eq!(count(&h, "outbox WHERE status = 'failed'").await, 1);
    assert_eq!(drain_outbox(&h.app, &h.runtime.bot_sender(), 10).await.unwrap(), Default::default());
}

#[tokio::test]
async fn stats_show_the_streak_what_is_left_today_and_a_way_to_study() {
    let h = Harness::with_manual_clock(&[]).await;
    let clock = h.clock.clone().unwrap();
    clock.set(at("2026-11-28T02:00:00Z")); // 18:00 on the 27th in Los Angeles
    learner(&h, 631, &["2026-11-25", "2026-11-26"]).await;
    h.say(631, "/stats").await;
    let shown = h.tg.last();
    assert!(shown.text.contains("Серия: <b>2 дня</b> (рекорд: 2 дня)"), "{}", shown.text);
    assert!(shown.text.contains("до 04:00"), "the end of the local study day: {}", shown.text);
    assert!(shown.text.contains("Сегодня: повторено карточек — 0"), "{}", shown.text);
    assert!(shown.button("Учить сейчас").starts_with("c1:"));
    assert_eq!(shown.button("Вся статистика"), "https://app.example.org/stats");
}
