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

/// How a service is down: refusing connections (crashed, restarting) or accepting them and
/// never answering (hung, black-holed).
#[derive(Debug, Clone, Copy)]
enum Outage {
    Refusing,
    Hung,
}

impl Outage {
    const ALL: [Outage; 2] = [Outage::Refusing, Outage::Hung];

    fn begin(self, proxy: &FaultProxy) {
        match self {
            Outage::Refusing => proxy.cut(),
            Outage::Hung => proxy.stall(),
        }
    }
}

/// The study loop a learner goes through, each request answered 2xx within `bound`; the
/// slowest request's time.
async fn study_a_little(app: &TestApp, user: &User, card: &Value, bound: Duration) -> Duration {
    let review = json!({"card_id": card["id"], "rating": 3, "client_review_id": uuid::Uuid::now_v7()});
    let calls = [
        (Method::GET, "/api/study/queue", None),
        (Method::POST, "/api/study/review", Some(review)),
        (Method::GET, "/api/cards?limit=20", None),
        (Method::GET, "/api/me", None),
        (Method::GET, "/api/decks", None),
    ];
    let mut slowest = Duration::ZERO;
    for (method, path, body) in calls {
        let started = Instant::now();
        let response = app.call(method.clone(), path, &user.access_token, body).await;
        let took = started.elapsed();
        assert!(response.status().is_success(), "{method} {path}: {}", response.status());
        assert!(took < bound, "{method} {path} took {took:?}");
        slowest = slowest.max(took);
    }
    slowest
}

async fn learner_with_card(app: &TestApp, telegram_id: i64) -> (User, Value) {
    let user = app.sign_in(telegram_id).await;
    assert_eq!(app.create_profile(&user, "de").await.status(), 201);
    let card = add_card(app, &user, json!({"front": "lernen", "back": "учить"})).await;
    (user, card.json().await.unwrap())
}

/// Requests until one is refused with 429, at most `tries`, each within `bound`; how many it
/// took.
async fn requests_until_limited(app: &TestApp, user: &User, tries: usize, bound: Duration) -> Option<usize> {
    for n in 1..=tries {
        let started = Instant::now();
        let response = app.call(Method::GET, "/api/me", &user.access_token, None).await;
        assert!(started.elapsed() < bound, "GET /api/me took {:?}", started.elapsed());
        if response.status() == 429 {
            return Some(n);
        }
    }
    None
}

