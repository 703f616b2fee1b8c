//! `POST /api/media/transcribe` against a fake speech server: the recording told by its
//! bytes, the size limit, the quota charged only on success.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::fake_llm::{learner, llm_app};
use crate::helpers::{TestApp, assert_contract, spawn_app};
use crate::session::User;

const OGG: &[u8] = b"OggS\x00\x02\x00\x00opus-frames-of-a-question";

async fn post(app: &TestApp, user: &User, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    app.post_bytes("/api/media/transcribe", &user.access_token, content_type, body).await
}

fn transcriptions() -> wiremock::MockBuilder {
    Mock::given(method("POST")).and(path("/audio/transcriptions")).and(header("authorization", "Bearer sk-test-key"))
}

async fn voice_used(app: &TestApp, user: &User) -> u64 {
    app.me(user).await["limits"]["voice"]["used"].as_u64().unwrap()
}

#[tokio::test]
async fn a_recording_becomes_text_and_counts_against_the_voice_quota() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 61).await;
    transcriptions()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"text": "Wo ist der Bahnhof?"})))
        .expect(1)
        .mount(&app.outbound)
        .await;
    let response = post(&app, &user, "audio/webm;codecs=opus", OGG.to_vec()).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"text": "Wo ist der Bahnhof?"}));
    assert_eq!(voice_used(&app, &user).await, 1);
    let me = app.me(&user).await;
    assert_eq!(me["limits"]["voice"]["max"], 10);
    let sent = &app.outbound.received_requests().await.unwrap()[0];
    let multipart = String::from_utf8_lossy(&sent.body);
    assert!(multipart.contains("filename=\"voice.ogg\""), "named by its bytes, not its declared type");
}

#[tokio::test]
async fn what_is_not_a_recording_is_refused_before_the_provider() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 62).await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let details = assert_contract(post(&app, &user, "audio/ogg", png).await, 400, "INVALID_FIELD_VALUE").await;
    assert_eq!(details["error"]["details"]["reason"], "not_audio");
    assert_contract(post(&app, &user, "text/plain", OGG.to_vec()).await, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let mut big = OGG.to_vec();
    big.resize(4 * 1024 * 1024, 0);
    let too_large = assert_contract(post(&app, &user, "audio/ogg", big).await, 413, "PAYLOAD_TOO_LARGE").await;
    assert_eq!(too_large["error"]["details"]["max_bytes"], 3 * 1024 * 1024);
    assert!(app.outbound.received_requests().await.unwrap().is_empty(), "nothing reached the provider");
    assert_eq!(voice_used(&app, &user).await, 0);
}

#[tokio::test]
async fn a_provider_error_charges_nothing_and_no_provider_is_503() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 63).await;
    transcriptions().respond_with(ResponseTemplate::new(500)).mount(&app.outbound).await;
    assert_contract(post(&app, &user, "audio/ogg", OGG.to_vec()).await, 502, "LLM_SERVICE_ERROR").await;
    assert_eq!(voice_used(&app, &user).await, 0);

    let plain = spawn_app().await;
    let someone = plain.sign_in(64).await;
    assert_eq!(plain.create_profile(&someone, "de").await.status(), 201);
    assert_contract(post(&plain, &someone, "audio/ogg", OGG.to_vec()).await, 503, "LLM_NOT_CONFIGURED").await;
}

#[tokio::test]
async fn me_says_whether_voice_works_so_the_mini_app_offers_the_microphone_only_then() {
    let speech = |me: Value| me["features"]["speech"].clone();
    let openai = llm_app(&[]).await;
    assert_eq!(speech(openai.me(&learner(&openai, 65).await).await), true);

    let anthropic = llm_app(&[("LLM_PROVIDER", "anthropic"), ("ANTHROPIC_API_KEY", "sk-ant-test")]).await;
    let user = learner(&anthropic, 66).await;
    assert_eq!(speech(anthropic.me(&user).await), false, "Anthropic has no speech endpoint");
    let details =
        assert_contract(post(&anthropic, &user, "audio/ogg", OGG.to_vec()).await, 503, "LLM_NOT_CONFIGURED").await;
    assert_eq!(details["error"]["details"]["reason"], "speech_unavailable");

    let whisper_url = anthropic.outbound.uri();
    let with_whisper = llm_app(&[
        ("LLM_PROVIDER", "anthropic"),
        ("ANTHROPIC_API_KEY", "sk-ant-test"),
        ("LLM_SPEECH_BASE_URL", whisper_url.as_str()),
    ])
    .await;
    assert_eq!(speech(with_whisper.me(&learner(&with_whisper, 67).await).await), true);

    let plain = spawn_app().await;
    let someone = plain.sign_in(68).await;
    assert_eq!(speech(plain.me(&someone).await), false);
}

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00menu-pixels";

fn form(parts: &[(&str, &[u8])]) -> reqwest::multipart::Form {
    parts.iter().fold(reqwest::multipart::Form::new(), |form, (name, bytes)| {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("photo.jpg");
        form.part((*name).to_owned(), part)
    })
}

