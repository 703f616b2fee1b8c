//! A user who blocks the bot is recorded as such, and writing to it again clears the mark.

use chrono::{TimeZone, Utc};
use repositories::users::{self, TelegramAccount};
use services::ManualClock;
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

async fn scenario(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let account = TelegramAccount {
        telegram_id: 555,
        first_name: "Ann".into(),
        last_name: None,
        username: None,
        language_code: Some("ru".into()),
        photo_url: None,
    };
    let created = users::upsert_from_telegram(backend.db.conn(), &account, services::Clock::now(&clock)).await.unwrap();
    assert_eq!(created.bot_blocked_at, None);

    app.users.bot_blocked(555).await.unwrap();
    let blocked = users::find_by_telegram_id(backend.db.conn(), 555).await.unwrap().unwrap();
    assert_eq!(blocked.bot_blocked_at, Some(services::Clock::now(&clock)));

    app.users.bot_reachable(555).await.unwrap();
    let back = users::find_by_telegram_id(backend.db.conn(), 555).await.unwrap().unwrap();
    assert_eq!(back.bot_blocked_at, None);

    // Someone the bot never met: nothing to record, no error.
    app.users.bot_blocked(999).await.unwrap();
    // Signing in again refreshes the profile fields and keeps the mark as it is.
    app.users.bot_blocked(555).await.unwrap();
    let again = users::upsert_from_telegram(backend.db.conn(), &account, services::Clock::now(&clock)).await.unwrap();
    assert!(again.bot_blocked_at.is_some());
}

#[tokio::test]
async fn on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    scenario(migrated_sqlite().await).await;
}
