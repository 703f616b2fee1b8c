//! Topics, their tallies and the exercise history on PostgreSQL and on the embedded SQLite:
//! one active topic per profile, accuracy from graded attempts, attempts kept when their topic
//! goes. (Grading itself is tested through the API against a fake model.)

use chrono::{Duration, TimeZone, Utc};
use repositories::exercise_attempts;
use services::ManualClock;
use services::exercises::{ExerciseError, Grade, HistoryQuery, NewTopic, TopicKind, TopicPatch};
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

async fn scenario(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (user_id, profile) = crate::learner_with_profile(&app, &clock, 77, "de").await;
    let topic = |name: &str| NewTopic { name: name.into(), description: None, kind: TopicKind::Grammar };
    let sein = app.exercises.create_topic(user_id, None, topic("Sein")).await.unwrap();
    let perfekt = app.exercises.create_topic(user_id, None, topic("Perfekt")).await.unwrap();
    assert!(sein.is_active && !perfekt.is_active);
    assert!(matches!(app.exercises.create_topic(user_id, None, topic(" SEIN ")).await, Err(ExerciseError::NameTaken)));
    app.exercises.activate_topic(user_id, perfekt.id).await.unwrap();

    let now = services::Clock::now(&clock);
    for (i, result) in ["correct", "partial", "incorrect", "correct"].iter().enumerate() {
        let at = now + Duration::seconds(i64::try_from(i).unwrap());
        exercise_attempts::insert(
            backend.db.conn(),
            crate::graded_attempt(user_id, profile.id, perfekt.id, result, at),
        )
        .await
        .unwrap();
    }
    let topics = app.exercises.topics(user_id, None, false).await.unwrap();
    let perfekt_now = &topics[0];
    assert_eq!((perfekt_now.name.as_str(), perfekt_now.is_active), ("Perfekt", true), "the active topic first");
    assert_eq!((perfekt_now.stats.attempts, perfekt_now.stats.correct, perfekt_now.stats.partial), (4, 2, 1));
    assert_eq!(perfekt_now.stats.accuracy, Some(0.625));
    assert_eq!(perfekt_now.stats.last_practised_at, Some(now + Duration::seconds(3)));
    assert_eq!(topics[1].stats.accuracy, None);

    let query = HistoryQuery { limit: 2, offset: 0, result: Some(Grade::Correct), ..HistoryQuery::default() };
    let (page, total) = app.exercises.history(user_id, query).await.unwrap();
    assert_eq!((page.len(), total), (2, 2));
    assert_eq!(page[0].completed_at, now + Duration::seconds(3), "newest first");
    assert_eq!(page[0].topic_name.as_deref(), Some("Perfekt"));

    let archived = TopicPatch { archived: Some(true), ..TopicPatch::default() };
    let perfekt_archived = app.exercises.update_topic(user_id, perfekt.id, archived).await.unwrap();
    assert!(perfekt_archived.archived && !perfekt_archived.is_active);
    assert_eq!(app.exercises.topics(user_id, None, false).await.unwrap().len(), 1);
    app.exercises.delete_topic(user_id, perfekt.id).await.unwrap();
    let (kept, total) =
        app.exercises.history(user_id, HistoryQuery { limit: 10, ..HistoryQuery::default() }).await.unwrap();
    assert_eq!(total, 4, "attempts outlive their topic");
    assert!(kept.iter().all(|a| a.topic_id.is_none() && a.topic_name.is_none()));
    let (past_end, total) = app
        .exercises
        .history(user_id, HistoryQuery { limit: 10, offset: 10, ..HistoryQuery::default() })
        .await
        .unwrap();
    assert_eq!((past_end.len(), total), (0, 4));
}

#[tokio::test]
async fn on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    scenario(migrated_sqlite().await).await;
}
