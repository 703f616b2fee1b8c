//! The fitting job on a real database: a profile past the threshold is fitted once (however
//! many notifiers run), its parameters are adopted only when they win on held-out reviews, the
//! queue's previews and the reviews then use them, and a failed fit changes nothing.

use std::collections::BTreeMap;

use chrono::{Duration, TimeZone, Utc};
use config::MemorySettings;
use domain::{ProfileId, Rating, UserId};
use repositories::entities::{card_reviews, cards, daily_activity};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, EntityTrait};
use services::ManualClock;
use services::memory::{FitRound, MemoryService};
use services::srs::fitting::LoggedReview;
use services::study::ReviewRequest;
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};
use uuid::Uuid;

use crate::fsrs_fit::{fast_forgetter, simulate};

/// A fitting job as one notifier runs it, first fitting at `min_reviews`.
fn job(backend: &Backend, clock: &ManualClock, min_reviews: u32) -> MemoryService {
    let clock: std::sync::Arc<dyn services::Clock> = std::sync::Arc::new(clock.clone());
    let users = services::user_cache::UserCache::new(backend.db.clone(), clock.clone(), std::time::Duration::ZERO);
    MemoryService::new(backend.db.clone(), clock, users, settings(min_reviews))
}

fn settings(min_reviews: u32) -> MemorySettings {
    MemorySettings {
        fit_min_reviews: min_reviews,
        refit_reviews: 1000,
        refit_days: 30,
        fit_max_reviews: 100_000,
        fit_timeout_seconds: 120,
    }
}

/// Writes `log` as the profile's cards, review log and daily activity, in bulk.
async fn seed(backend: &Backend, user: UserId, profile: ProfileId, log: &[LoggedReview]) {
    let conn = backend.db.conn();
    let deck = repositories::decks::find_default(conn, profile).await.unwrap().unwrap().id;
    let mut card_ids: Vec<Uuid> = log.iter().map(|r| r.card_id).collect();
    card_ids.sort();
    card_ids.dedup();
    let now = log.first().map_or_else(Utc::now, |r| r.reviewed_at);
    let rows = card_ids.iter().enumerate().map(|(i, id)| cards::ActiveModel {
        id: Set(*id),
        deck_id: Set(deck),
        profile_id: Set(profile.as_uuid()),
        front: Set(format!("Wort {i}")),
        back: Set(format!("слово {i}")),
        lemma: Set(None),
        lemma_key: Set(format!("wort {i}")),
        search_key: Set(format!("wort {i} слово {i}")),
        part_of_speech: Set(None),
        gender: Set(None),
        forms: Set(None),
        transcription: Set(None),
        example: Set(None),
        example_translation: Set(None),
        notes: Set(None),
        source: Set("manual".into()),
        created_at: Set(now),
        updated_at: Set(now),
    });
    for chunk in rows.collect::<Vec<_>>().chunks(500) {
        cards::Entity::insert_many(chunk.to_vec()).exec_without_returning(conn).await.unwrap();
    }
    let reviews = log.iter().map(|r| card_reviews::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.as_uuid()),
        card_id: Set(r.card_id),
        profile_id: Set(profile.as_uuid()),
        client_review_id: Set(Uuid::new_v4()),
        rating: Set(i16::from(r.rating)),
        state_before: Set(if r.first_review { "new" } else { "review" }.into()),
        state_after: Set("review".into()),
        elapsed_days: Set(r.elapsed_days as i32),
        scheduled_days: Set(0),
        stability_after: Set(None),
        difficulty_after: Set(None),
        progress_before: Set(serde_json::json!({})),
        progress_after: Set(serde_json::json!({})),
        scheduled_seconds: Set(0),
        duration_ms: Set(None),
        local_date: Set(r.reviewed_at.date_naive()),
        reviewed_at: Set(r.reviewed_at),
        undone_at: Set(None),
    });
    for chunk in reviews.collect::<Vec<_>>().chunks(1000) {
        card_reviews::Entity::insert_many(chunk.to_vec()).exec_without_returning(conn).await.unwrap();
    }
    let mut per_day: BTreeMap<chrono::NaiveDate, i32> = BTreeMap::new();
    for review in log {
        *per_day.entry(review.reviewed_at.date_naive()).or_default() += 1;
    }
    let days = per_day.into_iter().map(|(date, reviewed)| daily_activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.as_uuid()),
        profile_id: Set(profile.as_uuid()),
        local_date: Set(date),
        cards_reviewed: Set(reviewed),
        new_cards_studied: Set(0),
        cards_added: Set(0),
        exercises_done: Set(0),
        messages_sent: Set(0),
        seconds_spent: Set(0),
        extra_new_cards: Set(0),
    });
    daily_activity::Entity::insert_many(days.collect::<Vec<_>>()).exec_without_returning(conn).await.unwrap();
}

