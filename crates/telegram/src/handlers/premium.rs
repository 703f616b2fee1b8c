//! `/premium` and Telegram Stars: the plan with its limits, the monthly subscription (a
//! `createInvoiceLink` link with a 30-day period) and the yearly invoice (`sendInvoice`, `XTR`); the pre-checkout answer (Telegram waits 10 s for it); the thanks
//! after a payment, which billing records once per charge. Plus the premium-expiry warning the
//! notifier queues.

use chrono::{DateTime, Utc};
use frankenstein::AsyncTelegramApi;
use frankenstein::methods::{AnswerPreCheckoutQueryParams, SendInvoiceParams};
use frankenstein::payments::{LabeledPrice, PreCheckoutQuery, SuccessfulPayment};
use services::billing::{
    BillingError, ExpiryFacts, ExpiryText, ExpiryWarning, PlanId, PreCheckout, PreCheckoutDecision, Refusal,
    SuccessfulPayment as Paid,
};
use services::inbox::HandlerError;

use super::{app_button, app_button_at, delivery, keyboard, send};
use crate::bot::{Bot, Ctx, retry};
use crate::texts::{billing_texts, fill, texts};

/// A date in the user's zone, as the bot writes it.
fn date_in(at: DateTime<Utc>, zone: &str) -> String {
    let zone = domain::TimeZone::parse(zone).unwrap_or(domain::TimeZone::UTC);
    at.with_timezone(&zone.tz()).format("%d.%m.%Y").to_string()
}

pub async fn show(bot: &Bot, ctx: &Ctx) -> Result<(), HandlerError> {
    let b = billing_texts(ctx.me.interface_language);
    let me = &ctx.me;
    let premium = me.plan == domain::Plan::Premium;
    let until = match me.user.premium_until.filter(|_| premium) {
        Some(at) => fill(b.until, &[("date", &date_in(at, &me.user.timezone))]),
        None => String::new(),
    };
    let limit = |max: Option<u32>| max.map_or_else(|| b.unlimited.to_owned(), |n| n.to_string());
    let html = fill(
        b.overview,
        &[
            ("plan", if premium { b.plan_premium } else { b.plan_free }),
            ("until", &until),
            ("profiles", &me.limits.profiles.to_string()),
            ("cards", &limit(me.limits.cards)),
            ("messages", &limit(me.limits.daily_messages)),
        ],
    );
    let html = format!("{html}\n\n{}", b.invoice_hint);
    let markup = app_button(bot, b.open_plan, "plan").map(|button| keyboard(vec![vec![button]]));
    send(bot, ctx, &html, markup).await?;
    for plan in PlanId::ALL {
        let invoice = bot.app.billing.invoice(ctx.user_id(), plan, me.interface_language);
        if plan.recurring() {
            // Only an invoice link can be a subscription (`sendInvoice` has no period), so the
            // monthly plan is a message with a button to its link.
            let link = bot.app.billing.invoice_link(ctx.user_id(), plan).await.map_err(retry)?;
            let stars = invoice.stars.to_string();
            let html =
                fill(b.subscription_offer, &[("title", &crate::format::escape(&invoice.title)), ("stars", &stars)]);
            let button = frankenstein::types::InlineKeyboardButton::builder()
                .text(fill(b.subscribe, &[("stars", &stars)]))
                .url(link.link)
                .build();
            send(bot, ctx, &html, Some(keyboard(vec![vec![button]]))).await?;
            continue;
        }
        let params = SendInvoiceParams::builder()
            .chat_id(ctx.chat_id)
            .title(invoice.title)
            .description(invoice.description)
            .payload(invoice.payload)
            .provider_token(String::new())
            .currency("XTR")
            .prices(vec![LabeledPrice::builder().label(invoice.label).amount(invoice.stars).build()])
            .build();
        bot.send.api().send_invoice(&params).await.map_err(delivery)?;
    }
    Ok(())
}

