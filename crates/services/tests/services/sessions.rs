//! Retention of refresh sessions: what can never be used again is deleted, what still guards
//! against the reuse of a rotated token is kept.

use chrono::{Duration, TimeZone, Utc};
use services::ManualClock;
use services::auth::{AuthError, DevIdentity};
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn someone(telegram_id: i64) -> DevIdentity {
    DevIdentity { telegram_id, first_name: "A".into(), username: None, language_code: Some("ru".into()) }
}

async fn purge(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let auth = &app.auth;
    let sessions = || async {
        use sea_orm::{ConnectionTrait, Statement};
        let db = backend.db.conn();
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT count(*) AS n FROM refresh_sessions",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };

    auth.dev_sign_in(someone(1), None).await.unwrap();
    clock.advance(Duration::days(31));
    let rotated = auth.dev_sign_in(someone(2), None).await.unwrap();
    auth.refresh(&rotated.refresh_token, None).await.unwrap();
    let logged_out = auth.dev_sign_in(someone(3), None).await.unwrap();
    auth.logout(&logged_out.refresh_token).await.unwrap();
    assert_eq!(sessions().await, 4);

    assert_eq!(auth.purge_dead_sessions().await.unwrap(), 2, "the expired one and the logged-out family");
    assert_eq!(sessions().await, 2, "the live session and the rotated token of its family");
    assert!(matches!(auth.refresh(&rotated.refresh_token, None).await, Err(AuthError::RefreshReused)));
    assert_eq!(auth.purge_dead_sessions().await.unwrap(), 2, "the reused family is dead now");
    assert_eq!(sessions().await, 0);
}

#[tokio::test]
async fn on_postgres() {
    purge(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    purge(migrated_sqlite().await).await;
}
