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
