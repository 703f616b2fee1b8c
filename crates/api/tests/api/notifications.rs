//! In-app notifications: listed newest first with the unread count, marked read one by one or
//! all at once, never someone else's.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_contract, spawn_app};
use crate::session::User;

async fn notify(app: &TestApp, user: &User, title: &str, minutes_ago: i64) {
    let me = app.me(user).await;
    let id = me["user"]["id"].as_str().unwrap();
    let sql = format!(
        "WITH ins AS (INSERT INTO notifications (id, user_id, kind, title, body, payload, created_at) VALUES \
         (gen_random_uuid(), '{id}', 'streak_reminder', '{title}', 'Серия: 3 дня', '{{\"open\": \"study\"}}', \
         now() - interval '{minutes_ago} minutes') RETURNING 1) SELECT COUNT(*) FROM ins"
    );
    assert_eq!(app.count(&sql).await, 1);
}

async fn list(app: &TestApp, user: &User, query: &str) -> Value {
    let response = app.call(Method::GET, format!("/api/notifications{query}"), &user.access_token, None).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn notifications_are_listed_counted_and_marked_read() {
    let app = spawn_app().await;
    let user = app.sign_in(80).await;
    notify(&app, &user, "Вчерашний", 60 * 24).await;
    notify(&app, &user, "Сегодняшний", 5).await;
    let page = list(&app, &user, "").await;
    assert_eq!(page["unread"], 2);
    let titles: Vec<&str> = page["data"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Сегодняшний", "Вчерашний"]);
    assert_eq!(page["data"][0]["payload"], json!({"open": "study"}));

    let id = page["data"][0]["id"].as_str().unwrap();
    let stranger = app.sign_in(81).await;
    let path = format!("/api/notifications/{id}/read");
    assert_contract(app.call(Method::POST, &path, &stranger.access_token, None).await, 404, "NOT_FOUND").await;
    let read: Value = app.call(Method::POST, &path, &user.access_token, None).await.json().await.unwrap();
    assert!(read["read_at"].is_string());
    let again: Value = app.call(Method::POST, &path, &user.access_token, None).await.json().await.unwrap();
    assert_eq!(again["read_at"], read["read_at"], "the first reading is kept");

    let unread = list(&app, &user, "?unread_only=true").await;
    assert_eq!((unread["unread"].clone(), unread["pagination"]["total"].clone()), (json!(1), json!(1)));
    let all = app.call(Method::POST, "/api/notifications/read-all", &user.access_token, None).await;
    assert_eq!(all.json::<Value>().await.unwrap(), json!({"updated": 1}));
    assert_eq!(list(&app, &user, "").await["unread"], 0);
    assert_eq!(list(&app, &stranger, "").await["pagination"]["total"], 0);
}
