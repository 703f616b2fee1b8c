//! The api-server when Redis or PostgreSQL goes away and comes back, through a loopback proxy
//! that cuts or stalls the link (the shared services themselves stay up for other tests).
//! Bounds here are hang checks, generous on purpose: a request that waits out a dead service
//! would take tens of seconds or forever, not the few seconds allowed.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use test_support::TestDatabase;
use test_support::fault_proxy::FaultProxy;

use crate::cards::add_card;
use crate::helpers::{TestApp, assert_contract, spawn_app_on, spawn_app_with};
use crate::session::User;

const REDIS: &str = "127.0.0.1:6379";
const POSTGRES: &str = "127.0.0.1:5432";

/// The study loop a learner goes through, each request answered 2xx within `bound`.
async fn study_a_little(app: &TestApp, user: &User, card: &Value, bound: Duration) {
    let review = json!({"card_id": card["id"], "rating": 3, "client_review_id": uuid::Uuid::now_v7()});
    let calls = [
        (Method::GET, "/api/study/queue", None),
        (Method::POST, "/api/study/review", Some(review)),
        (Method::GET, "/api/cards?limit=20", None),
        (Method::GET, "/api/me", None),
        (Method::GET, "/api/decks", None),
    ];
    for (method, path, body) in calls {
        let started = Instant::now();
        let response = app.call(method.clone(), path, &user.access_token, body).await;
        let took = started.elapsed();
        assert!(response.status().is_success(), "{method} {path}: {}", response.status());
        assert!(took < bound, "{method} {path} took {took:?}");
    }
}

async fn learner_with_card(app: &TestApp, telegram_id: i64) -> (User, Value) {
    let user = app.sign_in(telegram_id).await;
    assert_eq!(app.create_profile(&user, "de").await.status(), 201);
    let card = add_card(app, &user, json!({"front": "lernen", "back": "учить"})).await;
    (user, card.json().await.unwrap())
}

/// Requests until one is refused with 429, at most `tries`; how many it took.
async fn requests_until_limited(app: &TestApp, user: &User, tries: usize) -> Option<usize> {
    for n in 1..=tries {
        let response = app.call(Method::GET, "/api/me", &user.access_token, None).await;
        if response.status() == 429 {
            return Some(n);
        }
    }
    None
}

#[tokio::test]
async fn learning_goes_on_while_redis_is_down_and_limits_come_back_with_it() {
    let redis = FaultProxy::start(REDIS).await;
    let redis_url = format!("redis://127.0.0.1:{}", redis.port());
    let app = spawn_app_with(&[("REDIS_URL", &redis_url), ("RATE_LIMIT_USER_PER_MINUTE", "12")]).await;
    let (user, card) = learner_with_card(&app, 9101).await;

    redis.cut();
    // Within the Redis deadline (300 ms in tests) and a margin, never waiting for Redis.
    study_a_little(&app, &user, &card, Duration::from_secs(3)).await;
    // As documented: an unreachable counter does not limit, so 20 requests over a limit of
    // 12 a minute all pass.
    assert_eq!(requests_until_limited(&app, &user, 20).await, None);

    redis.restore();
    // The pool reconnects by itself and counting resumes in the same minute.
    let limited = requests_until_limited(&app, &user, 30).await;
    assert!(limited.is_some(), "the rate limit never came back after Redis did");
    let refused = app.call(Method::GET, "/api/me", &user.access_token, None).await;
    assert_contract(refused, 429, "RATE_LIMIT_EXCEEDED").await;
}

#[tokio::test]
async fn a_hung_redis_costs_each_request_no_more_than_its_deadline() {
    let redis = FaultProxy::start(REDIS).await;
    let redis_url = format!("redis://127.0.0.1:{}", redis.port());
    let app = spawn_app_with(&[("REDIS_URL", &redis_url)]).await;
    let (user, card) = learner_with_card(&app, 9102).await;

    redis.stall();
    study_a_little(&app, &user, &card, Duration::from_secs(3)).await;
    redis.restore();
    study_a_little(&app, &user, &card, Duration::from_secs(3)).await;
}

