//! Every failure answers with the contract body and the request id.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::helpers::{assert_contract, spawn_app, spawn_app_with_routes};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Echo {
    text: String,
}

fn test_routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/test/echo",
        web::post().to(|body: web::Json<Echo>| async move { HttpResponse::Ok().body(body.text.clone()) }),
    )
    .route("/test/panic", web::get().to(|| async { panic!("boom: a handler bug") as HttpResponse }))
    .route(
        "/test/items/{id}",
        web::get().to(|id: web::Path<uuid::Uuid>| async move { HttpResponse::Ok().body(id.to_string()) }),
    );
}

#[tokio::test]
async fn an_unknown_route_is_a_contract_404() {
    let app = spawn_app().await;
    let body = assert_contract(app.get("/no/such/route").await, 404, "NOT_FOUND").await;
    assert_eq!(body["error"]["message"], "Не найдено.", "Russian by default");
}

#[tokio::test]
async fn a_wrong_method_is_a_contract_405_with_allow() {
    let app = spawn_app().await;
    let response = app.client.delete(app.url("/health")).send().await.unwrap();
    assert_eq!(response.headers().get("allow").unwrap(), "GET");
    assert_contract(response, 405, "METHOD_NOT_ALLOWED").await;
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_a_contract_413_on_any_route() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/anything"))
        .header("content-type", "application/json")
        .body(vec![b' '; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_contract(response, 413, "PAYLOAD_TOO_LARGE").await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_422_and_broken_json_is_400() {
    let app = spawn_app_with_routes(test_routes).await;
    let post = |body: &'static str| {
        app.client.post(app.url("/test/echo")).header("content-type", "application/json").body(body).send()
    };
    assert_eq!(post(r#"{"text":"hi"}"#).await.unwrap().text().await.unwrap(), "hi");

    let body = assert_contract(post(r#"{"text":"hi","admin":true}"#).await.unwrap(), 422, "VALIDATION_ERROR").await;
    assert!(body["error"]["details"]["body"][0].as_str().unwrap().contains("unknown field"), "{body}");
    assert_contract(post(r#"{"text": 5}"#).await.unwrap(), 422, "VALIDATION_ERROR").await;
    assert_contract(post(r#"{"text":"#).await.unwrap(), 400, "INVALID_FIELD_VALUE").await;

    let wrong_type = app.client.post(app.url("/test/echo")).header("content-type", "text/plain").body("hi");
    assert_contract(wrong_type.send().await.unwrap(), 415, "UNSUPPORTED_MEDIA_TYPE").await;
}

#[tokio::test]
async fn a_malformed_path_id_is_404() {
    let app = spawn_app_with_routes(test_routes).await;
    assert_contract(app.get("/test/items/not-a-uuid").await, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn a_panicking_handler_is_a_contract_500_without_internals_and_the_server_lives_on() {
    let app = spawn_app_with_routes(test_routes).await;
    let response = app
        .client
        .get(app.url("/test/panic"))
        .header("origin", crate::helpers::MINI_APP_ORIGIN)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers().get("access-control-allow-origin").unwrap(),
        crate::helpers::MINI_APP_ORIGIN,
        "a panic still carries CORS headers"
    );
    assert_eq!(response.headers().get("x-content-type-options").unwrap(), "nosniff");
    let body = assert_contract(response, 500, "INTERNAL_ERROR").await;
    assert_eq!(body["error"]["message"], "Internal server error.");
    assert!(!body.to_string().contains("boom"), "panic text leaked: {body}");

    assert_eq!(app.get("/health").await.status(), 200, "the worker survived");
}

#[tokio::test]
async fn a_safe_incoming_request_id_is_kept_and_an_unsafe_one_replaced() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/nope")).header("x-request-id", "trace-abc_123").send().await.unwrap();
    let body = assert_contract(response, 404, "NOT_FOUND").await;
    assert_eq!(body["error"]["request_id"], "trace-abc_123");

    let response =
        app.client.get(app.url("/nope")).header("x-request-id", "<script>alert(1)</script>").send().await.unwrap();
    let body = assert_contract(response, 404, "NOT_FOUND").await;
    let id = body["error"]["request_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "a generated UUID replaces it, got {id}");

    let ok = app.get("/health").await;
    assert!(ok.headers().contains_key("x-request-id"), "successful responses carry it too");
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/nope")).header("accept-language", "en-GB,en;q=0.9").send().await.unwrap();
    let body = assert_contract(response, 404, "NOT_FOUND").await;
    assert_eq!(body["error"]["message"], "Not found.");
}
