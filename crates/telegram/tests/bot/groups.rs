//! Group invites in the bot, on the same service as the Mini App: `/start g_<code>` shows the
//! group, its teacher and what the teacher will see; "Join" joins and offers the group in the
//! Mini App; expired, full, unknown and already-member invites each say so. The teachers'
//! weekly digest is queued once per ISO week, on Monday from their reminder hour.

use chrono::{DateTime, Utc};
use domain::LanguageCode;
use serde_json::Value;
use services::groups::{DigestFacts, DigestText, NewGroup, NewInvite};

use crate::Harness;

const TEACHER: i64 = 8101;
const ANNA: i64 = 8102;
const BORIS: i64 = 8103;
const VERA: i64 = 8104;

/// A teacher (signed up through `/start`) with a group and an invite; (group id, code).
async fn group_with_invite(h: &Harness, max_uses: Option<u32>) -> (uuid::Uuid, String) {
    h.say(TEACHER, "/start").await;
    let teacher = h.user_id(TEACHER).await;
    let new = NewGroup {
        name: "Немецкий <A2>".into(),
        description: Some("По вторникам".into()),
        language: LanguageCode::parse("de").unwrap(),
        max_members: None,
    };
    let group = h.app.groups.create(teacher, new).await.unwrap();
    let invite = NewInvite { expires_in_hours: Some(24), max_uses };
    let invite = h.app.groups.create_invite(teacher, group.summary.id, invite).await.unwrap();
    (group.summary.id, invite.code)
}

async fn members(h: &Harness, group: uuid::Uuid) -> u64 {
    let teacher = h.user_id(TEACHER).await;
    h.app.groups.get(teacher, group).await.unwrap().summary.member_count
}

#[tokio::test]
async fn a_student_joins_from_an_invite_link_and_is_offered_the_group_in_the_app() {
    let h = Harness::start().await;
    let (group, code) = group_with_invite(&h, None).await;
    h.tg.clear();
    // Anna has no language profile yet: the invite comes first all the same.
    h.say(ANNA, &format!("/start g_{code}")).await;
    let shown = h.tg.last();
    assert!(shown.text.contains("Немецкий &lt;A2&gt;"), "the name escaped: {}", shown.text);
    assert!(shown.text.contains("По вторникам") && shown.text.contains("Аня"), "the teacher's name: {}", shown.text);
    assert!(shown.text.contains("Преподаватель будет видеть"), "{}", shown.text);
    assert!(shown.text.contains("сколько упражнений вы сделали"), "{}", shown.text);
    let labels: Vec<&str> = shown.buttons.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, ["✅ Вступить", "Отмена"]);
    assert_eq!(members(&h, group).await, 1, "nothing is joined before the tap");

    h.tap(ANNA, "Вступить").await;
    let joined = h.tg.last();
    assert!(joined.text.contains("Вы в группе «Немецкий &lt;A2&gt;»"), "{}", joined.text);
    assert_eq!(joined.button("Открыть группу"), format!("https://app.example.org/groups/{group}"));
    let edit = h.tg.calls_of("editMessageText").pop().expect("the invite became the outcome");
    assert_eq!(
        edit.body["reply_markup"]["inline_keyboard"][0][0]["web_app"]["url"],
        Value::String(format!("https://app.example.org/groups/{group}"))
    );
    assert_eq!(members(&h, group).await, 2);

    // A second tap on the old button, and the link again: already a member.
    h.press(ANNA, joined.message_id, &shown.button("Вступить")).await;
    assert!(h.tg.last().text.contains("Вы уже в группе"), "{}", h.tg.last().text);
    h.say(ANNA, &format!("/start g_{code}")).await;
    assert!(h.tg.last().text.contains("Вы уже в группе"), "{}", h.tg.last().text);
    assert_eq!(members(&h, group).await, 2);

    // Boris changes his mind.
    h.say(BORIS, &format!("/start g_{code}")).await;
    h.tap(BORIS, "Отмена").await;
    assert!(h.tg.last().text.contains("не вступили"), "{}", h.tg.last().text);
    assert_eq!(members(&h, group).await, 2);
}

