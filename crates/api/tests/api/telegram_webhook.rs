//! `POST /telegram/webhook`: the secret header decides, the update lands in the inbox once,
//! and Telegram is answered at once.

use crate::helpers::{assert_contract, spawn_app, spawn_app_with};

const SECRET: &str = "webhook-secret_0123456789";

fn update(update_id: i64) -> String {
    format!(
        r#"{{"update_id":{update_id},"message":{{"message_id":1,"date":1764300000,"chat":{{"id":4242,"type":"private"}},"from":{{"id":4242,"is_bot":false,"first_name":"Ann"}},"text":"hola"}}}}"#
    )
}

async fn post(app: &crate::helpers::TestApp, secret: Option<&str>, body: String) -> reqwest::Response {
    let mut request =
        app.client.post(app.url("/telegram/webhook")).header("content-type", "application/json").body(body);
    if let Some(secret) = secret {
        request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_wrong_or_missing_secret_is_401_and_nothing_is_stored() {
    let app = spawn_app_with(&[("TELEGRAM_WEBHOOK_SECRET", SECRET)]).await;
    assert_contract(post(&app, Some("webhook-secret_0123456788"), update(1)).await, 401, "AUTH_FAILED").await;
    assert_contract(post(&app, Some(""), update(2)).await, 401, "AUTH_FAILED").await;
    assert_contract(post(&app, None, update(3)).await, 401, "AUTH_FAILED").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM telegram_inbox").await, 0);
}

#[tokio::test]
async fn an_update_is_stored_once_however_often_telegram_delivers_it() {
    let app = spawn_app_with(&[("TELEGRAM_WEBHOOK_SECRET", SECRET)]).await;
    for _ in 0..3 {
        let response = post(&app, Some(SECRET), update(77)).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM telegram_inbox").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM telegram_inbox WHERE update_id = 77 AND chat_id = 4242 AND status = 'pending' AND attempts = 0").await,
        1
    );
}

#[tokio::test]
async fn a_body_that_is_no_update_is_refused_with_the_contract() {
    let app = spawn_app_with(&[("TELEGRAM_WEBHOOK_SECRET", SECRET)]).await;
    for body in ["", "not json", "[]", r#"{"message":{}}"#, r#"{"update_id":"7"}"#] {
        let response = post(&app, Some(SECRET), body.to_owned()).await;
        assert_contract(response, 400, "INVALID_FIELD_VALUE").await;
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM telegram_inbox").await, 0);
}

#[tokio::test]
async fn without_a_webhook_secret_there_is_no_webhook() {
    let app = spawn_app().await;
    let response = post(&app, Some(SECRET), update(1)).await;
    assert_eq!(response.status(), 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM telegram_inbox").await, 0);
}
