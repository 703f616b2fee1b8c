//! A learner's whole first conversation, in the bot alone: start, a profile through the
//! onboarding, the tutor (streamed), a word from its answer, reviews with buttons, a second
//! language and back, settings, clearing the history.

use std::time::Duration;

use serde_json::json;

use crate::Harness;

const ANNA: i64 = 7001;

#[tokio::test]
async fn a_learner_does_everything_in_the_bot() {
    let h = Harness::start().await;

    // /start: a greeting in Russian and the languages to pick from.
    h.say(ANNA, "/start").await;
    let greeting = h.tg.last();
    assert!(greeting.text.contains("Привет, Аня!"), "{}", greeting.text);
    assert!(greeting.buttons.iter().any(|(label, data)| label == "Немецкий" && data == "c1:ob:de"));
    assert!(greeting.buttons.iter().any(|(_, url)| url.starts_with("https://app.example.org/")), "Mini App button");

    // Onboarding: language, level, goal.
    h.tap(ANNA, "Немецкий").await;
    assert!(h.tg.last().text.contains("Какой у вас уровень?"));
    h.tap(ANNA, "A2").await;
    assert!(h.tg.last().text.contains("Зачем вам язык?"));
    h.tap(ANNA, "Путешествия").await;
    let done = h.tg.last();
    assert!(done.text.contains("Учим <b>немецкий</b>, уровень A2"), "{}", done.text);
    let user = h.user_id(ANNA).await;
    let profiles = h.app.profiles.list(user).await.unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].language.as_str(), "de");
    assert!(profiles[0].is_active);
    // Every press was answered exactly once.
    assert_eq!(h.tg.calls_of("answerCallbackQuery").len(), 3);

    // The tutor: the answer streams (drafts), then arrives whole with a button per word.
    h.llm.answer_with(
        "**Hund** — это *собака*. Например: _Der Hund schläft._ А `<Katze>` & «кошка» — другое слово.",
        json!([{"word": "der Hund", "translation": "собака", "note": "m."}]),
    );
    h.llm.pause_between_pieces(Duration::from_millis(300));
    h.say(ANNA, "Как будет «собака»?").await;
    assert!(!h.tg.calls_of("sendChatAction").is_empty(), "typing… while waiting");
    let drafts = h.tg.calls_of("sendMessageDraft");
    assert!(!drafts.is_empty(), "the answer streams as a draft");
    let answer = h.tg.last();
    assert!(answer.text.contains("<b>Hund</b> — это <i>собака</i>"), "{}", answer.text);
    assert!(answer.text.contains("&lt;Katze&gt;") && answer.text.contains("&amp;"), "{}", answer.text);
    let add = answer.button("der Hund");

    // One tap adds the word; a second says it is already there.
    h.press(ANNA, answer.message_id, &add).await;
    h.press(ANNA, answer.message_id, &add).await;
    let toasts = h.tg.toasts();
    assert_eq!(toasts[toasts.len() - 2].as_deref(), Some("«der Hund» добавлено в карточки"));
    assert_eq!(toasts[toasts.len() - 1].as_deref(), Some("«der Hund» уже есть в карточках"));

    // /card: front, "Show answer", ratings with intervals, the review recorded once.
    h.say(ANNA, "/card").await;
    let front = h.tg.last();
    assert!(front.text.starts_with("<b>der Hund</b>"), "{}", front.text);
    assert!(!front.text.contains("собака"), "the answer is hidden first");
    h.tap(ANNA, "Показать ответ").await;
    let back = h.tg.last();
    assert!(back.text.contains("собака"));
    let labels: Vec<&str> = back.buttons.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert!(labels[0].starts_with("Снова · ") && labels[2].starts_with("Хорошо · "), "{labels:?}");
    let good = back.button("Хорошо");
    let sent_before = h.tg.calls_of("sendMessage").len();
    h.press(ANNA, back.message_id, &good).await;
    h.press(ANNA, back.message_id, &good).await; // a double tap
    assert_eq!(h.tg.calls_of("sendMessage").len(), sent_before + 1, "one next card, not two");
    assert_eq!(h.tg.toasts().last().unwrap().as_deref(), Some("Эта карточка уже оценена."));
    let filter = services::cards::CardFilter { deck_id: None, state: None, search: None, limit: 10, offset: 0 };
    let (cards, _) = h.app.cards.list_cards(user, None, filter).await.unwrap();
    let reps = cards[0].progress.as_ref().map(|p| p.reps);
    assert_eq!(reps, Some(1), "two taps on one shown card review it once");
    let texts = h.tg.texts(ANNA);
    assert!(texts.iter().any(|t| t.contains("Хорошо — следующий показ через")), "{texts:?}");

    // A second language through /profile, then back to German.
    h.say(ANNA, "/profile").await;
    assert!(h.tg.last().text.contains("Ваши языки"));
    h.tap(ANNA, "Новый язык").await;
    h.tap(ANNA, "Испанский").await;
    h.tap(ANNA, "A1").await;
    h.tap(ANNA, "Работа").await;
    let active = h.app.profiles.resolve(user, None).await.unwrap();
    assert_eq!(active.language.as_str(), "es");
    h.say(ANNA, "/profile").await;
    assert!(h.tg.last().buttons.iter().any(|(label, _)| label == "✓ Испанский"));
    h.tap(ANNA, "Немецкий").await;
    assert!(h.tg.last().text.contains("Теперь учим: <b>немецкий</b>"), "{}", h.tg.last().text);
    assert_eq!(h.app.profiles.resolve(user, None).await.unwrap().language.as_str(), "de");

    // Settings: reminders off, an hour, a zone, then English.
    h.say(ANNA, "/settings").await;
    assert!(h.tg.last().text.contains("Напоминания: включены"));
    h.tap(ANNA, "Выключить напоминания").await;
    h.tap(ANNA, "Время напоминания").await;
    h.tap(ANNA, "20:00").await;
    h.tap(ANNA, "Часовой пояс").await;
    h.tap(ANNA, "Екатеринбург").await;
    h.tap(ANNA, "English").await;
    let settings = h.tg.last();
    assert!(settings.text.contains("Reminders: off"), "{}", settings.text);
    assert!(settings.text.contains("Reminder time: 20:00") && settings.text.contains("Asia/Yekaterinburg"));
    let me = h.app.users.me(user).await.unwrap();
    assert!(!me.user.reminders_enabled);
    assert_eq!(me.user.reminder_hour, 20);
    assert_eq!(me.user.timezone, "Asia/Yekaterinburg");

    // /clear_history asks first; then the tutor history of German is empty.
    h.say(ANNA, "/clear_history").await;
    assert!(h.tg.last().text.contains("Clear the whole tutor conversation in German?"), "{}", h.tg.last().text);
    h.tap(ANNA, "Yes, clear it").await;
    assert_eq!(h.tg.last().text, "History cleared.");
    let history = h.app.tutor.history(user, None, None, 50).await.unwrap();
    assert!(history.messages.is_empty());

    // Nothing the bot sent was refused by Telegram, and every press got one answer.
    assert!(h.tg.calls().iter().all(|c| c.method != "sendMessage" || c.body["parse_mode"] == "HTML"));
    let presses = h.tg.calls_of("answerCallbackQuery").len();
    assert_eq!(presses, 20, "one answer per press");
}

