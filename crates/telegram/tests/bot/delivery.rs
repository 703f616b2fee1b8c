//! The send layer against Telegram's refusals: 429 with retry_after, 403, entity errors; a
//! long answer full of markup characters; pacing under a burst; the token in no log line.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use telegram::format::{MESSAGE_LIMIT, html_to_plain, visible_len};

use crate::Harness;
use crate::fake_telegram::{TOKEN, blocked, entities_rejected, html_is_valid, too_many_requests};

const BEN: i64 = 7002;

#[tokio::test]
async fn a_429_is_waited_out_and_the_message_still_arrives() {
    let h = Harness::start().await;
    h.tg.script("sendMessage", too_many_requests(1));
    let started = Instant::now();
    h.say(BEN, "/help").await;
    let sends = h.tg.calls_of("sendMessage");
    assert_eq!(sends.len(), 2, "refused once, then sent");
    assert!(sends[1].at.duration_since(sends[0].at) >= Duration::from_millis(990), "retry_after honoured");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(h.tg.last().text.contains("Что я умею"));
}

#[tokio::test]
async fn a_403_marks_the_user_unreachable_and_writing_again_clears_it() {
    let h = Harness::start().await;
    h.tg.script("sendMessage", blocked());
    h.say(BEN, "/help").await;
    let row = repositories::users::find_by_telegram_id(h.app.db.conn(), BEN).await.unwrap().unwrap();
    assert!(row.bot_blocked_at.is_some());
    assert_eq!(h.tg.calls_of("sendMessage").len(), 1, "a 403 is not retried");
    h.say(BEN, "/help").await;
    let row = repositories::users::find_by_telegram_id(h.app.db.conn(), BEN).await.unwrap().unwrap();
    assert!(row.bot_blocked_at.is_none());
    // Leaving the chat (my_chat_member: kicked) marks them too.
    let update = json!({"update_id": 99, "my_chat_member": {"chat": {"id": BEN, "type": "private"},
        "from": {"id": BEN, "is_bot": false, "first_name": "Ben"}, "date": 1,
        "old_chat_member": {"status": "member", "user": {"id": 42, "is_bot": true, "first_name": "Bot"}},
        "new_chat_member": {"status": "kicked", "until_date": 0, "user": {"id": 42, "is_bot": true, "first_name": "Bot"}}}});
    h.deliver(update).await;
    let row = repositories::users::find_by_telegram_id(h.app.db.conn(), BEN).await.unwrap().unwrap();
    assert!(row.bot_blocked_at.is_some());
}

#[tokio::test]
async fn html_telegram_refuses_goes_out_again_as_plain_text() {
    let h = Harness::start().await;
    h.tg.script("sendMessage", entities_rejected());
    h.say(BEN, "/help").await;
    let sends = h.tg.calls_of("sendMessage");
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[0].body["parse_mode"], "HTML");
    assert!(sends[1].body.get("parse_mode").is_none());
    let plain = sends[1].body["text"].as_str().unwrap();
    assert!(plain.starts_with("Что я умею") && !plain.contains("<b>"), "{plain}");
}

#[tokio::test]
async fn a_long_answer_full_of_markup_characters_arrives_whole_as_valid_html_parts() {
    let h = Harness::start().await;
    h.onboard(BEN, "Английский", "B2", "Общение").await;
    let mut answer = String::new();
    let mut n = 0;
    // Past 4096 visible characters, so it must be split.
    while answer.chars().count() < 5000 {
        n += 1;
        answer.push_str(&format!(
            "Правило {n}: snake_case и *звёздочки*, [скобки], <теги> & амперсанды — **важно {n}**. "
        ));
        if n % 7 == 0 {
            answer.push_str("\n\n");
        }
    }
    h.llm.answer_with(&answer, json!([]));
    h.tg.clear();
    h.say(BEN, "Объясни всё сразу").await;
    let parts: Vec<String> =
        h.tg.calls()
            .into_iter()
            .filter(|c| c.message_id.is_some() && !c.body["text"].as_str().unwrap_or_default().ends_with(" …"))
            .map(|c| c.body["text"].as_str().unwrap().to_owned())
            .collect();
    assert!(parts.len() >= 2, "{} parts", parts.len());
    for part in &parts {
        assert!(visible_len(part) <= MESSAGE_LIMIT, "a part of {} characters", visible_len(part));
        assert!(html_is_valid(part), "invalid HTML part: {part}");
    }
    assert!(h.tg.calls().iter().all(|c| c.method != "sendMessage" || c.body["parse_mode"] == "HTML"), "no fallback");
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let delivered: String = parts.iter().map(|p| html_to_plain(p)).collect();
    let expected = answer.replace("**", "").replace('*', "");
    assert_eq!(squash(&delivered), squash(&expected), "every character arrives, once, in order");
}

#[tokio::test]
async fn a_burst_of_sends_stays_within_telegrams_limits() {
    let h = Harness::paced().await;
    let sender = h.runtime.bot_sender();
    let mut tasks = Vec::new();
    for chat in 0..45_i64 {
        let sender = sender.clone();
        tasks.push(tokio::spawn(async move { sender.send_html(9000 + chat, "hi", None).await.unwrap() }));
    }
    for _ in 0..3 {
        let sender = sender.clone();
        tasks.push(tokio::spawn(async move { sender.send_html(8000, "again", None).await.unwrap() }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let sends = h.tg.calls_of("sendMessage");
    assert_eq!(sends.len(), 48);
    // Arrival times at the fake server, not send times: a loaded machine can deliver a request
    // late and bunch it with the next second's, so the window leaves 100 ms for that. An unpaced
    // burst would put all 48 in a few milliseconds.
    for (i, first) in sends.iter().enumerate() {
        let within =
            sends[i..].iter().take_while(|c| c.at.duration_since(first.at) < Duration::from_millis(900)).count();
        assert!(within <= 30, "{within} sends within 900 ms");
    }
    let same_chat: Vec<_> = sends.iter().filter(|c| c.body["chat_id"] == 8000).collect();
    for pair in same_chat.windows(2) {
        assert!(pair[1].at.duration_since(pair[0].at) >= Duration::from_millis(990), "one chat gets one a second");
    }
}

/// A log writer the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_token_appears_in_no_log_line_or_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let h = Harness::start().await;
    h.tg.script("sendMessage", too_many_requests(1));
    h.tg.script("sendMessage", entities_rejected());
    h.say(BEN, "/help").await;
    h.tg.script("sendMessage", blocked());
    h.say(BEN, "/help").await;
    // An unreachable Bot API and one answering garbage: the errors name no token either.
    let dead = telegram::BotApi::new(&"http://127.0.0.1:9".parse().unwrap(), TOKEN.to_owned().into()).unwrap();
    let error = dead.call::<serde_json::Value, serde_json::Value>("getMe", None).await.unwrap_err();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let secret = TOKEN.split(':').nth(1).unwrap();
    assert!(!logs.is_empty());
    assert!(!logs.contains(secret), "the token leaked into the logs");
    assert!(!error.to_string().contains(secret), "{error}");
    assert!(!format!("{:?}", h.runtime.api).contains(secret));
}
