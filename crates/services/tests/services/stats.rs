//! The streak, calendar and stats reads on PostgreSQL and on the embedded SQLite, so the
//! embedded defaults count the same days.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::StudyRuns;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use repositories::exercise_attempts;
use repositories::{activity, stats};
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

/// The streak's runs are counted by the database in one row; random histories (two profiles
/// active on the same days, days with only a tutor message, gaps of every length, a year's end)
/// must give what the domain counts from the dates themselves.
async fn runs_match_the_dates(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 2, 20, 12, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let conn = backend.db.conn();
    let mut rng = StdRng::seed_from_u64(20261130);
    for n in 0..10 {
        let (user_id, spanish) = crate::learner_with_profile(&app, &clock, 500 + n, "es").await;
        let premium = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        repositories::users::set_premium_until(conn, user_id, Some(premium)).await.unwrap();
        let german = app.profiles.create(user_id, crate::travel_profile("de")).await.unwrap();
        let busy = f64::from(u32::try_from(n).unwrap()) / 10.0;
        let mut active = BTreeSet::new();
        let mut day = date("2025-12-10");
        while day < date("2026-02-20") {
            if rng.random_bool(busy) {
                let profiles = match rng.random_range(0..3) {
                    0 => vec![spanish.id],
                    1 => vec![german.id],
                    _ => vec![spanish.id, german.id],
                };
                for profile in profiles {
                    activity::add_exercise(conn, user_id, profile, day, 0).await.unwrap();
                }
                active.insert(day);
            } else if rng.random_bool(0.2) {
                activity::add_message(conn, user_id, spanish.id, day).await.unwrap();
            }
            day += Duration::days(1);
        }
        let active: Vec<NaiveDate> = active.into_iter().collect();
        let counted = stats::study_runs(conn, user_id).await.unwrap();
        assert_eq!(counted, StudyRuns::of(&active), "history {n}: {active:?}");
    }
}

#[tokio::test]
async fn on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    scenario(migrated_sqlite().await).await;
}

#[tokio::test]
async fn runs_on_postgres() {
    runs_match_the_dates(migrated_postgres().await).await;
}

#[tokio::test]
async fn runs_on_sqlite() {
    runs_match_the_dates(migrated_sqlite().await).await;
}