#[tokio::test]
async fn without_drafts_the_answer_streams_by_editing_one_message() {
    let h = Harness::start().await;
    h.tg.refuse_drafts();
    h.onboard(ANNA, "Французский", "B1", "Культура").await;
    h.llm.answer_with(&"Très bien ! Voici une longue explication. ".repeat(12), json!([]));
    h.llm.pause_between_pieces(Duration::from_millis(400));
    h.tg.clear();
    h.say(ANNA, "Расскажи про артикли").await;
    let sends = h.tg.calls_of("sendMessage");
    let edits = h.tg.calls_of("editMessageText");
    assert_eq!(sends.len(), 1, "one message, edited as the answer grows");
    assert!(edits.len() >= 2, "{} edits", edits.len());
    let previews: Vec<_> = edits.iter().filter(|e| e.body["text"].as_str().unwrap().ends_with(" …")).collect();
    assert!(!previews.is_empty());
    for pair in previews.windows(2) {
        assert!(pair[1].at.duration_since(pair[0].at) >= Duration::from_millis(950), "edits at most once a second");
    }
    let last = edits.last().unwrap();
    assert!(!last.body["text"].as_str().unwrap().ends_with('…'), "the final edit is the whole answer");
}

#[tokio::test]
async fn a_failed_answer_offers_a_retry_that_answers_once() {
    let h = Harness::start().await;
    h.onboard(ANNA, "Итальянский", "A1", "Хобби").await;
    h.llm.fail_with(Some(503));
    h.say(ANNA, "Ciao!").await;
    let failed = h.tg.last();
    assert!(failed.text.contains("Не получилось ответить"), "{}", failed.text);
    h.llm.fail_with(None);
    h.llm.answer_with("Ciao! Come stai?", json!([]));
    let retry = failed.button("Повторить");
    h.press(ANNA, failed.message_id, &retry).await;
    let answered = h.tg.last();
    assert_eq!(answered.message_id, failed.message_id, "the answer replaces the failure");
    assert!(answered.text.contains("Come stai?"));
    // The same retry button pressed again (an old copy of the message): nothing is re-asked.
    let sent = h.tg.calls_of("sendMessage").len() + h.tg.calls_of("editMessageText").len();
    h.press(ANNA, failed.message_id, &retry).await;
    assert_eq!(h.tg.calls_of("sendMessage").len() + h.tg.calls_of("editMessageText").len(), sent + 1);
    assert_eq!(h.tg.last().text, "Эта кнопка устарела.");
    let user = h.user_id(ANNA).await;
    let history = h.app.tutor.history(user, None, None, 50).await.unwrap();
    assert_eq!(history.messages.len(), 2, "one question, one answer");
}

