//! Exercises in the bot on the same service as the Mini App: a topic picked from suggestions,
//! multiple choice by buttons and free text by message, a hint, a missed word as a card in one
//! tap, "Next" from the batch; double taps, an exercise answered in the Mini App first, an
//! expired one, the quota.

use serde_json::json;
use services::exercises::{NewTopic, Submission, TopicKind, TopicPatch};
use services::tutor::Channel;
use telegram::callback::Callback;
use uuid::Uuid;

use crate::Harness;

const LEA: i64 = 7101;
const MAX: i64 = 7102;
const OLGA: i64 = 7103;
const PETR: i64 = 7104;
const RITA: i64 = 7105;

/// The exercise a button of the last message belongs to.
fn exercise_of(data: &str) -> Uuid {
    match Callback::decode(data) {
        Callback::ExerciseChoice { exercise, .. }
        | Callback::ExerciseHint { exercise }
        | Callback::SkipExercise { exercise } => exercise,
        other => panic!("{data} is no exercise button: {other:?}"),
    }
}

fn labels(shown: &crate::fake_telegram::Shown) -> Vec<&str> {
    shown.buttons.iter().map(|(label, _)| label.as_str()).collect()
}

/// The attempts recorded for the learner: (result, channel, used hint), newest first.
async fn attempts(h: &Harness, telegram_id: i64) -> Vec<(String, String, bool)> {
    let user = h.user_id(telegram_id).await;
    let profile = h.app.profiles.resolve(user, None).await.unwrap().id;
    let filter = repositories::exercise_attempts::HistoryFilter::default();
    let (rows, _) =
        repositories::exercise_attempts::history(h.app.db.conn(), user, profile, &filter, 50, 0).await.unwrap();
    rows.into_iter().map(|r| (r.attempt.result, r.attempt.channel, r.attempt.used_hint)).collect()
}

async fn topic(h: &Harness, telegram_id: i64, name: &str) -> Uuid {
    let user = h.user_id(telegram_id).await;
    let new = NewTopic { name: name.to_owned(), description: None, kind: TopicKind::Grammar };
    h.app.exercises.create_topic(user, None, new).await.unwrap().id
}

async fn tutor_messages(h: &Harness, telegram_id: i64) -> usize {
    let user = h.user_id(telegram_id).await;
    h.app.tutor.history(user, None, None, 50).await.unwrap().messages.len()
}

