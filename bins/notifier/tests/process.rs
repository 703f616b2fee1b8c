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
