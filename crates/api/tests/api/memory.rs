//! `GET /api/profiles/{id}/memory` and `DELETE …/memory/parameters` over HTTP: what a new
//! learner sees (the defaults, no fit yet, the forecast), a review showing up in it, and
//! another learner's profile out of reach.

use reqwest::Method;
use serde_json::{Value, json};

use crate::cards::{add_card, learner};
use crate::helpers::{assert_contract, spawn_app};

#[tokio::test]
async fn a_new_learner_sees_the_default_parameters_a_forecast_and_when_the_first_fit_comes() {
    let app = spawn_app().await;
    let (user, deck) = learner(&app, 71).await;
    let profile = deck["profile_id"].as_str().unwrap().to_owned();
    let path = format!("/api/profiles/{profile}/memory");

    let memory: Value = app.call(Method::GET, &path, &user.access_token, None).await.json().await.unwrap();
    assert_eq!(memory["parameters_source"], "default");
    assert_eq!(memory["parameters"].as_array().unwrap().len(), 21);
    assert_eq!((memory["review_count"].clone(), memory["next_fit_at_reviews"].clone()), (json!(0), json!(1000)));
    assert_eq!((memory["last_fit"].clone(), memory["true_retention"].clone()), (Value::Null, Value::Null));
    assert_eq!(memory["desired_retention"], 0.9);
    let forecast = memory["forecast"].as_array().unwrap();
    assert_eq!(forecast.len(), 30);
    assert!(forecast.iter().all(|day| day["reviews"] == 0));

    let card: Value = add_card(&app, &user, json!({"front": "lernen", "back": "учить"})).await.json().await.unwrap();
    let body = json!({"card_id": card["id"], "rating": 1, "client_review_id": uuid::Uuid::now_v7()});
    assert_eq!(app.call(Method::POST, "/api/study/review", &user.access_token, Some(body)).await.status(), 200);
    let memory: Value = app.call(Method::GET, &path, &user.access_token, None).await.json().await.unwrap();
    assert_eq!(memory["review_count"], 1);
    // "Again" on a new card brings it back in a minute: today's workload.
    assert_eq!(memory["forecast"][0]["reviews"], 1);

    let reset = app.call(Method::DELETE, &format!("{path}/parameters"), &user.access_token, None).await;
    assert_eq!(reset.status(), 200);
    let reset: Value = reset.json().await.unwrap();
    assert_eq!(reset["parameters_source"], "default");
}

#[tokio::test]
async fn another_learners_profile_is_not_found() {
    let app = spawn_app().await;
    let (_, deck) = learner(&app, 72).await;
    let (stranger, _) = learner(&app, 73).await;
    let path = format!("/api/profiles/{}/memory", deck["profile_id"].as_str().unwrap());
    assert_contract(app.call(Method::GET, &path, &stranger.access_token, None).await, 404, "PROFILE_NOT_FOUND").await;
    let reset = app.call(Method::DELETE, &format!("{path}/parameters"), &stranger.access_token, None).await;
    assert_contract(reset, 404, "PROFILE_NOT_FOUND").await;
}
