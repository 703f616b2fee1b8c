//! Concurrent requests of one user never give a 500 nor lose work: the writes that read before
//! they write take the user's lock first (PostgreSQL), or the database's write lock (SQLite).

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::Method;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use test_support::process::ScratchDir;

use crate::cards::learner;
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// An app on the embedded SQLite, as `APP_ENV=local` runs by default.
pub async fn sqlite_app(dir: &ScratchDir) -> TestApp {
    let url = format!("sqlite://{}/lang-agent.db?mode=rwc", dir.0.display());
    spawn_app_with(&[("DATABASE_URL", url.as_str()), ("RUN_MIGRATIONS", "true")]).await
}

fn statuses(responses: &[reqwest::Response]) -> Vec<u16> {
    responses.iter().map(|r| r.status().as_u16()).collect()
}

#[tokio::test]
async fn concurrent_profile_edits_on_sqlite_all_succeed() {
    let dir = ScratchDir::new();
    let app = sqlite_app(&dir).await;
    let (user, _) = learner(&app, 70).await;
    let profiles: Value = app.call(Method::GET, "/api/profiles", &user.access_token, None).await.json().await.unwrap();
    let path = format!("/api/profiles/{}", profiles["data"][0]["id"].as_str().unwrap());
    let edits = (0..16).map(|i| {
        let body = json!({"new_cards_per_day": 10 + i, "goals": ["travel"]});
        app.call(Method::PATCH, &path, &user.access_token, Some(body))
    });
    let responses = join_all(edits).await;
    assert!(statuses(&responses).iter().all(|s| *s == 200), "{:?}", statuses(&responses));
}

#[tokio::test]
async fn concurrent_refreshes_on_sqlite_never_fail_with_busy() {
    let dir = ScratchDir::new();
    let app = sqlite_app(&dir).await;
    let mut tokens = Vec::new();
    for id in 0..12 {
        tokens.push(app.sign_in(100 + id).await.refresh_token);
    }
    let responses = join_all(tokens.iter().map(|token| app.refresh(token))).await;
    assert!(statuses(&responses).iter().all(|s| *s == 200), "{:?}", statuses(&responses));
}

/// Runs `request` while another transaction holds `user_id`'s row locked (as a concurrent
/// card write would), and tells whether the request finished only after the lock was let go.
async fn waited_for_the_user_lock<F: Future<Output = reqwest::Response>>(
    app: &TestApp,
    user_id: &str,
    request: F,
) -> (reqwest::Response, bool) {
    let db = app.db().await;
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared(&format!("SELECT id FROM users WHERE id = '{user_id}' FOR UPDATE")).await.unwrap();
    let release = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        txn.commit().await.unwrap();
        Instant::now()
    };
    let finish = async {
        let response = request.await;
        (response, Instant::now())
    };
    let (released, (response, finished)) = tokio::join!(release, finish);
    (response, finished >= released)
}

#[tokio::test]
async fn deleting_a_deck_waits_for_the_users_other_card_writes() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 72).await;
    let deck: Value = app
        .call(Method::POST, "/api/decks", &user.access_token, Some(json!({"name": "Verben"})))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/decks/{}", deck["id"].as_str().unwrap());
    let delete = app.call(Method::DELETE, &path, &user.access_token, None);
    let (deleted, waited) = waited_for_the_user_lock(&app, &user.id, delete).await;
    assert_eq!(deleted.status(), 204);
    assert!(waited, "the count and the delete run under the user's lock, after the other write");
}

#[tokio::test]
async fn a_profile_edit_waits_for_the_users_other_writes() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 73).await;
    let profiles: Value = app.call(Method::GET, "/api/profiles", &user.access_token, None).await.json().await.unwrap();
    let path = format!("/api/profiles/{}", profiles["data"][0]["id"].as_str().unwrap());
    let edit = app.call(Method::PATCH, &path, &user.access_token, Some(json!({"new_cards_per_day": 5})));
    let (edited, waited) = waited_for_the_user_lock(&app, &user.id, edit).await;
    assert_eq!(edited.status(), 200);
    assert!(waited, "the edit runs under the user's lock, after the other write");
}

#[tokio::test]
async fn moving_a_card_waits_for_the_users_other_writes_so_a_deck_delete_cannot_miss_it() {
    let app = spawn_app().await;
    let (user, _) = learner(&app, 74).await;
    let token = &user.access_token;
    let deck: Value =
        app.call(Method::POST, "/api/decks", token, Some(json!({"name": "Verben"}))).await.json().await.unwrap();
    let card: Value = app
        .call(Method::POST, "/api/cards", token, Some(json!({"front": "gehen", "back": "идти"})))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/cards/{}/move", card["id"].as_str().unwrap());
    let moving = app.call(Method::POST, &path, token, Some(json!({"deck_id": deck["id"]})));
    let (moved, waited) = waited_for_the_user_lock(&app, &user.id, moving).await;
    assert_eq!(moved.status(), 200);
    assert!(waited, "the move runs under the user's lock");
}
