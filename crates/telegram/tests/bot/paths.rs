//! Updates reach the bot through the inbox, from the webhook's store or from the poller:
//! a redelivered update is answered once, and polled updates are answered too.

use std::time::Duration;

use serde_json::json;
use services::inbox::Received;
use wiremock::ResponseTemplate;

use crate::Harness;

const CARL: i64 = 7003;

async fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_redelivered_update_is_answered_once() {
    let h = Harness::start().await;
    let update = h.message_update(CARL, "/help");
    assert_eq!(h.app.inbox.receive(&update.to_string()).await.unwrap(), Received::Stored);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let processor = h.runtime.spawn_processor(&h.app, stopped);
    eventually("the answer", || h.tg.calls_of("sendMessage").len() == 1).await;
    // Telegram sends the same update again (it did not see our 200 in time).
    assert_eq!(h.app.inbox.receive(&update.to_string()).await.unwrap(), Received::Duplicate);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(h.tg.calls_of("sendMessage").len(), 1, "answered once");
    stop.send(true).unwrap();
    processor.await.unwrap();
}

#[tokio::test]
async fn polled_updates_are_stored_then_answered() {
    let h = Harness::start().await;
    let first = h.message_update(CARL, "/start");
    let second = h.message_update(CARL, "/help");
    let batch = json!({"ok": true, "result": [first, second]});
    h.tg.script("getUpdates", ResponseTemplate::new(200).set_body_json(batch));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let poller = h.runtime.spawn_poller(&h.app, stopped.clone());
    let processor = h.runtime.spawn_processor(&h.app, stopped);
    eventually("both answers", || h.tg.calls_of("sendMessage").len() >= 2).await;
    let texts = h.tg.texts(CARL);
    assert!(texts[0].contains("Привет, Аня!"), "in update order: {texts:?}");
    assert!(texts[1].contains("Что я умею"), "{texts:?}");
    let polls = h.tg.calls_of("getUpdates");
    assert_eq!(polls[0].body["timeout"], 50);
    assert_eq!(
        polls[0].body["allowed_updates"],
        json!(["message", "edited_message", "callback_query", "pre_checkout_query", "my_chat_member"])
    );
    // The next poll confirms both: the offset moved past the stored updates only.
    eventually("a second poll", || h.tg.calls_of("getUpdates").len() >= 2).await;
    let offset = h.tg.calls_of("getUpdates")[1].body["offset"].as_i64().unwrap();
    assert_eq!(offset, second["update_id"].as_i64().unwrap() + 1);
    assert!(h.tg.calls_of("deleteWebhook")[0].body["drop_pending_updates"] == false);
    stop.send(true).unwrap();
    processor.await.unwrap();
    poller.abort();
}

#[tokio::test]
async fn start_up_registers_commands_in_both_languages_and_the_menu_button() {
    let h = Harness::start().await;
    h.runtime.bot.register().await;
    let commands = h.tg.calls_of("setMyCommands");
    assert_eq!(commands.len(), 2);
    assert!(commands[0].body.get("language_code").is_none(), "Russian is the default for everyone");
    assert_eq!(commands[1].body["language_code"], "en");
    let names: Vec<&str> =
        commands[1].body["commands"].as_array().unwrap().iter().map(|c| c["command"].as_str().unwrap()).collect();
    for command in
        ["start", "help", "app", "card", "exercise", "topics", "decks", "add", "profile", "settings", "clear_history"]
    {
        assert!(names.contains(&command), "{command} missing from {names:?}");
    }
    let menu = &h.tg.calls_of("setChatMenuButton")[0].body["menu_button"];
    assert_eq!(menu["type"], "web_app");
    assert_eq!(menu["web_app"]["url"], "https://app.example.org/");
    let secret = "s3cret-Token_x".to_owned().into();
    telegram::startup::set_webhook(
        &h.runtime.api,
        &"https://api.example.org/telegram/webhook".parse().unwrap(),
        &secret,
    )
    .await
    .unwrap();
    let webhook = &h.tg.calls_of("setWebhook")[0].body;
    assert_eq!(webhook["secret_token"], "s3cret-Token_x");
    assert_eq!(webhook["drop_pending_updates"], false);
    assert_eq!(webhook["allowed_updates"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn an_update_id_beyond_what_frankenstein_models_is_still_answered() {
    let h = Harness::start().await;
    let mut update = h.message_update(CARL, "/help");
    update["update_id"] = json!(9_876_543_210_i64); // past u32
    let claimed = services::inbox::ClaimedUpdate {
        update_id: 9_876_543_210,
        chat_id: Some(CARL),
        payload: update.to_string(),
        attempts: 1,
    };
    services::inbox::UpdateHandler::handle(&h.runtime.bot, &claimed).await.unwrap();
    assert!(h.tg.last().text.contains("Что я умею"));
}

#[tokio::test]
async fn two_pollers_never_both_call_get_updates() {
    let h = Harness::start().await;
    let other = crate::fake_telegram::FakeTelegram::start().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let first = h.runtime.spawn_poller(&h.app, stopped.clone());
    // A second process's poller: its own Bot API client, the same cache (the leader lock).
    let api =
        telegram::BotApi::new(&other.uri().parse().unwrap(), crate::fake_telegram::TOKEN.to_owned().into()).unwrap();
    let config = services::poller::PollerConfig::default();
    let lock = services::leader::LeaderLock::new(h.app.cache.clone(), "bot-poller", Duration::from_secs(80));
    let second = services::poller::Poller::new(h.app.inbox.clone(), std::sync::Arc::new(api), lock, config);
    let second = tokio::spawn(second.run(stopped));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Whichever took the lock first polls; the standby never does while the leader holds it.
    let (a, b) = (h.tg.calls_of("getUpdates").len(), other.calls_of("getUpdates").len());
    assert!((a > 0) != (b > 0), "exactly one poller polls: {a} and {b} getUpdates calls");
    stop.send(true).unwrap();
    first.abort();
    second.abort();
}
