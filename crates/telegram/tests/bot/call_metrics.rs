//! What the bot dashboard reads: every Bot API call counted by method and outcome (each retry
//! on its own), and each outbox message by kind and outcome, in the process's registry.

use repositories::outbox::{self, NewMessage};
use serde_json::json;
use telegram::reminders::drain_outbox;

use crate::Harness;
use crate::fake_telegram::{bad_gateway, blocked, too_many_requests};

/// The counter `lang_agent_<name>` with exactly these labels in the app's registry, 0 when
/// the series does not exist yet.
fn series(app: &services::App, name: &str, labels: &[(&str, &str)]) -> u64 {
    let full_name = format!("lang_agent_{name}");
    let families = app.registry.gather();
    let family = families.iter().find(|family| family.name() == full_name);
    let series = family.and_then(|family| {
        family.get_metric().iter().find(|metric| {
            let pairs = metric.get_label();
            pairs.len() == labels.len()
                && labels.iter().all(|(key, value)| pairs.iter().any(|p| p.name() == *key && p.value() == *value))
        })
    });
    series.map_or(0, |metric| metric.get_counter().get_value().round() as u64)
}

fn calls(h: &Harness, method: &str, outcome: &str) -> u64 {
    series(&h.app, "telegram_api_calls_total", &[("method", method), ("outcome", outcome)])
}

#[tokio::test]
async fn refusals_and_retries_are_counted_by_method_and_outcome() {
    let h = Harness::start().await;
    // One message refused twice (a 429, then a 502) before it goes out.
    h.tg.script("sendMessage", too_many_requests(1));
    h.tg.script("sendMessage", bad_gateway());
    h.say(7301, "/help").await;
    assert_eq!(h.tg.calls_of("sendMessage").len(), 3);
    assert_eq!(calls(&h, "sendMessage", "429"), 1);
    assert_eq!(calls(&h, "sendMessage", "5xx"), 1);
    assert_eq!(calls(&h, "sendMessage", "ok"), 1);
    assert_eq!(calls(&h, "sendMessage", "4xx"), 0);

    // A learner who blocked the bot: a 4xx, not retried.
    h.tg.script("sendMessage", blocked());
    h.say(7302, "/help").await;
    assert_eq!(calls(&h, "sendMessage", "4xx"), 1);
    assert_eq!(calls(&h, "sendMessage", "ok"), 1, "nothing else was sent");
}

#[tokio::test]
async fn a_bot_api_that_does_not_answer_is_a_network_outcome() {
    let h = Harness::start().await;
    // A port nothing listens on (bound, then let go): the connection is refused, no answer.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let base = url::Url::parse(&format!("http://{closed}")).unwrap();
    let api = telegram::client::BotApi::new(&base, crate::fake_telegram::TOKEN.to_owned().into())
        .unwrap()
        .with_metrics(h.app.metrics.telegram.clone());
    let answer = api.call::<(), serde_json::Value>("getMe", None).await;
    assert!(matches!(answer, Err(telegram::client::ApiError::Transport(_))), "{answer:?}");
    assert_eq!(calls(&h, "getMe", "network"), 1);
    assert_eq!(calls(&h, "getMe", "ok"), 0);
}

#[tokio::test]
async fn outbox_messages_are_counted_by_kind_and_outcome() {
    let h = Harness::start().await;
    let queued = [(7401_i64, "streak_reminder"), (7402, "streak_reminder"), (7403, "premium_expiry")];
    for (seconds_ago, (chat_id, kind)) in [3_i64, 2, 1].into_iter().zip(queued) {
        let payload = json!({"html": format!("Сообщение для {chat_id}")}).to_string();
        let now = chrono::Utc::now() - chrono::Duration::seconds(seconds_ago);
        outbox::enqueue(h.app.db.conn(), NewMessage { user_id: None, chat_id, kind, payload, now }).await.unwrap();
    }
    // Sent oldest first: the second reminder's learner blocked the bot.
    h.tg.script_pass("sendMessage");
    h.tg.script("sendMessage", blocked());
    let run = drain_outbox(&h.app, &h.runtime.bot_sender(), 10).await.unwrap();
    assert_eq!((run.sent, run.retried, run.failed), (2, 0, 1));
    let messages = |kind, outcome| series(&h.app, "outbox_messages_total", &[("kind", kind), ("outcome", outcome)]);
    assert_eq!(messages("streak_reminder", "sent"), 1);
    assert_eq!(messages("streak_reminder", "failed"), 1);
    assert_eq!(messages("premium_expiry", "sent"), 1);
    assert_eq!(messages("premium_expiry", "failed"), 0);
    assert_eq!(calls(&h, "sendMessage", "ok"), 2);
    assert_eq!(calls(&h, "sendMessage", "4xx"), 1);
}
