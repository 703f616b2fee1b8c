//! A storm of Telegram refusals (429 with retry_after, 502) while the outbox drains: every
//! message arrives exactly once, each chat is still sent at most once a second, and the drain
//! ends in bounded time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use repositories::outbox::{self, NewMessage};
use serde_json::json;
use telegram::reminders::drain_outbox;

use crate::Harness;
use crate::fake_telegram::{bad_gateway, too_many_requests};

#[tokio::test]
async fn a_storm_of_429s_and_502s_delivers_every_message_once_at_telegrams_pace() {
    let h = Harness::paced().await;
    let chats = [8101_i64, 8102, 8103, 8104];
    let now = chrono::Utc::now();
    for n in 0..12 {
        let chat_id = chats[n % chats.len()];
        let payload = json!({"html": format!("Напоминание {n}")}).to_string();
        let message = NewMessage { user_id: None, chat_id, kind: "streak_reminder", payload, now };
        outbox::enqueue(h.app.db.conn(), message).await.unwrap();
    }
    // Failures before each message goes through, in the order the drain sends: up to three in a
    // row (the sender retries a call four times), 429s and 502s mixed.
    let failures: [&[&str]; 12] = [
        &["429"],
        &["502", "429"],
        &[],
        &["429", "502", "502"],
        &["502"],
        &[],
        &["429", "429"],
        &["502"],
        &[],
        &["429"],
        &["502", "502"],
        &[],
    ];
    for before in failures {
        for kind in before {
            h.tg.script("sendMessage", if *kind == "429" { too_many_requests(1) } else { bad_gateway() });
        }
        h.tg.script_pass("sendMessage");
    }

    let started = Instant::now();
    let run = drain_outbox(&h.app, &h.runtime.bot_sender(), 100).await.unwrap();
    let took = started.elapsed();
    assert_eq!((run.sent, run.retried, run.failed), (12, 0, 0));
    assert!(took < Duration::from_secs(25), "the drain took {took:?}");

    let calls = h.tg.calls_of("sendMessage");
    let refusals = failures.iter().map(|f| f.len()).sum::<usize>();
    assert_eq!(calls.len(), 12 + refusals, "each refusal retried once, nothing more");
    let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
    for call in calls.iter().filter(|c| c.message_id.is_some()) {
        *delivered.entry(call.body["text"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(delivered.len(), 12, "every message arrived: {delivered:?}");
    assert!(delivered.values().all(|n| *n == 1), "none twice: {delivered:?}");
    // Per chat, retries included, never faster than one call a second (100 ms of arrival
    // jitter allowed on a loaded machine).
    for chat in chats {
        let to_chat: Vec<_> = calls.iter().filter(|c| c.body["chat_id"] == chat).collect();
        for pair in to_chat.windows(2) {
            let gap = pair[1].at.duration_since(pair[0].at);
            assert!(gap >= Duration::from_millis(900), "chat {chat}: two calls {gap:?} apart");
        }
    }
    assert_eq!(crate::reminders::count(&h, "outbox WHERE status = 'sent'").await, 12);
    assert_eq!(drain_outbox(&h.app, &h.runtime.bot_sender(), 100).await.unwrap(), Default::default());
}
