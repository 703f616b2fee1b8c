//! Moderation before tutor calls: local rules, the provider endpoint, and failing open.

use std::sync::Arc;

use domain::UserId;
use serde_json::json;
use services::SystemClock;
use services::cache::MemoryCache;
use services::moderation::{Moderator, Verdict};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn moderator(server: &MockServer) -> Moderator {
    let base = url::Url::parse(&format!("{}/v1", server.uri())).unwrap();
    let cache = Arc::new(MemoryCache::new(Arc::new(SystemClock)));
    Moderator::with_endpoint(cache, &base, Some("sk-test".into()), "omni-moderation-latest".into()).unwrap()
}

#[tokio::test]
async fn the_provider_verdict_is_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/moderations"))
        .and(header("authorization", "Bearer sk-test"))
        .and(body_json(json!({"model": "omni-moderation-latest", "input": "something nasty"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [{"flagged": true}]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [{"flagged": false}]})))
        .mount(&server)
        .await;
    let m = moderator(&server);
    let user = UserId::from_uuid(uuid::Uuid::now_v7());
    assert_eq!(m.check(user, "something nasty").await, Verdict::Rejected("flagged"));
    assert_eq!(m.check(user, "Wie geht's?").await, Verdict::Allowed);
}

#[tokio::test]
async fn an_outage_lets_messages_through_but_local_rules_still_apply() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let m = moderator(&server);
    let user = UserId::from_uuid(uuid::Uuid::now_v7());
    assert_eq!(m.check(user, "Wie geht's?").await, Verdict::Allowed, "fails open");
    assert_eq!(m.check(user, &"!".repeat(50)).await, Verdict::Rejected("spam"));
    for _ in 0..4 {
        assert_eq!(m.check(user, "same text").await, Verdict::Allowed);
    }
    assert_eq!(m.check(user, "Same   TEXT").await, Verdict::Rejected("repeated"), "the fifth time in ten minutes");
}
