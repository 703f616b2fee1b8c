//! Voice messages: limits told before any download, a recording that is not audio refused
//! whatever Telegram called it, a provider error charging nothing, the daily quota, and a
//! question asked by voice answered by the tutor.

use serde_json::{Value, json};

use crate::Harness;

const DORA: i64 = 7004;
const OGG: &[u8] = b"OggS\x00\x02\x00\x00fake-opus-frames-of-a-question";

fn voice_update(h: &Harness, file_id: &str, duration: u32, size: u64) -> Value {
    let mut update = h.plain_update(DORA, "");
    let message = update["message"].as_object_mut().unwrap();
    message.remove("text");
    message.insert(
        "voice".into(),
        json!({"file_id": file_id, "file_unique_id": file_id, "duration": duration, "mime_type": "audio/ogg", "file_size": size}),
    );
    update
}

async fn learner(h: &Harness) {
    h.onboard(DORA, "Немецкий", "A2", "Путешествия").await;
}

async fn voice_used(h: &Harness) -> u32 {
    let user = h.user_id(DORA).await;
    h.app.quotas.status(user, domain::DailyQuota::Voice).await.unwrap().used
}

#[tokio::test]
async fn a_question_asked_by_voice_is_shown_back_and_answered() {
    let h = Harness::start().await;
    learner(&h).await;
    h.tg.serve_file("v1", OGG.to_vec()).await;
    h.llm.hear("Wie spät ist es?");
    h.llm.answer_with("«Wie spät ist es?» — «Который час?»", json!([]));
    h.tg.clear();
    h.deliver(voice_update(&h, "v1", 4, OGG.len() as u64)).await;
    let texts = h.tg.texts(DORA);
    assert_eq!(texts[0], "🎙 <i>Wie spät ist es?</i>", "{texts:?}");
    assert!(texts.last().unwrap().contains("Который час?"), "{texts:?}");
    let recordings = h.llm.recordings();
    assert_eq!(recordings.len(), 1);
    let body = String::from_utf8_lossy(&recordings[0]);
    assert!(body.contains("fake-opus-frames") && body.contains("filename=\"voice.ogg\""), "{body}");
    assert_eq!(voice_used(&h).await, 1);
    let user = h.user_id(DORA).await;
    let history = h.app.tutor.history(user, None, None, 10).await.unwrap();
    assert_eq!(history.messages[0].content, "Wie spät ist es?", "the transcript is the learner's message");
}

#[tokio::test]
async fn too_long_or_too_large_is_refused_before_any_download() {
    let h = Harness::start().await;
    learner(&h).await;
    h.deliver(voice_update(&h, "long", 300, 100_000)).await;
    assert!(h.tg.last().text.contains("длиннее 120 секунд"), "{}", h.tg.last().text);
    h.deliver(voice_update(&h, "big", 60, 5 * 1024 * 1024)).await;
    assert!(h.tg.last().text.contains("больше 3 МБ"), "{}", h.tg.last().text);
    assert!(h.tg.calls_of("getFile").is_empty(), "nothing fetched");
    assert_eq!(h.tg.downloads().await, 0);
    // Telegram said it was small, the file is not: the download stops at the limit.
    h.tg.serve_file("liar", vec![b'O'; 4 * 1024 * 1024]).await;
    h.deliver(voice_update(&h, "liar", 10, 1000)).await;
    assert!(h.tg.last().text.contains("больше 3 МБ"), "{}", h.tg.last().text);
    assert!(h.llm.recordings().is_empty());
    assert_eq!(voice_used(&h).await, 0);
}

#[tokio::test]
async fn bytes_that_are_not_audio_are_refused_whatever_their_name() {
    let h = Harness::start().await;
    learner(&h).await;
    h.tg.serve_file("png", b"\x89PNG\r\n\x1a\n....".to_vec()).await;
    h.deliver(voice_update(&h, "png", 3, 12)).await;
    assert!(h.tg.last().text.contains("Не получилось прочитать запись"), "{}", h.tg.last().text);
    assert!(h.llm.recordings().is_empty(), "never sent to the provider");
    assert_eq!(voice_used(&h).await, 0);
}

#[tokio::test]
async fn a_provider_error_charges_nothing_and_the_quota_holds() {
    let h = Harness::start_with(&[("FREE_DAILY_VOICE", "1")], false).await;
    learner(&h).await;
    h.tg.serve_file("v1", OGG.to_vec()).await;
    h.llm.fail_with(Some(500));
    h.deliver(voice_update(&h, "v1", 3, OGG.len() as u64)).await;
    assert!(h.tg.last().text.contains("Не удалось распознать речь"), "{}", h.tg.last().text);
    assert_eq!(voice_used(&h).await, 0, "a failed call is not charged");
    h.llm.fail_with(None);
    h.llm.answer_with("Gut!", json!([]));
    h.deliver(voice_update(&h, "v1", 3, OGG.len() as u64)).await;
    assert_eq!(voice_used(&h).await, 1);
    h.deliver(voice_update(&h, "v1", 3, OGG.len() as u64)).await;
    assert!(h.tg.last().text.contains("Дневной лимит голосовых исчерпан"), "{}", h.tg.last().text);
    assert_eq!(voice_used(&h).await, 1);
}