#[tokio::test]
async fn a_learner_picks_a_suggested_topic_and_practises_in_chat() {
    let h = Harness::start().await;
    h.onboard(LEA, "Немецкий", "A2", "Путешествия").await;
    let user = h.user_id(LEA).await;

    // No topics yet: /exercise suggests some, a button each.
    h.say(LEA, "/exercise").await;
    let offered = h.tg.last();
    assert!(offered.text.starts_with("Тем для упражнений пока нет. <b>Предлагаю темы</b>"), "{}", offered.text);
    assert!(offered.text.contains("1. <b>Глагол sein</b> (грамматика) — Формы sein в настоящем времени"));
    assert_eq!(offered.buttons.len(), 6, "{:?}", offered.buttons);
    let sein = offered.button("Глагол sein");
    h.press(LEA, offered.message_id, &sein).await;
    let added = h.tg.last();
    assert_eq!(added.text, "Тема «Глагол sein» добавлена — практикуем её.");
    h.press(LEA, offered.message_id, &sein).await; // a double tap adds nothing
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("Тема «Глагол sein» уже есть"));
    let topics = h.app.exercises.topics(user, None, true).await.unwrap();
    assert_eq!(topics.len(), 1);
    assert!(topics[0].is_active && topics[0].description.as_deref() == Some("Формы sein в настоящем времени"));

    // A multiple-choice exercise: topic, question, material, four options, hint and skip.
    h.tap(LEA, "Упражнение").await;
    let choice = h.tg.last();
    assert!(choice.text.starts_with("📝 <b>Глагол sein</b>\nВыберите правильную форму"), "{}", choice.text);
    assert!(choice.text.contains("<b>Du ___ mein Freund.</b>"), "{}", choice.text);
    assert_eq!(labels(&choice), ["bin", "bist", "ist", "sind", "Подсказка", "Пропустить ›"]);
    let batches = h.llm.structured("exercises");
    assert_eq!(batches.len(), 1);
    assert!(batches[0].to_string().contains("Write exactly 5 exercises"), "a batch of five");
    assert!(!choice.text.contains("Второе лицо") && !choice.text.contains("С du"), "no hint, no explanation yet");

    // The hint is added to the exercise, and its button goes.
    h.tap(LEA, "Подсказка").await;
    let hinted = h.tg.last();
    assert_eq!(hinted.message_id, choice.message_id);
    assert!(hinted.text.contains("💡 <i>Второе лицо единственного числа</i>"), "{}", hinted.text);
    assert_eq!(labels(&hinted), ["bin", "bist", "ist", "sind", "Пропустить ›"]);

    // A wrong option, tapped twice: one grade, one attempt.
    let wrong = hinted.button("bin");
    h.press(LEA, choice.message_id, &wrong).await;
    let result = h.tg.last();
    h.press(LEA, choice.message_id, &wrong).await;
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("Это упражнение уже решено или устарело."));
    assert_eq!(h.tg.last().message_id, result.message_id, "nothing new after the second tap");
    assert_eq!(result.message_id, choice.message_id, "the exercise becomes its result");
    for part in [
        "<b>Du ___ mein Freund.</b>",
        "❌ <b>Неверно.</b>",
        "Ваш ответ: bin",
        "Правильный ответ: <b>bist</b>",
        "С du глагол sein имеет форму bist.",
        "<i>Тема «Глагол sein»: 0% · 1 попытка</i>",
        "Слова из упражнения",
    ] {
        assert!(result.text.contains(part), "{part} missing from {}", result.text);
    }
    assert_eq!(attempts(&h, LEA).await, [("incorrect".to_owned(), "bot".to_owned(), true)]);

    // The missed word becomes a card in one tap.
    h.press(LEA, result.message_id, &result.button("der Freund")).await;
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("«der Freund» добавлено в карточки"));
    let filter = services::cards::CardFilter { deck_id: None, state: None, search: None, limit: 10, offset: 0 };
    let (cards, total) = h.app.cards.list_cards(user, None, filter).await.unwrap();
    assert_eq!((total, cards[0].content.back.as_str()), (1, "друг"));

    // "Next" comes from the batch, not from the model; free text is answered by a message.
    h.tap(LEA, "Следующее упражнение").await;
    let translate = h.tg.last();
    assert!(translate.text.contains("<b>Я устал.</b>") && translate.text.contains("Ответьте сообщением."));
    assert_eq!(labels(&translate), ["Подсказка", "Пропустить ›"]);
    assert_eq!(h.llm.structured("exercises").len(), 1, "no new batch for the next exercise");
    let answer = h.message_update(LEA, "ich bin MÜDE");
    h.deliver(answer.clone()).await;
    let graded = h.tg.last();
    assert!(graded.text.starts_with("✅ <b>Верно!</b>\nПравильный ответ: <b>Ich bin müde.</b>"), "{}", graded.text);
    assert!(graded.text.contains("Тоже верно: Ich bin erschöpft."), "{}", graded.text);
    assert_eq!(labels(&graded), ["Следующее упражнение ›"], "a right answer offers no words");
    assert!(h.llm.structured("exercise_grading").is_empty(), "an exact match needs no grader");
    let sent = h.tg.calls_of("sendMessage").len();
    // The same update redelivered (the inbox retries an update whose handling failed, say the
    // result's send): the result once more, never a second grade, never the tutor.
    h.deliver(answer).await;
    assert_eq!(h.tg.calls_of("sendMessage").len(), sent + 1);
    assert_eq!(h.tg.last().text, graded.text);
    assert!(h.llm.structured("exercise_grading").is_empty());

    // A free-text answer the grader judges, with its mistakes and the word to add.
    h.tap(LEA, "Следующее упражнение").await;
    assert!(h.tg.last().text.contains("<b>Wir ___ (sein) zu Hause.</b>"), "{}", h.tg.last().text);
    h.say(LEA, "Wir seid <wrong> zu Hause").await;
    let judged = h.tg.last();
    for part in [
        "❌ <b>Неверно.</b>",
        "Ваш ответ: Wir seid &lt;wrong&gt; zu Hause",
        "Правильный ответ: <b>sind</b>",
        "Это не то, что нужно: проверьте форму глагола.",
        "<b>Ошибки:</b>\n• «Wir seid &lt;wrong&gt; zu Hause» → Ich bin müde.",
        "<i>Тема «Глагол sein»: 33% · 3 попытки</i>",
    ] {
        assert!(judged.text.contains(part), "{part} missing from {}", judged.text);
    }
    assert!(judged.buttons.iter().any(|(label, _)| label == "➕ das Haus"), "{:?}", judged.buttons);
    let grading = h.llm.structured("exercise_grading");
    assert_eq!(grading.len(), 1);
    assert!(grading[0].to_string().contains("<student_answer>Wir seid"), "the same grader as the Mini App");
    assert_eq!(tutor_messages(&h, LEA).await, 0, "no answer reached the tutor");

    // Answered: the next text is the tutor's again.
    h.llm.answer_with("Gern geschehen!", json!([]));
    h.say(LEA, "Danke!").await;
    assert!(h.tg.last().text.contains("Gern geschehen!"), "{}", h.tg.last().text);

    // /topics: the accuracy with its attempts in Russian plurals, the active one ticked.
    h.say(LEA, "/topics").await;
    let list = h.tg.last();
    assert!(list.text.contains("✓ <b>Глагол sein</b> (грамматика) — 33% · 3 попытки"), "{}", list.text);
    assert_eq!(labels(&list), ["✓ Глагол sein", "💡 Предложить темы", "▶️ Упражнение"]);
    let recorded = attempts(&h, LEA).await;
    assert_eq!(recorded.len(), 3);
    assert!(recorded.iter().all(|(_, channel, _)| channel == "bot"));

    // Every press got exactly one answer: 3 onboarding, 2 topic, start, hint, 2 options,
    // the word, 2 × next.
    assert_eq!(h.tg.calls_of("answerCallbackQuery").len(), 12);
}