/// Polls `/ready` until it answers 200, failing after `limit`; how long that took.
async fn ready_within(app: &TestApp, limit: Duration) -> Duration {
    let started = Instant::now();
    while app.get("/ready").await.status() != 200 {
        assert!(started.elapsed() < limit, "/ready did not recover within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

/// An app whose Redis is reached through a fault proxy, with a Redis deadline of
/// `REDIS_DEADLINE`.
async fn app_behind_redis_proxy(overrides: &[(&str, &str)]) -> (TestApp, FaultProxy) {
    let redis = FaultProxy::start(REDIS).await;
    let redis_url = format!("redis://127.0.0.1:{}", redis.port());
    let deadline = REDIS_DEADLINE.as_millis().to_string();
    let mut all = vec![("REDIS_URL", redis_url.as_str()), ("REDIS_TIMEOUT_MS", deadline.as_str())];
    all.extend_from_slice(overrides);
    (spawn_app_with(&all).await, redis)
}

const REDIS_DEADLINE: Duration = Duration::from_millis(500);

/// A request's bound while Redis is down: one Redis deadline and a generous margin. A hung
/// Redis costs a request at most one deadline (the cache's breaker fails the calls after it
/// at once); waiting out each cache call would take a tutor turn seven deadlines (3.5 s).
const REQUEST_BOUND: Duration = Duration::from_secs(2);

#[tokio::test]
async fn learning_goes_on_while_redis_is_down_and_limits_hold_throughout() {
    for outage in Outage::ALL {
        let (app, redis) = app_behind_redis_proxy(&[("RATE_LIMIT_USER_PER_MINUTE", "12")]).await;
        let (user, card) = learner_with_card(&app, 9101).await;

        outage.begin(&redis);
        let slowest = study_a_little(&app, &user, &card, REQUEST_BOUND).await;
        // The process counts requests itself and only shares the counts through Redis, so the
        // limit of 12 a minute still holds while Redis is out of reach.
        assert!(requests_until_limited(&app, &user, 20, REQUEST_BOUND).await.is_some(), "{outage:?}: not limited");
        assert_eq!(app.get("/ready").await.status(), 503, "{outage:?}: /ready while Redis is down");

        redis.restore();
        // The pool reconnects by itself, without a restart; the minute's count is kept.
        let recovered = ready_within(&app, Duration::from_secs(5)).await;
        let refused = app.call(Method::GET, "/api/me", &user.access_token, None).await;
        assert_contract(refused, 429, "RATE_LIMIT_EXCEEDED").await;
        eprintln!("Redis {outage:?}: slowest study request {slowest:?}; ready again {recovered:?} after restore");
    }
}

/// Quotas while Redis is down are not enforced (docs/decisions.md, "Quotas"): the tutor goes
/// on answering past a one-message quota, every turn within the bound, and once Redis is back
/// the same app counts again and refuses the second message.
#[tokio::test]
async fn tutor_quotas_are_waived_while_redis_is_down_and_enforced_again_when_it_is_back() {
    use crate::fake_llm::{chat_completions, completion, learner, tutor_answer};
    for outage in Outage::ALL {
        let (app, redis) = app_behind_redis_proxy(&[
            ("LLM_PROVIDER", "openai"),
            ("OPENAI_API_KEY", "sk-test-key"),
            ("LLM_MAX_ATTEMPTS", "1"),
            ("FREE_DAILY_MESSAGES", "1"),
        ])
        .await;
        let user = learner(&app, 9106).await;
        chat_completions()
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(completion(&tutor_answer())))
            .mount(&app.outbound)
            .await;

        outage.begin(&redis);
        let mut slowest = Duration::ZERO;
        for text in ["eins", "zwei", "drei"] {
            let started = Instant::now();
            let response = app.chat(&user, json!({"message": text})).await;
            let took = started.elapsed();
            assert_eq!(response.status(), 200, "{outage:?}: the tutor answers while Redis is down");
            assert!(took < REQUEST_BOUND, "{outage:?}: a turn took {took:?}");
            slowest = slowest.max(took);
        }
        assert_eq!(app.count("SELECT count(*) FROM messages WHERE role = 'assistant'").await, 3, "{outage:?}");

        redis.restore();
        // /ready asks Redis itself, so once it is ready the cache counts again.
        ready_within(&app, Duration::from_secs(5)).await;
        let first = app.chat(&user, json!({"message": "vier"})).await;
        assert_eq!(first.status(), 200, "{outage:?}: the quota's one message after Redis is back");
        let refused = app.chat(&user, json!({"message": "fünf"})).await;
        assert_contract(refused, 429, "QUOTA_EXCEEDED").await;
        assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 1, "{outage:?}");
        eprintln!("Redis {outage:?}: slowest tutor turn {slowest:?}");
    }
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

    // Load: eight clients going through reads and writes (a review is a transaction) in a
    // loop, recording what they got and how long each request took, while the database is cut
    // and restored under them.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (app, token, stop, card_id) = (app.clone(), user.access_token.clone(), stop.clone(), card["id"].clone());
        clients.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for turn in 0_usize.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let review = json!({"card_id": card_id, "rating": 3, "client_review_id": uuid::Uuid::now_v7()});
                let (method, path, body) = match turn % 3 {
                    0 => (Method::GET, "/api/cards?limit=20", None),
                    1 => (Method::GET, "/api/study/queue", None),
                    _ => (Method::POST, "/api/study/review", Some(review)),
                };
                let started = Instant::now();
                let response = app.call(method, path, &token, body).await;
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
    assert_eq!(during.headers()["retry-after"], "5", "the client is told when to try again");
    assert_contract(during, 503, "SERVICE_UNAVAILABLE").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    postgres.restore();

    // Without a restart: ready again, and the study loop works.
    let back = ready_within(&app, Duration::from_secs(10)).await;
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
    eprintln!("under load while cut for 3.5 s: {statuses:?}, slowest {slowest:?}; ready {back:?} after restore");
    // Nothing but successes and 503s (never a 500), and no request waited past the connect
    // deadline (2 s) by more than a second.
    assert!(statuses.keys().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert!(statuses.get(&503).is_some_and(|n| *n > 0), "{statuses:?}");
    assert!(slowest < Duration::from_secs(3), "a request took {slowest:?} ({statuses:?})");
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
    eprintln!("slow provider: 502 after {took:?}");
    let body = assert_contract(response, 502, "LLM_SERVICE_ERROR").await;
    // Two attempts of 1 s and the backoff between them, far from the provider's 20 s.
    assert!(took < Duration::from_secs(6), "the tutor answered after {took:?}");
    drop(hung);
    let message_id = body["error"]["details"]["user_message_id"].clone();
    assert!(message_id.is_string(), "the message can be retried: {body}");
    assert_eq!(app.count("SELECT count(*) FROM messages WHERE role = 'user'").await, 1, "the message is kept");
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 0, "no quota for a timeout");

    // The provider answers again: the kept message gets its reply, charged once.
    chat_completions()
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(completion(&tutor_answer())))
        .mount(&app.outbound)
        .await;
    let retried = app.chat(&user, json!({"retry_message_id": message_id})).await;
    assert_eq!(retried.status(), 200);
    let reply: Value = retried.json().await.unwrap();
    assert_eq!(reply["user_message"]["id"], message_id);
    assert_eq!(app.count("SELECT count(*) FROM messages WHERE role = 'user'").await, 1, "no second copy");
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 1);
}

