//! notifier starts on the shared settings and stops cleanly on SIGTERM and SIGINT.

use test_support::process::{assert_refuses_empty_production, assert_stops_cleanly_on};

const BINARY: &str = env!("CARGO_BIN_EXE_notifier");

#[test]
fn stops_cleanly_on_sigterm() {
    assert_stops_cleanly_on(BINARY, "notifier", "TERM");
}

#[test]
fn stops_cleanly_on_sigint() {
    assert_stops_cleanly_on(BINARY, "notifier", "INT");
}

#[test]
fn refuses_a_bad_configuration_listing_every_problem() {
    assert_refuses_empty_production(BINARY);
}

/// With `METRICS_PORT` the notifier serves its own health and metrics (a token when set), and
/// its first round of jobs runs at once on the embedded defaults.
#[tokio::test(flavor = "multi_thread")]
async fn serves_health_and_metrics_on_its_own_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let dir = test_support::process::ScratchDir::new();
    let vars = [("APP_ENV", "local"), ("METRICS_PORT", port.as_str()), ("METRICS_TOKEN", "notifier-metrics-token-123")];
    let mut process = test_support::process::RunningBinary::start(BINARY, &[], &dir.0, &vars);
    process.wait_for_line("notifier health and metrics listening");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let health: serde_json::Value = client.get(format!("{base}/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let refused = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(refused.status(), 401, "the token is asked for");
    let mut text = String::new();
    for _ in 0..50 {
        let response =
            client.get(format!("{base}/metrics")).bearer_auth("notifier-metrics-token-123").send().await.unwrap();
        text = response.text().await.unwrap();
        if text.contains("lang_agent_notifier_ticks_total 1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(text.contains("lang_agent_notifier_ticks_total 1"), "{text}");
    assert!(text.contains("lang_agent_notifier_reminders_total"), "{text}");
    process.signal("TERM");
    assert!(process.wait_exit().success(), "{}", process.output());
}

/// Killed (SIGKILL) while draining the outbox, the notifier loses no message: started again,
/// it sends the rest once the dead process's lease runs out. Only the message whose send had
/// reached Telegram when the process died can go out twice (at least once for a message in
/// flight, exactly once for the rest).
#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_drain_it_loses_no_message_and_repeats_at_most_the_one_in_flight() {
    use std::time::Duration;

    use sea_orm::ConnectionTrait;
    use test_support::bot_api::{BOT_TOKEN, FakeBotApi};
    use test_support::process::eventually;
    let db = test_support::TestDatabase::migrated().await;
    let conn = sea_orm::Database::connect(db.url.as_str()).await.unwrap();
    conn.execute_unprepared(
        "INSERT INTO outbox (id, chat_id, kind, payload, not_before, created_at) \
         SELECT gen_random_uuid(), 5100 + n, 'streak_reminder', \
                json_build_object('html', 'Напоминание ' || n)::text, now() - interval '1 minute', now() \
         FROM generate_series(1, 5) AS n",
    )
    .await
    .unwrap();
    let telegram = FakeBotApi::start_with_send_delay(Vec::new(), Duration::from_millis(700)).await;
    let dir = test_support::process::ScratchDir::new();
    let uri = telegram.uri();
    let vars = [
        ("APP_ENV", "local"),
        ("DATABASE_URL", db.url.as_str()),
        ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
        ("TELEGRAM_API_BASE_URL", uri.as_str()),
        ("NOTIFICATION_WORKER_INTERVAL_SECONDS", "1"),
        ("OUTBOX_LEASE_SECONDS", "5"),
    ];
    let sends = || async { telegram.calls("sendMessage").await.len() };

    let mut first = test_support::process::RunningBinary::start(BINARY, &[], &dir.0, &vars);
    eventually(Duration::from_secs(20), "the outbox being drained", || async { sends().await >= 2 }).await;
    first.signal("KILL");
    first.wait_exit();

    let mut second = test_support::process::RunningBinary::start(BINARY, &[], &dir.0, &vars);
    let pending = || async {
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    eventually(Duration::from_secs(25), "every message sent", || async { pending().await == 0 }).await;
    let mut per_chat = std::collections::BTreeMap::new();
    for body in telegram.calls("sendMessage").await {
        *per_chat.entry(body["chat_id"].as_i64().unwrap()).or_insert(0) += 1;
    }
    assert_eq!(per_chat.len(), 5, "every message arrived: {per_chat:?}");
    assert!(per_chat.values().filter(|n| **n > 1).count() <= 1, "more than the one in flight twice: {per_chat:?}");
    assert!(per_chat.values().all(|n| *n <= 2), "{per_chat:?}");
    second.signal("TERM");
    assert!(second.wait_exit().success(), "{}", second.output());
}
