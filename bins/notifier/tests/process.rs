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
