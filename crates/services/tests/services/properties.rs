//! initData over arbitrary input: whatever a user's Telegram profile holds (any Unicode, `&`,
//! `=`, `%`, quotes, empty or long names), data signed with the bot token (or with Telegram's
//! Ed25519 key, for a verifier that knows only the bot's id) verifies and gives back that user;
//! any change to a field, the hash or the signature is refused; any string at all is refused
//! with a typed error, never a panic, and never told whether it would have been fresh; data
//! older than the allowed age is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::{Signer, SigningKey};
use proptest::prelude::*;
use secrecy::SecretString;
use services::auth::{InitDataError, InitDataVerifier, VerifiedInitData, sign_with_bot_token};

const TOKEN: &str = "123456789:AAHk3lQ9zX2mN8pR4tV6wY1bC5dF7gJ0sLu";
const MAX_AGE: i64 = 86_400;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_320_000, 0).unwrap()
}

fn verifier() -> InitDataVerifier {
    InitDataVerifier::new(&SecretString::from(TOKEN), MAX_AGE)
}

/// Text a profile can hold, including everything a query string has to escape.
fn profile_text() -> impl Strategy<Value = String> {
    prop_oneof!["[\\PC]{0,40}", "[&=%+#?;/ \"'\\\\<>]{0,10}", Just(String::new()), "[a-zA-Zа-яё]{1,64}",]
}

#[derive(Debug, Clone)]
struct Profile {
    id: i64,
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    language_code: Option<String>,
    start_param: Option<String>,
}

fn profile() -> impl Strategy<Value = Profile> {
    (
        1_i64..=9_007_199_254_740_991,
        "[\\PC]{1,40}",
        proptest::option::of(profile_text()),
        proptest::option::of("[a-zA-Z0-9_]{5,32}"),
        proptest::option::of("[a-z]{2}(-[A-Z]{2})?"),
        proptest::option::of("[A-Za-z0-9_-]{1,64}"),
    )
        .prop_map(|(id, first_name, last_name, username, language_code, start_param)| Profile {
            id,
            first_name,
            last_name,
            username,
            language_code,
            start_param,
        })
}

/// The fields as Telegram sends them for `profile`, dated `age` seconds before [`now`].
fn fields(profile: &Profile, age: i64) -> Vec<(&'static str, String)> {
    let mut user = serde_json::json!({"id": profile.id, "first_name": profile.first_name});
    if let Some(v) = &profile.last_name {
        user["last_name"] = v.clone().into();
    }
    if let Some(v) = &profile.username {
        user["username"] = v.clone().into();
    }
    if let Some(v) = &profile.language_code {
        user["language_code"] = v.clone().into();
    }
    let mut fields = vec![
        ("query_id", "AAHdF6IQAAAAAN0XohDhrOrc".to_owned()),
        ("user", user.to_string()),
        ("auth_date", (now().timestamp() - age).to_string()),
    ];
    if let Some(v) = &profile.start_param {
        fields.push(("start_param", v.clone()));
    }
    fields
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn signed_data_verifies_and_gives_back_the_same_user(profile in profile(), age in 0_i64..MAX_AGE) {
        let raw = sign_with_bot_token(&SecretString::from(TOKEN), &fields(&profile, age));
        let verified = verifier().verify(&raw, now()).map_err(|e| TestCaseError::fail(format!("{e}: {raw}")))?;
        prop_assert_eq!(verified.account.telegram_id, profile.id);
        prop_assert_eq!(&verified.account.first_name, &profile.first_name);
        // An empty optional name is no name (as the users table keeps it).
        let present = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        prop_assert_eq!(verified.account.last_name, present(&profile.last_name));
        prop_assert_eq!(&verified.account.username, &profile.username);
        prop_assert_eq!(&verified.account.language_code, &profile.language_code);
        prop_assert_eq!(&verified.start_param, &profile.start_param);
        prop_assert_eq!(verified.auth_date, now() - Duration::seconds(age));
    }

    #[test]
    fn a_changed_field_or_hash_is_refused(profile in profile(), which in 0_usize..4, position in any::<usize>()) {
        let fields = fields(&profile, 60);
        let raw = sign_with_bot_token(&SecretString::from(TOKEN), &fields);
        let tampered = match which {
            // Another user id, keeping everything else (the classic impersonation).
            0 => raw.replacen(&format!("%22id%22%3A{}", profile.id), &format!("%22id%22%3A{}", profile.id + 1), 1),
            // Another date.
            1 => raw.replacen(&format!("auth_date={}", now().timestamp() - 60), &format!("auth_date={}", now().timestamp() - 59), 1),
            // One character of the hash changed.
            2 => {
                let at = raw.rfind("hash=").unwrap() + 5 + position % 64;
                let mut bytes = raw.into_bytes();
                bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
                String::from_utf8(bytes).unwrap()
            }
            // A field added after signing.
            _ => format!("{raw}&chat_type=private"),
        };
        let result = verifier().verify(&tampered, now());
        prop_assert!(matches!(result, Err(InitDataError::BadSignature)), "{result:?} for {tampered}");
    }

    #[test]
    fn data_older_than_allowed_is_refused(profile in profile(), late in 1_i64..10_000_000) {
        let raw = sign_with_bot_token(&SecretString::from(TOKEN), &fields(&profile, MAX_AGE + late));
        prop_assert!(matches!(verifier().verify(&raw, now()), Err(InitDataError::Stale)));
    }
}