/// Accepts or refuses a checkout at once: Telegram gives 10 seconds and takes one answer, so a
/// failure to check is a refusal (the payer can try again), never a retry.
pub async fn pre_checkout(bot: &Bot, ctx: &Ctx, query: &PreCheckoutQuery) -> Result<(), HandlerError> {
    let b = billing_texts(ctx.me.interface_language);
    let check = PreCheckout {
        payer_telegram_id: ctx.me.user.telegram_id,
        currency: query.currency.clone(),
        total_amount: query.total_amount,
        invoice_payload: query.invoice_payload.clone(),
    };
    let refusal = match bot.app.billing.pre_checkout(&check).await {
        Ok(PreCheckoutDecision::Accept) => None,
        Ok(PreCheckoutDecision::Refuse(Refusal::UnknownInvoice)) => Some(b.refused_unknown),
        Ok(PreCheckoutDecision::Refuse(Refusal::WrongPayer)) => Some(b.refused_payer),
        Ok(PreCheckoutDecision::Refuse(Refusal::PriceChanged)) => Some(b.refused_price),
        Err(error) => {
            tracing::warn!(%error, "a pre-checkout could not be checked");
            Some(b.refused_error)
        }
    };
    let params = AnswerPreCheckoutQueryParams::builder()
        .pre_checkout_query_id(query.id.clone())
        .ok(refusal.is_none())
        .maybe_error_message(refusal.map(str::to_owned))
        .build();
    match bot.send.api().answer_pre_checkout_query(&params).await {
        Ok(_) => Ok(()),
        // Too late or answered already: nothing more can be said about this checkout.
        Err(error) => Err(HandlerError::park(format!("answerPreCheckoutQuery failed: {error}"))),
    }
}

/// Records the payment (once per charge) and thanks the payer with the new end of premium.
pub async fn paid(bot: &Bot, ctx: &Ctx, payment: &SuccessfulPayment) -> Result<(), HandlerError> {
    let paid = Paid {
        payer_telegram_id: ctx.me.user.telegram_id,
        currency: payment.currency.clone(),
        total_amount: payment.total_amount,
        invoice_payload: payment.invoice_payload.clone(),
        telegram_payment_charge_id: payment.telegram_payment_charge_id.clone(),
        is_recurring: payment.is_recurring.unwrap_or(false),
        is_first_recurring: payment.is_first_recurring.unwrap_or(false),
    };
    let outcome = match bot.app.billing.record_payment(&paid).await {
        Ok(outcome) => outcome,
        // Money was taken for something we cannot place: kept for a person to look at.
        Err(error @ (BillingError::BadPayment(_) | BillingError::UserGone)) => {
            tracing::error!(%error, "a successful payment could not be recorded");
            return Err(HandlerError::park(error.to_string()));
        }
        Err(error) => return Err(retry(error)),
    };
    if !outcome.first_time {
        return Ok(()); // thanked when it was first recorded
    }
    let b = billing_texts(ctx.me.interface_language);
    let html = fill(b.thanks, &[("date", &date_in(outcome.premium_until, &ctx.me.user.timezone))]);
    send(bot, ctx, &html, None).await
}

/// The premium-expiry warning in the user's language, with a button to the plans screen.
pub fn compose_expiry(facts: &ExpiryFacts, mini_app_url: Option<&url::Url>) -> ExpiryText {
    let b = billing_texts(facts.language);
    let date = facts.premium_until.with_timezone(&facts.zone.tz()).format("%d.%m.%Y").to_string();
    let days = match facts.warning {
        ExpiryWarning::ThreeDays => 3,
        ExpiryWarning::OneDay => 1,
    };
    let html = fill(b.expiry_text, &[("date", &date), ("days", &texts(facts.language).days(days))]);
    let markup = app_button_at(mini_app_url.cloned(), b.extend, "plan").map(|button| keyboard(vec![vec![button]]));
    ExpiryText {
        title: b.expiry_title.to_owned(),
        body: crate::format::html_to_plain(&html),
        keyboard: markup.and_then(|m| serde_json::to_value(&m).ok()),
        html,
    }
}