#[tokio::test]
async fn topics_switch_and_a_skipped_exercise_leaves_the_chat() {
    let h = Harness::start().await;
    h.onboard(MAX, "Немецкий", "B1", "Работа").await;
    let user = h.user_id(MAX).await;
    let sein = topic(&h, MAX, "Sein").await;
    topic(&h, MAX, "Im Café").await;
    let archived = TopicPatch { archived: Some(true), ..TopicPatch::default() };
    h.app.exercises.update_topic(user, sein, archived).await.unwrap();

    // No active topic: the list to pick from (archived topics are not in it).
    h.say(MAX, "/exercise").await;
    let pick = h.tg.last();
    assert!(pick.text.starts_with("Тема не выбрана"), "{}", pick.text);
    assert!(pick.text.contains("<b>Im Café</b> (грамматика) — ещё не практиковали"), "{}", pick.text);
    assert_eq!(labels(&pick), ["Im Café", "💡 Предложить темы"]);
    h.tap(MAX, "Im Café").await;
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("Практикуем «Im Café»"));
    let ticked = h.tg.last();
    assert_eq!(ticked.message_id, pick.message_id);
    assert_eq!(labels(&ticked), ["✓ Im Café", "💡 Предложить темы", "▶️ Упражнение"]);

    h.tap(MAX, "Упражнение").await;
    let first = h.tg.last();
    assert!(first.text.starts_with("📝 <b>Im Café</b>"), "{}", first.text);
    assert!(h.llm.structured("exercises")[0].to_string().contains("Im Café"), "the batch is on the topic");

    // Skip: the exercise stays without its buttons, the next one comes; a double tap, once.
    let skip = first.button("Пропустить");
    h.press(MAX, first.message_id, &skip).await;
    let next = h.tg.last();
    assert!(next.text.contains("<b>Я устал.</b>"), "{}", next.text);
    let skipped = h.tg.calls_of("editMessageText").last().unwrap().clone();
    assert_eq!(skipped.message_id, Some(first.message_id));
    assert!(skipped.body["text"].as_str().unwrap().ends_with("<i>Пропущено.</i>"));
    assert!(skipped.body.get("reply_markup").is_none(), "{}", skipped.body);
    let sent = h.tg.calls_of("sendMessage").len();
    h.press(MAX, first.message_id, &skip).await;
    assert_eq!(h.tg.calls_of("sendMessage").len(), sent, "one next exercise per press");
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("Следующее упражнение уже показано."));
    assert!(attempts(&h, MAX).await.is_empty(), "a skipped exercise is no attempt");

    // Another topic: the rest of the batch of "Im Café" is not used for it.
    topic(&h, MAX, "Perfekt").await;
    h.say(MAX, "/topics").await;
    let list = h.tg.last();
    assert_eq!(labels(&list), ["✓ Im Café", "Perfekt", "💡 Предложить темы", "▶️ Упражнение"], "Sein is archived");
    h.tap(MAX, "Perfekt").await;
    h.say(MAX, "/exercise").await;
    assert!(h.tg.last().text.starts_with("📝 <b>Perfekt</b>"), "{}", h.tg.last().text);
    let batches = h.llm.structured("exercises");
    assert_eq!(batches.len(), 2);
    assert!(batches[1].to_string().contains("Topic: \\\"Perfekt\\\""), "{}", batches[1]);
    let active: Vec<String> = h
        .app
        .exercises
        .topics(user, None, false)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.is_active)
        .map(|t| t.name)
        .collect();
    assert_eq!(active, ["Perfekt"]);
}

