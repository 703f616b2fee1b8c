//! The study loop's statement budget (docs/performance.md): a read costs one statement once
//! the learner is signed in, a review two on PostgreSQL (its read, then its writes in one
//! statement that checks the learner's `study_version`). Counted through the database
//! handle, so a change that adds a query fails here instead of in a benchmark.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{TimeZone, Utc};
use domain::{CardContent, CefrLevel, InterfaceLanguage, LanguageCode, Rating, UserId};
use repositories::progress::ProgressValues;
use repositories::review_read::{self, ReviewRead};
use repositories::review_write::{self, DayDelta, Written};
use repositories::reviews::NewReview;
use repositories::users::{self, TelegramAccount};
use services::ManualClock;
use services::cards::{CardFilter, CardSource};
use services::profiles::NewProfile;
use services::study::ReviewRequest;
use test_support::backends::migrated_postgres;

/// Statements run since the last call.
struct Counter(Arc<AtomicUsize>);

impl Counter {
    fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }
}

#[tokio::test]
async fn study_loop_reads_cost_one_statement_and_a_review_two() {
    let mut backend = migrated_postgres().await;
    let counted = Arc::new(AtomicUsize::new(0));
    let observer = Arc::clone(&counted);
    backend.db.observe_statements(move |_| {
        observer.fetch_add(1, Ordering::SeqCst);
    });
    let statements = Counter(counted);
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let account = TelegramAccount {
        telegram_id: 70,
        first_name: "A".into(),
        last_name: None,
        username: None,
        language_code: Some("en".into()),
        photo_url: None,
    };
    let now = services::Clock::now(&clock);
    let user = UserId::from_uuid(users::upsert_from_telegram(backend.db.conn(), &account, now).await.unwrap().id);
    let profile = NewProfile {
        language: LanguageCode::parse("de").unwrap(),
        current_level: CefrLevel::A1,
        target_level: CefrLevel::B1,
        goals: vec![],
        interface_language: InterfaceLanguage::En,
    };
    app.profiles.create(user, profile).await.unwrap();
    let mut cards = Vec::new();
    for word in ["Hund", "Katze", "Haus", "Baum"] {
        let content = CardContent { front: word.into(), back: "x".into(), ..CardContent::default() };
        cards.push(app.cards.create_card(user, None, content, CardSource::Manual).await.unwrap());
    }
    let review = |card_id, client_review_id| ReviewRequest {
        card_id,
        rating: Rating::Good,
        duration_ms: Some(3000),
        client_review_id,
    };
    app.study.review(user, review(cards[0].id, uuid::Uuid::new_v4())).await.unwrap();
    app.users.me(user).await.unwrap(); // the learner is signed in: their row is cached
    statements.take();

    let queue = app.study.queue(user, None, None, 20).await.unwrap();
    assert_eq!(queue.items.len(), 3, "three new cards; the learning step is not due yet");
    assert_eq!(statements.take(), 1, "GET /api/study/queue");

    let decks = app.cards.list_decks(user, None, false).await.unwrap();
    assert_eq!(decks[0].total, 4);
    assert_eq!(statements.take(), 1, "GET /api/decks");

    let (page, total) =
        app.cards.list_cards(user, None, CardFilter { limit: 20, ..CardFilter::default() }).await.unwrap();
    assert_eq!((page.len(), total), (4, 4));
    assert_eq!(statements.take(), 1, "GET /api/cards");

    let me = app.users.me(user).await.unwrap();
    assert_eq!(me.cards_used, 4);
    assert_eq!(statements.take(), 1, "GET /api/me");

    let id = uuid::Uuid::new_v4();
    let result = app.study.review(user, review(cards[1].id, id)).await.unwrap();
    assert_eq!(result.counts.learning, 2);
    assert_eq!(
        statements.take(),
        2,
        "POST /api/study/review: card with the counts and the learner's version, then the version's bump with \
         log, progress and activity (no transaction around them)"
    );

    let replayed = app.study.review(user, review(cards[1].id, id)).await.unwrap();
    assert_eq!(replayed.counts, result.counts, "a replay answers as the first time did");
    assert_eq!(
        statements.take(),
        4,
        "a replay: card with the counts, the refused writes (only the version moved), the recorded review, counts"
    );

    // A write whose read saw an older study_version (another review came in between) writes
    // nothing; the service then reviews again under the lock.
    let conn = backend.db.conn();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let read = ReviewRead {
        user_id: user,
        card_id: cards[2].id,
        now,
        day,
        day_end: Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap(),
    };
    let stale = review_read::read(conn, read).await.unwrap().unwrap();
    app.study.review(user, review(cards[3].id, uuid::Uuid::new_v4())).await.unwrap();
    let fresh = review_read::read(conn, read).await.unwrap().unwrap();
    assert_eq!(fresh.learner.study_version, stale.learner.study_version + 1, "a review bumps the version");
    let after = ProgressValues {
        state: "learning".into(),
        stability: Some(1.0),
        difficulty: Some(5.0),
        due: now,
        last_review: Some(now),
        reps: 1,
        lapses: 0,
        step: Some(0),
    };
    let write = |version| {
        let entry = NewReview {
            user_id: user,
            card_id: cards[2].id,
            profile_id: stale.profile.profile_id,
            client_review_id: uuid::Uuid::new_v4(),
            rating: 3,
            state_before: "new".into(),
            state_after: "learning".into(),
            elapsed_days: 0,
            scheduled_days: 0,
            stability_after: Some(1.0),
            difficulty_after: Some(5.0),
            progress_before: serde_json::Value::Null,
            progress_after: serde_json::to_value(&after).unwrap(),
            scheduled_seconds: 60,
            duration_ms: None,
            local_date: day,
            reviewed_at: now,
        };
        review_write::record(conn, entry, &after, DayDelta { date: day, was_new: true, seconds: 0 }, now, version)
    };
    assert_eq!(write(stale.learner.study_version).await.unwrap(), Written::Stale);
    let unchanged = review_read::read(conn, read).await.unwrap().unwrap();
    assert_eq!(
        (unchanged.progress.is_none(), unchanged.learner.study_version, unchanged.profile.counts),
        (true, fresh.learner.study_version, fresh.profile.counts),
        "a stale write leaves no progress, no log entry, no activity and no version bump"
    );
    assert_eq!(write(fresh.learner.study_version).await.unwrap(), Written::Recorded);
    let written = review_read::read(conn, read).await.unwrap().unwrap();
    assert_eq!(written.progress.map(|p| p.reps), Some(1));
}
