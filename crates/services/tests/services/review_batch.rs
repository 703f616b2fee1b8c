//! Reviews that arrive together on PostgreSQL share a transaction (`review_batch`): each
//! learner's review still counts once and answers as it would alone, a replay, a missing card
//! or a learner's second review in the same instant are told apart, and a review the database
//! refuses costs only itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{TimeZone, Utc};
use domain::{CardContent, Rating, UserId};
use futures_util::future::join_all;
use repositories::ConnectionTrait;
use sea_orm::{DbBackend, Statement};
use services::ManualClock;
use services::cards::CardSource;
use services::study::{ReviewRequest, StudyError};
use test_support::backends::{Backend, migrated_postgres};
use uuid::Uuid;

const LEARNERS: usize = 12;

struct Learner {
    user: UserId,
    cards: Vec<Uuid>,
}

async fn learners(app: &services::App, clock: &ManualClock, count: usize) -> Vec<Learner> {
    let mut all = Vec::new();
    for n in 0..count {
        let (user, _) = crate::learner_with_profile(app, clock, 9_100 + i64::try_from(n).unwrap(), "de").await;
        let mut cards = Vec::new();
        for word in ["Hund", "Katze"] {
            let content = CardContent { front: word.into(), back: "x".into(), ..CardContent::default() };
            cards.push(app.cards.create_card(user, None, content, CardSource::Manual).await.unwrap().id);
        }
        all.push(Learner { user, cards });
    }
    all
}

fn good(card_id: Uuid) -> ReviewRequest {
    ReviewRequest { card_id, rating: Rating::Good, duration_ms: Some(4_000), client_review_id: Uuid::now_v7() }
}

/// The learner's review logs, progress rows, and the day's reviewed, new and seconds.
async fn written(backend: &Backend, user: UserId) -> (i64, i64, i64, i64, i64) {
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM card_reviews WHERE user_id = '{u}') AS logs, \
            (SELECT COUNT(*) FROM card_progress WHERE user_id = '{u}') AS progress, \
            (SELECT COALESCE(SUM(cards_reviewed), 0)::bigint FROM daily_activity WHERE user_id = '{u}') AS reviewed, \
            (SELECT COALESCE(SUM(new_cards_studied), 0)::bigint FROM daily_activity WHERE user_id = '{u}') AS new, \
            (SELECT COALESCE(SUM(seconds_spent), 0)::bigint FROM daily_activity WHERE user_id = '{u}') AS seconds",
        u = user.as_uuid()
    );
    let row = backend.db.conn().query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap().unwrap();
    let get = |column: &str| row.try_get::<i64>("", column).unwrap();
    (get("logs"), get("progress"), get("reviewed"), get("new"), get("seconds"))
}

#[tokio::test]
async fn reviews_that_arrive_together_share_a_transaction_and_each_counts_once() {
    let mut backend = migrated_postgres().await;
    let counted = Arc::new(AtomicUsize::new(0));
    let observer = Arc::clone(&counted);
    backend.db.observe_statements(move |_| {
        observer.fetch_add(1, Ordering::SeqCst);
    });
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let all = learners(&app, &clock, LEARNERS).await;
    // Every learner's first card, and the first learner's second card in the same instant.
    let mut requests: Vec<(UserId, ReviewRequest)> = all.iter().map(|l| (l.user, good(l.cards[0]))).collect();
    requests.push((all[0].user, good(all[0].cards[1])));
    counted.store(0, Ordering::SeqCst);

    let answers = join_all(requests.iter().map(|(user, request)| app.study.review(*user, *request))).await;

    for ((_, request), answer) in requests.iter().zip(&answers) {
        let answer = answer.as_ref().unwrap();
        assert!(!answer.replayed);
        assert_eq!(answer.card_id, request.card_id);
        assert_eq!(answer.progress.as_ref().unwrap().reps, 1);
    }
    // The learner's two reviews went one after the other under their lock (in either order):
    // the later one's counts include the earlier one.
    let mut counts: Vec<_> = [0, LEARNERS]
        .iter()
        .map(|&n| answers[n].as_ref().map(|a| (a.counts.new, a.counts.learning)).unwrap())
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, [(0, 2), (1, 1)]);
    // Batches come in powers of two: eight learners, then four, then the first learner's other
    // review, each batch a lock, a read and a write: nine statements where one transaction
    // each would have run 39.
    assert_eq!(counted.load(Ordering::SeqCst), 9, "batches of 8, 4 and 1");
    assert_eq!(written(&backend, all[0].user).await, (2, 2, 2, 2, 8));
    for learner in &all[1..] {
        assert_eq!(written(&backend, learner.user).await, (1, 1, 1, 1, 4));
    }
}

