//! `/api/me`: settings, plan and limits, export, and erasure of everything a user owns.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_contract, spawn_app};

#[tokio::test]
async fn me_shows_plan_limits_and_the_active_profile() {
    let app = spawn_app().await;
    let user = app.sign_in(10).await;
    let me: serde_json::Value = app.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(me["plan"]["name"], "free");
    assert_eq!(me["limits"]["profiles"], json!({"used": 0, "max": 1}));
    assert_eq!(me["active_profile_id"], serde_json::Value::Null);

    let profile: serde_json::Value = app.create_profile(&user, "en").await.json().await.unwrap();
    app.make_premium(&user).await;
    let me: serde_json::Value = app.call(Method::GET, "/api/me", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(me["plan"]["name"], "premium");
    assert_eq!(me["limits"]["profiles"], json!({"used": 1, "max": 10}));
    assert_eq!(me["active_profile_id"], profile["id"]);
}

#[tokio::test]
async fn settings_are_validated_and_saved() {
    let app = spawn_app().await;
    let user = app.sign_in(11).await;
    app.create_profile(&user, "en").await;
    let patch = |body: serde_json::Value| app.call(Method::PATCH, "/api/me", &user.access_token, Some(body));

    let body = assert_contract(patch(json!({"timezone": "Mars/Olympus"})).await, 422, "VALIDATION_ERROR").await;
    assert!(body["error"]["details"]["timezone"].is_array(), "{body}");
    let body =
        assert_contract(patch(json!({"rating_buttons": 5, "reminder_hour": 24})).await, 422, "VALIDATION_ERROR").await;
    assert!(
        body["error"]["details"]["rating_buttons"].is_array() && body["error"]["details"]["reminder_hour"].is_array(),
        "{body}"
    );
    assert_contract(patch(json!({"is_admin": true})).await, 422, "VALIDATION_ERROR").await;

    let response = patch(json!({
        "timezone": "America/New_York", "day_rollover_hour": 5, "reminders_enabled": false,
        "reminder_hour": 8, "rating_buttons": 4, "interface_language": "en"
    }))
    .await;
    assert_eq!(response.status(), 200);
    let me: serde_json::Value = response.json().await.unwrap();
    let u = &me["user"];
    assert_eq!(
        (&u["timezone"], &u["day_rollover_hour"], &u["reminders_enabled"], &u["reminder_hour"], &u["rating_buttons"]),
        (&json!("America/New_York"), &json!(5), &json!(false), &json!(8), &json!(4))
    );
    assert_eq!(u["interface_language"], "en");
    let profiles: serde_json::Value =
        app.call(Method::GET, "/api/profiles", &user.access_token, None).await.json().await.unwrap();
    assert_eq!(profiles["data"][0]["interface_language"], "en", "stored on the active profile");
}

#[tokio::test]
async fn interface_language_needs_a_profile_to_live_on() {
    let app = spawn_app().await;
    let user = app.sign_in(12).await;
    let response =
        app.call(Method::PATCH, "/api/me", &user.access_token, Some(json!({"interface_language": "en"}))).await;
    assert_contract(response, 404, "PROFILE_NOT_FOUND").await;
}

#[tokio::test]
async fn export_holds_everything_the_user_owns() {
    let app = spawn_app().await;
    let user = app.sign_in(13).await;
    app.create_profile(&user, "de").await;
    let card = serde_json::json!({"front": "der Hund", "back": "собака", "forms": {"plural": "Hunde"}});
    assert_eq!(app.call(Method::POST, "/api/cards", &user.access_token, Some(card)).await.status(), 201);
    let response = app.call(Method::GET, "/api/me/export", &user.access_token, None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let export: serde_json::Value = response.json().await.unwrap();
    assert_eq!(export["user"]["telegram_id"], 13);
    assert_eq!(export["profiles"][0]["language"], "de");
    assert_eq!(export["decks"][0]["name"], "Мои слова");
    assert_eq!(export["decks"][0]["is_default"], true);
    assert_eq!(export["cards"][0]["front"], "der Hund");
    assert_eq!(export["cards"][0]["forms"]["plural"], "Hunde");
    assert_eq!(export["messages"], serde_json::json!([]));
    assert!(!export.to_string().contains("token"), "no secrets in the export");
}

#[tokio::test]
async fn deleting_the_account_removes_every_row_of_that_user_and_nothing_else() {
    let app = spawn_app().await;
    let leaving = app.sign_in(14).await;
    let staying = app.sign_in(15).await;
    app.make_premium(&leaving).await;
    for lang in ["en", "de"] {
        app.create_profile(&leaving, lang).await;
    }
    app.create_profile(&staying, "en").await;
    app.refresh(&leaving.refresh_token).await;

    assert_eq!(app.call(Method::DELETE, "/api/me", &leaving.access_token, None).await.status(), 204);
    let id = &leaving.id;
    for table in
        ["users WHERE id", "language_profiles WHERE user_id", "decks WHERE owner_id", "refresh_sessions WHERE user_id"]
    {
        assert_eq!(app.count(&format!("SELECT count(*) FROM {table} = '{id}'")).await, 0, "{table}");
    }
    let other = &staying.id;
    assert_eq!(app.count(&format!("SELECT count(*) FROM language_profiles WHERE user_id = '{other}'")).await, 1);
    assert_eq!(app.count(&format!("SELECT count(*) FROM decks WHERE owner_id = '{other}'")).await, 1);
    assert_eq!(app.call(Method::GET, "/api/me", &staying.access_token, None).await.status(), 200);
}
