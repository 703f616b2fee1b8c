//! Sign-in, tokens and sessions over HTTP.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_contract, production_overrides, spawn_app, spawn_app_with};

#[tokio::test]
async fn valid_init_data_signs_in_and_creates_the_user_once() {
    let app = spawn_app().await;
    let response = app.validate(&app.init_data(4242, "Анна")).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["telegram_id"], 4242);
    assert_eq!(body["user"]["first_name"], "Анна");
    assert_eq!(body["user"]["timezone"], "Europe/Moscow");
    assert_eq!(body["user"]["interface_language"], "ru");
    assert!(body["expires_at"].as_str().is_some());
    let again = app.validate(&app.init_data(4242, "Anna")).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(again["user"]["id"], body["user"]["id"], "the same user");
    assert_eq!(again["user"]["first_name"], "Anna", "names are refreshed on every login");
    assert_eq!(app.count("SELECT count(*) FROM users").await, 1);
}

#[tokio::test]
async fn forged_stale_future_and_duplicated_init_data_are_refused_with_the_right_codes() {
    let app = spawn_app().await;
    let valid = app.init_data(1, "A");

    let forged = valid.replace("%22id%22%3A1%2C", "%22id%22%3A2%2C");
    assert_ne!(forged, valid);
    assert_contract(app.validate(&forged).await, 401, "AUTH_FAILED").await;

    let duplicated = format!("{valid}&auth_date=1");
    let body = assert_contract(app.validate(&duplicated).await, 400, "INVALID_INIT_DATA").await;
    assert_eq!(body["error"]["details"]["reason"], "malformed");

    let stale = app.init_data(1, "A");
    app.clock.advance(Duration::hours(24) + Duration::seconds(1));
    let body = assert_contract(app.validate(&stale).await, 400, "INVALID_INIT_DATA").await;
    assert_eq!(body["error"]["details"]["reason"], "stale");

    let future = app.init_data(1, "A");
    app.clock.advance(-Duration::minutes(5));
    let body = assert_contract(app.validate(&future).await, 400, "INVALID_INIT_DATA").await;
    assert_eq!(body["error"]["details"]["reason"], "future_dated");

    assert_contract(app.validate("garbage").await, 400, "INVALID_INIT_DATA").await;
    let empty = app.client.post(app.url("/api/auth/validate")).json(&json!({"init_data": ""})).send().await.unwrap();
    assert_contract(empty, 422, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn reordered_parameters_still_validate() {
    let app = spawn_app().await;
    let valid = app.init_data(9, "A");
    let mut parts: Vec<&str> = valid.split('&').collect();
    parts.reverse();
    assert_eq!(app.validate(&parts.join("&")).await.status(), 200);
}

#[tokio::test]
async fn a_missing_bad_or_expired_access_token_is_refused_distinctly() {
    let app = spawn_app().await;
    assert_contract(app.get("/api/me").await, 401, "AUTH_FAILED").await;
    let bad = app.call(Method::GET, "/api/me", "not.a.jwt", None).await;
    assert_contract(bad, 401, "AUTH_FAILED").await;

    let user = app.sign_in(5).await;
    assert_eq!(app.call(Method::GET, "/api/me", &user.access_token, None).await.status(), 200);
    app.clock.advance(Duration::minutes(30));
    let expired = app.call(Method::GET, "/api/me", &user.access_token, None).await;
    assert_contract(expired, 401, "TOKEN_EXPIRED").await;

    let refreshed: serde_json::Value = app.refresh(&user.refresh_token).await.json().await.unwrap();
    let token = refreshed["access_token"].as_str().unwrap();
    assert_eq!(app.call(Method::GET, "/api/me", token, None).await.status(), 200, "a refreshed session works");
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = spawn_app().await;
    let user = app.sign_in(6).await;
    let first = app.refresh(&user.refresh_token).await;
    assert_eq!(first.status(), 200);
    let second_token = first.json::<serde_json::Value>().await.unwrap()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_token, user.refresh_token, "rotated");

    // The spent token comes back (stolen, or replayed): the family dies, newest token included.
    assert_contract(app.refresh(&user.refresh_token).await, 401, "AUTH_FAILED").await;
    assert_contract(app.refresh(&second_token).await, 401, "AUTH_FAILED").await;

    // Another sign-in is a separate family and unaffected.
    let other = app.sign_in(6).await;
    assert_eq!(app.refresh(&other.refresh_token).await.status(), 200);
}

#[tokio::test]
async fn refresh_tokens_expire_and_are_stored_only_hashed() {
    let app = spawn_app().await;
    let user = app.sign_in(7).await;
    let stored =
        app.count(&format!("SELECT count(*) FROM refresh_sessions WHERE token_hash = '{}'", user.refresh_token)).await;
    assert_eq!(stored, 0, "the plain token is never stored");
    app.clock.advance(Duration::days(30) + Duration::seconds(1));
    assert_contract(app.refresh(&user.refresh_token).await, 401, "AUTH_FAILED").await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let user = app.sign_in(8).await;
    let logout = app
        .client
        .post(app.url("/api/auth/logout"))
        .json(&json!({"refresh_token": user.refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert_contract(app.refresh(&user.refresh_token).await, 401, "AUTH_FAILED").await;
    let again = app
        .client
        .post(app.url("/api/auth/logout"))
        .json(&json!({"refresh_token": user.refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 204, "logout is idempotent");
}

#[tokio::test]
async fn a_deleted_user_is_refused_even_with_a_valid_token() {
    let app = spawn_app().await;
    let user = app.sign_in(9).await;
    assert_eq!(app.call(Method::DELETE, "/api/me", &user.access_token, None).await.status(), 204);
    assert_contract(app.call(Method::GET, "/api/me", &user.access_token, None).await, 401, "AUTH_FAILED").await;
    assert_contract(app.refresh(&user.refresh_token).await, 401, "AUTH_FAILED").await;
}

#[tokio::test]
async fn logout_revokes_every_access_token_and_other_devices_refresh() {
    let app = spawn_app().await;
    let phone = app.sign_in(10).await;
    let laptop = app.sign_in(10).await;
    assert_eq!(app.call(Method::GET, "/api/me", &laptop.access_token, None).await.status(), 200);
    let logout = app.client.post(app.url("/api/auth/logout")).json(&json!({"refresh_token": phone.refresh_token}));
    assert_eq!(logout.send().await.unwrap().status(), 204);
    for token in [&phone.access_token, &laptop.access_token] {
        let response = app.call(Method::GET, "/api/me", token, None).await;
        assert_contract(response, 401, "TOKEN_EXPIRED").await;
    }
    let refreshed: serde_json::Value = app.refresh(&laptop.refresh_token).await.json().await.unwrap();
    let token = refreshed["access_token"].as_str().unwrap();
    assert_eq!(app.call(Method::GET, "/api/me", token, None).await.status(), 200, "the other device carries on");
    assert_contract(app.refresh(&phone.refresh_token).await, 401, "AUTH_FAILED").await;
}

/// An erasure made elsewhere (another api-server instance, by hand) is seen once the cached
/// user ages out: within AUTH_USER_CACHE_SECONDS (10 by default).
#[tokio::test]
async fn a_user_erased_elsewhere_is_refused_within_the_cache_bound() {
    let app = spawn_app().await;
    let user = app.sign_in(11).await;
    assert_eq!(app.call(Method::GET, "/api/me", &user.access_token, None).await.status(), 200);
    let db = app.db().await;
    let sql = format!("DELETE FROM users WHERE id = '{}'", user.id);
    sea_orm::ConnectionTrait::execute_unprepared(&db, &sql).await.unwrap();
    app.clock.advance(Duration::seconds(11));
    assert_contract(app.call(Method::GET, "/api/me", &user.access_token, None).await, 401, "AUTH_FAILED").await;
}

#[tokio::test]
async fn dev_login_goes_through_validation_in_test_and_local() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/auth/dev-login"))
        .json(&json!({"telegram_id": 77, "first_name": "Dev", "language_code": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["telegram_id"], 77);
    assert_eq!(body["user"]["interface_language"], "en");
}

#[tokio::test]
async fn dev_login_does_not_exist_in_staging_or_production() {
    for env in ["production", "staging"] {
        let mut overrides = production_overrides();
        overrides.retain(|(k, _)| *k != "APP_ENV");
        overrides.push(("APP_ENV", env));
        let app = spawn_app_with(&overrides).await;
        let response = app.client.post(app.url("/api/auth/dev-login")).json(&json!({})).send().await.unwrap();
        assert_contract(response, 404, "NOT_FOUND").await;
    }
}

#[tokio::test]
async fn init_data_without_a_hash_is_malformed_even_with_a_signature() {
    let app = spawn_app().await;
    let signed = app.init_data(30, "Anna");
    let without_hash: Vec<&str> = signed.split('&').filter(|pair| !pair.starts_with("hash=")).collect();
    let with_signature = format!("{}&signature=c2lnbmF0dXJl", without_hash.join("&"));
    for init_data in [without_hash.join("&"), with_signature] {
        let body = assert_contract(app.validate(&init_data).await, 400, "INVALID_INIT_DATA").await;
        assert_eq!(body["error"]["details"]["reason"], "malformed");
    }
}
