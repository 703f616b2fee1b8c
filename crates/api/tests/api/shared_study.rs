//! A teacher's deck shared with a group is studied by each student on their own schedule,
//! counted in the student's own profile, and only while they can reach it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::cards::{add_card, learner};
use crate::exercises::{answering, choice, exercises_json};
use crate::fake_llm::{self, llm_app};
use crate::helpers::{TestApp, assert_contract, spawn_app_with};
use crate::session::User;

async fn call(app: &TestApp, user: &User, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let response = app.call(method, path, &user.access_token, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn queue_of(app: &TestApp, user: &User, deck_id: &str) -> reqwest::Response {
    app.call(Method::GET, &format!("/api/study/queue?deck_id={deck_id}"), &user.access_token, None).await
}

async fn review(app: &TestApp, user: &User, card_id: &str, rating: u8) -> reqwest::Response {
    let body = json!({"card_id": card_id, "rating": rating, "duration_ms": 3000,
        "client_review_id": uuid::Uuid::now_v7().to_string()});
    app.call(Method::POST, "/api/study/review", &user.access_token, Some(body)).await
}

/// A teacher with a two-card deck shared with a new group, and that group's invite code.
pub struct Classroom {
    pub teacher: User,
    pub group_id: String,
    pub deck_id: String,
    pub code: String,
    pub cards: Vec<String>,
}

pub async fn teacher_with_shared_deck(app: &TestApp, telegram_id: i64) -> Classroom {
    let (teacher, _) = learner(app, telegram_id).await;
    let (status, deck) = call(app, &teacher, Method::POST, "/api/decks", Some(json!({"name": "Урок 1"}))).await;
    assert_eq!(status, 201, "{deck}");
    let deck_id = deck["id"].as_str().unwrap().to_owned();
    let mut cards = Vec::new();
    for (front, back) in [("der Hund", "собака"), ("die Katze", "кошка")] {
        let card: Value = add_card(app, &teacher, json!({"deck_id": deck_id, "front": front, "back": back}))
            .await
            .json()
            .await
            .unwrap();
        cards.push(card["id"].as_str().unwrap().to_owned());
    }
    let (status, group) =
        call(app, &teacher, Method::POST, "/api/groups", Some(json!({"name": "Немецкий A2", "language": "de"}))).await;
    assert_eq!(status, 201, "{group}");
    let group_id = group["id"].as_str().unwrap().to_owned();
    let path = format!("/api/groups/{group_id}/materials");
    let (status, material) = call(app, &teacher, Method::POST, &path, Some(json!({"deck_id": deck_id}))).await;
    assert_eq!(status, 201, "{material}");
    let path = format!("/api/groups/{group_id}/invites");
    let (status, invite) = call(app, &teacher, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 201, "{invite}");
    let code = invite["code"].as_str().unwrap().to_owned();
    Classroom { teacher, group_id, deck_id, code, cards }
}

#[tokio::test]
async fn a_student_studies_a_shared_deck_on_their_own_schedule_in_their_own_profile() {
    let app = spawn_app_with(&[("FREE_MAX_PROFILES", "3")]).await;
    let Classroom { teacher, group_id, deck_id, code, cards } = teacher_with_shared_deck(&app, 160).await;
    let deck_id = deck_id.as_str();
    let (student, own_deck) = learner(&app, 161).await;
    let german_profile = own_deck["profile_id"].as_str().unwrap().to_owned();

    // Out of reach before joining, exactly like a deck that does not exist.
    assert_contract(queue_of(&app, &student, deck_id).await, 404, "DECK_NOT_FOUND").await;
    assert_contract(review(&app, &student, &cards[0], 3).await, 404, "CARD_NOT_FOUND").await;

    // A Spanish profile becomes the active one; the German deck still counts in German.
    assert_eq!(app.create_profile(&student, "es").await.status(), 201);
    let profiles: Value =
        app.call(Method::GET, "/api/profiles", &student.access_token, None).await.json().await.unwrap();
    let spanish = profiles["data"].as_array().unwrap().iter().find(|p| p["language"] == "es").unwrap()["id"].clone();
    let activate = format!("/api/profiles/{}/activate", spanish.as_str().unwrap());
    assert_eq!(app.call(Method::POST, &activate, &student.access_token, None).await.status(), 200);

    let (status, joined) = call(&app, &student, Method::POST, "/api/groups/join", Some(json!({"code": code}))).await;
    assert_eq!(status, 200, "{joined}");

    let queue: Value = queue_of(&app, &student, deck_id).await.json().await.unwrap();
    assert_eq!(queue["counts"]["new"], 2, "{queue}");
    assert_eq!(queue["cards"].as_array().unwrap().len(), 2);
    let reviewed: Value = review(&app, &student, &cards[0], 3).await.json().await.unwrap();
    assert_eq!(reviewed["progress"]["state"], "learning", "{reviewed}");

    // The schedule is the student's: the teacher's cards are untouched for the teacher.
    let teacher_id = &teacher.id;
    let student_id = &student.id;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM card_progress WHERE user_id = '{teacher_id}'")).await, 0);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM card_progress WHERE user_id = '{student_id}'")).await, 1);
    let teacher_queue: Value = queue_of(&app, &teacher, deck_id).await.json().await.unwrap();
    assert_eq!(teacher_queue["counts"]["new"], 2, "{teacher_queue}");
    // The review and the day's activity are in the student's German profile.
    let in_german =
        format!("SELECT COUNT(*) FROM card_reviews WHERE user_id = '{student_id}' AND profile_id = '{german_profile}'");
    assert_eq!(app.count(&in_german).await, 1);
    let activity = format!(
        "SELECT COUNT(*) FROM daily_activity WHERE user_id = '{student_id}' AND profile_id = '{german_profile}' \
         AND cards_reviewed = 1"
    );
    assert_eq!(app.count(&activity).await, 1);

    // Someone outside the group still cannot reach it.
    let (outsider, _) = learner(&app, 162).await;
    assert_contract(queue_of(&app, &outsider, deck_id).await, 404, "DECK_NOT_FOUND").await;
    assert_contract(review(&app, &outsider, &cards[1], 3).await, 404, "CARD_NOT_FOUND").await;

    // Once the group is archived, the shared deck is out of reach again.
    let (status, _) = call(&app, &teacher, Method::DELETE, &format!("/api/groups/{group_id}"), None).await;
    assert_eq!(status, 204);
    assert_contract(queue_of(&app, &student, deck_id).await, 404, "DECK_NOT_FOUND").await;
    assert_contract(review(&app, &student, &cards[1], 3).await, 404, "CARD_NOT_FOUND").await;
}

