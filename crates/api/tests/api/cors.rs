//! CORS: the configured Mini App origin always, localhost only in local/test, and the headers
//! on error responses too.

use crate::helpers::{MINI_APP_ORIGIN, assert_contract, production_overrides, spawn_app, spawn_app_with};

const ACAO: &str = "access-control-allow-origin";

async fn get_from(app: &crate::helpers::TestApp, path: &str, origin: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header("origin", origin).send().await.unwrap()
}

#[tokio::test]
async fn the_mini_app_origin_is_allowed_on_success_404_and_413() {
    let app = spawn_app().await;
    let ok = get_from(&app, "/health", MINI_APP_ORIGIN).await;
    assert_eq!(ok.headers()[ACAO], MINI_APP_ORIGIN);
    assert!(ok.headers()["access-control-expose-headers"].to_str().unwrap().contains("x-request-id"));
    assert!(ok.headers()["vary"].to_str().unwrap().contains("Origin"));

    let not_found = get_from(&app, "/missing", MINI_APP_ORIGIN).await;
    assert_eq!(not_found.headers()[ACAO], MINI_APP_ORIGIN);
    assert_contract(not_found, 404, "NOT_FOUND").await;

    let too_large = app
        .client
        .post(app.url("/missing"))
        .header("origin", MINI_APP_ORIGIN)
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.headers()[ACAO], MINI_APP_ORIGIN);
    assert_contract(too_large, 413, "PAYLOAD_TOO_LARGE").await;
}

#[tokio::test]
async fn localhost_is_allowed_in_test_and_strangers_never() {
    let app = spawn_app().await;
    let local = get_from(&app, "/health", "http://localhost:5173").await;
    assert_eq!(local.headers()[ACAO], "http://localhost:5173");
    let stranger = get_from(&app, "/health", "https://evil.example.com").await;
    assert_eq!(stranger.status(), 200, "the request is served; the browser withholds it");
    assert!(stranger.headers().get(ACAO).is_none());
}

#[tokio::test]
async fn localhost_is_refused_in_production() {
    let app = spawn_app_with(&production_overrides()).await;
    let local = get_from(&app, "/health", "http://localhost:5173").await;
    assert!(local.headers().get(ACAO).is_none());
    let mini_app = get_from(&app, "/missing", MINI_APP_ORIGIN).await;
    assert_eq!(mini_app.headers()[ACAO], MINI_APP_ORIGIN);
}

#[tokio::test]
async fn preflight_is_answered_for_allowed_origins_and_refused_for_others() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/profiles"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let allowed = preflight(MINI_APP_ORIGIN).await.unwrap();
    assert_eq!(allowed.status(), 204);
    assert_eq!(allowed.headers()[ACAO], MINI_APP_ORIGIN);
    let methods = allowed.headers()["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("POST") && methods.contains("PATCH") && methods.contains("DELETE"));
    let headers = allowed.headers()["access-control-allow-headers"].to_str().unwrap();
    assert!(headers.contains("authorization") && headers.contains("idempotency-key"));

    let refused = preflight("https://evil.example.com").await.unwrap();
    assert!(refused.headers().get(ACAO).is_none());
    assert_contract(refused, 403, "FORBIDDEN").await;
}