#[tokio::test]
async fn a_batch_answers_replays_and_missing_cards_as_a_lone_review_would() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let all = learners(&app, &clock, 4).await;
    let earlier = good(all[0].cards[0]);
    let first = app.study.review(all[0].user, earlier).await.unwrap();
    let mismatched = ReviewRequest { rating: Rating::Again, ..good(all[1].cards[0]) };
    app.study.review(all[1].user, ReviewRequest { rating: Rating::Good, ..mismatched }).await.unwrap();

    let requests = [
        (all[0].user, earlier),               // a retry of a recorded review
        (all[1].user, mismatched),            // its id reused for another answer
        (all[2].user, good(Uuid::now_v7())),  // no such card
        (all[3].user, good(all[3].cards[1])), // an ordinary review
        (all[2].user, good(all[0].cards[1])), // another learner's card
    ];
    let answers = join_all(requests.iter().map(|(user, request)| app.study.review(*user, *request))).await;

    let replay = answers[0].as_ref().unwrap();
    assert!(replay.replayed);
    assert_eq!((replay.counts, replay.scheduled_seconds), (first.counts, first.scheduled_seconds));
    assert!(matches!(answers[1], Err(StudyError::ReplayMismatch)), "{:?}", answers[1]);
    assert!(matches!(answers[2], Err(StudyError::CardNotFound)), "{:?}", answers[2]);
    assert!(!answers[3].as_ref().unwrap().replayed);
    assert!(matches!(answers[4], Err(StudyError::CardNotFound)), "{:?}", answers[4]);
    assert_eq!(written(&backend, all[0].user).await, (1, 1, 1, 1, 4), "the retry wrote nothing");
    assert_eq!(written(&backend, all[1].user).await, (1, 1, 1, 1, 4));
    assert_eq!(written(&backend, all[2].user).await, (0, 0, 0, 0, 0));
    assert_eq!(written(&backend, all[3].user).await, (1, 1, 1, 1, 4));
}

#[tokio::test]
async fn a_review_the_database_refuses_costs_only_itself() {
    let backend = migrated_postgres().await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let all = learners(&app, &clock, 5).await;
    let refused = all[2].cards[0];
    // As a constraint or a failing disk would: the database refuses this card's progress.
    let trigger = format!(
        "CREATE FUNCTION refuse_progress() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
            IF NEW.card_id = '{refused}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$; \
        CREATE TRIGGER refuse_progress BEFORE INSERT ON card_progress FOR EACH ROW EXECUTE FUNCTION refuse_progress();"
    );
    backend.db.conn().execute_unprepared(&trigger).await.unwrap();

    let requests: Vec<(UserId, ReviewRequest)> = all.iter().map(|l| (l.user, good(l.cards[0]))).collect();
    let answers = join_all(requests.iter().map(|(user, request)| app.study.review(*user, *request))).await;

    for (n, answer) in answers.iter().enumerate() {
        if n == 2 {
            assert!(matches!(answer, Err(StudyError::Repo(_))), "{answer:?}");
            assert_eq!(written(&backend, all[n].user).await, (0, 0, 0, 0, 0), "nothing of it stays");
        } else {
            assert!(!answer.as_ref().unwrap().replayed, "{answer:?}");
            assert_eq!(written(&backend, all[n].user).await, (1, 1, 1, 1, 4), "learner {n}");
        }
    }
}
