//! Telegram's side of a purchase: the invoice payload, the pre-checkout check (answered within
//! Telegram's 10 seconds) and the successful payment, recorded once per charge however often
//! Telegram delivers it.

use chrono::{DateTime, Utc};
use domain::UserId;
use repositories::{RepoError, TransactionTrait, payments, users};
use uuid::Uuid;

use super::{BillingError, BillingService, Change, PlanId, append_locked};

const PAYLOAD_VERSION: &str = "v1";

/// `v1:<plan>:<user uuid>` (at most 50 bytes, within Telegram's 128).
pub fn invoice_payload(plan: PlanId, user_id: UserId) -> String {
    format!("{PAYLOAD_VERSION}:{}:{}", plan.as_str(), user_id.as_uuid())
}

/// The plan and user of a payload; `None` for anything else.
fn parse_payload(payload: &str) -> Option<(PlanId, UserId)> {
    let mut parts = payload.split(':');
    let (Some(PAYLOAD_VERSION), Some(plan), Some(user), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some((PlanId::parse(plan)?, UserId::from_uuid(Uuid::parse_str(user).ok()?)))
}

/// Telegram's `pre_checkout_query`, as far as billing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreCheckout {
    pub payer_telegram_id: i64,
    pub currency: String,
    pub total_amount: u32,
    pub invoice_payload: String,
}

/// Why a checkout is refused (the bot says it in the payer's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of our payloads, or for a plan no longer offered.
    UnknownInvoice,
    /// The invoice was made for someone else.
    WrongPayer,
    /// The currency or the price is not the plan's current one (an old invoice).
    PriceChanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreCheckoutDecision {
    Accept,
    Refuse(Refusal),
}

/// Telegram's `successful_payment`, with the payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessfulPayment {
    pub payer_telegram_id: i64,
    pub currency: String,
    pub total_amount: u32,
    pub invoice_payload: String,
    pub telegram_payment_charge_id: String,
    pub is_recurring: bool,
    pub is_first_recurring: bool,
}

/// A recorded payment: the user's new end of premium; `first_time` is false for a redelivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOutcome {
    pub user_id: UserId,
    pub plan: PlanId,
    pub premium_until: DateTime<Utc>,
    pub first_time: bool,
}

impl BillingService {
    /// Accepts a checkout only for one of our invoices, paid by the user it was made for, in
    /// Stars, at the plan's current price.
    pub async fn pre_checkout(&self, query: &PreCheckout) -> Result<PreCheckoutDecision, BillingError> {
        let Some((plan, user_id)) = parse_payload(&query.invoice_payload) else {
            return Ok(PreCheckoutDecision::Refuse(Refusal::UnknownInvoice));
        };
        let Some(user) = users::find_by_id(self.db.conn(), user_id).await? else {
            return Ok(PreCheckoutDecision::Refuse(Refusal::UnknownInvoice));
        };
        if user.telegram_id != query.payer_telegram_id {
            return Ok(PreCheckoutDecision::Refuse(Refusal::WrongPayer));
        }
        if query.currency != "XTR" || query.total_amount != self.offer(plan).stars {
            return Ok(PreCheckoutDecision::Refuse(Refusal::PriceChanged));
        }
        Ok(PreCheckoutDecision::Accept)
    }

    /// Records the payment keyed by its charge id and extends premium by the plan's period,
    /// only the first time that charge is seen (a renewal of the subscription is a new charge).
    pub async fn record_payment(&self, paid: &SuccessfulPayment) -> Result<PaymentOutcome, BillingError> {
        let (plan, user_id) = parse_payload(&paid.invoice_payload).ok_or(BillingError::BadPayment("payload"))?;
        if paid.currency != "XTR" {
            return Err(BillingError::BadPayment("currency"));
        }
        let amount = i32::try_from(paid.total_amount).map_err(|_| BillingError::BadPayment("amount"))?;
        let kind = if paid.is_recurring && !paid.is_first_recurring { "renewal" } else { "purchase" };
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let change = Change {
            provider: payments::PROVIDER_STARS,
            kind,
            plan: Some(plan),
            charge_id: Some(&paid.telegram_payment_charge_id),
            amount,
            period_days: plan.period_days(),
            until: None,
            admin_id: None,
            refund_of: None,
            reason: None,
        };
        let outcome = match append_locked(&txn, user_id, change, now).await? {
            Some(row) => PaymentOutcome { user_id, plan, premium_until: row.premium_until_after, first_time: true },
            None => {
                // Seen before: report the user's end of premium as it stands.
                let user = users::find_by_id(&txn, user_id).await?.ok_or(BillingError::UserGone)?;
                let premium_until = user.premium_until.unwrap_or(now);
                PaymentOutcome { user_id, plan, premium_until, first_time: false }
            }
        };
        txn.commit().await.map_err(RepoError::from)?;
        if outcome.first_time {
            self.forget(user_id);
            tracing::info!(user_id = %user_id, plan = plan.as_str(), kind, "Stars payment recorded");
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_nothing_else_parses() {
        let user = UserId::from_uuid(Uuid::now_v7());
        let payload = invoice_payload(PlanId::Yearly, user);
        assert!(payload.len() <= 128);
        assert_eq!(parse_payload(&payload), Some((PlanId::Yearly, user)));
        for bad in ["", "v1:yearly", "v2:yearly:x", "v1:weekly:0192e7a0-0000-7000-8000-000000000001", "v1:yearly:x:y"] {
            assert_eq!(parse_payload(bad), None, "{bad}");
        }
    }
}
