//! `POST /api/cards/generate` against a fake OpenAI-compatible server.

use reqwest::Method;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::fake_llm::{CardWriter, card_json, chat_completions, completion, learner, llm_app, sent_bodies, word_of};
use crate::helpers::assert_contract;
use crate::session::User;

async fn generate(app: &crate::helpers::TestApp, user: &User, body: Value, key: Option<&str>) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/cards/generate")).bearer_auth(&user.access_token).json(&body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn words_become_cards_with_duplicates_and_failures_reported_per_word() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 20).await;
    let existing = json!({"front": "der Hund", "back": "собака", "lemma": "Hund"});
    assert_eq!(app.call(Method::POST, "/api/cards", &user.access_token, Some(existing)).await.status(), 201);
    chat_completions().respond_with(CardWriter).mount(&app.outbound).await;

    let words = json!({"words": ["Katze", " hund ", "broken", "Maus", "katze"]});
    let response = generate(&app, &user, words, None).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    let statuses: Vec<(&str, &str)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["word"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, [("Katze", "created"), ("hund", "duplicate"), ("broken", "failed"), ("Maus", "created")]);
    assert_eq!(
        (report["created"].as_u64(), report["duplicates"].as_u64(), report["failed"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    let katze = &report["results"][0]["card"];
    assert_eq!(katze["front"], "die Katze");
    assert_eq!(katze["back"], "перевод Katze");
    assert_eq!(katze["forms"], json!({"plural": "Katzen"}));
    assert_eq!(katze["source"], "llm");
    assert_eq!(report["results"][1]["card"]["front"], "der Hund", "the duplicate names the card already there");
    assert_eq!(report["results"][2]["error"]["code"], "LLM_SERVICE_ERROR");
    assert_eq!(report["quota"]["used"], 2, "charged per card created");

    let sent = sent_bodies(&app).await;
    let mut asked: Vec<String> = sent.iter().map(word_of).collect();
    asked.sort();
    assert_eq!(asked, ["Katze", "Maus", "broken"], "no LLM call for the duplicate or the repeat");
    let schema = &sent[0]["response_format"];
    assert_eq!(schema["type"], "json_schema");
    assert_eq!(schema["json_schema"]["name"], "card");
    assert_eq!(schema["json_schema"]["strict"], true);
    assert!(sent[0]["messages"][0]["content"].as_str().unwrap().contains("learner of German"));
    assert_eq!(app.count("SELECT count(*) FROM cards WHERE source = 'llm'").await, 2);
    assert_eq!(app.count("SELECT count(*) FROM token_usage WHERE operation = 'card_generation'").await, 3);
}

#[tokio::test]
async fn a_malformed_answer_is_asked_again_once_then_gives_502() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 21).await;
    let broken = completion("{\"front\": \"die Katze\"");
    chat_completions()
        .respond_with(ResponseTemplate::new(200).set_body_json(broken))
        .expect(2)
        .mount(&app.outbound)
        .await;

    let response = generate(&app, &user, json!({"words": ["Katze"]}), None).await;
    let body = assert_contract(response, 502, "LLM_SERVICE_ERROR").await;
    assert_eq!(body["error"]["details"]["results"][0]["status"], "failed");
    let sent = sent_bodies(&app).await;
    assert_eq!(sent.len(), 2, "one re-ask, no more");
    let reask = sent[1]["messages"].as_array().unwrap();
    assert_eq!(reask[2]["role"], "assistant");
    assert!(reask[3]["content"].as_str().unwrap().starts_with("That answer was not valid"));
    assert_eq!(app.me(&user).await["limits"]["card_generation"]["used"], 0);
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 0);
}