async fn scalar(backend: &Backend, sql: &str) -> i64 {
    let row = backend
        .db
        .conn()
        .query_one_raw(sea_orm::Statement::from_string(backend.db.conn().get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn fitted_and_scheduled_with(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (user, profile) = crate::learner_with_profile(&app, &clock, 81, "de").await;
    let log = simulate(&fast_forgetter(), 900, 20, 150, 7);
    seed(&backend, user, profile.id, &log).await;
    // A card never studied (added straight to the deck: the seeded ones are past the free limit).
    let conn = backend.db.conn();
    let deck = repositories::decks::find_default(conn, profile.id).await.unwrap().unwrap().id;
    let content =
        domain::CardContent { front: "neu".into(), back: "новый".into(), ..domain::CardContent::default() };
    // Added before the seeded cards, so it leads the new cards in the queue.
    let added = log[0].reviewed_at - Duration::days(1);
    let fresh =
        repositories::cards::insert(conn, domain::DeckId::from_uuid(deck), profile.id, content, "manual", added);
    let fresh = fresh.await.unwrap();
    let easy_by_default = app.study.queue(user, None, None, 1000).await.unwrap();
    let easy_by_default = easy_by_default.items.iter().find(|i| i.card.id == fresh.id).unwrap().intervals[3];

    let round = app.memory.fit_due(10).await.unwrap();
    assert_eq!(round, FitRound { adopted: 1, ..FitRound::default() });
    assert_eq!(scalar(&backend, "SELECT COUNT(*) FROM fsrs_fits WHERE outcome = 'adopted'").await, 1);
    // Nothing new since: a second round (or a second notifier) has nothing to do.
    assert_eq!(app.memory.fit_due(10).await.unwrap(), FitRound::default());

    // The learner forgets faster than the defaults assume, so "Easy" on a new card now comes
    // back sooner, and the review gives exactly what the button showed.
    let queue = app.study.queue(user, None, None, 1000).await.unwrap();
    let easy = queue.items.iter().find(|i| i.card.id == fresh.id).unwrap().intervals[3];
    assert!(easy < easy_by_default, "Easy: {easy} s with the fit, {easy_by_default} s by default");
    let request =
        ReviewRequest { card_id: fresh.id, rating: Rating::Easy, duration_ms: None, client_review_id: Uuid::new_v4() };
    let result = app.study.review(user, request).await.unwrap();
    assert_eq!(result.scheduled_seconds, easy);

    let report = app.memory.report(user, profile.id).await.unwrap();
    assert_eq!(report.review_count, log.len() as i64 + 1);
    assert!(report.personal_since.is_some());
    assert_ne!(report.parameters, fsrs::DEFAULT_PARAMETERS.to_vec());
    let fit = report.last_fit.clone().unwrap();
    assert_eq!((fit.outcome.as_str(), fit.review_count), ("adopted", log.len() as i64));
    let figures = fit.figures.unwrap();
    assert!(figures.log_loss_after < figures.log_loss_before);
    assert_eq!(report.next_fit_at_reviews, log.len() as i64 + 1000);
    assert_eq!(report.forecast.len(), services::memory::FORECAST_DAYS);
    // The just-reviewed card is the only one with progress (the seeded log wrote none).
    assert_eq!(report.forecast.iter().map(|(_, n)| n).sum::<u32>(), 1);
    assert!(report.true_retention.is_some_and(|r| r > 0.0 && r < 1.0), "{:?}", report.true_retention);
    assert_eq!(report.desired_retention, 0.9);

    let reset = app.memory.reset(user, profile.id).await.unwrap();
    assert_eq!((reset.parameters, reset.personal_since), (fsrs::DEFAULT_PARAMETERS.to_vec(), None));
    assert_eq!(reset.last_fit, report.last_fit, "the fit stays on record");
    let queue = app.study.queue(user, None, None, 1000).await.unwrap();
    assert!(queue.items.iter().all(|i| i.card.id != fresh.id || i.intervals[3] == easy_by_default));
}

#[tokio::test]
async fn a_profile_past_the_threshold_is_fitted_once_and_scheduled_with_the_fit_on_postgres() {
    fitted_and_scheduled_with(migrated_postgres().await).await;
}

#[tokio::test]
async fn a_profile_past_the_threshold_is_fitted_once_and_scheduled_with_the_fit_on_sqlite() {
    fitted_and_scheduled_with(migrated_sqlite().await).await;
}

#[tokio::test]
async fn two_notifiers_fit_a_profile_once() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (user, profile) = crate::learner_with_profile(&app, &clock, 82, "de").await;
    seed(&backend, user, profile.id, &simulate(&fast_forgetter(), 700, 20, 120, 9)).await;
    let (first, second) = (job(&backend, &clock, 1000), job(&backend, &clock, 1000));
    let (a, b) = tokio::join!(first.fit_due(10), second.fit_due(10));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.adopted + a.rejected + b.adopted + b.rejected, 1, "{a:?} {b:?}");
    assert_eq!(scalar(&backend, "SELECT COUNT(*) FROM fsrs_fits").await, 1);
}

/// The race behind the test above, made deterministic: a notifier that chose the profile before
/// another one fitted it (and released the lease) does not fit it again.
#[tokio::test]
async fn a_profile_chosen_before_another_notifier_fitted_it_is_not_fitted_again() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (user, profile) = crate::learner_with_profile(&app, &clock, 85, "de").await;
    seed(&backend, user, profile.id, &simulate(&fast_forgetter(), 700, 20, 120, 9)).await;
    let policy = repositories::fsrs::FitPolicy {
        min_reviews: 1000,
        refit_every: 1000,
        refit_before: services::Clock::now(&clock) - Duration::days(30),
    };
    let now = services::Clock::now(&clock);
    let chosen = repositories::fsrs::due_for_fit(backend.db.conn(), policy, now, 10).await.unwrap();
    assert_eq!(chosen.len(), 1);

    let round = job(&backend, &clock, 1000).fit_due(10).await.unwrap();
    assert_eq!(round.adopted + round.rejected, 1, "{round:?}");
    let lease = now + Duration::minutes(10);
    assert!(!repositories::fsrs::lease(backend.db.conn(), &chosen[0], lease, now).await.unwrap());
    assert_eq!(scalar(&backend, "SELECT COUNT(*) FROM fsrs_fits").await, 1);
}