#[tokio::test]
async fn an_exercise_answered_in_the_mini_app_is_not_graded_again_in_the_bot() {
    let h = Harness::start().await;
    h.onboard(OLGA, "Немецкий", "A2", "Учёба").await;
    let user = h.user_id(OLGA).await;
    topic(&h, OLGA, "Sein").await;

    // Multiple choice, answered in the Mini App, then pressed in the bot.
    h.say(OLGA, "/exercise").await;
    let choice = h.tg.last();
    let id = exercise_of(&choice.button("bist"));
    let mini_app = Submission { answer: None, choice: Some(1), duration_ms: Some(3000), channel: Channel::MiniApp };
    let graded = h.app.exercises.submit(user, id, mini_app).await.unwrap();
    assert_eq!(graded.result, services::exercises::Grade::Correct);
    let edits = h.tg.calls_of("editMessageText").len();
    h.press(OLGA, choice.message_id, &choice.button("bist")).await;
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("Это упражнение уже решено или устарело."));
    assert_eq!(h.tg.calls_of("editMessageText").len(), edits, "no second grade");

    // Free text, answered in the Mini App, then typed in the bot.
    h.tap(OLGA, "Пропустить").await;
    let free = h.tg.last();
    let id = exercise_of(&free.button("Подсказка"));
    let mini_app =
        Submission {
            answer: Some("Ich bin müde.".into()), choice: None, duration_ms: None, channel: Channel::MiniApp
        };
    h.app.exercises.submit(user, id, mini_app).await.unwrap();
    h.say(OLGA, "Ich bin müde").await;
    let gone = h.tg.last();
    assert_eq!(gone.text, "Это упражнение уже решено или устарело.");
    assert_eq!(labels(&gone), ["Следующее упражнение ›"]);
    assert_eq!(tutor_messages(&h, OLGA).await, 0);
    let recorded = attempts(&h, OLGA).await;
    assert_eq!(recorded.len(), 2, "one attempt per exercise: {recorded:?}");
    assert!(recorded.iter().all(|(result, channel, _)| result == "correct" && channel == "miniapp"));

    // The hint of an exercise answered elsewhere says so too.
    h.tap(OLGA, "Следующее упражнение").await;
    let fill_gap = h.tg.last();
    let id = exercise_of(&fill_gap.button("Подсказка"));
    let mini_app =
        Submission { answer: Some("sind".into()), choice: None, duration_ms: None, channel: Channel::MiniApp };
    h.app.exercises.submit(user, id, mini_app).await.unwrap();
    h.tap(OLGA, "Подсказка").await;
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("Это упражнение уже решено или устарело."));

    // A command moves on: the text after it goes to the tutor, not to the exercise.
    h.tap(OLGA, "Пропустить").await;
    assert!(h.tg.last().text.contains("Ответьте сообщением."), "{}", h.tg.last().text);
    h.say(OLGA, "/help").await;
    h.llm.answer_with("Das ist eine gute Frage.", json!([]));
    h.say(OLGA, "Was bedeutet müde?").await;
    assert!(h.tg.last().text.contains("Das ist eine gute Frage."), "{}", h.tg.last().text);
    assert_eq!(attempts(&h, OLGA).await.len(), 3);
}