#[tokio::test]
async fn group_chats_get_a_pointer_and_no_ones_data() {
    let h = Harness::start().await;
    h.runtime.bot.register().await; // learns its @username
    let group_command = |update_id: i64, text: &str| {
        let length = text.split_whitespace().next().unwrap().len();
        json!({"update_id": update_id, "message": {"message_id": update_id, "date": 1, "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": length}],
            "chat": {"id": -100_123, "type": "supergroup", "title": "Deutsch"},
            "from": {"id": ANNA, "is_bot": false, "first_name": "Аня", "language_code": "ru"}}})
    };
    h.deliver(group_command(1, "/card@OtherBot")).await;
    assert!(h.tg.calls_of("sendMessage").is_empty(), "another bot's command is not ours");
    h.deliver(group_command(2, "/card@LangAgentBot")).await;
    let pointer = h.tg.last();
    assert!(pointer.text.contains("В группах я не веду уроки"));
    assert_eq!(pointer.buttons[0].1, "https://t.me/LangAgentBot", "to the private chat, where the app signs in");
    h.deliver(group_command(3, "/help")).await;
    assert_eq!(h.tg.calls_of("sendMessage").len(), 1, "one pointer per group every few minutes");
    let chatter = json!({"update_id": 4, "message": {"message_id": 4, "date": 1, "text": "hallo",
        "chat": {"id": -100_123, "type": "supergroup", "title": "Deutsch"},
        "from": {"id": ANNA, "is_bot": false, "first_name": "Аня"}}});
    h.deliver(chatter).await;
    assert_eq!(h.tg.calls_of("sendMessage").len(), 1, "ordinary group messages are not answered");
    assert!(repositories::users::find_by_telegram_id(h.app.db.conn(), ANNA).await.unwrap().is_none());
}

#[tokio::test]
async fn text_with_a_slash_that_is_no_command_goes_to_the_tutor() {
    let h = Harness::start().await;
    h.onboard(ANNA, "Английский", "A2", "Учёба").await;
    h.llm.answer_with("Это транскрипция: [haʊs].", json!([]));
    h.deliver(h.plain_update(ANNA, "/haʊs/ — как читать?")).await;
    assert!(h.tg.last().text.contains("транскрипция"), "{}", h.tg.last().text);
    // Longer than the tutor reads (Telegram allows 4096): said, not sent to the LLM.
    h.say(ANNA, &"слово ".repeat(700)).await;
    assert!(h.tg.last().text.contains("до 4000 символов"), "{}", h.tg.last().text);
}

#[tokio::test]
async fn the_same_update_handled_twice_answers_once() {
    let h = Harness::start().await;
    h.onboard(ANNA, "Английский", "B1", "Работа").await;
    // A processor that dies after answering but before marking the update done: the lease
    // hands the same update to the bot again.
    let question = h.message_update(ANNA, "What is a phrasal verb?");
    h.tg.clear();
    h.deliver(question.clone()).await;
    h.deliver(question).await;
    let answers = h.tg.calls_of("sendMessage").len();
    assert_eq!(answers, 1, "answered once");
    let user = h.user_id(ANNA).await;
    assert_eq!(h.app.tutor.history(user, None, None, 50).await.unwrap().messages.len(), 2);
}

#[tokio::test]
async fn twenty_words_with_long_translations_arrive_in_parts() {
    let h = Harness::start().await;
    h.onboard(ANNA, "Немецкий", "B2", "Работа").await;
    let words: Vec<String> = (0..20).map(|i| format!("Wort{i}{}", "x".repeat(90))).collect();
    h.tg.clear();
    h.say(ANNA, &format!("/add {}", words.join(", "))).await;
    let texts = h.tg.texts(ANNA);
    let results: String = texts.iter().skip(1).cloned().collect();
    for word in &words {
        assert!(results.contains(word.as_str()), "{word} has its line");
    }
    assert!(
        h.tg.calls()
            .iter()
            .all(|c| c.message_id.is_some() || !matches!(c.method.as_str(), "sendMessage" | "editMessageText")),
        "nothing refused"
    );
    let too_long = format!("/add {}", "y".repeat(150));
    h.say(ANNA, &too_long).await;
    assert!(h.tg.last().text.contains("не больше 100 символов"), "{}", h.tg.last().text);
}
