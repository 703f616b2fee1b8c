//! The profile rules through the service, on PostgreSQL and on the embedded SQLite, so local
//! mode behaves like production.

use chrono::{TimeZone, Utc};
use domain::{CefrLevel, Goal, InterfaceLanguage, LanguageCode, UserId};
use repositories::users::{self, TelegramAccount};
use services::ManualClock;
use services::profiles::{NewProfile, ProfileError};
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn new_profile(language: &str) -> NewProfile {
    NewProfile {
        language: LanguageCode::parse(language).unwrap(),
        current_level: CefrLevel::A2,
        target_level: CefrLevel::B2,
        goals: vec![Goal::Work, Goal::Travel, Goal::Work],
        interface_language: InterfaceLanguage::Ru,
    }
}

async fn lifecycle(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (service, users_service) = (&app.profiles, &app.users);
    let account = TelegramAccount {
        telegram_id: 1,
        first_name: "A".into(),
        last_name: None,
        username: None,
        language_code: Some("ru".into()),
        photo_url: None,
    };
    let user = users::upsert_from_telegram(backend.db.conn(), &account, services::Clock::now(&clock)).await.unwrap();
    let user_id = UserId::from_uuid(user.id);

    let en = service.create(user_id, new_profile("en")).await.unwrap();
    assert!(en.is_active);
    assert_eq!(en.goals, vec![Goal::Travel, Goal::Work], "a set, in a stable order");
    assert!(matches!(
        service.create(user_id, new_profile("de")).await,
        Err(ProfileError::LimitReached(domain::LimitExceeded { limit: domain::LimitKind::Profiles, used: 1, max: 1 }))
    ));

    let until = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    users::set_premium_until(backend.db.conn(), user_id, Some(until)).await.unwrap();
    let de = service.create(user_id, new_profile("de")).await.unwrap();
    assert!(!de.is_active);
    assert!(matches!(service.create(user_id, new_profile("de")).await, Err(ProfileError::DuplicateLanguage)));

    service.activate(user_id, de.id).await.unwrap();
    let active: Vec<_> = service.list(user_id).await.unwrap().into_iter().filter(|p| p.is_active).collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, de.id);

    service.delete(user_id, de.id).await.unwrap();
    assert!(service.get(user_id, en.id).await.unwrap().is_active, "the remaining profile took over");
    assert!(matches!(service.delete(user_id, en.id).await, Err(ProfileError::LastProfile)));

    let me = users_service.me(user_id).await.unwrap();
    assert_eq!((me.profiles_used, me.limits.profiles), (1, 3));
    users_service.delete(user_id).await.unwrap();
    assert!(service.list(user_id).await.unwrap().is_empty());
}

#[tokio::test]
async fn on_postgres() {
    lifecycle(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    lifecycle(migrated_sqlite().await).await;
}
