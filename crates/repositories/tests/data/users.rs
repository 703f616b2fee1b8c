use chrono::{DurationRound, TimeDelta, TimeZone, Utc};
use repositories::users::{self, TelegramAccount};

use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn account(telegram_id: i64) -> TelegramAccount {
    TelegramAccount {
        telegram_id,
        first_name: "Анна".into(),
        last_name: None,
        username: Some("anna".into()),
        language_code: Some("ru".into()),
        photo_url: None,
    }
}

/// First sight creates the row with the defaults of `data.md`; later logins refresh names
/// and never create a second row.
async fn upsert_creates_then_refreshes(backend: Backend) {
    let conn = backend.db.conn();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap();
    let created = users::upsert_from_telegram(conn, &account(42), t0).await.unwrap();
    assert_eq!(created.telegram_id, 42);
    assert_eq!(created.timezone, "Europe/Moscow", "Russian speakers default to Moscow");
    assert_eq!(created.day_rollover_hour, 4);
    assert_eq!(created.reminder_hour, 19);
    assert_eq!(created.rating_buttons, 3);
    assert!(created.reminders_enabled && !created.is_admin && !created.trial_used);

    let t1 = t0 + TimeDelta::hours(5);
    let renamed = TelegramAccount { first_name: "Anna".into(), username: None, ..account(42) };
    let updated = users::upsert_from_telegram(conn, &renamed, t1).await.unwrap();
    assert_eq!(updated.id, created.id, "the same user, not a new row");
    assert_eq!(updated.first_name, "Anna");
    assert_eq!(updated.username, None);
    assert_eq!(updated.created_at, t0);
    assert_eq!(updated.last_seen_at.map(|t| t.duration_trunc(TimeDelta::seconds(1)).unwrap()), Some(t1));

    let found = users::find_by_telegram_id(conn, 42).await.unwrap().unwrap();
    assert_eq!(found, updated);
    let by_id = users::find_by_id(conn, domain::UserId::from_uuid(created.id)).await.unwrap();
    assert_eq!(by_id, Some(updated));
    assert_eq!(users::find_by_telegram_id(conn, 43).await.unwrap(), None);
}

#[tokio::test]
async fn upsert_on_postgres() {
    upsert_creates_then_refreshes(migrated_postgres().await).await;
}

#[tokio::test]
async fn upsert_on_sqlite() {
    upsert_creates_then_refreshes(migrated_sqlite().await).await;
}
