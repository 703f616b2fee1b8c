//! initData validation against vectors produced by independent implementations
//! (`scripts/testdata/init-data-vectors.mjs`: @telegram-apps/init-data-node and Node's Ed25519),
//! plus round trips through our own signer for the shapes the vectors do not cover.

use chrono::{DateTime, Duration, Utc};
use secrecy::SecretString;
use serde::Deserialize;
use services::auth::{InitDataError, InitDataVerifier, sign_with_bot_token};

#[derive(Deserialize)]
struct Vectors {
    bot_token: String,
    bot_id: i64,
    now: i64,
    max_age_seconds: i64,
    third_party_public_key_hex: String,
    expected_user: ExpectedUser,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct ExpectedUser {
    id: i64,
    first_name: String,
    last_name: String,
    username: String,
    language_code: String,
    photo_url: String,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    init_data: String,
    expect: String,
    /// `first_party` (holds the bot token) or `third_party` (knows the bot id only).
    verifier: String,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!("data/init_data_vectors.json")).unwrap()
}

fn verifier(v: &Vectors, case: &Case) -> InitDataVerifier {
    match case.verifier.as_str() {
        "first_party" => InitDataVerifier::new(&SecretString::from(v.bot_token.clone()), v.max_age_seconds),
        "third_party" => InitDataVerifier::third_party(v.bot_id, v.max_age_seconds)
            .with_third_party_keys(&[v.third_party_public_key_hex.as_str()]),
        other => panic!("unknown verifier {other}"),
    }
}

#[test]
fn every_independent_vector_gets_the_expected_verdict() {
    let v = vectors();
    let now = DateTime::from_timestamp(v.now, 0).unwrap();
    assert!(v.cases.len() >= 20);
    for case in &v.cases {
        let result = verifier(&v, case).verify(&case.init_data, now);
        let verdict = match &result {
            Ok(_) => "ok",
            Err(InitDataError::BadSignature) => "bad_signature",
            Err(InitDataError::Malformed(_) | InitDataError::Stale | InitDataError::FutureDated) => "malformed",
        };
        assert_eq!(verdict, case.expect, "case {}: {result:?}", case.name);
    }
}

#[test]
fn a_valid_vector_yields_the_user_exactly() {
    let v = vectors();
    let now = DateTime::from_timestamp(v.now, 0).unwrap();
    let case = v.cases.iter().find(|c| c.name == "valid_with_start_param").unwrap();
    let verified = verifier(&v, case).verify(&case.init_data, now).unwrap();
    let account = verified.account;
    assert_eq!(account.telegram_id, v.expected_user.id);
    assert_eq!(account.first_name, v.expected_user.first_name);
    assert_eq!(account.last_name.as_deref(), Some(v.expected_user.last_name.as_str()));
    assert_eq!(account.username.as_deref(), Some(v.expected_user.username.as_str()));
    assert_eq!(account.language_code.as_deref(), Some(v.expected_user.language_code.as_str()));
    assert_eq!(account.photo_url.as_deref(), Some(v.expected_user.photo_url.as_str()));
    assert_eq!(verified.start_param.as_deref(), Some("g_ABC123"));
}

#[test]
fn stale_and_future_dated_vectors_are_told_apart() {
    let v = vectors();
    let now = DateTime::from_timestamp(v.now, 0).unwrap();
    let check = |name: &str| {
        let case = v.cases.iter().find(|c| c.name == name).unwrap();
        verifier(&v, case).verify(&case.init_data, now).unwrap_err()
    };
    assert_eq!(check("stale"), InitDataError::Stale);
    assert_eq!(check("future_dated"), InitDataError::FutureDated);
    assert_eq!(check("third_party_stale"), InitDataError::Stale);
    assert!(matches!(check("signature_without_hash"), InitDataError::Malformed(m) if m.contains("hash")));
    assert!(matches!(check("third_party_no_hash"), InitDataError::Malformed(m) if m.contains("hash")));
}

#[test]
fn telegrams_own_keys_reject_a_signature_made_with_another_key() {
    let v = vectors();
    let now = DateTime::from_timestamp(v.now, 0).unwrap();
    let case = v.cases.iter().find(|c| c.name == "third_party_valid").unwrap();
    let with_telegram_keys = InitDataVerifier::third_party(v.bot_id, v.max_age_seconds);
    assert_eq!(with_telegram_keys.verify(&case.init_data, now).unwrap_err(), InitDataError::BadSignature);
}

#[test]
fn our_signer_round_trips_and_tolerates_small_clock_skew() {
    let token = SecretString::from("1000000001:AAlocal-development-bot-token-xxxxxx".to_owned());
    let verifier = InitDataVerifier::new(&token, 86_400);
    let now: DateTime<Utc> = "2026-11-27T12:00:00Z".parse().unwrap();
    let sign = |at: DateTime<Utc>| {
        sign_with_bot_token(
            &token,
            &[("auth_date", at.timestamp().to_string()), ("user", r#"{"id":7,"first_name":"Ива́н"}"#.to_owned())],
        )
    };
    let verified = verifier.verify(&sign(now + Duration::seconds(30)), now).unwrap();
    assert_eq!(verified.account.telegram_id, 7);
    assert_eq!(verified.account.first_name, "Ива́н");
    assert_eq!(verifier.verify(&sign(now + Duration::seconds(90)), now).unwrap_err(), InitDataError::FutureDated);
    let other = InitDataVerifier::new(
        &SecretString::from("1000000002:AAlocal-development-bot-token-xxxxxx".to_owned()),
        86_400,
    );
    assert_eq!(other.verify(&sign(now), now).unwrap_err(), InitDataError::BadSignature);
}
