//! `/api/admin`: only for the Telegram ids in `ADMIN_TELEGRAM_IDS`; grants and refunds are
//! audited, a grant for days runs out (and the limits shrink back), refunds go through the Bot
//! API (a fake that checks what we send).

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{TestApp, assert_contract, spawn_app_with};
use crate::session::User;

const ADMIN: i64 = 900;

async fn admin_app() -> TestApp {
    spawn_app_with(&[("ADMIN_TELEGRAM_IDS", "900, 901")]).await
}

async fn call(app: &TestApp, user: &User, method: Method, route: &str, body: Option<Value>) -> reqwest::Response {
    app.call(method, route, &user.access_token, body).await
}

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn only_configured_admins_get_in() {
    let app = admin_app().await;
    let learner = app.sign_in(100).await;
    let some_id = uuid::Uuid::now_v7();
    let grant = json!({"days": 5, "reason": "x"});
    let refund = json!({"reason": "x"});
    for (method, route, body) in [
        (Method::GET, "/api/admin/users".to_owned(), None),
        (Method::GET, "/api/admin/metrics".to_owned(), None),
        (Method::GET, "/api/admin/actions".to_owned(), None),
        (Method::POST, format!("/api/admin/users/{}/premium", learner.id), Some(grant)),
        (Method::POST, format!("/api/admin/payments/{some_id}/refund"), Some(refund)),
        (Method::GET, format!("/api/admin/users/{}/payments", learner.id), None),
    ] {
        assert_contract(call(&app, &learner, method, &route, body).await, 403, "FORBIDDEN").await;
    }
    assert_eq!(app.me(&learner).await["is_admin"], false);
    let admin = app.sign_in(ADMIN).await;
    assert_eq!(app.me(&admin).await["is_admin"], true);
    assert_eq!(app.me(&admin).await["user"]["is_admin"], true);
    let users = ok(call(&app, &admin, Method::GET, "/api/admin/users", None).await).await;
    assert_eq!(users["pagination"]["total"], 2);
}

#[tokio::test]
async fn users_are_searched_filtered_sorted_and_paged() {
    let app = admin_app().await;
    let admin = app.sign_in(ADMIN).await;
    let premium = app.sign_in(101).await;
    let free = app.sign_in(102).await;
    app.make_premium(&premium).await;
    let list = |query: &'static str| {
        let app = &app;
        let admin = &admin;
        async move { ok(call(app, admin, Method::GET, &format!("/api/admin/users{query}"), None).await).await }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["data"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&list("?plan=premium").await), [premium.id.as_str()]);
    let free_ones = ids(&list("?plan=free").await);
    assert!(free_ones.contains(&free.id) && !free_ones.contains(&premium.id));
    assert_eq!(ids(&list("?search=102").await), [free.id.as_str()], "a whole Telegram id");
    let page = list("?sort=created_at&order=asc&limit=2").await;
    assert_eq!(page["pagination"], json!({"limit": 2, "offset": 0, "total": 3, "has_more": true}));
    let sorted = list("?sort=premium_until&order=desc").await;
    assert_eq!(sorted["data"][0]["id"], premium.id.as_str(), "premium first; no end last");
    assert_eq!(sorted["data"][0]["plan"], "premium");
    assert_eq!(sorted["data"][0]["cards"], 0);
    let bad = call(&app, &admin, Method::GET, "/api/admin/users?sort=name", None).await;
    assert!(bad.status().is_client_error());

    let metrics = ok(call(&app, &admin, Method::GET, "/api/admin/metrics?period=week", None).await).await;
    assert_eq!(metrics["users"]["total"], 3);
    assert_eq!(metrics["users"]["premium"], 1);
    assert_eq!(metrics["revenue"], json!({"stars": 0, "payments": 0, "refunds": 0}));
    assert_eq!(metrics["llm"]["calls"], 0);
    assert!(metrics["retention"]["d1"].is_null(), "nobody signed up a day ago");
}

