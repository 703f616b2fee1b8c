//! Reminder scheduling and the due run on both engines: the next local reminder hour across a
//! DST change, one reminder a local day, and the claim on SQLite (no row locks there).

use chrono::{DateTime, Utc};
use domain::{CefrLevel, Goal, InterfaceLanguage, LanguageCode, UserId};
use repositories::users::{self, TelegramAccount, UserSettingsChanges};
use services::ManualClock;
use services::profiles::NewProfile;
use services::reminders::{ReminderFacts, ReminderText, Window, next_reminder_at};
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn write(facts: &ReminderFacts) -> ReminderText {
    ReminderText {
        title: format!("streak {}", facts.streak),
        body: "study".into(),
        html: "<b>study</b>".into(),
        keyboard: None,
    }
}

async fn scenario(backend: Backend) {
    let clock = ManualClock::new(at("2026-11-28T10:00:00Z"));
    let app = crate::app_on(&backend, &clock);
    let conn = backend.db.conn();
    let account = TelegramAccount {
        telegram_id: 92,
        first_name: "Ann".into(),
        last_name: None,
        username: None,
        language_code: Some("en".into()),
        photo_url: None,
    };
    let user = users::upsert_from_telegram(conn, &account, services::Clock::now(&clock)).await.unwrap();
    let user_id = UserId::from_uuid(user.id);
    let changes = UserSettingsChanges {
        timezone: Some("Europe/Berlin".into()),
        reminder_hour: Some(19),
        ..UserSettingsChanges::default()
    };
    users::update_settings(conn, user, changes, services::Clock::now(&clock)).await.unwrap();
    let new_profile = NewProfile {
        language: LanguageCode::parse("it").unwrap(),
        current_level: CefrLevel::A1,
        target_level: CefrLevel::A2,
        goals: vec![Goal::Hobby],
        interface_language: InterfaceLanguage::En,
    };
    let profile = app.profiles.create(user_id, new_profile).await.unwrap();
    repositories::activity::add_cards(conn, user_id, profile.id, "2026-11-27".parse().unwrap(), 2).await.unwrap();

    assert_eq!(app.reminders.schedule_new(10).await.unwrap(), 1);
    clock.set(at("2026-11-28T18:00:30Z")); // 19:00:30 in Berlin
    let run = app.reminders.run_due(10, &write).await.unwrap();
    assert_eq!((run.due, run.sent), (1, 1));
    assert_eq!(app.reminders.run_due(10, &write).await.unwrap().due, 0);
    let page = app.notifications.list(user_id, true, 10, 0).await.unwrap();
    assert_eq!(page.items[0].title, "streak 1");
    let messages = app.outbox.claim(10).await.unwrap();
    assert_eq!((messages.len(), messages[0].html.as_str()), (1, "<b>study</b>"));
    assert!(app.outbox.claim(10).await.unwrap().is_empty(), "leased to the first sender");
    app.outbox.sent(messages[0].id).await.unwrap();

    // After an outage: the next day's reminder found two hours late is skipped, not sent at
    // night, and the day after is scheduled.
    clock.set(at("2026-11-29T20:00:00Z"));
    let late = app.reminders.run_due(10, &write).await.unwrap();
    assert_eq!((late.due, late.sent), (1, 0));
    let row = users::find_by_id(conn, user_id).await.unwrap().unwrap();
    assert_eq!(row.next_reminder_at, Some(at("2026-11-30T18:00:00Z")));

    // A message still unsent when its day is over is dropped, not sent.
    let stale = repositories::outbox::NewMessage {
        user_id: Some(user_id.as_uuid()),
        chat_id: 92,
        kind: "streak_reminder",
        payload: serde_json::json!({"html": "late", "expires_at": "2026-11-29T03:00:00Z"}).to_string(),
        now: at("2026-11-29T20:00:00Z"),
    };
    repositories::outbox::enqueue(conn, stale).await.unwrap();
    assert!(app.outbox.claim(10).await.unwrap().is_empty(), "expired, so failed instead of sent");

    // Changing the hour reschedules.
    let row = users::find_by_id(conn, user_id).await.unwrap().unwrap();
    assert!(row.next_reminder_at.is_some());
    let later = UserSettingsChanges { reminder_hour: Some(21), ..UserSettingsChanges::default() };
    let row = users::update_settings(conn, row, later, services::Clock::now(&clock)).await.unwrap();
    assert_eq!(row.next_reminder_at, None);
}

#[tokio::test]
async fn on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    scenario(migrated_sqlite().await).await;
}

#[test]
fn the_next_reminder_is_the_local_hour_even_across_a_dst_change() {
    let user = |zone: &str, hour: i16| repositories::users::UserRow {
        timezone: zone.into(),
        reminder_hour: hour,
        ..template()
    };
    // 19:00 in Berlin is 18:00 UTC in winter, 17:00 in summer; 02:30 on spring-forward day
    // does not exist, so 03:00 is the first valid instant after it.
    assert_eq!(
        next_reminder_at(&user("Europe/Berlin", 19), at("2026-11-28T10:00:00Z"), Window::ALL_DAY),
        at("2026-11-28T18:00:00Z")
    );
    assert_eq!(
        next_reminder_at(&user("Europe/Berlin", 19), at("2026-11-28T18:00:00Z"), Window::ALL_DAY),
        at("2026-11-29T18:00:00Z")
    );
    assert_eq!(
        next_reminder_at(&user("Europe/Berlin", 19), at("2026-03-28T19:00:00Z"), Window::ALL_DAY),
        at("2026-03-29T17:00:00Z")
    );
    assert_eq!(
        next_reminder_at(&user("Europe/Berlin", 2), at("2026-03-28T12:00:00Z"), Window::ALL_DAY),
        at("2026-03-29T01:00:00Z")
    );
    // Outside the allowed hours, the nearer edge: 23:00 becomes 22:00, 06:00 becomes 09:00.
    let window = Window { start: 9, end: 22 };
    assert_eq!(
        next_reminder_at(&user("Europe/Berlin", 23), at("2026-11-28T10:00:00Z"), window),
        at("2026-11-28T21:00:00Z")
    );
    assert_eq!(
        next_reminder_at(&user("Europe/Berlin", 6), at("2026-11-28T10:00:00Z"), window),
        at("2026-11-29T08:00:00Z")
    );
    assert_eq!(
        next_reminder_at(&user("Asia/Kolkata", 9), at("2026-11-28T03:29:00Z"), Window::ALL_DAY),
        at("2026-11-28T03:30:00Z")
    );
}

fn template() -> repositories::users::UserRow {
    repositories::users::UserRow {
        id: uuid::Uuid::nil(),
        telegram_id: 1,
        first_name: "A".into(),
        last_name: None,
        username: None,
        language_code: None,
        photo_url: None,
        timezone: "UTC".into(),
        timezone_source: "device".into(),
        day_rollover_hour: 4,
        premium_until: None,
        trial_used: false,
        is_admin: false,
        reminders_enabled: true,
        reminder_hour: 19,
        rating_buttons: 4,
        last_seen_at: None,
        auth_version: 0,
        bot_blocked_at: None,
        next_reminder_at: None,
        created_at: at("2026-01-01T00:00:00Z"),
        updated_at: at("2026-01-01T00:00:00Z"),
    }
}
