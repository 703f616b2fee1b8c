//! Billing on both engines: a Stars payment extends premium once however often Telegram
//! delivers it, renewals add their month, the checkout is checked, the trial is taken once, an
//! admin grant is audited, and each premium-expiry warning is queued once.

use chrono::{DateTime, Duration, Utc};
use domain::UserId;
use repositories::users::{self, TelegramAccount};
use services::ManualClock;
use services::admin::Grant;
use services::billing::{
    ExpiryFacts, ExpiryText, ExpiryWarning, PlanId, PreCheckout, PreCheckoutDecision, Refusal, SuccessfulPayment,
    invoice_payload,
};
use test_support::backends::{Backend, migrated_postgres, migrated_sqlite};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn write(facts: &ExpiryFacts) -> ExpiryText {
    ExpiryText {
        title: format!("ends {:?}", facts.warning),
        body: "extend".into(),
        html: format!("<b>{}</b>", facts.premium_until.to_rfc3339()),
        keyboard: None,
    }
}

async fn user(backend: &Backend, clock: &ManualClock, telegram_id: i64) -> UserId {
    let account = TelegramAccount {
        telegram_id,
        first_name: "Ann".into(),
        last_name: None,
        username: None,
        language_code: Some("en".into()),
        photo_url: None,
    };
    let row = users::upsert_from_telegram(backend.db.conn(), &account, services::Clock::now(clock)).await.unwrap();
    UserId::from_uuid(row.id)
}

fn paid(user_id: UserId, charge: &str, recurring: bool, first: bool) -> SuccessfulPayment {
    SuccessfulPayment {
        payer_telegram_id: 71,
        currency: "XTR".into(),
        total_amount: 250,
        invoice_payload: invoice_payload(PlanId::Monthly, user_id),
        telegram_payment_charge_id: charge.into(),
        is_recurring: recurring,
        is_first_recurring: first,
    }
}

async fn premium_until(backend: &Backend, user_id: UserId) -> Option<DateTime<Utc>> {
    users::find_by_id(backend.db.conn(), user_id).await.unwrap().unwrap().premium_until
}

async fn payments_extend_once_and_checkouts_are_checked(backend: Backend) {
    let now = at("2026-11-28T10:00:00Z");
    let clock = ManualClock::new(now);
    let app = crate::app_on(&backend, &clock);
    let buyer = user(&backend, &clock, 71).await;
    let stranger = user(&backend, &clock, 72).await;

    let check = |payer: i64, amount: u32, payload: String| PreCheckout {
        payer_telegram_id: payer,
        currency: "XTR".into(),
        total_amount: amount,
        invoice_payload: payload,
    };
    let monthly = invoice_payload(PlanId::Monthly, buyer);
    let decide = |query: PreCheckout| {
        let app = app.clone();
        async move { app.billing.pre_checkout(&query).await.unwrap() }
    };
    assert_eq!(decide(check(71, 250, monthly.clone())).await, PreCheckoutDecision::Accept);
    assert_eq!(decide(check(71, 200, monthly.clone())).await, PreCheckoutDecision::Refuse(Refusal::PriceChanged));
    assert_eq!(decide(check(72, 250, monthly.clone())).await, PreCheckoutDecision::Refuse(Refusal::WrongPayer));
    assert_eq!(
        decide(check(71, 250, "v1:weekly:x".into())).await,
        PreCheckoutDecision::Refuse(Refusal::UnknownInvoice)
    );
    let yearly = invoice_payload(PlanId::Yearly, buyer);
    assert_eq!(decide(check(71, 2000, yearly)).await, PreCheckoutDecision::Accept);

    let first = app.billing.record_payment(&paid(buyer, "charge-1", true, true)).await.unwrap();
    assert!(first.first_time);
    assert_eq!(first.premium_until, now + Duration::days(30));
    let again = app.billing.record_payment(&paid(buyer, "charge-1", true, true)).await.unwrap();
    assert!(!again.first_time, "the same charge delivered again changes nothing");
    assert_eq!(premium_until(&backend, buyer).await, Some(now + Duration::days(30)));
    let renewal = app.billing.record_payment(&paid(buyer, "charge-2", true, false)).await.unwrap();
    assert_eq!(renewal.premium_until, now + Duration::days(60), "a renewal adds its month");
    let kinds: Vec<String> = app.billing.payments(buyer).await.unwrap().into_iter().map(|p| p.kind).collect();
    assert_eq!(kinds, ["renewal", "purchase"]);

    // The trial: once, from now (the stranger is free).
    let trial = app.billing.start_trial(stranger).await.unwrap();
    assert_eq!(trial, now + Duration::days(7));
    assert!(app.billing.start_trial(stranger).await.is_err(), "one trial per user");

    // An admin grant moves premium and is audited in the same transaction.
    let admin = services::admin::Admin { user_id: buyer, telegram_id: 71 };
    let shortened = app.admin.grant(admin, stranger, Grant::Days(-2), "correction").await.unwrap();
    assert_eq!(shortened, now + Duration::days(5));
    let (actions, total) = app.admin.actions(admin, 10, 0).await.unwrap();
    assert_eq!((total, actions[0].action.action.as_str()), (1, "premium_grant"));
    assert_eq!(premium_until(&backend, stranger).await, Some(now + Duration::days(5)));
}