async fn ocr(app: &TestApp, user: &User, form: reqwest::multipart::Form) -> reqwest::Response {
    app.client.post(app.url("/api/media/ocr")).bearer_auth(&user.access_token).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_photo_becomes_its_text_and_the_words_not_yet_in_the_cards() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 65).await;
    let known = json!({"front": "das Schnitzel", "back": "шницель"});
    assert_eq!(app.call(reqwest::Method::POST, "/api/cards", &user.access_token, Some(known)).await.status(), 201);
    let reading = json!({"text": "Schnitzel 12 €\nApfelstrudel 6 €", "words": [
        {"word": "das Schnitzel", "translation": "шницель"},
        {"word": "der Apfelstrudel", "translation": "яблочный штрудель"}]});
    crate::fake_llm::chat_completions()
        .respond_with(ResponseTemplate::new(200).set_body_json(crate::fake_llm::completion(&reading.to_string())))
        .expect(1)
        .mount(&app.outbound)
        .await;
    let response = ocr(&app, &user, form(&[("image", JPEG), ("note", b"ignored")])).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["text"], "Schnitzel 12 €\nApfelstrudel 6 €");
    assert_eq!(body["words"], json!([{"word": "der Apfelstrudel", "translation": "яблочный штрудель"}]));
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 1);
    let sent: Value = app.outbound.received_requests().await.unwrap()[0].body_json().unwrap();
    assert!(sent.to_string().contains("data:image/jpeg;base64,"), "the picture went inline");
}

#[tokio::test]
async fn pictures_are_counted_and_checked_before_the_provider() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 66).await;
    let none = assert_contract(ocr(&app, &user, form(&[("note", b"x")])).await, 400, "INVALID_FIELD_VALUE").await;
    assert_eq!(none["error"]["details"]["reason"], "picture_count");
    let four = form(&[("image", JPEG), ("image", JPEG), ("image", JPEG), ("image", JPEG)]);
    let too_many = assert_contract(ocr(&app, &user, four).await, 400, "INVALID_FIELD_VALUE").await;
    assert_eq!(too_many["error"]["details"]["reason"], "picture_count");
    let pdf =
        assert_contract(ocr(&app, &user, form(&[("image", b"%PDF-1.7")])).await, 400, "INVALID_FIELD_VALUE").await;
    assert_eq!(pdf["error"]["details"]["reason"], "not_an_image");
    let mut big = JPEG.to_vec();
    big.resize(11 * 1024 * 1024, 0);
    assert_contract(ocr(&app, &user, form(&[("image", &big)])).await, 413, "PAYLOAD_TOO_LARGE").await;
    let json_body = app.client.post(app.url("/api/media/ocr")).bearer_auth(&user.access_token).json(&json!({})).send();
    assert_contract(json_body.await.unwrap(), 415, "UNSUPPORTED_MEDIA_TYPE").await;
    assert!(app.outbound.received_requests().await.unwrap().is_empty(), "nothing reached the provider");
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 0);
}

/// Tables of the app's schema with a row whose text form holds `needle` as text or as the hex
/// of a `bytea`.
async fn tables_holding(app: &TestApp, needle: &[u8]) -> i64 {
    let text = String::from_utf8_lossy(needle).replace('\'', "''");
    let hex: String = needle.iter().map(|b| format!("{b:02x}")).collect();
    app.count(&format!(
        "SELECT count(*) FROM information_schema.tables t \
         WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND (xpath('/row/c/text()', \
           query_to_xml(format('SELECT count(*) AS c FROM %I.%I x WHERE x::text LIKE %L OR x::text LIKE %L', \
             t.table_schema, t.table_name, '%{text}%', '%{hex}%'), false, true, '')))[1]::text::int > 0"
    ))
    .await
}

#[tokio::test]
async fn recordings_and_pictures_are_used_in_memory_and_never_stored() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 69).await;
    transcriptions()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"text": "Guten Morgen"})))
        .mount(&app.outbound)
        .await;
    let reading = json!({"text": "Speisekarte", "words": [{"word": "die Speisekarte", "translation": "меню"}]});
    crate::fake_llm::chat_completions()
        .respond_with(ResponseTemplate::new(200).set_body_json(crate::fake_llm::completion(&reading.to_string())))
        .mount(&app.outbound)
        .await;
    assert_eq!(post(&app, &user, "audio/ogg", OGG.to_vec()).await.status(), 200);
    assert_eq!(ocr(&app, &user, form(&[("image", JPEG)])).await.status(), 200);

    // The check can see a stored upload: the learner's own text is found where it was saved.
    assert_eq!(tables_holding(&app, "das Schnitzel".as_bytes()).await, 0);
    let card = json!({"front": "das Schnitzel", "back": "шницель"});
    assert_eq!(app.call(reqwest::Method::POST, "/api/cards", &user.access_token, Some(card)).await.status(), 201);
    assert!(tables_holding(&app, "das Schnitzel".as_bytes()).await > 0);

    assert_eq!(tables_holding(&app, b"opus-frames-of-a-question").await, 0, "the recording is nowhere");
    assert_eq!(tables_holding(&app, b"menu-pixels").await, 0, "the picture is nowhere");
}
