//! The streak, calendar and stats reads on PostgreSQL and on the embedded SQLite, so the
//! embedded defaults count the same days.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use repositories::activity;
use repositories::exercise_attempts;
use services::ManualClock;
use services::exercises::{NewTopic, TopicKind};
use services::stats::{Level, Period};
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn scenario(backend: Backend) {
    // 12:00 UTC, 15:00 in Moscow (a new user's default zone): the study day of the 28th.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (user_id, profile) = crate::learner_with_profile(&app, &clock, 91, "es").await;
    let conn = backend.db.conn();
    for day in ["2026-11-25", "2026-11-26", "2026-11-27"] {
        activity::add_exercise(conn, user_id, profile.id, date(day), 30).await.unwrap();
    }
    activity::add_message(conn, user_id, profile.id, date("2026-11-24")).await.unwrap();
    activity::add_cards(conn, user_id, profile.id, date("2026-11-28"), 12).await.unwrap();

    let streak = app.stats.streak(user_id).await.unwrap();
    assert_eq!((streak.facts.current, streak.facts.best, streak.facts.active_days), (4, 4, 4));
    assert!(streak.facts.today_done);
    assert_eq!(streak.safe_until, Some(Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()));

    let calendar = app.stats.calendar(user_id, 1).await.unwrap();
    assert_eq!(calendar.first().map(|d| d.date), Some(date("2026-11-23")), "the Monday of this week");
    let levels: Vec<Level> = calendar.iter().map(|d| d.level).collect();
    assert_eq!(levels, [Level::None, Level::None, Level::Low, Level::Low, Level::Low, Level::Medium]);

    let topic = NewTopic { name: "Ser y estar".into(), description: None, kind: TopicKind::Grammar };
    let topic = app.exercises.create_topic(user_id, None, topic).await.unwrap();
    let now = services::Clock::now(&clock);
    for (result, at) in
        [("correct", now - Duration::days(1)), ("partial", now), ("incorrect", now - Duration::days(40))]
    {
        let attempt = crate::graded_attempt(user_id, profile.id, topic.id, result, at);
        exercise_attempts::insert(conn, attempt).await.unwrap();
    }
    let week = app.stats.overview(user_id, None, Period::Week).await.unwrap();
    assert_eq!((week.from, week.to), (date("2026-11-22"), date("2026-11-28")));
    assert_eq!(week.exercises.len(), 1);
    assert_eq!((week.exercises[0].attempts, week.exercises[0].correct, week.exercises[0].partial), (2, 1, 1));
    assert_eq!(week.seconds, 90);
    assert_eq!(week.days.len(), 5, "the message-only day is a day of activity too");
    let all = app.stats.overview(user_id, None, Period::All).await.unwrap();
    assert_eq!(all.exercises[0].attempts, 3);
    assert_eq!(all.from, date("2026-11-24"));
}

#[tokio::test]
async fn on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    scenario(migrated_sqlite().await).await;
}
