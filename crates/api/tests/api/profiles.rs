//! Language profiles: limits, uniqueness, levels, ownership and the single active profile.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_contract, spawn_app};
use crate::session::User;

async fn profiles(app: &crate::helpers::TestApp, user: &User) -> Vec<Value> {
    let list: Value = app.call(Method::GET, "/api/profiles", &user.access_token, None).await.json().await.unwrap();
    list["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_first_profile_is_active_and_comes_with_a_default_deck() {
    let app = spawn_app().await;
    let user = app.sign_in(20).await;
    let response = app.create_profile(&user, "en").await;
    assert_eq!(response.status(), 201);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["is_active"], true);
    assert_eq!(profile["goals"], json!(["travel"]));
    assert_eq!(profile["new_cards_per_day"], 20);
    assert_eq!(profile["desired_retention"], 0.9);
    let id = profile["id"].as_str().unwrap();
    assert_eq!(app.count(&format!("SELECT count(*) FROM decks WHERE profile_id = '{id}' AND is_default")).await, 1);

    let list: Value =
        app.call(Method::GET, "/api/profiles?limit=1", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(list["pagination"], json!({"limit": 1, "offset": 0, "total": 1, "has_more": false}));
    let bad = app.call(Method::GET, "/api/profiles?limit=500", &user.access_token, None).await;
    assert_contract(bad, 422, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn the_free_plan_allows_one_profile() {
    let app = spawn_app().await;
    let user = app.sign_in(21).await;
    app.create_profile(&user, "en").await;
    let body = assert_contract(app.create_profile(&user, "de").await, 402, "LIMIT_REACHED").await;
    assert_eq!(body["error"]["details"], json!({"limit": "profiles", "used": 1, "max": 1, "upgrade": true}));
    app.make_premium(&user).await;
    assert_eq!(app.create_profile(&user, "de").await.status(), 201);
}

#[tokio::test]
async fn one_profile_per_language_and_languages_must_be_iso_codes() {
    let app = spawn_app().await;
    let user = app.sign_in(22).await;
    app.make_premium(&user).await;
    app.create_profile(&user, "en").await;
    assert_contract(app.create_profile(&user, "en").await, 409, "DUPLICATE_LANGUAGE").await;
    let body = assert_contract(app.create_profile(&user, "xx").await, 422, "VALIDATION_ERROR").await;
    assert!(body["error"]["details"]["language"].is_array(), "{body}");
}

#[tokio::test]
async fn the_target_level_may_not_be_below_the_current_one() {
    let app = spawn_app().await;
    let user = app.sign_in(23).await;
    let body =
        json!({"language": "fr", "current_level": "B2", "target_level": "A1", "goals": [], "interface_language": "en"});
    let response = app.call(Method::POST, "/api/profiles", &user.access_token, Some(body)).await;
    assert_contract(response, 400, "TARGET_BELOW_CURRENT").await;

    let profile: Value = app.create_profile(&user, "fr").await.json().await.unwrap();
    let path = format!("/api/profiles/{}", profile["id"].as_str().unwrap());
    let lower = app.call(Method::PATCH, &path, &user.access_token, Some(json!({"target_level": "A1"}))).await;
    assert_contract(lower, 400, "TARGET_BELOW_CURRENT").await;
    let both = app
        .call(Method::PATCH, &path, &user.access_token, Some(json!({"current_level": "C1", "target_level": "C2"})))
        .await;
    assert_eq!(both.status(), 200);
    let edits = json!({"goals": ["work", "exams"], "new_cards_per_day": 35, "desired_retention": 0.85});
    let updated: Value = app.call(Method::PATCH, &path, &user.access_token, Some(edits)).await.json().await.unwrap();
    assert_eq!((updated["current_level"].as_str(), updated["new_cards_per_day"].as_i64()), (Some("C1"), Some(35)));
    assert_eq!(updated["goals"], json!(["work", "exams"]));
    let out_of_range =
        app.call(Method::PATCH, &path, &user.access_token, Some(json!({"desired_retention": 0.99}))).await;
    assert_contract(out_of_range, 422, "VALIDATION_ERROR").await;
    let language = app.call(Method::PATCH, &path, &user.access_token, Some(json!({"language": "de"}))).await;
    assert_contract(language, 422, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn someone_elses_profile_is_not_found_whatever_the_method() {
    let app = spawn_app().await;
    let owner = app.sign_in(24).await;
    let intruder = app.sign_in(25).await;
    app.create_profile(&intruder, "en").await;
    let profile: Value = app.create_profile(&owner, "en").await.json().await.unwrap();
    let path = format!("/api/profiles/{}", profile["id"].as_str().unwrap());
    let token = &intruder.access_token;
    assert_contract(app.call(Method::GET, &path, token, None).await, 404, "PROFILE_NOT_FOUND").await;
    let patch = app.call(Method::PATCH, &path, token, Some(json!({"goals": []}))).await;
    assert_contract(patch, 404, "PROFILE_NOT_FOUND").await;
    assert_contract(app.call(Method::DELETE, &path, token, None).await, 404, "PROFILE_NOT_FOUND").await;
    let activate = app.call(Method::POST, &format!("{path}/activate"), token, None).await;
    assert_contract(activate, 404, "PROFILE_NOT_FOUND").await;
    assert_eq!(app.call(Method::GET, &path, &owner.access_token, None).await.status(), 200, "untouched");
}

#[tokio::test]
async fn deleting_the_active_profile_promotes_another_and_the_last_cannot_go() {
    let app = spawn_app().await;
    let user = app.sign_in(26).await;
    app.make_premium(&user).await;
    let first: Value = app.create_profile(&user, "en").await.json().await.unwrap();
    let second: Value = app.create_profile(&user, "de").await.json().await.unwrap();
    let third: Value = app.create_profile(&user, "es").await.json().await.unwrap();
    assert_eq!(second["is_active"], false, "only the first profile starts active");

    let delete = |p: &Value| {
        app.call(Method::DELETE, format!("/api/profiles/{}", p["id"].as_str().unwrap()), &user.access_token, None)
    };
    assert_eq!(delete(&first).await.status(), 204);
    let left = profiles(&app, &user).await;
    let active: Vec<&Value> = left.iter().filter(|p| p["is_active"] == true).collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["id"], third["id"], "the newest other profile takes over");

    assert_eq!(delete(&second).await.status(), 204);
    assert_contract(delete(&third).await, 400, "LAST_PROFILE").await;
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM decks WHERE owner_id = '{}'", user.id)).await,
        1,
        "decks go with their profile"
    );
}

#[tokio::test]
async fn concurrent_activations_leave_exactly_one_active_profile() {
    let app = spawn_app().await;
    let user = app.sign_in(27).await;
    app.make_premium(&user).await;
    let mut ids = Vec::new();
    for lang in ["en", "de", "fr", "es"] {
        let profile: Value = app.create_profile(&user, lang).await.json().await.unwrap();
        ids.push(profile["id"].as_str().unwrap().to_owned());
    }
    for _round in 0..5 {
        let calls = ids
            .iter()
            .map(|id| app.call(Method::POST, format!("/api/profiles/{id}/activate"), &user.access_token, None));
        let responses = futures_util::future::join_all(calls).await;
        assert!(
            responses.iter().all(|r| r.status() == 200),
            "{:?}",
            responses.iter().map(reqwest::Response::status).collect::<Vec<_>>()
        );
        let active = app
            .count(&format!("SELECT count(*) FROM language_profiles WHERE user_id = '{}' AND is_active", user.id))
            .await;
        assert_eq!(active, 1);
    }
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_active_profile() {
    let app = spawn_app().await;
    let user = app.sign_in(28).await;
    app.make_premium(&user).await;
    app.create_profile(&user, "en").await;
    let second: Value = app.create_profile(&user, "de").await.json().await.unwrap();
    let db = app.db().await;
    use sea_orm::ConnectionTrait;
    let sql = format!("UPDATE language_profiles SET is_active = true WHERE id = '{}'", second["id"].as_str().unwrap());
    assert!(db.execute_unprepared(&sql).await.is_err(), "the partial unique index must refuse it");
}
