//! The api-server binary as an operator runs it: embedded defaults, `migrate`, signals and
//! a refused configuration.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use test_support::process::{RunningBinary, ScratchDir};

const BINARY: &str = env!("CARGO_BIN_EXE_api-server");

fn listening_url(process: &mut RunningBinary) -> String {
    let line = process.wait_for_line("api-server is listening");
    let json: serde_json::Value = serde_json::from_str(&line).expect("a JSON log line");
    json["url"].as_str().expect("the URL is logged").to_owned()
}

/// A fresh directory, no database or Redis configured: SQLite under ./data, in-memory cache.
#[tokio::test]
async fn runs_on_embedded_defaults_and_stops_on_sigterm() {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(BINARY, &[], &dir.0, &[("PORT", "0")]);
    let url = listening_url(&mut process);
    assert!(dir.0.join("data/lang-agent.db").exists(), "the SQLite file is created under ./data");

    let client = reqwest::Client::new();
    for path in ["/health", "/ready", "/metrics", "/api/openapi.json"] {
        let response = client.get(format!("{url}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    process.signal("TERM");
    let status = process.wait_exit();
    assert!(status.success(), "exit {status:?}:\n{}", process.output());
    assert!(process.output().contains("api-server stopped"));
}

#[tokio::test]
async fn stops_cleanly_on_sigint() {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(BINARY, &[], &dir.0, &[("PORT", "0")]);
    listening_url(&mut process);
    process.signal("INT");
    assert!(process.wait_exit().success(), "{}", process.output());
}

#[test]
fn migrate_applies_the_migrations_and_exits() {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(BINARY, &["migrate"], &dir.0, &[("RUN_MIGRATIONS", "false")]);
    let status = process.wait_exit();
    assert!(status.success(), "{}", process.output());
    assert!(process.output().contains("migrations are up to date"), "{}", process.output());
    assert!(dir.0.join("data/lang-agent.db").exists());
}

#[test]
fn refuses_a_bad_configuration_listing_every_problem_without_secrets() {
    let dir = ScratchDir::new();
    let vars = [("APP_ENV", "production"), ("SECRET_KEY", "short-secret-value"), ("PORT", "http")];
    let mut process = RunningBinary::start(BINARY, &[], &dir.0, &vars);
    let status = process.wait_exit();
    assert_eq!(status.code(), Some(2));
    let output = process.output();
    for needle in ["DATABASE_URL is required", "SECRET_KEY must be at least 32 bytes", "PORT must be a port number"] {
        assert!(output.contains(needle), "{needle} missing from:\n{output}");
    }
    assert!(!output.contains("short-secret-value"), "{output}");
}

#[test]
fn an_unknown_command_prints_usage() {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(BINARY, &["frobnicate"], &dir.0, &[]);
    assert_eq!(process.wait_exit().code(), Some(2));
    assert!(process.output().contains("usage: api-server"));
}

/// With a webhook secret and URL, api-server registers the webhook (secret, allowed updates,
/// pending updates kept), stores what Telegram posts, and answers it through the processor.
#[tokio::test(flavor = "multi_thread")]
async fn answers_an_update_posted_to_its_webhook() {
    use test_support::bot_api::{BOT_TOKEN, FakeBotApi, start_update};
    let telegram = FakeBotApi::start(vec![]).await;
    let dir = ScratchDir::new();
    let uri = telegram.uri();
    let vars = [
        ("PORT", "0"),
        ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
        ("TELEGRAM_API_BASE_URL", uri.as_str()),
        ("TELEGRAM_WEBHOOK_SECRET", "webhook-secret_1"),
        ("TELEGRAM_WEBHOOK_URL", "https://api.example.org/telegram/webhook"),
    ];
    let mut process = RunningBinary::start(BINARY, &[], &dir.0, &vars);
    let url = listening_url(&mut process);
    let registered = telegram.wait_for("setWebhook", |_| true).await;
    assert_eq!(registered["url"], "https://api.example.org/telegram/webhook");
    assert_eq!(registered["secret_token"], "webhook-secret_1");
    assert_eq!(registered["drop_pending_updates"], false);

    let client = reqwest::Client::new();
    let post = |secret: &'static str| {
        client
            .post(format!("{url}/telegram/webhook"))
            .header("X-Telegram-Bot-Api-Secret-Token", secret)
            .json(&start_update(900, 5151))
    };
    assert_eq!(post("wrong").send().await.unwrap().status(), 401);
    assert_eq!(post("webhook-secret_1").send().await.unwrap().status(), 200);
    assert_eq!(post("webhook-secret_1").send().await.unwrap().status(), 200, "a redelivery is acknowledged too");
    let answer = telegram.wait_for("sendMessage", |b| b["chat_id"] == 5151).await;
    assert!(answer["text"].as_str().unwrap().starts_with("Hi, Ann!"), "{answer}");
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let answers = telegram.calls("sendMessage").await.into_iter().filter(|b| b["chat_id"] == 5151).count();
    assert_eq!(answers, 1, "the redelivered update is answered once");
    process.signal("TERM");
    assert!(process.wait_exit().success(), "{}", process.output());
    assert!(!process.output().contains(BOT_TOKEN.split(':').nth(1).unwrap()), "the token reached the logs");
}

/// The webhook's processor killed (SIGKILL) while answering: started again, api-server
/// answers every update it had acknowledged, once the dead process's lease on the one in flight
/// runs out; only that one can be answered twice. Telegram is never asked to redeliver: the
/// updates were stored before the 200.
#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_work_it_answers_every_acknowledged_update() {
    use std::time::Duration;
    use test_support::bot_api::{BOT_TOKEN, FakeBotApi, command_update};
    use test_support::process::eventually;
    const CHAT: i64 = 5252;
    let telegram = FakeBotApi::start_with_send_delay(Vec::new(), Duration::from_millis(700)).await;
    let dir = ScratchDir::new();
    let uri = telegram.uri();
    let vars = [
        ("PORT", "0"),
        ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
        ("TELEGRAM_API_BASE_URL", uri.as_str()),
        ("TELEGRAM_WEBHOOK_SECRET", "webhook-secret_1"),
        ("INBOX_LEASE_SECONDS", "5"),
    ];
    let answers = || async { telegram.calls("sendMessage").await.into_iter().filter(|b| b["chat_id"] == CHAT).count() };

    let mut first = RunningBinary::start(BINARY, &[], &dir.0, &vars);
    let url = listening_url(&mut first);
    let client = reqwest::Client::new();
    for n in 0..4 {
        let posted = client
            .post(format!("{url}/telegram/webhook"))
            .header("X-Telegram-Bot-Api-Secret-Token", "webhook-secret_1")
            .json(&command_update(950 + n, CHAT, "/help"))
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 200);
    }
    eventually(Duration::from_secs(20), "a second answer", || async { answers().await >= 2 }).await;
    first.signal("KILL");
    first.wait_exit();

    let mut second = RunningBinary::start(BINARY, &[], &dir.0, &vars);
    listening_url(&mut second);
    eventually(Duration::from_secs(25), "all four answered", || async { answers().await >= 4 }).await;
    // Time for any further (doubled) answer to show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let total = answers().await;
    assert!(total == 4 || total == 5, "{total} answers to 4 updates");
    second.signal("TERM");
    assert!(second.wait_exit().success(), "{}", second.output());
}

/// `api-server healthcheck` is the container's probe: 0 against a server that answers
/// `/health`, 1 (with the reason) when nothing listens, in seconds either way.
#[tokio::test]
async fn healthcheck_probes_the_running_server() {
    let dir = ScratchDir::new();
    let mut server = RunningBinary::start(BINARY, &[], &dir.0, &[("PORT", "0")]);
    let url = listening_url(&mut server);
    let port = url.rsplit(':').next().unwrap().trim_end_matches('/').to_owned();
    let probe = |port: &str| {
        std::process::Command::new(BINARY).arg("healthcheck").env_clear().env("PORT", port).output().unwrap()
    };
    let healthy = probe(&port);
    assert!(healthy.status.success(), "{}", String::from_utf8_lossy(&healthy.stderr));
    server.signal("TERM");
    assert!(server.wait_exit().success());

    let started = std::time::Instant::now();
    let refused = probe(&port);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unhealthy"), "the reason is given");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let nonsense = probe("http");
    assert_eq!(nonsense.status.code(), Some(1));
}
