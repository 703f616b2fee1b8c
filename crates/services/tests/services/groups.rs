//! Teacher groups on PostgreSQL and on the embedded SQLite: the owner a teacher member, a
//! single-use invite admitting one, shared decks studied on each student's own schedule,
//! copied without duplicates, the teacher's progress table and the weekly digest.

use chrono::{Duration, TimeZone, Utc};
use domain::{CardContent, LanguageCode, Rating};
use services::ManualClock;
use services::cards::CardSource;
use services::groups::{DigestFacts, DigestText, GroupError, MaterialKind, NewGroup, NewInvite, Period, ShareRequest};
use services::study::ReviewRequest;
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn card(front: &str) -> CardContent {
    CardContent {
        front: front.into(),
        back: "x".into(),
        lemma: None,
        part_of_speech: None,
        gender: None,
        forms: None,
        transcription: None,
        example: None,
        example_translation: None,
        notes: None,
    }
}

fn digest(facts: &DigestFacts) -> DigestText {
    DigestText { html: format!("{}: {}", facts.week, facts.groups.len()), keyboard: None }
}

async fn scenario(backend: Backend) {
    // Monday 30 November 2026, 19:05 in Moscow.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 16, 5, 0).unwrap());
    let app = crate::app_on(&backend, &clock);
    let (teacher, _) = crate::learner_with_profile(&app, &clock, 1, "de").await;
    let deck = app.cards.create_deck(teacher, None, "Tiere", None).await.unwrap();
    for word in ["der Hund", "die Katze"] {
        app.cards.create_card(teacher, Some(deck.id), card(word), CardSource::Manual).await.unwrap();
    }
    let new = NewGroup {
        name: "Класс".into(),
        description: None,
        language: LanguageCode::parse("de").unwrap(),
        max_members: None,
    };
    let group = app.groups.create(teacher, new).await.unwrap();
    let id = group.summary.id;
    assert_eq!((group.summary.member_count, group.summary.max_members), (1, 5));
    assert!(matches!(
        app.groups
            .create(
                teacher,
                NewGroup {
                    name: "Второй".into(),
                    description: None,
                    language: LanguageCode::parse("de").unwrap(),
                    max_members: None
                }
            )
            .await,
        Err(GroupError::LimitReached(_))
    ));
    let invite =
        app.groups.create_invite(teacher, id, NewInvite { expires_in_hours: None, max_uses: Some(1) }).await.unwrap();

    let (student, _) = crate::learner_with_profile(&app, &clock, 2, "de").await;
    let (late, _) = crate::learner_with_profile(&app, &clock, 3, "de").await;
    let joined = app.groups.join(student, &invite.payload).await.unwrap();
    assert_eq!(joined.summary.member_count, 2);
    assert!(matches!(app.groups.join(student, &invite.code).await, Err(GroupError::AlreadyMember)));
    assert!(matches!(app.groups.join(late, &invite.code).await, Err(GroupError::InviteExpired)), "one use only");
    assert!(matches!(app.groups.progress(student, id, Period::Week).await, Err(GroupError::Forbidden)));
    assert!(matches!(app.groups.get(late, id).await, Err(GroupError::NotFound)));

    let shared = app.groups.share(teacher, id, ShareRequest::Deck(deck.id.as_uuid())).await.unwrap();
    assert_eq!(shared.kind, MaterialKind::Deck);
    assert!(matches!(
        app.groups.share(teacher, id, ShareRequest::Deck(deck.id.as_uuid())).await,
        Err(GroupError::AlreadyShared)
    ));
    let seen = app.groups.materials(student, id).await.unwrap();
    let counts = seen[0].deck.as_ref().unwrap();
    assert_eq!((counts.card_count, counts.new_available, counts.due_now), (2, 2, 0));

    // The student studies the shared deck on their own schedule.
    let cards = repositories::cards::list_in_deck(backend.db.conn(), deck.id).await.unwrap();
    for (card, rating) in cards.iter().zip([Rating::Good, Rating::Again]) {
        let review =
            ReviewRequest { card_id: card.id, rating, duration_ms: None, client_review_id: uuid::Uuid::now_v7() };
        app.study.review(student, review).await.unwrap();
    }
    let seen = app.groups.materials(student, id).await.unwrap();
    assert_eq!(seen[0].deck.as_ref().unwrap().new_available, 0, "the student's own counts");
    let teachers_view = app.groups.materials(teacher, id).await.unwrap();
    assert_eq!(teachers_view[0].deck.as_ref().unwrap().new_available, 2, "the teacher's schedule is untouched");

    clock.advance(Duration::hours(1));
    let table = app.groups.progress(teacher, id, Period::Week).await.unwrap();
    assert_eq!(table.students.len(), 1);
    let row = &table.students[0];
    assert_eq!((row.reviews, row.retention), (2, Some(0.5)));
    assert!(row.due_backlog >= 1, "the forgotten card is due again: {}", row.due_backlog);
    assert_eq!((row.exercises, row.accuracy), (0, None));
    assert!(row.last_active_at.is_some());

    // A copy of the shared deck into the student's own profile.
    let copy = app.groups.copy_deck(student, id, shared.id, None).await.unwrap();
    assert_eq!(copy.name, "Tiere");
    assert_eq!(repositories::decks::count_cards(backend.db.conn(), copy.id).await.unwrap(), 2);
    let again = app.groups.copy_deck(student, id, shared.id, None).await.unwrap();
    assert_eq!(repositories::decks::count_cards(backend.db.conn(), again.id).await.unwrap(), 0, "known words skipped");

    // The weekly digest goes once.
    let run = app.groups.run_teacher_digests(100, &digest).await.unwrap();
    assert_eq!(run.sent, 1);
    assert_eq!(app.groups.run_teacher_digests(100, &digest).await.unwrap().sent, 0);

    // Archived: invites stop working; the student still reads the materials.
    let fresh = app.groups.create_invite(teacher, id, NewInvite::default()).await.unwrap();
    app.groups.archive(teacher, id).await.unwrap();
    assert!(matches!(app.groups.join(late, &fresh.code).await, Err(GroupError::NotFound)));
    assert_eq!(app.groups.materials(student, id).await.unwrap().len(), 1);
    assert!(matches!(app.groups.leave(teacher, id).await, Err(GroupError::OwnerStays)));
    app.groups.leave(student, id).await.unwrap();
    assert!(app.groups.list(student, true).await.unwrap().is_empty());
}

#[tokio::test]
async fn groups_on_postgres() {
    scenario(migrated_postgres().await).await;
}

#[tokio::test]
async fn groups_on_sqlite() {
    scenario(migrated_sqlite().await).await;
}
