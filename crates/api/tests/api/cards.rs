//! Decks and cards over HTTP: counts, duplicates, limits, search, moves and ownership.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_contract, spawn_app, spawn_app_with};
use crate::session::User;

/// A signed-in user with one profile (German) and its default deck.
pub async fn learner(app: &TestApp, telegram_id: i64) -> (User, Value) {
    let user = app.sign_in(telegram_id).await;
    assert_eq!(app.create_profile(&user, "de").await.status(), 201);
    let decks: Value = app.call(Method::GET, "/api/decks", &user.access_token, None).await.json().await.unwrap();
    (user, decks["data"][0].clone())
}

pub async fn add_card(app: &TestApp, user: &User, body: Value) -> reqwest::Response {
    app.call(Method::POST, "/api/cards", &user.access_token, Some(body)).await
}

#[tokio::test]
async fn decks_are_created_renamed_archived_and_deleted_with_confirmation() {
    let app = spawn_app().await;
    let (user, default_deck) = learner(&app, 30).await;
    assert_eq!(default_deck["name"], "Мои слова");
    assert_eq!(default_deck["counts"], json!({"new": 0, "learning": 0, "due": 0, "waiting": 0, "total": 0}));
    let token = &user.access_token;

    let created = app.call(Method::POST, "/api/decks", token, Some(json!({"name": "Глаголы"}))).await;
    assert_eq!(created.status(), 201);
    let deck: Value = created.json().await.unwrap();
    let same_name = app.call(Method::POST, "/api/decks", token, Some(json!({"name": "  ГЛАГОЛЫ "}))).await;
    let body = assert_contract(same_name, 409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["field"], "name", "names clash regardless of (Cyrillic) case");

    let path = format!("/api/decks/{}", deck["id"].as_str().unwrap());
    let renamed: Value = app
        .call(Method::PATCH, &path, token, Some(json!({"name": "Verbs", "description": "irregular"})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((renamed["name"].as_str(), renamed["description"].as_str()), (Some("Verbs"), Some("irregular")));

    add_card(&app, &user, json!({"deck_id": deck["id"], "front": "gehen", "back": "идти"})).await;
    let refused = app.call(Method::DELETE, &path, token, None).await;
    let body = assert_contract(refused, 409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["cards"], 1);
    assert_eq!(app.call(Method::DELETE, format!("{path}?confirm=true"), token, None).await.status(), 204);
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM cards WHERE profile_id = '{}'", deck["profile_id"].as_str().unwrap()))
            .await,
        0
    );

    let default_path = format!("/api/decks/{}", default_deck["id"].as_str().unwrap());
    let archive = app.call(Method::PATCH, &default_path, token, Some(json!({"archived": true}))).await;
    assert_contract(archive, 409, "CONFLICT").await;
    assert_contract(app.call(Method::DELETE, &default_path, token, None).await, 409, "CONFLICT").await;
}

#[tokio::test]
async fn a_card_goes_to_the_default_deck_and_a_duplicate_lemma_is_reported_with_the_existing_card() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 31).await;
    let response = add_card(
        &app,
        &user,
        json!({"front": "der Hund", "back": "собака", "lemma": "Hund", "forms": {"plural": "Hunde"}}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let card: Value = response.json().await.unwrap();
    assert_eq!(card["deck_id"], deck["id"]);
    assert_eq!(card["forms"], json!({"plural": "Hunde"}));
    assert_eq!(card["progress"], Value::Null);

    let other_deck: Value = app
        .call(Method::POST, "/api/decks", &user.access_token, Some(json!({"name": "Tiere"})))
        .await
        .json()
        .await
        .unwrap();
    let duplicate =
        add_card(&app, &user, json!({"deck_id": other_deck["id"], "front": "HUND", "back": "пёс", "lemma": " hund "}))
            .await;
    let body = assert_contract(duplicate, 409, "DUPLICATE_CARD").await;
    assert_eq!(body["error"]["details"]["existing"]["id"], card["id"], "duplicates are per profile, across decks");
    let blank = add_card(&app, &user, json!({"front": "  ", "back": "x"})).await;
    assert_contract(blank, 422, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn the_free_plan_card_limit_is_402() {
    let app = spawn_app_with(&[("FREE_MAX_CARDS", "2")]).await;
    let (user, _) = learner(&app, 32).await;
    for word in ["eins", "zwei"] {
        assert_eq!(add_card(&app, &user, json!({"front": word, "back": "число"})).await.status(), 201);
    }
    let body =
        assert_contract(add_card(&app, &user, json!({"front": "drei", "back": "три"})).await, 402, "LIMIT_REACHED")
            .await;
    assert_eq!(body["error"]["details"], json!({"limit": "cards", "used": 2, "max": 2, "upgrade": true}));
    app.make_premium(&user).await;
    assert_eq!(add_card(&app, &user, json!({"front": "drei", "back": "три"})).await.status(), 201);
}

#[tokio::test]
async fn cards_are_searched_filtered_edited_moved_and_deleted() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 33).await;
    let token = &user.access_token;
    for (front, back) in [("Straße", "улица"), ("der Apfel", "яблоко"), ("ÄPFEL essen", "есть яблоки")]
    {
        add_card(&app, &user, json!({"front": front, "back": back})).await;
    }
    let search = |q: &str| app.call(Method::GET, format!("/api/cards?search={}", urlencode(q)), token, None);
    let found: Value = search("ЯБЛОК").await.json().await.unwrap();
    assert_eq!(found["pagination"]["total"], 2, "Cyrillic search ignores case: {found}");
    let found: Value = search("äpfel").await.json().await.unwrap();
    assert_eq!(found["data"][0]["front"], "ÄPFEL essen");
    let new_only: Value =
        app.call(Method::GET, "/api/cards?state=new&limit=2", token, None).await.json().await.unwrap();
    assert_eq!(new_only["pagination"], json!({"limit": 2, "offset": 0, "total": 3, "has_more": true}));
    assert_contract(app.call(Method::GET, "/api/cards?state=lost", token, None).await, 422, "VALIDATION_ERROR").await;

    let card = found["data"][0].clone();
    let path = format!("/api/cards/{}", card["id"].as_str().unwrap());
    let edited: Value =
        app.call(Method::PATCH, &path, token, Some(json!({"notes": "plural"}))).await.json().await.unwrap();
    assert_eq!(
        (edited["front"].as_str(), edited["notes"].as_str()),
        (Some("ÄPFEL essen"), Some("plural")),
        "a PATCH keeps what it does not name"
    );
    let edited: Value = app
        .call(Method::PATCH, &path, token, Some(json!({"front": "Äpfel essen", "notes": null})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (edited["front"].as_str(), edited["notes"].is_null(), edited["back"].as_str()),
        (Some("Äpfel essen"), true, Some("есть яблоки"))
    );
    assert_contract(app.call(Method::PATCH, &path, token, Some(json!({"back": " "}))).await, 422, "VALIDATION_ERROR")
        .await;
    let clash = app.call(Method::PATCH, &path, token, Some(json!({"front": "der Apfel"}))).await;
    assert_contract(clash, 409, "DUPLICATE_CARD").await;

    let target: Value =
        app.call(Method::POST, "/api/decks", token, Some(json!({"name": "Essen"}))).await.json().await.unwrap();
    let moved: Value = app
        .call(Method::POST, format!("{path}/move"), token, Some(json!({"deck_id": target["id"]})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(moved["deck_id"], target["id"]);
    let in_deck: Value = app
        .call(Method::GET, format!("/api/cards?deck_id={}", target["id"].as_str().unwrap()), token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(in_deck["pagination"]["total"], 1);
    assert_eq!(app.call(Method::DELETE, &path, token, None).await.status(), 204);
    assert_contract(app.call(Method::GET, &path, token, None).await, 404, "CARD_NOT_FOUND").await;
    let _ = deck;
}

#[tokio::test]
async fn someone_elses_cards_and_decks_are_not_found() {
    let app = spawn_app().await;
    let (owner, owner_deck) = learner(&app, 34).await;
    let (intruder, intruder_deck) = learner(&app, 35).await;
    let card: Value = add_card(&app, &owner, json!({"front": "Haus", "back": "дом"})).await.json().await.unwrap();
    let token = &intruder.access_token;
    let card_path = format!("/api/cards/{}", card["id"].as_str().unwrap());
    assert_contract(app.call(Method::GET, &card_path, token, None).await, 404, "CARD_NOT_FOUND").await;
    let patch = app.call(Method::PATCH, &card_path, token, Some(json!({"front": "x", "back": "y"}))).await;
    assert_contract(patch, 404, "CARD_NOT_FOUND").await;
    assert_contract(app.call(Method::DELETE, &card_path, token, None).await, 404, "CARD_NOT_FOUND").await;
    let steal =
        app.call(Method::POST, format!("{card_path}/move"), token, Some(json!({"deck_id": intruder_deck["id"]}))).await;
    assert_contract(steal, 404, "CARD_NOT_FOUND").await;
    let into_foreign = app
        .call(
            Method::POST,
            format!("{card_path}/move"),
            &owner.access_token,
            Some(json!({"deck_id": intruder_deck["id"]})),
        )
        .await;
    assert_contract(into_foreign, 404, "DECK_NOT_FOUND").await;
    let deck_path = format!("/api/decks/{}", owner_deck["id"].as_str().unwrap());
    assert_contract(app.call(Method::GET, &deck_path, token, None).await, 404, "DECK_NOT_FOUND").await;
    let foreign_add = add_card(&app, &intruder, json!({"deck_id": owner_deck["id"], "front": "a", "back": "b"})).await;
    assert_contract(foreign_add, 404, "DECK_NOT_FOUND").await;
}

pub fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn what_the_schema_refuses_the_server_refuses_and_what_it_allows_the_server_takes() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 90).await;
    let nul = add_card(&app, &user, json!({"front": "a\u{0}b", "back": "b"})).await;
    let body = assert_contract(nul, 422, "VALIDATION_ERROR").await;
    assert!(body["error"]["details"]["front"].is_array(), "{body}");
    let nul_key = add_card(&app, &user, json!({"front": "a", "back": "b", "forms": {"pl\u{0}": "x"}})).await;
    assert_contract(nul_key, 422, "VALIDATION_ERROR").await;
    let search = app.call(Method::GET, "/api/cards?search=%00", &user.access_token, None).await;
    assert_contract(search, 422, "VALIDATION_ERROR").await;

    let card: Value = add_card(&app, &user, json!({"front": "der Hund", "back": "собака"})).await.json().await.unwrap();
    let path = format!("/api/cards/{}", card["id"].as_str().unwrap());
    let array = app.call(Method::PATCH, &path, &user.access_token, Some(json!([null, null]))).await;
    assert_contract(array, 422, "VALIDATION_ERROR").await;
    let forms = json!({"forms": {"plural": 3}});
    assert_contract(app.call(Method::PATCH, &path, &user.access_token, Some(forms)).await, 422, "VALIDATION_ERROR")
        .await;

    // 3.0 is an integer to JSON Schema, so it is one here too.
    let review =
        json!({"card_id": card["id"], "rating": 3.0, "duration_ms": 1500.0, "client_review_id": uuid::Uuid::now_v7()});
    assert_eq!(app.call(Method::POST, "/api/study/review", &user.access_token, Some(review)).await.status(), 200);
}
