//! notifier starts on the shared settings and stops cleanly on SIGTERM and SIGINT.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use test_support::process::{RunningBinary, ScratchDir};

fn stops_cleanly_on(signal: &str) {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(
        env!("CARGO_BIN_EXE_notifier"),
        &[],
        &dir.0,
        &[("APP_ENV", "local")],
    );
    process.wait_for_line("notifier started");
    process.signal(signal);
    let status = process.wait_exit();
    assert!(
        status.success(),
        "exit {status:?}; output:\n{}",
        process.output()
    );
    assert!(
        process.output().contains("notifier stopped"),
        "{}",
        process.output()
    );
}

#[test]
fn stops_cleanly_on_sigterm() {
    stops_cleanly_on("TERM");
}

#[test]
fn stops_cleanly_on_sigint() {
    stops_cleanly_on("INT");
}

#[test]
fn refuses_a_bad_configuration_listing_every_problem() {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(
        env!("CARGO_BIN_EXE_notifier"),
        &[],
        &dir.0,
        &[("APP_ENV", "production")],
    );
    let status = process.wait_exit();
    assert_eq!(status.code(), Some(2));
    let output = process.output();
    assert!(
        output.contains("DATABASE_URL is required") && output.contains("SECRET_KEY is required"),
        "{output}"
    );
}
