//! Cards and the study loop through the services on both engines, so local (SQLite) mode
//! behaves like production, concurrency included.

use chrono::{TimeZone, Utc};
use domain::CardContent;
use domain::{CefrLevel, InterfaceLanguage, LanguageCode, Rating, UserId};
use repositories::users::{self, TelegramAccount};
use services::ManualClock;
use services::cards::{CardFilter, CardService, CardSource};
use services::profiles::NewProfile;
use services::study::ReviewRequest;
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn content(front: &str, back: &str) -> CardContent {
    CardContent { front: front.into(), back: back.into(), ..CardContent::default() }
}

async fn loop_of_a_day(backend: Backend) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (profiles, cards, study, transfer) = (&app.profiles, &app.cards, &app.study, &app.transfer);
    let account = TelegramAccount {
        telegram_id: 7,
        first_name: "A".into(),
        last_name: None,
        username: None,
        language_code: Some("ru".into()),
        photo_url: None,
    };
    let user = UserId::from_uuid(
        users::upsert_from_telegram(backend.db.conn(), &account, services::Clock::now(&clock)).await.unwrap().id,
    );
    profiles
        .create(
            user,
            NewProfile {
                language: LanguageCode::parse("de").unwrap(),
                current_level: CefrLevel::A1,
                target_level: CefrLevel::B1,
                goals: vec![],
                interface_language: InterfaceLanguage::Ru,
            },
        )
        .await
        .unwrap();

    let report = transfer
        .import(
            user,
            deck_of(cards, user).await,
            "Äpfel\tяблоки\nHund;x\tсобака\n\nHaus\n".into(),
            services::transfer::DeclaredType::Text,
            services::transfer::ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!((report.created, report.errors.len()), (2, 1));
    let card = cards.create_card(user, None, content("Straße", "улица"), CardSource::Manual).await.unwrap();
    let (found, total) = cards
        .list_cards(user, None, CardFilter { search: Some("ÄPF".into()), limit: 10, ..CardFilter::default() })
        .await
        .unwrap();
    assert_eq!((total, found[0].content.front.as_str()), (1, "Äpfel"), "Unicode search on this engine too");

    // Concurrent answers to one card: each counts, none is lost.
    let answers = futures_util::future::join_all((0..4).map(|_| {
        study.review(
            user,
            ReviewRequest {
                card_id: card.id,
                rating: Rating::Good,
                duration_ms: Some(3000),
                client_review_id: uuid::Uuid::now_v7(),
            },
        )
    }))
    .await;
    assert!(
        answers.iter().all(Result::is_ok),
        "{:?}",
        answers.iter().filter_map(|a| a.as_ref().err()).collect::<Vec<_>>()
    );
    assert_eq!(cards.get_card(user, card.id).await.unwrap().progress.unwrap().reps, 4);

    let queue = study.queue(user, None, None, 50).await.unwrap();
    assert_eq!((queue.counts.new, queue.items.len()), (2, 2), "the two imported cards are new today");
    study.undo(user).await.unwrap();
    assert_eq!(cards.get_card(user, card.id).await.unwrap().progress.unwrap().reps, 3);

    // A retried answer (same client_review_id) is told apart on this engine too, and none of a
    // review's writes (log, progress, the day's activity) happens twice.
    let once = ReviewRequest {
        card_id: card.id,
        rating: Rating::Hard,
        duration_ms: Some(2000),
        client_review_id: uuid::Uuid::now_v7(),
    };
    let first = study.review(user, ReviewRequest { ..once }).await.unwrap();
    let retried = study.review(user, ReviewRequest { ..once }).await.unwrap();
    assert!(!first.replayed && retried.replayed);
    assert_eq!((retried.counts, retried.scheduled_seconds), (first.counts, first.scheduled_seconds));
    assert_eq!(cards.get_card(user, card.id).await.unwrap().progress.unwrap().reps, 4);
    let today = app.stats.today(user).await.unwrap();
    assert_eq!(today.reviews, 4, "four answers in all (one undone, one retried)");
    study.undo(user).await.unwrap();

    // The deck list counts every deck in one grouped query: it must agree with each deck's own.
    let extra = cards.create_deck(user, None, "Verben", None).await.unwrap();
    let gehen = cards.create_card(user, Some(extra.id), content("gehen", "идти"), CardSource::Manual).await.unwrap();
    cards.create_card(user, Some(extra.id), content("kommen", "приходить"), CardSource::Manual).await.unwrap();
    let again = ReviewRequest {
        card_id: gehen.id,
        rating: Rating::Again,
        duration_ms: None,
        client_review_id: uuid::Uuid::now_v7(),
    };
    study.review(user, again).await.unwrap();
    cards.update_deck(user, extra.id, None, None, Some(true)).await.unwrap();
    let listed = cards.list_decks(user, None, true).await.unwrap();
    assert_eq!(listed.len(), 2);
    for deck in &listed {
        let alone = cards.get_deck(user, deck.id).await.unwrap();
        assert_eq!((deck.counts, deck.total), (alone.counts, alone.total), "deck {}", deck.name);
    }
    let verben = listed.iter().find(|d| d.id == extra.id).unwrap();
    assert_eq!((verben.counts.new, verben.counts.learning, verben.counts.due, verben.total), (1, 1, 0, 2));
    let default = listed.iter().find(|d| d.id != extra.id).unwrap();
    assert_eq!((default.counts.new, default.total), (2, 3));

    // The queue decodes its cards and their progress by column position: each must come back
    // as stored, every field in its place (a card with every field set, studied and not).
    let full = CardContent {
        front: "der Baum".into(),
        back: "дерево".into(),
        lemma: Some("Baum".into()),
        part_of_speech: Some("noun".into()),
        gender: Some("m".into()),
        forms: Some(serde_json::json!({"plural": "Bäume"})),
        transcription: Some("[baʊ̯m]".into()),
        example: Some("Der Baum ist grün.".into()),
        example_translation: Some("Дерево зелёное.".into()),
        notes: Some("сильное склонение".into()),
    };
    let baum = cards.create_card(user, None, full.clone(), CardSource::Manual).await.unwrap();
    let ast = cards
        .create_card(
            user,
            None,
            CardContent { front: "der Ast".into(), lemma: Some("Ast".into()), ..full },
            CardSource::Manual,
        )
        .await
        .unwrap();
    let studied = ReviewRequest {
        card_id: baum.id,
        rating: Rating::Again,
        duration_ms: None,
        client_review_id: uuid::Uuid::now_v7(),
    };
    study.review(user, studied).await.unwrap();
    clock.advance(chrono::Duration::minutes(10));
    let queue = study.queue(user, None, None, 50).await.unwrap();
    let shown = |id| queue.items.iter().find(|item| item.card.id == id).map(|item| item.card.clone());
    assert!(shown(baum.id).is_some_and(|card| card.progress.is_some()), "the studied card is due again");
    assert!(shown(ast.id).is_some_and(|card| card.progress.is_none()), "the new card is offered");
    for item in &queue.items {
        assert_eq!(item.card, cards.get_card(user, item.card.id).await.unwrap(), "{}", item.card.content.front);
    }
}

async fn deck_of(cards: &CardService, user: UserId) -> domain::DeckId {
    cards.list_decks(user, None, false).await.unwrap()[0].id
}

#[tokio::test]
async fn on_postgres() {
    loop_of_a_day(migrated_postgres().await).await;
}

#[tokio::test]
async fn on_sqlite() {
    loop_of_a_day(migrated_sqlite().await).await;
}
