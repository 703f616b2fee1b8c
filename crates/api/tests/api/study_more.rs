//! The daily new-card allowance as the learner sees it: cards beyond it wait (and say so), and
//! "study more today" lets some of them in for the current study day only, on both engines.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use test_support::process::ScratchDir;

use crate::cards::{add_card, learner};
use crate::helpers::{TestApp, assert_contract, spawn_app};
use crate::races::sqlite_app;

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.call(Method::GET, path, token, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

fn counts(new: u64, due: u64, waiting: u64) -> Value {
    json!({"new": new, "learning": 0, "due": due, "waiting": waiting})
}

async fn study_more_raises_todays_allowance_only(app: &TestApp, telegram_id: i64) {
    let (user, deck) = learner(app, telegram_id).await;
    let token = user.access_token.as_str();
    let profile = deck["profile_id"].as_str().unwrap();
    let patch = json!({"new_cards_per_day": 2});
    let path = format!("/api/profiles/{profile}");
    assert_eq!(app.call(Method::PATCH, &path, token, Some(patch)).await.status(), 200);
    for word in ["uno", "dos", "tres", "cuatro", "cinco"] {
        assert_eq!(add_card(app, &user, json!({"front": word, "back": "число"})).await.status(), 201);
    }

    // Two new today; the other three wait, and every count says the same.
    let queue = get(app, token, "/api/study/queue").await;
    assert_eq!(queue["counts"], counts(2, 0, 3));
    assert_eq!(queue["cards"].as_array().unwrap().len(), 2);
    let decks = get(app, token, "/api/decks").await;
    assert_eq!(decks["data"][0]["counts"], json!({"new": 2, "learning": 0, "due": 0, "waiting": 3, "total": 5}));

    let more = |n: u64| app.call(Method::POST, "/api/study/more", token, Some(json!({"new_cards": n})));
    let raised: Value = more(2).await.json().await.unwrap();
    assert_eq!(raised["counts"], counts(4, 0, 1));
    let queue = get(app, token, "/api/study/queue").await;
    assert_eq!(queue["counts"], counts(4, 0, 1), "the queue reads the same allowance");
    assert_eq!(queue["cards"].as_array().unwrap().len(), 4);
    let decks = get(app, token, "/api/decks").await;
    assert_eq!(decks["data"][0]["counts"]["new"], 4, "and so does the deck list");

    // Studying one of them moves the counts as it does any new card.
    let card = &queue["cards"][0]["card"]["id"];
    let review = json!({"card_id": card, "rating": 4, "client_review_id": uuid::Uuid::now_v7()});
    let answered: Value = app.call(Method::POST, "/api/study/review", token, Some(review)).await.json().await.unwrap();
    assert_eq!(answered["counts"]["new"], 3);
    assert_eq!(answered["counts"]["waiting"], 1);

    // The extra cards were for that day only: the next day has the plain daily number.
    app.clock.advance(Duration::days(1));
    let user = app.sign_in(telegram_id).await;
    let queue = get(app, &user.access_token, "/api/study/queue").await;
    assert_eq!(queue["counts"]["new"], 2);
    assert_eq!(queue["counts"]["waiting"], 2);

    for bad in [json!({"new_cards": 0}), json!({"new_cards": 101}), json!({})] {
        let response = app.call(Method::POST, "/api/study/more", &user.access_token, Some(bad)).await;
        assert_contract(response, 422, "VALIDATION_ERROR").await;
    }
    let other = json!({"new_cards": 5, "profile_id": uuid::Uuid::now_v7()});
    let response = app.call(Method::POST, "/api/study/more", &user.access_token, Some(other)).await;
    assert_contract(response, 404, "PROFILE_NOT_FOUND").await;
}

#[tokio::test]
async fn study_more_today_on_postgresql() {
    let app = spawn_app().await;
    study_more_raises_todays_allowance_only(&app, 1101).await;
}

#[tokio::test]
async fn study_more_today_on_sqlite() {
    let dir = ScratchDir::new();
    let app = sqlite_app(&dir).await;
    study_more_raises_todays_allowance_only(&app, 1102).await;
}

async fn search_ignores_diacritics(app: &TestApp, telegram_id: i64) {
    let (user, _) = learner(app, telegram_id).await;
    for (front, back) in [("el baño", "ванная"), ("la crème", "сливки"), ("ёжик", "hedgehog")] {
        assert_eq!(add_card(app, &user, json!({"front": front, "back": back})).await.status(), 201);
    }
    for (term, front) in [("bano", "el baño"), ("BAÑO", "el baño"), ("creme", "la crème"), ("ежик", "ёжик")]
    {
        let found = get(app, &user.access_token, &format!("/api/cards?search={}", crate::cards::urlencode(term))).await;
        assert_eq!(found["pagination"]["total"], 1, "{term}: {found}");
        assert_eq!(found["data"][0]["front"], front);
    }
}

#[tokio::test]
async fn search_ignores_diacritics_on_postgresql() {
    let app = spawn_app().await;
    search_ignores_diacritics(&app, 1103).await;
}

#[tokio::test]
async fn search_ignores_diacritics_on_sqlite() {
    let dir = ScratchDir::new();
    let app = sqlite_app(&dir).await;
    search_ignores_diacritics(&app, 1104).await;
}

#[tokio::test]
async fn the_default_deck_is_named_in_the_interface_language() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 1105).await;
    assert_eq!(deck["name"], "Мои слова");
    let token = user.access_token.as_str();
    let me = app.call(Method::PATCH, "/api/me", token, Some(json!({"interface_language": "en"}))).await;
    assert_eq!(me.status(), 200);
    let decks = get(&app, token, "/api/decks").await;
    assert_eq!(decks["data"][0]["name"], "My words");
    // A name the learner chose is theirs.
    let path = format!("/api/decks/{}", deck["id"].as_str().unwrap());
    assert_eq!(app.call(Method::PATCH, &path, token, Some(json!({"name": "Vocabulario"}))).await.status(), 200);
    let profile = format!("/api/profiles/{}", deck["profile_id"].as_str().unwrap());
    assert_eq!(app.call(Method::PATCH, &profile, token, Some(json!({"interface_language": "ru"}))).await.status(), 200);
    let decks = get(&app, token, "/api/decks").await;
    assert_eq!(decks["data"][0]["name"], "Vocabulario");
}