#[tokio::test]
async fn payments_on_postgres() {
    payments_extend_once_and_checkouts_are_checked(migrated_postgres().await).await;
}

#[tokio::test]
async fn payments_on_sqlite() {
    payments_extend_once_and_checkouts_are_checked(migrated_sqlite().await).await;
}

async fn expiry_warnings_are_queued_once_each(backend: Backend) {
    let start = at("2026-11-28T10:00:00Z");
    let clock = ManualClock::new(start);
    let app = crate::app_on(&backend, &clock);
    let user_id = user(&backend, &clock, 73).await;
    let lapsed = user(&backend, &clock, 74).await;
    let admin = services::admin::Admin { user_id, telegram_id: 73 };
    let end = app.admin.grant(admin, user_id, Grant::Days(10), "gift").await.unwrap();
    app.admin.grant(admin, lapsed, Grant::Until(start + Duration::hours(1)), "short").await.unwrap();

    let warn = |warning| {
        let app = app.clone();
        async move { app.billing.warn_expiring(warning, 10, &write).await.unwrap() }
    };
    assert_eq!(warn(ExpiryWarning::ThreeDays).await, 0, "ten days left");
    clock.set(end - Duration::hours(60));
    assert_eq!(warn(ExpiryWarning::ThreeDays).await, 1);
    assert_eq!(warn(ExpiryWarning::ThreeDays).await, 0, "once");
    assert_eq!(warn(ExpiryWarning::OneDay).await, 0, "not yet");
    clock.set(end - Duration::hours(12));
    assert_eq!(warn(ExpiryWarning::OneDay).await, 1);
    assert_eq!(warn(ExpiryWarning::OneDay).await, 0, "once");
    assert_eq!(warn(ExpiryWarning::ThreeDays).await, 0, "the 3-day warning went already");
    clock.set(end + Duration::hours(1));
    assert_eq!(warn(ExpiryWarning::OneDay).await, 0, "over: nothing to warn about");

    let notes = app.notifications.list(user_id, false, 10, 0).await.unwrap();
    let titles: Vec<&str> = notes.items.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["ends OneDay", "ends ThreeDays"]);
    // Both are due to send, until the premium they warn about is over.
    clock.set(end - Duration::hours(1));
    let queued = app.outbox.claim(10).await.unwrap();
    assert_eq!(queued.len(), 2);
    assert!(queued.iter().all(|m| m.chat_id == 73));
}

#[tokio::test]
async fn expiry_on_postgres() {
    expiry_warnings_are_queued_once_each(migrated_postgres().await).await;
}

#[tokio::test]
async fn expiry_on_sqlite() {
    expiry_warnings_are_queued_once_each(migrated_sqlite().await).await;
}
