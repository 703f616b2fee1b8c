//! Photos: a menu's words added in three taps, words already in the cards not offered again,
//! bytes that are no picture refused before the provider, a caption asked to the tutor.

use serde_json::{Value, json};

use crate::Harness;

const EMMA: i64 = 7005;
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00fake-menu-pixels";

fn photo_update(h: &Harness, file_id: &str, caption: Option<&str>) -> Value {
    let mut update = h.plain_update(EMMA, "");
    let message = update["message"].as_object_mut().unwrap();
    message.remove("text");
    message.insert(
        "photo".into(),
        json!([
            {"file_id": format!("{file_id}-small"), "file_unique_id": "s", "width": 90, "height": 90, "file_size": 1000},
            {"file_id": file_id, "file_unique_id": "l", "width": 1280, "height": 960, "file_size": JPEG.len()}
        ]),
    );
    if let Some(caption) = caption {
        message.insert("caption".into(), json!(caption));
    }
    update
}

fn menu() -> Value {
    json!({"text": "Speisekarte\nSchnitzel mit Pommes 12 €\nApfelstrudel 6 €", "words": [
        {"word": "das Schnitzel", "translation": "шницель"},
        {"word": "die Pommes", "translation": "картошка фри"},
        {"word": "der Apfelstrudel", "translation": "яблочный штрудель"}
    ]})
}

async fn learner(h: &Harness) {
    h.onboard(EMMA, "Немецкий", "A2", "Путешествия").await;
}

#[tokio::test]
async fn three_words_from_a_menu_in_three_taps_and_not_offered_again() {
    let h = Harness::start_with(&[("LLM_VISION_MODEL", "vision-model")], false).await;
    learner(&h).await;
    h.tg.serve_file("menu", JPEG.to_vec()).await;
    h.llm.read_off_pictures(menu());
    h.deliver(photo_update(&h, "menu", None)).await;
    let reply = h.tg.last();
    assert!(reply.text.starts_with("📷 <i>Speisekarte\nSchnitzel mit Pommes 12 €"), "{}", reply.text);
    assert_eq!(reply.buttons.len(), 3, "{:?}", reply.buttons);
    for word in ["das Schnitzel", "die Pommes", "der Apfelstrudel"] {
        h.press(EMMA, reply.message_id, &reply.button(word)).await;
    }
    let toasts = h.tg.toasts();
    assert_eq!(toasts[toasts.len() - 1].as_deref(), Some("«der Apfelstrudel» добавлено в карточки"));
    let user = h.user_id(EMMA).await;
    let filter = services::cards::CardFilter { deck_id: None, state: None, search: None, limit: 10, offset: 0 };
    let (_, total) = h.app.cards.list_cards(user, None, filter).await.unwrap();
    assert_eq!(total, 3);
    let sent = &h.llm.picture_requests()[0];
    assert_eq!(sent["model"], "vision-model");
    assert!(sent.to_string().contains("data:image/jpeg;base64,"), "the largest size, as a JPEG");
    // The same menu again: the words are known now, so none is offered.
    h.deliver(photo_update(&h, "menu", None)).await;
    assert!(h.tg.last().buttons.is_empty(), "{:?}", h.tg.last().buttons);
}

#[tokio::test]
async fn bytes_that_are_no_picture_never_reach_the_provider() {
    let h = Harness::start().await;
    learner(&h).await;
    h.tg.serve_file("fake", b"%PDF-1.7 not a picture".to_vec()).await;
    h.deliver(photo_update(&h, "fake", None)).await;
    assert!(h.tg.last().text.contains("нужен JPEG, PNG или WebP"), "{}", h.tg.last().text);
    assert!(h.llm.picture_requests().is_empty());
    let user = h.user_id(EMMA).await;
    assert_eq!(h.app.quotas.status(user, domain::DailyQuota::Messages).await.unwrap().used, 0);
}

#[tokio::test]
async fn a_caption_is_asked_to_the_tutor_about_the_picture() {
    let h = Harness::start().await;
    learner(&h).await;
    h.tg.serve_file("menu", JPEG.to_vec()).await;
    h.llm.read_off_pictures(menu());
    h.llm.answer_with("«Apfelstrudel» — это яблочный штрудель.", json!([]));
    h.deliver(photo_update(&h, "menu", Some("Что такое Apfelstrudel?"))).await;
    assert!(h.tg.last().text.contains("яблочный штрудель"), "{}", h.tg.last().text);
    let user = h.user_id(EMMA).await;
    let history = h.app.tutor.history(user, None, None, 10).await.unwrap();
    let question = &history.messages[0].content;
    assert!(question.starts_with("Что такое Apfelstrudel?") && question.contains("Apfelstrudel 6 €"), "{question}");
}