#[tokio::test]
async fn a_reask_that_succeeds_creates_the_card() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 22).await;
    // Valid JSON, but breaks the rules (empty translation): re-asked, then good.
    let bad = card_json("Katze").replace("перевод Katze", "");
    chat_completions()
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(&bad)))
        .up_to_n_times(1)
        .mount(&app.outbound)
        .await;
    chat_completions().respond_with(CardWriter).mount(&app.outbound).await;
    let response = generate(&app, &user, json!({"words": ["Katze"]}), None).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["results"][0]["status"], "created");
    let reask = &sent_bodies(&app).await[1]["messages"][3]["content"];
    assert!(reask.as_str().unwrap().contains("\"back\" must be 1 to 1000 characters"), "{reask}");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_result_without_new_calls() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 23).await;
    chat_completions().respond_with(CardWriter).expect(2).mount(&app.outbound).await;
    let body = json!({"words": ["Katze", "Maus"]});
    let first: Value = generate(&app, &user, body.clone(), Some("key-1")).await.json().await.unwrap();
    let second: Value = generate(&app, &user, body, Some("key-1")).await.json().await.unwrap();
    assert_eq!(first, second);
    let replayed = app.sse("/api/cards/generate", &user, json!({"words": ["Katze", "Maus"]}), Some("key-1")).await;
    let events: Vec<&str> = replayed.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(events, ["word", "word", "done"]);
    let other = generate(&app, &user, json!({"words": ["Hund"]}), Some("key-1")).await;
    let conflict = assert_contract(other, 409, "CONFLICT").await;
    assert_eq!(conflict["error"]["details"]["reason"], "idempotency_key_reused");
    let bad = generate(&app, &user, json!({"words": ["Hund"]}), Some("ключ")).await;
    assert_contract(bad, 422, "VALIDATION_ERROR").await;
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 2);
}

#[tokio::test]
async fn quota_and_validation_are_checked_before_any_llm_call() {
    let app = llm_app(&[("FREE_DAILY_CARD_GENERATION", "2")]).await;
    let user = learner(&app, 24).await;
    chat_completions().respond_with(CardWriter).expect(0).mount(&app.outbound).await;
    let over = generate(&app, &user, json!({"words": ["eins", "zwei", "drei"]}), None).await;
    let body = assert_contract(over, 429, "QUOTA_EXCEEDED").await;
    assert_eq!(body["error"]["details"]["kind"], "card_generation");
    let too_many: Vec<String> = (0..21).map(|i| format!("w{i}")).collect();
    assert_contract(generate(&app, &user, json!({"words": too_many}), None).await, 422, "VALIDATION_ERROR").await;
    assert_contract(generate(&app, &user, json!({"words": []}), None).await, 422, "VALIDATION_ERROR").await;
    let long = "x".repeat(101);
    assert_contract(generate(&app, &user, json!({"words": [long]}), None).await, 422, "VALIDATION_ERROR").await;
    let foreign_deck = json!({"words": ["eins"], "deck_id": uuid::Uuid::now_v7()});
    assert_contract(generate(&app, &user, foreign_deck, None).await, 404, "DECK_NOT_FOUND").await;
}

#[tokio::test]
async fn generation_streams_progress_and_results() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 25).await;
    let existing = json!({"front": "der Hund", "back": "собака", "lemma": "Hund"});
    assert_eq!(app.call(Method::POST, "/api/cards", &user.access_token, Some(existing)).await.status(), 201);
    chat_completions().respond_with(CardWriter).mount(&app.outbound).await;
    let frames = app.sse("/api/cards/generate", &user, json!({"words": ["Hund", "Katze", "broken"]}), None).await;
    let events: Vec<&str> = frames.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(events.first(), Some(&"word"), "the duplicate is known before any LLM call");
    assert_eq!(frames[0].1["status"], "duplicate");
    assert_eq!(events.iter().filter(|e| **e == "progress").count(), 2);
    assert_eq!(events.iter().filter(|e| **e == "word").count(), 3);
    let (last, report) = frames.last().unwrap();
    assert_eq!(last, "done");
    assert_eq!((report["created"].as_u64(), report["failed"].as_u64()), (Some(1), Some(1)));
}

#[tokio::test]
async fn card_content_for_the_same_word_and_prompt_is_reused_without_a_new_call() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 26).await;
    chat_completions().respond_with(CardWriter).expect(1).mount(&app.outbound).await;
    let first: Value = generate(&app, &user, json!({"words": ["Katze"]}), None).await.json().await.unwrap();
    let card_id = first["results"][0]["card"]["id"].as_str().unwrap().to_owned();
    let deleted = app.call(Method::DELETE, format!("/api/cards/{card_id}"), &user.access_token, None).await;
    assert_eq!(deleted.status(), 204);
    let again: Value = generate(&app, &user, json!({"words": ["Katze"]}), None).await.json().await.unwrap();
    assert_eq!(again["results"][0]["status"], "created");
    assert_eq!(again["results"][0]["card"]["back"], "перевод Katze");
    assert_eq!(again["quota"]["used"], 2, "a card created from the cache still counts");
}

