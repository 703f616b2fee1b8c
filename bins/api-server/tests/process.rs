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
