//! A review answers its profile's counts as the write left them, derived from the counts its
//! read saw before it (`DayCounts::after_review`) instead of counted again. Checked against a
//! fresh count after every review of a long random walk on both engines: new cards past the
//! day's allowance, "study more", learning steps, reviews due and not, days rolling over, a
//! shelved deck and a teacher's shared deck (reviewed, never counted in the profile).

use chrono::{Duration, TimeZone, Utc};
use domain::{CardContent, LanguageCode, Rating};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use services::ManualClock;
use services::cards::CardSource;
use services::groups::{NewGroup, NewInvite, ShareRequest};
use services::profiles::ProfilePatch;
use services::study::ReviewRequest;
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn card(front: &str) -> CardContent {
    CardContent { front: front.into(), back: "x".into(), ..CardContent::default() }
}

async fn walk(backend: Backend, seed: u64) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 16, 5, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let mut rng = StdRng::seed_from_u64(seed);

    let (teacher, _) = crate::learner_with_profile(&app, &clock, 1, "de").await;
    let theirs = app.cards.create_deck(teacher, None, "Tiere", None).await.unwrap();
    let mut cards = Vec::new();
    for word in ["der Hund", "die Katze"] {
        cards.push(app.cards.create_card(teacher, Some(theirs.id), card(word), CardSource::Manual).await.unwrap().id);
    }
    let new = NewGroup {
        name: "Класс".into(),
        description: None,
        language: LanguageCode::parse("de").unwrap(),
        max_members: None,
    };
    let group = app.groups.create(teacher, new).await.unwrap().summary.id;
    let invite =
        app.groups.create_invite(teacher, group, NewInvite { expires_in_hours: None, max_uses: None }).await.unwrap();
    app.groups.share(teacher, group, ShareRequest::Deck(theirs.id.as_uuid())).await.unwrap();

    let (student, profile) = crate::learner_with_profile(&app, &clock, 2, "de").await;
    app.groups.join(student, &invite.payload).await.unwrap();
    let patch = ProfilePatch { new_cards_per_day: Some(3), ..ProfilePatch::default() };
    app.profiles.update(student, profile.id, patch).await.unwrap();
    for n in 0..8 {
        cards.push(
            app.cards.create_card(student, None, card(&format!("Wort {n}")), CardSource::Manual).await.unwrap().id,
        );
    }
    let shelf = app.cards.create_deck(student, None, "Regal", None).await.unwrap();
    for n in 0..3 {
        let content = card(&format!("Regal {n}"));
        cards.push(app.cards.create_card(student, Some(shelf.id), content, CardSource::Manual).await.unwrap().id);
    }

    for step in 0..90 {
        match step {
            30 => drop(app.cards.update_deck(student, shelf.id, None, None, Some(true)).await.unwrap()),
            45 => drop(app.study.study_more(student, None, 2).await.unwrap()),
            60 => drop(app.cards.update_deck(student, shelf.id, None, None, Some(false)).await.unwrap()),
            _ => {}
        }
        let card_id = cards[rng.random_range(0..cards.len())];
        let rating = Rating::try_from(rng.random_range(1..=4_u8)).unwrap();
        let review = ReviewRequest { card_id, rating, duration_ms: Some(2000), client_review_id: uuid::Uuid::now_v7() };
        let answered = app.study.review(student, review).await.unwrap().counts;
        let counted = app.study.queue(student, None, None, 20).await.unwrap().counts;
        assert_eq!(answered, counted, "seed {seed}, step {step}: the review's counts against a fresh count");
        // Minutes (learning steps fall due), hours, or a day or more (the study day rolls over).
        let minutes = match rng.random_range(0..10) {
            0..=5 => rng.random_range(1..30),
            6..=8 => rng.random_range(30..600),
            _ => rng.random_range(1440..5000),
        };
        clock.advance(Duration::minutes(minutes));
    }
}

#[tokio::test]
async fn the_counts_a_review_answers_are_a_fresh_count_on_postgres() {
    for seed in [1, 2] {
        walk(migrated_postgres().await, seed).await;
    }
}

#[tokio::test]
async fn the_counts_a_review_answers_are_a_fresh_count_on_sqlite() {
    walk(migrated_sqlite().await, 3).await;
}