/// Unsigned data is refused as malformed or forged, before its date is looked at (so a forger
/// learns nothing about freshness).
fn refused_unread(result: &Result<VerifiedInitData, InitDataError>) -> bool {
    matches!(result, Err(InitDataError::Malformed(_) | InitDataError::BadSignature))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_string_is_refused_without_panicking(raw in "\\PC{0,300}") {
        let result = verifier().verify(&raw, now());
        prop_assert!(refused_unread(&result), "{result:?}");
    }

    #[test]
    fn query_shaped_garbage_is_refused_without_panicking(
        pairs in proptest::collection::vec(("[a-z_]{0,12}", "[\\PC&=%]{0,40}"), 0..8),
        hash in proptest::option::of("[0-9a-f]{64}"),
    ) {
        let mut raw = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        if let Some(hash) = hash {
            raw.push_str(&format!("&hash={hash}"));
        }
        let result = verifier().verify(&raw, now());
        prop_assert!(refused_unread(&result), "{result:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any one character of signed data replaced: refused, or (a percent escape written in the
    /// other case, `%2C` for `%2c`) the very same data.
    #[test]
    fn signed_data_with_any_character_changed_is_refused_or_unchanged(
        profile in profile(),
        at in any::<prop::sample::Index>(),
        ch in prop_oneof![Just('&'), Just('='), Just('%'), Just('+'), prop::char::range('0', '9'), prop::char::range('A', 'F'), any::<char>()],
    ) {
        let raw = sign_with_bot_token(&SecretString::from(TOKEN), &fields(&profile, 60));
        let original = verifier().verify(&raw, now()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut chars: Vec<char> = raw.chars().collect();
        let i = at.index(chars.len());
        prop_assume!(chars[i] != ch);
        chars[i] = ch;
        let changed: String = chars.into_iter().collect();
        match verifier().verify(&changed, now()) {
            Ok(verified) => prop_assert_eq!(verified, original, "{} accepted", changed),
            Err(e) => prop_assert!(matches!(e, InitDataError::Malformed(_) | InitDataError::BadSignature), "{e:?}"),
        }
    }

}

proptest! {
    // Ed25519 in a debug build is slow: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The third-party check: signed with Telegram's Ed25519 key (here one of our own, any)
    /// for this bot, the data verifies; for another bot, or with a field changed, it does not.
    #[test]
    fn data_signed_for_the_bot_by_telegrams_key_verifies(
        profile in profile(),
        key in any::<[u8; 32]>(),
        bot_id in 1_i64..=9_999_999_999,
        which in 0_usize..3,
    ) {
        let key = SigningKey::from_bytes(&key);
        let public = hex::encode(key.verifying_key().as_bytes());
        let mut pairs = fields(&profile, 60);
        let mut lines: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.sort();
        let message = format!("{bot_id}:WebAppData\n{}", lines.join("\n"));
        pairs.push(("signature", URL_SAFE_NO_PAD.encode(key.sign(message.as_bytes()).to_bytes())));
        // Telegram sends the bot-token hash too; a third party cannot check it and skips it.
        pairs.push(("hash", "0".repeat(64)));
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            query.append_pair(k, v);
        }
        let raw = query.finish();
        let ours = InitDataVerifier::third_party(bot_id, MAX_AGE).with_third_party_keys(&[&public]);
        let verified = ours.verify(&raw, now()).map_err(|e| TestCaseError::fail(format!("{e}: {raw}")))?;
        prop_assert_eq!(verified.account.telegram_id, profile.id);
        prop_assert_eq!(&verified.account.first_name, &profile.first_name);
        prop_assert_eq!(&verified.start_param, &profile.start_param);
        let refused = match which {
            0 => InitDataVerifier::third_party(bot_id + 1, MAX_AGE).with_third_party_keys(&[&public]).verify(&raw, now()),
            1 => ours.verify(&format!("{raw}&chat_type=private"), now()),
            // Telegram's real keys did not sign it.
            _ => InitDataVerifier::third_party(bot_id, MAX_AGE).verify(&raw, now()),
        };
        prop_assert_eq!(refused, Err(InitDataError::BadSignature));
    }
}