#[tokio::test]
async fn refusals_come_before_the_stream_even_when_one_is_asked_for() {
    let app = llm_app(&[("FREE_DAILY_CARD_GENERATION", "1")]).await;
    let user = learner(&app, 27).await;
    chat_completions().respond_with(CardWriter).expect(0).mount(&app.outbound).await;
    let response = app
        .client
        .post(app.url("/api/cards/generate"))
        .bearer_auth(&user.access_token)
        .header("accept", "text/event-stream")
        .json(&json!({"words": ["eins", "zwei"]}))
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("retry-after"));
    assert_contract(response, 429, "QUOTA_EXCEEDED").await;
}

#[tokio::test]
async fn a_failed_request_releases_its_idempotency_key() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 28).await;
    let failing = chat_completions().respond_with(ResponseTemplate::new(500)).mount_as_scoped(&app.outbound).await;
    let first = generate(&app, &user, json!({"words": ["Katze"]}), Some("key-2")).await;
    assert_contract(first, 502, "LLM_SERVICE_ERROR").await;
    drop(failing);
    chat_completions().respond_with(CardWriter).mount(&app.outbound).await;
    let second = generate(&app, &user, json!({"words": ["Katze"]}), Some("key-2")).await;
    assert_eq!(second.status(), 200, "the same key runs again after a failure");
    let report: Value = second.json().await.unwrap();
    assert_eq!(report["created"], 1);
}

#[tokio::test]
async fn a_card_about_another_word_is_asked_again_then_reported_failed_for_that_word() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 29).await;
    let wrong = json!({
        "front": "die Katze", "back": "кошка", "lemma": "Wasser", "part_of_speech": "noun", "gender": "die",
        "forms": [], "transcription": null, "example": "Die Katze schläft.", "example_translation": "Кошка спит."
    })
    .to_string();
    chat_completions()
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(&wrong)))
        .expect(2)
        .mount(&app.outbound)
        .await;
    let response = generate(&app, &user, json!({"words": ["Haus"]}), None).await;
    let body = assert_contract(response, 502, "LLM_SERVICE_ERROR").await;
    let result = &body["error"]["details"]["results"][0];
    assert_eq!((result["word"].as_str(), result["status"].as_str()), (Some("Haus"), Some("failed")));
    assert_eq!(result["error"]["reason"], "malformed");
    let sent = sent_bodies(&app).await;
    let reask = sent[1]["messages"].as_array().unwrap().last().unwrap()["content"].as_str().unwrap().to_owned();
    assert!(reask.contains("not about the word between the <word> tags") && reask.contains("die Katze"), "{reask}");
    assert_eq!(app.count("SELECT count(*) FROM cards").await, 0, "nothing about Katze was saved");
}

#[tokio::test]
async fn every_way_of_adding_cards_counts_in_the_days_activity() {
    let app = llm_app(&[]).await;
    let user = learner(&app, 28).await;
    let token = &user.access_token;
    chat_completions().respond_with(CardWriter).mount(&app.outbound).await;
    let added = || app.count("SELECT coalesce(sum(cards_added), 0)::bigint FROM daily_activity");

    let by_hand = json!({"front": "der Hund", "back": "собака"});
    assert_eq!(app.call(Method::POST, "/api/cards", token, Some(by_hand)).await.status(), 201);
    assert_eq!(added().await, 1, "by hand");
    let from_chat = json!({"front": "die Katze", "back": "кошка", "source": "chat"});
    assert_eq!(app.call(Method::POST, "/api/cards", token, Some(from_chat)).await.status(), 201);
    assert_eq!(added().await, 2, "a word the tutor offered");

    let decks: Value = app.call(Method::GET, "/api/decks", token, None).await.json().await.unwrap();
    let import = format!("/api/decks/{}/import", decks["data"][0]["id"].as_str().unwrap());
    let file = "Maus\tмышь\nHaus\tдом\n";
    let post_file = |query: &str| {
        app.client
            .post(app.url(&format!("{import}{query}")))
            .bearer_auth(token)
            .header("content-type", "text/tab-separated-values")
            .body(file)
            .send()
    };
    assert_eq!(post_file("?dry_run=true").await.unwrap().status(), 200);
    assert_eq!(added().await, 2, "a dry run adds nothing");
    assert_eq!(post_file("").await.unwrap().status(), 200);
    assert_eq!(added().await, 4, "imported");

    assert_eq!(generate(&app, &user, json!({"words": ["Baum"]}), None).await.status(), 200);
    assert_eq!(added().await, 5, "generated");
}
