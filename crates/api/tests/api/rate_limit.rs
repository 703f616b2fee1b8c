//! Request rates per client address and per user: 429 with the contract body, CORS and the
//! rate-limit headers; the window resets; X-Forwarded-For counts only behind a trusted proxy.

use reqwest::Method;

use crate::helpers::{MINI_APP_ORIGIN, assert_contract, spawn_app_with};

#[tokio::test]
async fn a_user_over_the_limit_gets_429_until_the_minute_ends_and_others_are_unaffected() {
    let app = spawn_app_with(&[("RATE_LIMIT_USER_PER_MINUTE", "3"), ("RATE_LIMIT_IP_PER_MINUTE", "0")]).await;
    // Start of a minute, so the window cannot turn during the test.
    let next_minute = (app.clock_now().timestamp() / 60 + 1) * 60;
    app.clock.set(chrono::DateTime::from_timestamp(next_minute, 0).unwrap());
    let busy = app.sign_in(1).await;
    let other = app.sign_in(2).await;
    for _ in 0..3 {
        assert_eq!(app.call(Method::GET, "/api/me", &busy.access_token, None).await.status(), 200);
    }
    let refused = app
        .client
        .get(app.url("/api/me"))
        .bearer_auth(&busy.access_token)
        .header("origin", MINI_APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.headers()["retry-after"], "60");
    assert_eq!(refused.headers()["x-ratelimit-limit"], "3");
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(refused.headers()["access-control-allow-origin"], MINI_APP_ORIGIN, "CORS on the 429 too");
    let body = assert_contract(refused, 429, "RATE_LIMIT_EXCEEDED").await;
    assert_eq!(body["error"]["details"]["scope"], "user");
    assert_eq!(app.call(Method::GET, "/api/me", &other.access_token, None).await.status(), 200);
    assert_eq!(app.get("/health").await.status(), 200, "health is never limited");

    app.clock.advance(chrono::Duration::seconds(60));
    let busy = app.sign_in(1).await;
    assert_eq!(app.call(Method::GET, "/api/me", &busy.access_token, None).await.status(), 200);
}

#[tokio::test]
async fn addresses_come_from_x_forwarded_for_only_behind_a_trusted_proxy() {
    let limited = [("RATE_LIMIT_IP_PER_MINUTE", "2"), ("RATE_LIMIT_USER_PER_MINUTE", "0")];
    let direct = spawn_app_with(&limited).await;
    let call = |app: &crate::helpers::TestApp, forwarded: &'static str| {
        app.client.get(app.url("/api/openapi.json")).header("x-forwarded-for", forwarded).send()
    };
    // Not behind a trusted proxy: the header is ignored and every request shares the peer's bucket.
    assert_eq!(call(&direct, "203.0.113.1").await.unwrap().status(), 200);
    assert_eq!(call(&direct, "203.0.113.2").await.unwrap().status(), 200);
    assert_contract(call(&direct, "203.0.113.3").await.unwrap(), 429, "RATE_LIMIT_EXCEEDED").await;

    let mut proxied_settings = limited.to_vec();
    proxied_settings.push(("TRUSTED_PROXIES", "127.0.0.1/32"));
    let proxied = spawn_app_with(&proxied_settings).await;
    for _ in 0..2 {
        assert_eq!(call(&proxied, "203.0.113.1").await.unwrap().status(), 200);
    }
    assert_contract(call(&proxied, "203.0.113.1").await.unwrap(), 429, "RATE_LIMIT_EXCEEDED").await;
    assert_eq!(call(&proxied, "203.0.113.2").await.unwrap().status(), 200, "another client behind the proxy");
}