#[tokio::test]
async fn a_learner_with_too_few_reviews_keeps_the_defaults() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (user, profile) = crate::learner_with_profile(&app, &clock, 83, "de").await;
    let log = simulate(&fast_forgetter(), 60, 10, 30, 3);
    assert!(log.len() < 1000);
    seed(&backend, user, profile.id, &log).await;
    assert_eq!(app.memory.fit_due(10).await.unwrap(), FitRound::default());
    assert_eq!(scalar(&backend, "SELECT COUNT(*) FROM profile_fsrs").await, 0);
    assert_eq!(scalar(&backend, "SELECT COUNT(*) FROM fsrs_fits").await, 0);
}

#[tokio::test]
async fn a_failed_fit_keeps_the_parameters_in_use_and_waits_for_more_reviews() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (user, profile) = crate::learner_with_profile(&app, &clock, 84, "de").await;
    // 300 first sights and nothing studied a day later: nothing to learn a memory model from.
    let start = Utc.with_ymd_and_hms(2026, 5, 1, 18, 0, 0).unwrap();
    let log: Vec<LoggedReview> = (0..300)
        .map(|i| LoggedReview {
            card_id: Uuid::new_v4(),
            rating: 3,
            elapsed_days: 0,
            reviewed_at: start + Duration::minutes(i),
            first_review: true,
        })
        .collect();
    seed(&backend, user, profile.id, &log).await;
    let in_use = serde_json::json!(fast_forgetter());
    let sql = format!(
        "INSERT INTO profile_fsrs (profile_id, parameters, parameters_since) VALUES ('{}', '{in_use}', now())",
        profile.id.as_uuid()
    );
    backend.db.conn().execute_unprepared(&sql).await.unwrap();
    let memory = job(&backend, &clock, 100);

    assert_eq!(memory.fit_due(10).await.unwrap(), FitRound { failed: 1, ..FitRound::default() });
    let kept = scalar(
        &backend,
        &format!("SELECT COUNT(*) FROM profile_fsrs WHERE parameters::text = '{in_use}' AND lease_until IS NULL"),
    )
    .await;
    assert_eq!(kept, 1);
    assert_eq!(
        scalar(
            &backend,
            "SELECT COUNT(*) FROM fsrs_fits WHERE outcome = 'failed' AND error LIKE 'not enough reviews%'"
        )
        .await,
        1
    );
    // Not retried on every round: the next fit waits for FSRS_REFIT_REVIEWS more reviews.
    assert_eq!(memory.fit_due(10).await.unwrap(), FitRound::default());
}
