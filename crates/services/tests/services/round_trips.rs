//! The study loop's statement budget (docs/performance.md): a read costs one statement once
//! the learner is signed in, a review one transaction of three (its three writes are one
//! statement on PostgreSQL). Counted through the database
//! handle, so a change that adds a query fails here instead of in a benchmark.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{TimeZone, Utc};
use domain::{CardContent, CefrLevel, InterfaceLanguage, LanguageCode, Rating, UserId};
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
async fn study_loop_reads_cost_one_statement_and_a_review_three() {
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
        3,
        "POST /api/study/review: lock, card with the counts, log with progress and activity"
    );

    let replayed = app.study.review(user, review(cards[1].id, id)).await.unwrap();
    assert_eq!(replayed.counts, result.counts, "a replay answers as the first time did");
    assert_eq!(
        statements.take(),
        4,
        "a replay: lock, card with the counts (which finds the replay), the recorded review, counts"
    );
}