#[tokio::test]
async fn expired_full_and_unknown_invites_each_say_why() {
    let h = Harness::start_with(&[("FREE_MAX_GROUP_MEMBERS", "2")], false).await;
    let (group, code) = group_with_invite(&h, Some(5)).await;
    h.say(ANNA, "/start g_ZZZZZZZZZZ").await;
    assert!(h.tg.last().text.contains("Группа не найдена"), "{}", h.tg.last().text);

    // Two hold the invite; the first fills the group (the owner and one student).
    h.say(ANNA, &format!("/start g_{code}")).await;
    let anna_invite = h.tg.last();
    h.say(BORIS, &format!("/start g_{code}")).await;
    let boris_invite = h.tg.last();
    h.press(ANNA, anna_invite.message_id, &anna_invite.button("Вступить")).await;
    h.press(BORIS, boris_invite.message_id, &boris_invite.button("Вступить")).await;
    assert!(h.tg.last().text.contains("нет свободных мест (предел — 2)"), "{}", h.tg.last().text);
    assert_eq!(members(&h, group).await, 2);

    // Revoked: no longer works.
    let teacher = h.user_id(TEACHER).await;
    let invites = h.app.groups.invites(teacher, group).await.unwrap();
    h.app.groups.revoke_invite(teacher, group, invites[0].id).await.unwrap();
    h.say(VERA, &format!("/start g_{code}")).await;
    assert!(h.tg.last().text.contains("больше не действует"), "{}", h.tg.last().text);
    assert!(h.tg.last().buttons.is_empty());
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn compose(h: &Harness) -> impl Fn(&DigestFacts) -> DigestText + use<> {
    let url = h.app.settings.telegram.mini_app_url.clone();
    move |facts| telegram::digest::compose(facts, url.as_ref())
}

async fn digests(h: &Harness) -> Vec<Value> {
    let rows =
        repositories::outbox::claim(h.app.db.conn(), at("2100-01-01T00:00:00Z"), at("2100-01-01T00:01:00Z"), 100)
            .await
            .unwrap();
    rows.into_iter()
        .filter(|row| row.kind == services::groups::DIGEST_KIND)
        .map(|row| serde_json::from_str(&row.payload).unwrap())
        .collect()
}

#[tokio::test]
async fn teachers_get_one_weekly_digest_on_monday_from_their_reminder_hour() {
    let h = Harness::with_manual_clock(&[]).await;
    let clock = h.clock.clone().unwrap();
    let (_, code) = group_with_invite(&h, None).await;
    let anna = {
        h.say(ANNA, "/start").await;
        h.user_id(ANNA).await
    };
    h.app.groups.join(anna, &code).await.unwrap();
    let write = compose(&h);
    // Monday 30 November 2026, 18:30 in Moscow (the teacher's zone, reminder hour 19).
    clock.set(at("2026-11-30T15:30:00Z"));
    assert_eq!(h.app.groups.run_teacher_digests(100, &write).await.unwrap().sent, 0, "before the hour");
    clock.set(at("2026-11-30T16:05:00Z"));
    let run = h.app.groups.run_teacher_digests(100, &write).await.unwrap();
    assert_eq!(run.sent, 1);
    assert_eq!(h.app.groups.run_teacher_digests(100, &write).await.unwrap().sent, 0, "once a week");
    clock.set(at("2026-12-01T16:05:00Z"));
    assert_eq!(h.app.groups.run_teacher_digests(100, &write).await.unwrap().sent, 0, "Tuesday");
    let queued = digests(&h).await;
    assert_eq!(queued.len(), 1);
    let html = queued[0]["html"].as_str().unwrap();
    assert!(html.contains("2026-W49") && html.contains("Немецкий &lt;A2&gt;"), "{html}");
    assert!(html.contains("занимались 0 из 1"), "{html}");
    assert!(queued[0]["keyboard"]["inline_keyboard"][0][0]["web_app"]["url"].as_str().unwrap().contains("/groups/"));
    let teacher = h.user_id(TEACHER).await;
    let notices = h.app.db.conn();
    let sql =
        format!("SELECT key FROM sent_notices WHERE user_id = '{}' AND kind = 'teacher_digest'", teacher.as_uuid());
    let rows = repositories::ConnectionTrait::query_all_raw(
        notices,
        sea_orm::Statement::from_string(repositories::DbBackend::Postgres, sql),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    // The next Monday is a new week.
    clock.set(at("2026-12-07T16:05:00Z"));
    assert_eq!(h.app.groups.run_teacher_digests(100, &write).await.unwrap().sent, 1);
}

#[tokio::test]
async fn a_student_studies_a_shared_deck_in_the_bot_on_their_own_schedule() {
    let h = Harness::start().await;
    h.onboard(TEACHER, "Немецкий", "A2", "Путешествия").await;
    let teacher = h.user_id(TEACHER).await;
    let deck = h.app.cards.create_deck(teacher, None, "Урок 1", None).await.unwrap();
    let content = domain::CardContent { front: "der Hund".into(), back: "собака".into(), ..Default::default() };
    h.app.cards.create_card(teacher, Some(deck.id), content, services::cards::CardSource::Manual).await.unwrap();
    let new = NewGroup {
        name: "Kurs".into(),
        description: None,
        language: LanguageCode::parse("de").unwrap(),
        max_members: None,
    };
    let group = h.app.groups.create(teacher, new).await.unwrap();
    let share = services::groups::ShareRequest::Deck(deck.id.as_uuid());
    h.app.groups.share(teacher, group.summary.id, share).await.unwrap();
    let invite = NewInvite { expires_in_hours: None, max_uses: None };
    let code = h.app.groups.create_invite(teacher, group.summary.id, invite).await.unwrap().code;

    h.onboard(ANNA, "Немецкий", "A2", "Путешествия").await;
    h.say(ANNA, &format!("/start g_{code}")).await;
    h.tap(ANNA, "Вступить").await;
    // The shared deck is offered beside Anna's own, marked as the group's.
    h.say(ANNA, "/decks").await;
    let labels: Vec<String> = h.tg.last().buttons.iter().map(|(label, _)| label.clone()).collect();
    assert!(labels.iter().any(|l| l == "👥 Урок 1 · Kurs"), "{labels:?}");
    h.tap(ANNA, "👥 Урок 1").await;
    assert!(h.tg.last().text.contains("Урок 1"), "{}", h.tg.last().text);

    h.say(ANNA, "/card").await;
    assert!(h.tg.last().text.starts_with("<b>der Hund</b>"), "{}", h.tg.last().text);
    h.tap(ANNA, "Показать ответ").await;
    h.tap(ANNA, "Хорошо").await;
    // Anna's schedule moved; the teacher's card is still new to the teacher.
    let anna = h.app.study.queue(h.user_id(ANNA).await, None, Some(deck.id), 10).await.unwrap();
    assert_eq!((anna.counts.new, anna.counts.learning), (0, 1));
    let own = h.app.study.queue(teacher, None, Some(deck.id), 10).await.unwrap();
    assert_eq!((own.counts.new, own.counts.learning), (1, 0));

    // Once the group is archived the deck is gone from the list and the study falls back to
    // Anna's own decks.
    h.app.groups.archive(teacher, group.summary.id).await.unwrap();
    h.say(ANNA, "/decks").await;
    let labels: Vec<String> = h.tg.last().buttons.iter().map(|(label, _)| label.clone()).collect();
    assert!(!labels.iter().any(|l| l.contains("Урок 1")), "{labels:?}");
}
