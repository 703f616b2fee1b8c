//! bot-poller starts on the shared settings and stops cleanly on SIGTERM and SIGINT.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use test_support::process::{assert_refuses_empty_production, assert_stops_cleanly_on};

const BINARY: &str = env!("CARGO_BIN_EXE_bot-poller");

#[test]
fn stops_cleanly_on_sigterm() {
    assert_stops_cleanly_on(BINARY, "bot-poller", "TERM");
}

#[test]
fn stops_cleanly_on_sigint() {
    assert_stops_cleanly_on(BINARY, "bot-poller", "INT");
}

#[test]
fn refuses_a_bad_configuration_listing_every_problem() {
    assert_refuses_empty_production(BINARY);
}

/// bot-poller alone on the embedded defaults is a whole bot: it registers its commands, drops
/// any webhook (keeping pending updates), polls, stores, handles and answers.
#[tokio::test(flavor = "multi_thread")]
async fn answers_a_polled_start_on_the_embedded_defaults() {
    use test_support::bot_api::{BOT_TOKEN, FakeBotApi, start_update};
    let telegram = FakeBotApi::start(vec![start_update(500, 4242)]).await;
    let dir = test_support::process::ScratchDir::new();
    let uri = telegram.uri();
    let vars = [
        ("APP_ENV", "local"),
        ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
        ("TELEGRAM_API_BASE_URL", uri.as_str()),
        ("MINI_APP_URL", "https://app.example.org/"),
    ];
    let mut process = test_support::process::RunningBinary::start(BINARY, &[], &dir.0, &vars);
    process.wait_for_line("bot-poller started");
    let answer = telegram.wait_for("sendMessage", |b| b["chat_id"] == 4242).await;
    assert!(answer["text"].as_str().unwrap().starts_with("Hi, Ann!"), "{answer}");
    assert_eq!(answer["parse_mode"], "HTML");
    let deleted = telegram.wait_for("deleteWebhook", |_| true).await;
    assert_eq!(deleted["drop_pending_updates"], false);
    telegram.wait_for("setMyCommands", |b| b["language_code"] == "en").await;
    telegram.wait_for("setChatMenuButton", |b| b["menu_button"]["web_app"]["url"] == "https://app.example.org/").await;
    // The update is confirmed on the next poll.
    telegram.wait_for("getUpdates", |b| b["offset"] == 501).await;
    process.signal("TERM");
    assert!(process.wait_exit().success(), "{}", process.output());
    assert!(!process.output().contains(BOT_TOKEN.split(':').nth(1).unwrap()), "the token reached the logs");
}

/// With `METRICS_PORT` bot-poller serves `/health` (its poll rounds keep ending) and
/// `/metrics` behind the token: its rounds, the Bot API calls by method and outcome, and the
/// inbox and outbox backlog sampled at scrape time.
#[tokio::test(flavor = "multi_thread")]
async fn serves_health_and_metrics_on_its_own_port() {
    use test_support::bot_api::{BOT_TOKEN, FakeBotApi, start_update};
    let telegram = FakeBotApi::start(vec![start_update(600, 4343)]).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let dir = test_support::process::ScratchDir::new();
    let uri = telegram.uri();
    let vars = [
        ("APP_ENV", "local"),
        ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
        ("TELEGRAM_API_BASE_URL", uri.as_str()),
        ("METRICS_PORT", port.as_str()),
        ("METRICS_TOKEN", "poller-metrics-token-123"),
    ];
    let mut process = test_support::process::RunningBinary::start(BINARY, &[], &dir.0, &vars);
    process.wait_for_line("bot-poller health and metrics listening");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let refused = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(refused.status(), 401, "the token is asked for");
    let answered = telegram.wait_for("sendMessage", |b| b["chat_id"] == 4343).await;
    assert!(!answered["text"].as_str().unwrap().is_empty());
    let expected = [
        r#"lang_agent_bot_poller_rounds_total{outcome="stored"}"#,
        r#"lang_agent_telegram_api_calls_total{method="getUpdates",outcome="ok"}"#,
        r#"lang_agent_telegram_api_calls_total{method="sendMessage",outcome="ok"}"#,
        "lang_agent_inbox_depth ",
        "lang_agent_outbox_oldest_age_seconds ",
    ];
    let mut text = String::new();
    for _ in 0..100 {
        let response = client.get(format!("{base}/metrics")).bearer_auth("poller-metrics-token-123").send().await;
        text = response.unwrap().text().await.unwrap();
        if expected.iter().all(|line| text.contains(line)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for line in expected {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }
    let heartbeat = text
        .lines()
        .find_map(|l| l.strip_prefix("lang_agent_bot_poller_last_round_timestamp_seconds "))
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap();
    assert!((chrono_now() - heartbeat).abs() < 120, "the heartbeat is a recent unix time: {heartbeat}");
    process.signal("TERM");
    assert!(process.wait_exit().success(), "{}", process.output());
}

fn chrono_now() -> i64 {
    i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap()
}

/// Killed (SIGKILL) while answering, bot-poller loses nothing: started again on the same
/// database, it answers every stored update once the dead process's lease on the one in flight
/// runs out. Only that one update, whose answer had reached Telegram when the process died,
/// can be answered twice: at least once for an update in flight, exactly once for the rest.
#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_work_it_loses_no_update_and_repeats_at_most_the_one_in_flight() {
    use std::time::Duration;
    use test_support::bot_api::{BOT_TOKEN, FakeBotApi, command_update};
    use test_support::process::eventually;
    const CHAT: i64 = 4343;
    let updates = (0..4).map(|n| command_update(700 + n, CHAT, "/help")).collect();
    // Slow answers, so the process dies with one of them under way.
    let telegram = FakeBotApi::start_with_send_delay(updates, Duration::from_millis(700)).await;
    let dir = test_support::process::ScratchDir::new();
    let uri = telegram.uri();
    let vars = [
        ("APP_ENV", "local"),
        ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
        ("TELEGRAM_API_BASE_URL", uri.as_str()),
        ("MINI_APP_URL", "https://app.example.org/"),
        ("INBOX_LEASE_SECONDS", "5"),
    ];
    let answers = || async { telegram.calls("sendMessage").await.into_iter().filter(|b| b["chat_id"] == CHAT).count() };

    let mut first = test_support::process::RunningBinary::start(BINARY, &[], &dir.0, &vars);
    first.wait_for_line("bot-poller started");
    eventually(Duration::from_secs(20), "a second answer", || async { answers().await >= 2 }).await;
    first.signal("KILL");
    first.wait_exit();

    let mut second = test_support::process::RunningBinary::start(BINARY, &[], &dir.0, &vars);
    second.wait_for_line("bot-poller started");
    eventually(Duration::from_secs(25), "all four answered", || async { answers().await >= 4 }).await;
    // Time for any further (doubled) answer to show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let total = answers().await;
    assert!(total == 4 || total == 5, "{total} answers to 4 updates");
    second.signal("TERM");
    assert!(second.wait_exit().success(), "{}", second.output());
}
