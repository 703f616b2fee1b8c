//! `/metrics`: request counts by route template, latency and pools; never public in production.

use crate::helpers::{METRICS_TOKEN, assert_contract, production_overrides, spawn_app, spawn_app_with};

#[tokio::test]
async fn requests_are_counted_by_route_template_with_pool_gauges() {
    let app = spawn_app().await;
    app.get("/health").await;
    app.get("/health").await;
    app.get("/no/such/path/123").await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(text.contains(r#"lang_agent_http_requests_total{method="GET",route="/health",status="200"} 2"#), "{text}");
    assert!(text.contains(r#"route="unmatched",status="404""#), "raw paths never become labels");
    assert!(!text.contains("/no/such/path"), "raw paths never become labels");
    assert!(text.contains("lang_agent_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"lang_agent_db_pool_connections{state="max"} 4"#), "{text}");
    assert!(text.contains(r#"lang_agent_cache_pool_connections{state="max"}"#), "{text}");
    // The process collector's series carry the registry's prefix too (the API dashboard's RSS).
    assert!(text.lines().any(|l| l.starts_with("lang_agent_process_resident_memory_bytes ")), "{text}");
}

/// The api-server listens for PostgreSQL's notices of user changes from its start (the user
/// cache's longer life depends on it), and says so.
#[tokio::test]
async fn the_metrics_say_that_the_user_cache_hears_changes() {
    let app = spawn_app().await;
    for _ in 0..100 {
        let text = app.get("/metrics").await.text().await.unwrap();
        if text.lines().any(|line| line == "lang_agent_user_cache_hears_changes 1") {
            return;
        }
        assert!(text.lines().any(|line| line == "lang_agent_user_cache_hears_changes 0"), "{text}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the user cache did not hear changes within 5 s");
}

#[tokio::test]
async fn on_the_main_port_production_requires_the_metrics_token() {
    let app = spawn_app_with(&production_overrides()).await;
    assert_contract(app.get("/metrics").await, 401, "AUTH_FAILED").await;
    let wrong = app.client.get(app.url("/metrics")).bearer_auth("wrong-token-0123456789").send().await.unwrap();
    assert_contract(wrong, 401, "AUTH_FAILED").await;
    let right = app.client.get(app.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("lang_agent_http_requests_total"));
}

#[tokio::test]
async fn with_a_metrics_port_metrics_leave_the_main_port() {
    let mut overrides = production_overrides();
    overrides.retain(|(k, _)| *k != "METRICS_TOKEN");
    overrides.push(("METRICS_PORT", "0"));
    let app = spawn_app_with(&overrides).await;
    assert_contract(app.get("/metrics").await, 404, "NOT_FOUND").await;
    let port = app.metrics_port.expect("a metrics listener");
    let response = app.client.get(format!("http://127.0.0.1:{port}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("lang_agent_http_requests_total"));
    let other = app.client.get(format!("http://127.0.0.1:{port}/health")).send().await.unwrap();
    assert_eq!(other.status(), 404, "the metrics port serves nothing else");
}

#[tokio::test]
async fn the_metrics_listener_binds_its_own_host_not_the_public_one() {
    let mut overrides = production_overrides();
    overrides.retain(|(k, _)| *k != "METRICS_TOKEN");
    overrides.extend([("HOST", "0.0.0.0"), ("METRICS_PORT", "0")]);
    let app = spawn_app_with(&overrides).await;
    assert_eq!(app.metrics_ip, Some(std::net::IpAddr::from([127, 0, 0, 1])), "loopback, not HOST=0.0.0.0");
}

#[tokio::test]
async fn a_metrics_port_open_beyond_loopback_needs_the_token() {
    let mut overrides = production_overrides();
    overrides.extend([("METRICS_HOST", "0.0.0.0"), ("METRICS_PORT", "0")]);
    let app = spawn_app_with(&overrides).await;
    assert_eq!(app.metrics_ip, Some(std::net::IpAddr::from([0, 0, 0, 0])));
    let url = format!("http://127.0.0.1:{}/metrics", app.metrics_port.unwrap());
    assert_contract(app.client.get(&url).send().await.unwrap(), 401, "AUTH_FAILED").await;
    let right = app.client.get(&url).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(right.status(), 200);
}

/// Learning counters count what was recorded (a replayed review is not a second one), and the
/// outbox backlog is sampled from the database when `/metrics` is rendered.
#[tokio::test]
async fn reviews_and_the_queue_backlog_are_exported() {
    use reqwest::Method;
    use serde_json::{Value, json};

    let app = spawn_app().await;
    let (user, _) = crate::cards::learner(&app, 4711).await;
    let card: Value =
        crate::cards::add_card(&app, &user, json!({"front": "die Katze", "back": "кошка"})).await.json().await.unwrap();
    let review = json!({"card_id": card["id"], "rating": 3, "client_review_id": uuid::Uuid::now_v7()});
    for _ in 0..2 {
        let answer = app.call(Method::POST, "/api/study/review", &user.access_token, Some(review.clone())).await;
        assert_eq!(answer.status(), 200);
    }

    let db = sea_orm::Database::connect(&app.db_url).await.unwrap();
    let queued_at = services::Clock::now(&app.clock);
    let message = repositories::outbox::NewMessage {
        user_id: None,
        chat_id: 4711,
        kind: "streak_reminder",
        payload: r#"{"html":"hi"}"#.into(),
        now: queued_at,
    };
    repositories::outbox::enqueue(&db, message).await.unwrap();
    app.clock.advance(chrono::Duration::seconds(75));

    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(text.contains(r#"lang_agent_reviews_total{rating="good"} 1"#), "{text}");
    for line in ["lang_agent_outbox_depth 1", "lang_agent_outbox_oldest_age_seconds 75", "lang_agent_inbox_depth 0"] {
        assert!(text.lines().any(|l| l == line), "{line} missing from:\n{text}");
    }
}

/// A graded exercise is counted by kind and result once its attempt is recorded (the refused
/// second answer is not), and the model call that wrote the batch by operation and outcome.
#[tokio::test]
async fn graded_exercises_and_llm_calls_are_exported() {
    use reqwest::Method;
    use serde_json::{Value, json};

    use crate::exercises::{answering, choice, exercises_json};
    use crate::fake_llm::{learner, llm_app};

    let app = llm_app(&[]).await;
    let user = learner(&app, 4712).await;
    let topic = json!({"name": "Sein", "kind": "grammar", "description": "Sein im Präsens"});
    assert_eq!(app.call(Method::POST, "/api/topics", &user.access_token, Some(topic)).await.status(), 201);
    answering("exercises")
        .respond_with(exercises_json(json!([choice(["bin", "bist", "ist", "sind"], 1)])))
        .up_to_n_times(1)
        .mount(&app.outbound)
        .await;
    let generated = app.call(Method::POST, "/api/exercises/generate", &user.access_token, Some(json!({"count": 1})));
    let batch: Value = generated.await.json().await.unwrap();
    let submit = format!("/api/exercises/{}/submit", batch["exercises"][0]["id"].as_str().unwrap());
    let answer = json!({"choice": 1});
    assert_eq!(app.call(Method::POST, &submit, &user.access_token, Some(answer.clone())).await.status(), 200);
    assert_eq!(app.call(Method::POST, &submit, &user.access_token, Some(answer)).await.status(), 404);

    let text = app.get("/metrics").await.text().await.unwrap();
    let graded = r#"lang_agent_exercises_graded_total{kind="multiple_choice",result="correct"} 1"#;
    assert!(text.lines().any(|l| l == graded), "{graded} missing from:\n{text}");
    let llm_calls = text.lines().filter(|l| l.starts_with("lang_agent_llm_calls_total{"));
    assert!(llm_calls.clone().any(|l| l.contains(r#"outcome="ok""#)), "{text}");
    assert!(llm_calls.clone().all(|l| !l.contains("Sein")), "no text in a label: {text}");
    assert!(text.contains("lang_agent_llm_call_duration_seconds_bucket{"), "{text}");
}

/// The background binaries' listener (`api::monitor`): `/health` turns 503 once the loop's
/// heartbeat is older than allowed and back to 200 when it beats again; `/metrics` wants the
/// token and renders the process's registry.
#[tokio::test]
async fn the_monitor_reports_a_stalled_loop_and_guards_its_metrics() {
    use std::time::Duration;

    let registry = prometheus::Registry::new_custom(Some("lang_agent".into()), None).unwrap();
    let heartbeat = prometheus::IntGauge::new("loop_last_round_timestamp_seconds", "test heartbeat").unwrap();
    registry.register(Box::new(heartbeat.clone())).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let monitor = api::monitor::Monitor {
        registry,
        token: Some("monitor-token-0123456789".to_owned().into()),
        heartbeat: heartbeat.clone(),
        // Any second without a round is a stall, so the test need not wait minutes.
        stale_after: Duration::ZERO,
        backlog: None,
    };
    let handle = api::monitor::serve(listener, monitor).unwrap();
    let client = reqwest::Client::new();
    let health = || async { client.get(format!("{base}/health")).send().await.unwrap() };

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let stalled = health().await;
    assert_eq!(stalled.status(), 503);
    let body: serde_json::Value = stalled.json().await.unwrap();
    assert_eq!(body["status"], "stalled");
    assert!(body["seconds_since_last_round"].as_i64().unwrap() >= 1, "{body}");

    // Stamped a little ahead: with no slack at all, a second boundary between this line and
    // the request would make the fresh beat one second old, and stale again.
    heartbeat.set(chrono::Utc::now().timestamp() + 5);
    assert_eq!(health().await.status(), 200, "a new round makes it healthy again");

    let metrics = format!("{base}/metrics");
    assert_eq!(client.get(&metrics).send().await.unwrap().status(), 401);
    let wrong = client.get(&metrics).bearer_auth("monitor-token-0123456780").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = client.get(&metrics).bearer_auth("monitor-token-0123456789").send().await.unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("lang_agent_loop_last_round_timestamp_seconds "));
    handle.stop(true).await;
}
