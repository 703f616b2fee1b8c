//! Telegram Stars in the bot: `/premium` sends a Stars invoice per plan; a pre-checkout is
//! accepted for a good invoice and refused for a wrong amount or someone else's invoice; a
//! successful payment delivered again (the same update, or the same charge in a new update)
//! extends premium exactly once, and the payer is thanked once with the new end.

use serde_json::{Value, json};
use services::inbox::Received;

use crate::Harness;

const PAYER: i64 = 7301;
const OTHER: i64 = 7302;

fn from(user: i64) -> Value {
    json!({"id": user, "is_bot": false, "first_name": "Аня", "language_code": "ru"})
}

fn pre_checkout(h: &Harness, user: i64, amount: u32, payload: &str) -> Value {
    let update_id = h.next_update_id();
    json!({"update_id": update_id, "pre_checkout_query": {
        "id": format!("pcq{update_id}"), "from": from(user), "currency": "XTR",
        "total_amount": amount, "invoice_payload": payload
    }})
}

fn successful_payment(h: &Harness, user: i64, charge: &str, payload: &str) -> Value {
    let update_id = h.next_update_id();
    json!({"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_764_320_000,
        "chat": {"id": user, "type": "private", "first_name": "Аня"}, "from": from(user),
        "successful_payment": {
            "currency": "XTR", "total_amount": 2000, "invoice_payload": payload,
            "telegram_payment_charge_id": charge, "provider_payment_charge_id": ""
        }
    }})
}

fn answers(h: &Harness) -> Vec<Value> {
    h.tg.calls_of("answerPreCheckoutQuery").into_iter().map(|call| call.body).collect()
}

#[tokio::test]
async fn premium_offers_a_monthly_subscription_link_and_a_yearly_invoice() {
    let h = Harness::start().await;
    h.say(PAYER, "/premium").await;
    assert!(h.tg.texts(PAYER).iter().any(|text| text.contains("Ваш план: бесплатный")), "{:?}", h.tg.texts(PAYER));
    let user_id = h.user_id(PAYER).await.as_uuid();
    // Monthly is a subscription, which only an invoice link can be: a button to it.
    let links = h.tg.calls_of("createInvoiceLink");
    assert_eq!(links.len(), 1);
    let link = &links[0].body;
    assert_eq!((link["currency"].clone(), link["subscription_period"].clone()), (json!("XTR"), json!(2_592_000)));
    assert_eq!(link["payload"], format!("v1:monthly:{user_id}"));
    assert_eq!(link["prices"][0]["amount"], 250);
    let offer =
        h.tg.calls_of("sendMessage")
            .into_iter()
            .find(|c| c.body["text"].as_str().unwrap_or_default().contains("250 ⭐"));
    let offer = offer.expect("the monthly offer is sent");
    assert_eq!(
        offer.body["reply_markup"]["inline_keyboard"][0][0]["url"],
        format!("https://t.me/$invoice-v1:monthly:{user_id}")
    );
    // Yearly is paid once: a Stars invoice in the chat.
    let invoices = h.tg.calls_of("sendInvoice");
    assert_eq!(invoices.len(), 1);
    let body = &invoices[0].body;
    assert_eq!((body["chat_id"].clone(), body["currency"].clone()), (json!(PAYER), json!("XTR")));
    assert_eq!(body["payload"], format!("v1:yearly:{user_id}"));
    assert_eq!(body["prices"].as_array().unwrap().len(), 1);
    assert_eq!(body["prices"][0]["amount"], 2000);
    assert!(body["provider_token"].as_str().is_none_or(str::is_empty), "Stars take no provider token");
}

#[tokio::test]
async fn checkouts_are_accepted_only_for_the_right_payer_and_price() {
    let h = Harness::start().await;
    h.say(PAYER, "/start").await;
    h.say(OTHER, "/start").await;
    let payload = format!("v1:yearly:{}", h.user_id(PAYER).await.as_uuid());

    h.deliver(pre_checkout(&h, PAYER, 2000, &payload)).await;
    h.deliver(pre_checkout(&h, PAYER, 1500, &payload)).await;
    h.deliver(pre_checkout(&h, OTHER, 2000, &payload)).await;
    h.deliver(pre_checkout(&h, PAYER, 2000, "v1:lifetime:nobody")).await;
    let answers = answers(&h);
    assert_eq!(answers.len(), 4, "every checkout is answered");
    assert_eq!(answers[0]["ok"], true);
    assert!(answers[0].get("error_message").is_none_or(Value::is_null));
    for refused in &answers[1..] {
        assert_eq!(refused["ok"], false, "{refused}");
        assert!(!refused["error_message"].as_str().unwrap().is_empty(), "a refusal says why");
    }
    assert!(answers[1]["error_message"].as_str().unwrap().contains("Цена изменилась"));
    assert!(answers[2]["error_message"].as_str().unwrap().contains("другому пользователю"));
}

#[tokio::test]
async fn a_redelivered_payment_extends_premium_once() {
    let h = Harness::start().await;
    h.say(PAYER, "/start").await;
    let user_id = h.user_id(PAYER).await;
    let payload = format!("v1:yearly:{}", user_id.as_uuid());

    let update = successful_payment(&h, PAYER, "charge-7301", &payload);
    // Through the inbox as the webhook stores it: a second delivery of the update is a duplicate.
    assert!(matches!(h.app.inbox.receive(&update.to_string()).await.unwrap(), Received::Stored));
    assert!(matches!(h.app.inbox.receive(&update.to_string()).await.unwrap(), Received::Duplicate));
    // And even handled twice, and once more under a new update id, the charge counts once.
    h.deliver(update.clone()).await;
    h.deliver(update).await;
    h.deliver(successful_payment(&h, PAYER, "charge-7301", &payload)).await;

    let row = repositories::users::find_by_id(h.app.db.conn(), user_id).await.unwrap().unwrap();
    let until = row.premium_until.unwrap();
    let days = (until - chrono::Utc::now()).num_hours();
    assert!((364 * 24..=365 * 24).contains(&days), "one year, once: {until}");
    let payments = h.app.billing.payments(user_id).await.unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!((payments[0].kind.as_str(), payments[0].amount), ("purchase", 2000));
    let thanks: Vec<String> = h.tg.texts(PAYER).into_iter().filter(|text| text.contains("Спасибо")).collect();
    assert_eq!(thanks.len(), 1, "thanked once: {thanks:?}");
    // In the learner's zone, as the bot writes dates (after 21:00 UTC Moscow is a day ahead).
    let zone = domain::TimeZone::parse(&row.timezone).unwrap();
    let date = until.with_timezone(&zone.tz()).format("%d.%m.%Y").to_string();
    assert!(thanks[0].contains(&date), "{} has the new end {date}", thanks[0]);
}
