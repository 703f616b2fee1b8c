use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Once};

use actix_web::{HttpServer, web};
use api::{AppState, Application, build_app};
use config::Settings;
use services::{ManualClock, SystemClock};
use test_support::TestDatabase;
use wiremock::MockServer;

pub const MINI_APP_ORIGIN: &str = "https://app.example.org";
pub const METRICS_TOKEN: &str = "metrics-token-0123456789abcdef";

pub struct TestApp {
    pub address: String,
    pub db_url: String,
    pub bot_token: secrecy::SecretString,
    /// The app's clock: tests move it instead of sleeping.
    pub clock: ManualClock,
    pub port: u16,
    pub metrics_port: Option<u16>,
    /// Where the metrics listener is bound.
    pub metrics_ip: Option<std::net::IpAddr>,
    pub client: reqwest::Client,
    /// Stands in for every outbound HTTP dependency (Telegram Bot API, LLM providers).
    pub outbound: MockServer,
    /// Held so the database outlives the app; dropped (and deleted) with it.
    _db: TestDatabase,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request failed")
    }

    /// A POST whose body is `body` as it is (a file upload), with its declared type.
    pub async fn post_bytes(&self, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
        let request = self.client.post(self.url(path)).bearer_auth(token).header("content-type", content_type);
        request.body(body).send().await.expect("request failed")
    }
}

/// `TEST_LOG=1` shows the app's logs while debugging a test.
fn init_logs(settings: &Settings) {
    static ONCE: Once = Once::new();
    if std::env::var("TEST_LOG").is_ok() {
        ONCE.call_once(|| config::telemetry::init(settings, "api-test"));
    }
}

/// The settings of a test app: `APP_ENV=test`, its own database and Redis key prefix, and all
/// outbound HTTP pointed at `outbound`. `overrides` win.
pub async fn test_settings(db: &TestDatabase, outbound: &MockServer, overrides: &[(&str, &str)]) -> Settings {
    let redis_url = test_support::require_redis().await;
    let prefix = format!("test:{}:", uuid::Uuid::new_v4().simple());
    let mut vars: HashMap<String, String> = [
        ("APP_ENV", "test"),
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("WORKERS", "1"),
        ("DATABASE_URL", db.url.as_str()),
        ("DATABASE_MAX_CONNECTIONS", "4"),
        ("REDIS_URL", redis_url.as_str()),
        ("REDIS_KEY_PREFIX", prefix.as_str()),
        ("REDIS_TIMEOUT_MS", "300"),
        ("MINI_APP_ORIGINS", MINI_APP_ORIGIN),
        ("TELEGRAM_API_BASE_URL", outbound.uri().as_str()),
        ("LLM_BASE_URL", outbound.uri().as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = Settings::from_vars(vars).expect("test settings are valid");
    init_logs(&settings);
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the real `Application` (the code path `api-server` runs) on a manual clock that
/// starts at the real time, so tests can move time instead of sleeping.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    spawn_app_on(TestDatabase::migrated().await, overrides).await
}

/// As `spawn_app_with`, on a database the caller made (to reach it through a proxy, say).
pub async fn spawn_app_on(db: TestDatabase, overrides: &[(&str, &str)]) -> TestApp {
    let outbound = MockServer::start().await;
    let settings = test_settings(&db, &outbound, overrides).await;
    let bot_token = settings.telegram.bot_token.clone();
    let clock = ManualClock::new(chrono::Utc::now());
    let app = Application::build_with_clock(settings, Arc::new(clock.clone())).await.expect("the application starts");
    let port = app.port();
    let metrics_port = app.metrics_port();
    let metrics_ip = app.metrics_addr().map(|addr| addr.ip());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        db_url: db.url.clone(),
        bot_token,
        clock,
        port,
        metrics_port,
        metrics_ip,
        client: reqwest::Client::new(),
        outbound,
        _db: db,
    }
}

/// The production configuration, complete, so the strict rules apply.
pub fn production_overrides() -> Vec<(&'static str, &'static str)> {
    vec![
        ("APP_ENV", "production"),
        ("SECRET_KEY", "a-production-like-secret-key-of-enough-bytes"),
        ("TELEGRAM_BOT_TOKEN", "7000000001:AAHk3lQ9zX2mN8pR4tV6wY1bC5dF7gJ0sLu"),
        ("TELEGRAM_WEBHOOK_SECRET", "webhook-secret"),
        ("MINI_APP_URL", "https://app.example.org/"),
        ("METRICS_TOKEN", METRICS_TOKEN),
    ]
}

/// The same middleware stack and state with extra routes, for behaviour no production route
/// shows yet (a handler that panics, one that reads a JSON body).
pub async fn spawn_app_with_routes(configure: fn(&mut web::ServiceConfig)) -> TestApp {
    let db = TestDatabase::migrated().await;
    let outbound = MockServer::start().await;
    let settings = test_settings(&db, &outbound, &[]).await;
    let bot_token = settings.telegram.bot_token.clone();
    let state = AppState::new(services::App::build(settings, Arc::new(SystemClock)).await.unwrap()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || build_app(state.clone()).configure(configure))
        .listen(listener)
        .unwrap()
        .workers(1)
        .run();
    tokio::spawn(server);
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        db_url: db.url.clone(),
        bot_token,
        clock: ManualClock::new(chrono::Utc::now()),
        port,
        metrics_port: None,
        metrics_ip: None,
        client: reqwest::Client::new(),
        outbound,
        _db: db,
    }
}

/// Checks the error contract and returns the parsed body.
pub async fn assert_contract(response: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let header_id = response
        .headers()
        .get("x-request-id")
        .expect("every response carries X-Request-ID")
        .to_str()
        .unwrap()
        .to_owned();
    let content_type = response.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let body: serde_json::Value = response.json().await.expect("a JSON body");
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(error["request_id"], header_id.as_str(), "body and header ids differ: {body}");
    body
}