#[tokio::test]
async fn postgres_going_away_under_load_answers_503_quickly_and_the_pool_recovers() {
    let db = TestDatabase::migrated().await;
    let postgres = FaultProxy::start(POSTGRES).await;
    let database_url = postgres.url_through(&db.url, POSTGRES);
    let app = spawn_app_on(
        db,
        &[
            ("DATABASE_URL", &database_url),
            ("DATABASE_CONNECT_TIMEOUT_SECONDS", "2"),
            ("DATABASE_MAX_CONNECTIONS", "4"),
            ("RATE_LIMIT_USER_PER_MINUTE", "0"),
            ("RATE_LIMIT_IP_PER_MINUTE", "0"),
        ],
    )
    .await;
    let (user, card) = learner_with_card(&app, 9103).await;
    let app = std::sync::Arc::new(app);

    // Load: eight clients reading the card list in a loop, recording what they got and how
    // long each request took, while the database is cut and restored under them.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (app, token, stop) = (app.clone(), user.access_token.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let started = Instant::now();
                let response = app.call(Method::GET, "/api/cards?limit=20", &token, None).await;
                seen.push((response.status().as_u16(), started.elapsed()));
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    postgres.cut();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 503, "/ready while the database is gone");
    let during = app.call(Method::GET, "/api/cards?limit=20", &user.access_token, None).await;
    assert_contract(during, 503, "SERVICE_UNAVAILABLE").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    postgres.restore();

    // Without a restart: ready again, and the study loop works.
    let back = Instant::now();
    loop {
        if app.get("/ready").await.status() == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(10), "/ready did not recover within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    study_a_little(&app, &user, &card, Duration::from_secs(3)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);

    let mut statuses = std::collections::BTreeMap::new();
    let mut slowest = Duration::ZERO;
    for client in clients {
        for (status, took) in client.await.unwrap() {
            *statuses.entry(status).or_insert(0_u32) += 1;
            slowest = slowest.max(took);
        }
    }
    eprintln!("under load while cut for 3.5 s: {statuses:?}, slowest {slowest:?}");
    // Nothing but successes and 503s, and no request waited past the connect deadline (2 s)
    // by more than a margin.
    assert!(statuses.keys().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert!(statuses.get(&503).is_some_and(|n| *n > 0), "{statuses:?}");
    assert!(slowest < Duration::from_secs(5), "a request took {slowest:?} ({statuses:?})");
}

/// The tutor when the provider is slow: each attempt is given up at `LLM_TIMEOUT_SECONDS`, the
/// learner hears back within the attempts' deadlines, the message is kept for a retry, and
/// nothing is charged.
#[tokio::test]
async fn a_provider_slower_than_its_timeout_is_given_up_keeping_the_message_and_charging_nothing() {
    use crate::fake_llm::{chat_completions, completion, learner, llm_app, tutor_answer};
    let app = llm_app(&[("LLM_TIMEOUT_SECONDS", "1"), ("LLM_MAX_ATTEMPTS", "2")]).await;
    let user = learner(&app, 9104).await;
    let slow = wiremock::ResponseTemplate::new(200)
        .set_body_json(completion(&tutor_answer()))
        .set_delay(Duration::from_secs(20));
    let hung = chat_completions().respond_with(slow).expect(2).mount_as_scoped(&app.outbound).await;

    let started = Instant::now();
    let response = app.chat(&user, json!({"message": "Hallo!"})).await;
    let took = started.elapsed();
    let body = assert_contract(response, 502, "LLM_SERVICE_ERROR").await;
    // Two attempts of 1 s and the backoff between them, far from the provider's 20 s.
    assert!(took < Duration::from_secs(6), "the tutor answered after {took:?}");
    drop(hung);
    assert!(body["error"]["details"]["user_message_id"].is_string(), "the message can be retried: {body}");
    assert_eq!(app.count("SELECT count(*) FROM messages WHERE role = 'user'").await, 1, "the message is kept");
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 0, "no quota for a timeout");
}

/// A provider answering 5xx for a while: the attempts are bounded (`LLM_MAX_ATTEMPTS`), each
/// failure is one error for the learner with nothing charged, and the next message after the
/// provider recovers is answered and charged once.
#[tokio::test]
async fn a_storm_of_provider_5xx_is_retried_a_bounded_number_of_times_and_charges_nothing() {
    use crate::fake_llm::{chat_completions, completion, learner, llm_app, tutor_answer};
    let app = llm_app(&[("LLM_MAX_ATTEMPTS", "3")]).await;
    let user = learner(&app, 9105).await;
    let failing = wiremock::ResponseTemplate::new(503).set_body_json(json!({"error": {"message": "overloaded"}}));
    // Three learner messages during the storm: three attempts each, never more.
    let storm = chat_completions().respond_with(failing).expect(9).mount_as_scoped(&app.outbound).await;
    for text in ["Hallo!", "Wie geht's?", "Danke"] {
        let started = Instant::now();
        let response = app.chat(&user, json!({"message": text})).await;
        assert_contract(response, 502, "LLM_SERVICE_ERROR").await;
        assert!(started.elapsed() < Duration::from_secs(10), "retries took {:?}", started.elapsed());
    }
    drop(storm);
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 0);

    chat_completions()
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(completion(&tutor_answer())))
        .mount(&app.outbound)
        .await;
    assert_eq!(app.chat(&user, json!({"message": "Noch einmal"})).await.status(), 200);
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 1);
    assert_eq!(app.count("SELECT count(*) FROM messages WHERE role = 'user'").await, 4, "every message kept");
}