#[tokio::test]
async fn a_grant_is_audited_lifts_the_limits_and_runs_out() {
    let app = admin_app().await;
    let admin = app.sign_in(ADMIN).await;
    let user = app.sign_in(103).await;
    assert_eq!(app.create_profile(&user, "en").await.status(), 201);
    assert_contract(app.create_profile(&user, "de").await, 402, "LIMIT_REACHED").await;

    let route = format!("/api/admin/users/{}/premium", user.id);
    let blank = call(&app, &admin, Method::POST, &route, Some(json!({"days": 3, "reason": " "}))).await;
    assert_contract(blank, 422, "VALIDATION_ERROR").await;
    let both = json!({"days": 3, "until": "2030-01-01T00:00:00Z", "reason": "x"});
    for (bad, reason) in [
        (json!({"days": 0, "reason": "x"}), "days_nonzero"),
        (json!({"reason": "x"}), "days_or_until"),
        (json!({"days": 0, "until": null, "reason": "x"}), "days_nonzero"),
        (both, "days_or_until"),
    ] {
        let response = call(&app, &admin, Method::POST, &route, Some(bad.clone())).await;
        assert_eq!(assert_contract(response, 400, "INVALID_FIELD_VALUE").await["error"]["details"]["reason"], reason);
    }
    let nobody = format!("/api/admin/users/{}/premium", uuid::Uuid::now_v7());
    let response = call(&app, &admin, Method::POST, &nobody, Some(json!({"days": 3, "reason": "x"}))).await;
    assert_contract(response, 404, "USER_NOT_FOUND").await;

    let granted =
        ok(call(&app, &admin, Method::POST, &route, Some(json!({"days": 3, "reason": "support"}))).await).await;
    assert_eq!(granted["user_id"], user.id.as_str());
    assert_eq!(app.create_profile(&user, "de").await.status(), 201, "premium at once");
    assert_eq!(app.me(&user).await["plan"]["name"], "premium");

    let audit = ok(call(&app, &admin, Method::GET, "/api/admin/actions", None).await).await;
    assert_eq!(audit["pagination"]["total"], 1);
    let action = &audit["data"][0];
    assert_eq!((action["action"].clone(), action["target_user_id"].clone()), (json!("premium_grant"), json!(user.id)));
    assert_eq!(
        (action["admin_telegram_id"].clone(), action["details"]["reason"].clone()),
        (json!(ADMIN), json!("support"))
    );
    assert_eq!(action["details"]["days"], 3);
    let sql = format!(
        "SELECT COUNT(*) FROM payments WHERE user_id = '{}' AND provider = 'admin' AND kind = 'grant'",
        user.id
    );
    assert_eq!(app.count(&sql).await, 1);

    // Four days on, the grant has run out: free again, and the limits with it.
    app.clock.advance(chrono::Duration::days(4));
    let user = app.sign_in(103).await;
    assert_eq!(app.me(&user).await["plan"]["name"], "free");
    assert_contract(app.create_profile(&user, "fr").await, 402, "LIMIT_REACHED").await;
    let admin = app.sign_in(ADMIN).await;
    let until = json!({"until": "2031-01-01T00:00:00Z", "reason": "partner"});
    let granted = ok(call(&app, &admin, Method::POST, &route, Some(until)).await).await;
    assert_eq!(granted["premium_until"], "2031-01-01T00:00:00Z");
}

#[tokio::test]
async fn a_stars_payment_is_refunded_through_telegram_once() {
    let app = admin_app().await;
    let admin = app.sign_in(ADMIN).await;
    let user = app.sign_in(104).await;
    let payment = uuid::Uuid::now_v7();
    let sql = format!(
        "WITH p AS (INSERT INTO payments (id, user_id, provider, kind, plan, telegram_payment_charge_id, amount, \
         period_days, premium_until_after, created_at) VALUES ('{payment}', '{}', 'telegram_stars', 'purchase', \
         'monthly', 'charge-104', 250, 30, now() + interval '30 days', now() - interval '1 hour') RETURNING 1) SELECT COUNT(*) FROM p",
        user.id
    );
    assert_eq!(app.count(&sql).await, 1);
    Mock::given(method("POST"))
        .and(path(format!("/bot{}/refundStarPayment", app.bot_token.expose_secret())))
        .and(body_json(json!({"user_id": 104, "telegram_payment_charge_id": "charge-104"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": true})))
        .expect(1)
        .mount(&app.outbound)
        .await;

    let payments_route = format!("/api/admin/users/{}/payments", user.id);
    let listed = ok(call(&app, &admin, Method::GET, &payments_route, None).await).await;
    assert_eq!(listed["data"][0]["id"], payment.to_string());
    assert_eq!(listed["data"][0]["refundable"], true, "{listed}");
    let nobody = format!("/api/admin/users/{}/payments", uuid::Uuid::now_v7());
    assert_contract(call(&app, &admin, Method::GET, &nobody, None).await, 404, "USER_NOT_FOUND").await;

    let route = format!("/api/admin/payments/{payment}/refund");
    let refunded = ok(call(&app, &admin, Method::POST, &route, Some(json!({"reason": "asked"}))).await).await;
    let until = chrono::DateTime::parse_from_rfc3339(refunded["premium_until"].as_str().unwrap()).unwrap();
    assert!((until.with_timezone(&chrono::Utc) - app.clock_now()).num_hours().abs() < 1, "the month is taken off");
    let again = call(&app, &admin, Method::POST, &route, Some(json!({"reason": "asked"}))).await;
    assert_contract(again, 409, "CONFLICT").await;
    let unknown = format!("/api/admin/payments/{}/refund", uuid::Uuid::now_v7());
    assert_contract(call(&app, &admin, Method::POST, &unknown, Some(json!({"reason": "x"}))).await, 404, "NOT_FOUND")
        .await;

    let mine = ok(call(&app, &user, Method::GET, "/api/billing/payments", None).await).await;
    let kinds: Vec<&str> = mine["data"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["refund", "purchase"]);
    assert_eq!(mine["data"][0]["period_days"], -30);
    let listed = ok(call(&app, &admin, Method::GET, &payments_route, None).await).await;
    let refundable: Vec<bool> =
        listed["data"].as_array().unwrap().iter().map(|p| p["refundable"].as_bool().unwrap()).collect();
    assert_eq!(refundable, [false, false], "neither the refund nor the refunded payment can be refunded again");
    let audit = ok(call(&app, &admin, Method::GET, "/api/admin/actions", None).await).await;
    assert_eq!(audit["data"][0]["action"], "payment_refund");
    assert_eq!(audit["data"][0]["target"]["telegram_id"], 104, "the audit names who it was about");
    let metrics = ok(call(&app, &admin, Method::GET, "/api/admin/metrics", None).await).await;
    assert_eq!(metrics["revenue"], json!({"stars": 0, "payments": 1, "refunds": 1}));
}