/// The same on the streamed route: the stream, already started, ends with an error frame
/// within the attempts' deadlines, the message is kept and nothing is charged.
#[tokio::test]
async fn a_slow_provider_ends_a_streamed_turn_with_an_error_frame_in_bounded_time() {
    use crate::fake_llm::{chat_completions, completion_stream, learner, llm_app, tutor_answer};
    let app = llm_app(&[("LLM_TIMEOUT_SECONDS", "1"), ("LLM_MAX_ATTEMPTS", "2")]).await;
    let user = learner(&app, 9107).await;
    let slow = wiremock::ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_string(completion_stream(&tutor_answer(), 8))
        .set_delay(Duration::from_secs(20));
    let _hung = chat_completions().respond_with(slow).mount_as_scoped(&app.outbound).await;

    let started = Instant::now();
    let frames = app.sse("/api/sessions/chat", &user, json!({"message": "Hallo!"}), None).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "the stream ended after {took:?}");
    let events: Vec<&str> = frames.iter().map(|(event, _)| event.as_str()).collect();
    assert_eq!(events, ["user_message", "error"]);
    let error = &frames[1].1["error"];
    assert_eq!(error["code"], "LLM_SERVICE_ERROR");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    assert_eq!(error["details"]["user_message_id"], frames[0].1["id"]);
    assert_eq!(app.count("SELECT count(*) FROM messages WHERE role = 'user'").await, 1, "the message is kept");
    assert_eq!(app.me(&user).await["limits"]["messages"]["used"], 0, "no quota for a timeout");
    eprintln!("slow provider, streamed: error frame after {took:?}");
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
    let mut slowest = Duration::ZERO;
    for text in ["Hallo!", "Wie geht's?", "Danke"] {
        let started = Instant::now();
        let response = app.chat(&user, json!({"message": text})).await;
        assert_contract(response, 502, "LLM_SERVICE_ERROR").await;
        assert!(started.elapsed() < Duration::from_secs(10), "retries took {:?}", started.elapsed());
        slowest = slowest.max(started.elapsed());
    }
    eprintln!("5xx storm: slowest failed turn (3 attempts) {slowest:?}");
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