#[tokio::test]
async fn after_the_exercise_expires_text_goes_to_the_tutor_and_the_old_batch_is_skipped() {
    let h = Harness::with_manual_clock(&[]).await;
    h.onboard(PETR, "Немецкий", "A2", "Хобби").await;
    topic(&h, PETR, "Sein").await;
    h.say(PETR, "/exercise").await;
    h.tap(PETR, "Пропустить").await;
    assert!(h.tg.last().text.contains("Ответьте сообщением."));
    h.clock.as_ref().unwrap().advance(chrono::Duration::minutes(31));
    h.llm.answer_with("Ja, du bist müde.", json!([]));
    h.say(PETR, "Ich bin müde").await;
    assert!(h.tg.last().text.contains("Ja, du bist müde."), "{}", h.tg.last().text);
    assert!(attempts(&h, PETR).await.is_empty());
    assert_eq!(tutor_messages(&h, PETR).await, 2);
    // The rest of the old batch expired with it: a new batch is written.
    h.say(PETR, "/exercise").await;
    assert_eq!(h.llm.structured("exercises").len(), 2);
    assert!(h.tg.last().text.contains("<b>Du ___ mein Freund.</b>"), "{}", h.tg.last().text);
}

#[tokio::test]
async fn the_exercises_quota_is_said_like_the_tutors() {
    let h = Harness::start_with(&[("FREE_DAILY_EXERCISES", "2")], false).await;
    h.onboard(RITA, "Немецкий", "A1", "Путешествия").await;
    topic(&h, RITA, "Sein").await;
    h.say(RITA, "/exercise").await;
    let batches = h.llm.structured("exercises");
    assert!(batches[0].to_string().contains("Write exactly 2 exercises"), "no more than the quota allows");
    h.tap(RITA, "Пропустить").await;
    assert!(h.tg.last().text.contains("<b>Я устал.</b>"));
    h.tap(RITA, "Пропустить").await;
    let refused = h.tg.last();
    assert!(refused.text.starts_with("Дневной лимит упражнений исчерпан. Новый — через "), "{}", refused.text);
    assert_eq!(h.llm.structured("exercises").len(), 1, "the model is not asked past the quota");
    let user = h.user_id(RITA).await;
    assert_eq!(h.app.quotas.status(user, domain::DailyQuota::Exercises).await.unwrap().used, 2);
    // Nothing waits for a typed answer after the refusal.
    h.llm.answer_with("Hallo!", json!([]));
    h.say(RITA, "Hallo").await;
    assert!(h.tg.last().text.contains("Hallo!"), "{}", h.tg.last().text);
}

#[tokio::test]
async fn the_deep_link_opens_an_exercise() {
    let h = Harness::start().await;
    h.onboard(LEA, "Немецкий", "A2", "Работа").await;
    topic(&h, LEA, "Sein").await;
    h.say(LEA, "/start exercise").await;
    let texts = h.tg.texts(LEA);
    assert_eq!(texts[texts.len() - 2], "Начнём упражнение!");
    assert!(h.tg.last().text.starts_with("📝 <b>Sein</b>"), "{}", h.tg.last().text);
}