#[tokio::test]
async fn a_student_practises_a_shared_topic_with_their_own_accuracy() {
    let app = llm_app(&[]).await;
    let teacher = fake_llm::learner(&app, 170).await;
    let topic_body = json!({"name": "Sein", "kind": "grammar", "description": "Sein im Präsens"});
    let (status, topic) = call(&app, &teacher, Method::POST, "/api/topics", Some(topic_body)).await;
    assert_eq!(status, 201, "{topic}");
    let topic_id = topic["id"].as_str().unwrap();
    let (_, group) =
        call(&app, &teacher, Method::POST, "/api/groups", Some(json!({"name": "Kurs", "language": "de"}))).await;
    let group_id = group["id"].as_str().unwrap();
    let share = json!({"topic_id": topic_id});
    let (status, _) =
        call(&app, &teacher, Method::POST, &format!("/api/groups/{group_id}/materials"), Some(share)).await;
    assert_eq!(status, 201);
    let (_, invite) =
        call(&app, &teacher, Method::POST, &format!("/api/groups/{group_id}/invites"), Some(json!({}))).await;

    let student = fake_llm::learner(&app, 171).await;
    let generate = json!({"topic_id": topic_id, "count": 1});
    let refused =
        app.call(Method::POST, "/api/exercises/generate", &student.access_token, Some(generate.clone())).await;
    assert_contract(refused, 404, "TOPIC_NOT_FOUND").await;
    let (status, _) =
        call(&app, &student, Method::POST, "/api/groups/join", Some(json!({"code": invite["code"]}))).await;
    assert_eq!(status, 200);

    answering("exercises")
        .respond_with(exercises_json(json!([choice(["bin", "bist", "ist", "sind"], 1)])))
        .up_to_n_times(1)
        .mount(&app.outbound)
        .await;
    let (status, batch) = call(&app, &student, Method::POST, "/api/exercises/generate", Some(generate)).await;
    assert_eq!(status, 200, "{batch}");
    let id = batch["exercises"][0]["id"].as_str().unwrap();
    let path = format!("/api/exercises/{id}/submit");
    let (status, graded) = call(&app, &student, Method::POST, &path, Some(json!({"choice": 1}))).await;
    assert_eq!(status, 200, "{graded}");
    assert_eq!(graded["result"], "correct");
    assert_eq!(graded["topic"]["id"], topic_id, "the attempt counts for the shared topic");
    assert_eq!(graded["topic"]["stats"]["attempts"], 1, "the student's own tally");

    // The teacher's own accuracy on the topic is not the class's.
    let (_, topics) = call(&app, &teacher, Method::GET, "/api/topics", None).await;
    assert_eq!(topics["data"][0]["stats"]["attempts"], 0, "{topics}");
}
