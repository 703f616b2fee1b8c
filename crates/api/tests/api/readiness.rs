//! `/health` never touches dependencies; `/ready` follows the database and Redis.

use test_support::fault_proxy::FaultProxy;

use crate::helpers::{assert_contract, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_and_ready_answer_when_everything_is_up() {
    let app = spawn_app().await;
    let health = app.get("/health").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<serde_json::Value>().await.unwrap()["status"], "ok");
    let ready: serde_json::Value = app.get("/ready").await.json().await.unwrap();
    assert_eq!(ready, serde_json::json!({"status": "ready", "checks": {"database": "ok", "cache": "ok"}}));
    assert!(app.outbound.received_requests().await.unwrap().is_empty(), "nothing was called outside");
}

#[tokio::test]
async fn ready_turns_503_while_redis_is_unreachable_and_recovers() {
    test_support::require_redis().await;
    let proxy = FaultProxy::start("127.0.0.1:6379").await;
    let url = format!("redis://127.0.0.1:{}", proxy.port());
    let app = spawn_app_with(&[("REDIS_URL", url.as_str())]).await;
    assert_eq!(app.get("/ready").await.status(), 200);

    proxy.cut();
    let body = assert_contract(app.get("/ready").await, 503, "SERVICE_UNAVAILABLE").await;
    assert_eq!(body["error"]["details"], serde_json::json!({"database": "ok", "cache": "down"}));
    assert_eq!(app.get("/health").await.status(), 200, "liveness does not depend on Redis");

    proxy.restore();
    assert_eq!(app.get("/ready").await.status(), 200, "back once Redis is reachable again");
}

#[tokio::test]
async fn ready_turns_503_while_the_database_is_unreachable_and_recovers() {
    let proxy = FaultProxy::start("127.0.0.1:5432").await;
    let db = test_support::TestDatabase::migrated().await;
    let url = proxy.url_through(&db.url, "127.0.0.1:5432");
    let app = spawn_app_with(&[("DATABASE_URL", url.as_str()), ("DATABASE_CONNECT_TIMEOUT_SECONDS", "1")]).await;
    assert_eq!(app.get("/ready").await.status(), 200);

    proxy.cut();
    let body = assert_contract(app.get("/ready").await, 503, "SERVICE_UNAVAILABLE").await;
    assert_eq!(body["error"]["details"], serde_json::json!({"database": "down", "cache": "ok"}));

    proxy.restore();
    assert_eq!(app.get("/ready").await.status(), 200);
    drop(db);
}
