//! `/api/billing`: the plans with their Stars prices, invoice links made through the Bot API
//! (checked against a fake that inspects what we send), the one trial, and my payments.

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{TestApp, assert_contract, spawn_app, spawn_app_with};
use crate::session::User;

async fn get(app: &TestApp, user: &User, route: &str) -> Value {
    let response = app.call(Method::GET, route, &user.access_token, None).await;
    assert_eq!(response.status(), 200, "{route}");
    response.json().await.unwrap()
}

fn bot_method(app: &TestApp, name: &str) -> String {
    format!("/bot{}/{name}", app.bot_token.expose_secret())
}

#[tokio::test]
async fn plans_show_prices_where_i_stand_and_what_each_plan_allows() {
    let app = spawn_app_with(&[("STARS_MONTHLY_PRICE", "300")]).await;
    let user = app.sign_in(500).await;
    let plans = get(&app, &user, "/api/billing/plans").await;
    assert_eq!(
        plans["plans"],
        json!([
            {"id": "monthly", "stars": 300, "period_days": 30, "recurring": true},
            {"id": "yearly", "stars": 2000, "period_days": 365, "recurring": false},
        ])
    );
    assert_eq!(
        plans["current"],
        json!({"plan": "free", "premium_until": null, "trial_available": true, "trial_days": 7})
    );
    assert_eq!(plans["limits"]["free"]["profiles"], 1);
    assert_eq!(plans["limits"]["premium"]["cards"], Value::Null, "unlimited");
    let me = app.me(&user).await;
    assert_eq!((me["plan"]["trial_available"].clone(), me["plan"]["trial_days"].clone()), (json!(true), json!(7)));
    assert_eq!(me["is_admin"], false);
}

#[tokio::test]
async fn invoice_links_are_stars_invoices_and_monthly_is_a_subscription() {
    let app = spawn_app().await;
    let user = app.sign_in(501).await;
    let monthly = json!({
        "payload": format!("v1:monthly:{}", user.id),
        "provider_token": "",
        "currency": "XTR",
        "prices": [{"amount": 250}],
        "subscription_period": 2_592_000,
    });
    Mock::given(method("POST"))
        .and(path(bot_method(&app, "createInvoiceLink")))
        .and(body_partial_json(&monthly))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": "https://t.me/$monthly"})))
        .expect(1)
        .mount(&app.outbound)
        .await;
    let yearly = json!({"payload": format!("v1:yearly:{}", user.id), "currency": "XTR", "prices": [{"amount": 2000}]});
    Mock::given(method("POST"))
        .and(path(bot_method(&app, "createInvoiceLink")))
        .and(body_partial_json(&yearly))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": "https://t.me/$yearly"})))
        .expect(1)
        .mount(&app.outbound)
        .await;

    let call = |plan: &'static str| {
        app.call(Method::POST, "/api/billing/invoice", &user.access_token, Some(json!({"plan": plan})))
    };
    let answer: Value = call("monthly").await.json().await.unwrap();
    assert_eq!(answer, json!({"plan": "monthly", "stars": 250, "link": "https://t.me/$monthly"}));
    let answer: Value = call("yearly").await.json().await.unwrap();
    assert_eq!(answer["link"], "https://t.me/$yearly");
    let sent = app.outbound.received_requests().await.unwrap();
    let yearly_body: Value =
        sent.iter().filter_map(|r| r.body_json::<Value>().ok()).find(|b| b["payload"] == yearly["payload"]).unwrap();
    assert!(yearly_body.get("subscription_period").is_none(), "a year is paid once: {yearly_body}");

    let unknown =
        app.call(Method::POST, "/api/billing/invoice", &user.access_token, Some(json!({"plan": "weekly"}))).await;
    assert!(unknown.status().is_client_error());
    let extra = json!({"plan": "monthly", "stars": 1});
    let extra = app.call(Method::POST, "/api/billing/invoice", &user.access_token, Some(extra)).await;
    assert!(extra.status().is_client_error(), "unknown fields are refused");
}

#[tokio::test]
async fn a_failing_bot_api_is_a_503_without_the_token() {
    let app = spawn_app().await;
    let user = app.sign_in(502).await;
    Mock::given(method("POST"))
        .and(path(bot_method(&app, "createInvoiceLink")))
        .respond_with(ResponseTemplate::new(502))
        .mount(&app.outbound)
        .await;
    let response =
        app.call(Method::POST, "/api/billing/invoice", &user.access_token, Some(json!({"plan": "yearly"}))).await;
    let body = assert_contract(response, 503, "SERVICE_UNAVAILABLE").await;
    assert!(!body.to_string().contains(app.bot_token.expose_secret()));
}

#[tokio::test]
async fn the_trial_is_taken_once_and_lifts_the_limits_at_once() {
    let app = spawn_app().await;
    let user = app.sign_in(503).await;
    assert_eq!(app.create_profile(&user, "en").await.status(), 201);
    assert_contract(app.create_profile(&user, "de").await, 402, "LIMIT_REACHED").await;

    let trial = app.call(Method::POST, "/api/billing/trial", &user.access_token, None).await;
    assert_eq!(trial.status(), 200);
    let trial: Value = trial.json().await.unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(trial["premium_until"].as_str().unwrap()).unwrap();
    let left = (until.with_timezone(&chrono::Utc) - app.clock_now()).num_minutes();
    assert!((7 * 24 * 60 - 5..=7 * 24 * 60).contains(&left), "7 days from the trial's start: {left} minutes");
    assert_eq!(app.create_profile(&user, "de").await.status(), 201, "premium at once");
    let me = app.me(&user).await;
    assert_eq!((me["plan"]["name"].clone(), me["plan"]["trial_available"].clone()), (json!("premium"), json!(false)));

    let again = app.call(Method::POST, "/api/billing/trial", &user.access_token, None).await;
    assert_contract(again, 409, "CONFLICT").await;
    let payments = get(&app, &user, "/api/billing/payments").await;
    assert_eq!(payments["pagination"]["total"], 1);
    let row = &payments["data"][0];
    assert_eq!(
        (row["kind"].clone(), row["provider"].clone(), row["amount"].clone()),
        (json!("trial"), json!("trial"), json!(0))
    );
    assert_eq!((row["period_days"].clone(), row["currency"].clone()), (json!(7), json!("XTR")));
}

#[tokio::test]
async fn without_a_trial_configured_none_is_offered() {
    let app = spawn_app_with(&[("TRIAL_DAYS", "0")]).await;
    let user = app.sign_in(504).await;
    assert_eq!(app.me(&user).await["plan"]["trial_available"], false);
    let trial = app.call(Method::POST, "/api/billing/trial", &user.access_token, None).await;
    assert_contract(trial, 409, "CONFLICT").await;
}
