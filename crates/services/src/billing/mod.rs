//! Plans for Telegram Stars, and every change of a user's entitlement. `premium_until` moves
//! only by appending a `payments` row under the user's row lock (the database copies the row's
//! `premium_until_after` onto the user in the same transaction); the user cache is forgotten
//! after the commit, so limits follow at once.

mod checkout;
mod expiry;
pub mod gateway;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use config::BillingSettings;
use domain::{InterfaceLanguage, Plan, Plans, UserId};
use repositories::payments::{self, NewPayment, PaymentRow};
use repositories::{ConnectionTrait, Database, RepoError, TransactionTrait, users};

pub use checkout::{PaymentOutcome, PreCheckout, PreCheckoutDecision, Refusal, SuccessfulPayment, invoice_payload};
pub use expiry::{EXPIRY_KIND, ExpiryCompose, ExpiryFacts, ExpiryText, ExpiryWarning};
pub use gateway::{BotApiGateway, GatewayError, Invoice, StarsGateway};

use crate::Clock;
use crate::user_cache::UserCache;

/// Telegram's period of a monthly Stars subscription: 30 days, in seconds.
pub const SUBSCRIPTION_PERIOD_SECONDS: u32 = 2_592_000;

/// What can be bought with Stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanId {
    /// 30 days, renewed by Telegram every month (a Stars subscription).
    Monthly,
    /// 365 days, paid once.
    Yearly,
}

impl PlanId {
    pub const ALL: [Self; 2] = [Self::Monthly, Self::Yearly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Yearly => "yearly",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|plan| plan.as_str() == value)
    }

    pub fn period_days(self) -> i32 {
        match self {
            Self::Monthly => 30,
            Self::Yearly => 365,
        }
    }

    pub fn recurring(self) -> bool {
        self == Self::Monthly
    }
}

/// A plan on offer at its current price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub plan: PlanId,
    pub stars: u32,
    pub period_days: i32,
    pub recurring: bool,
}

/// `GET /api/billing/plans`: the offers, where the user stands, and what each plan allows.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub offers: Vec<Offer>,
    pub plan: Plan,
    pub premium_until: Option<DateTime<Utc>>,
    pub trial_available: bool,
    pub trial_days: u32,
    pub limits: Plans,
}

/// A Stars invoice link for one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLink {
    pub plan: PlanId,
    pub stars: u32,
    pub link: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("the user no longer exists")]
    UserGone,
    #[error("the trial was used already or is disabled")]
    TrialUnavailable,
    #[error("payment not found")]
    PaymentNotFound,
    /// Only a Stars purchase or renewal can be refunded, once.
    #[error("the payment cannot be refunded")]
    NotRefundable,
    #[error("the payment was refunded already")]
    AlreadyRefunded,
    #[error("the payment was not for a known plan and user: {0}")]
    BadPayment(&'static str),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// The end of premium after adding `days` (negative: taking them off) to what is left of it:
/// counted from now when premium has lapsed, and never before now.
pub fn extended(current: Option<DateTime<Utc>>, now: DateTime<Utc>, days: i32) -> DateTime<Utc> {
    let from = current.filter(|until| *until > now).unwrap_or(now);
    (from + Duration::days(i64::from(days))).max(now)
}

/// A change of entitlement to append: the row without its resulting end.
pub(crate) struct Change<'a> {
    pub provider: &'a str,
    pub kind: &'a str,
    pub plan: Option<PlanId>,
    pub charge_id: Option<&'a str>,
    pub amount: i32,
    pub period_days: i32,
    /// `Some`: the new end as it is (an admin's `until`); `None`: `period_days` from now on.
    pub until: Option<DateTime<Utc>>,
    pub admin_id: Option<UserId>,
    pub refund_of: Option<uuid::Uuid>,
    pub reason: Option<&'a str>,
}

/// A payment refunded at Telegram, still to be recorded.
#[derive(Debug, Clone)]
pub struct RefundTicket {
    pub payment: PaymentRow,
    plan: PlanId,
    pub user_id: UserId,
}

/// Appends the `refund` row of a refunded payment inside the caller's transaction (so the
/// admin's audit row commits with it); the caller forgets the user's cached row afterwards.
pub(crate) async fn record_refund(
    txn: &impl ConnectionTrait,
    ticket: &RefundTicket,
    admin_id: UserId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PaymentRow, BillingError> {
    let change = Change {
        provider: payments::PROVIDER_STARS,
        kind: "refund",
        plan: Some(ticket.plan),
        charge_id: None,
        amount: ticket.payment.amount,
        period_days: -ticket.payment.period_days,
        until: None,
        admin_id: Some(admin_id),
        refund_of: Some(ticket.payment.id),
        reason: Some(reason),
    };
    match append_locked(txn, ticket.user_id, change, now).await {
        Err(BillingError::Repo(RepoError::UniqueViolation(_))) => Err(BillingError::AlreadyRefunded),
        other => other?.ok_or(BillingError::AlreadyRefunded),
    }
}

/// Locks the user, appends the change and returns the row; `Ok(None)` when the Telegram charge
/// was recorded before (nothing changed). Runs inside the caller's transaction.
pub(crate) async fn append_locked(
    txn: &impl ConnectionTrait,
    user_id: UserId,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<Option<PaymentRow>, BillingError> {
    let user = users::lock(txn, user_id).await?.ok_or(BillingError::UserGone)?;
    let premium_until_after = change.until.unwrap_or_else(|| extended(user.premium_until, now, change.period_days));
    let new = NewPayment {
        user_id,
        provider: change.provider,
        kind: change.kind,
        plan: change.plan.map(PlanId::as_str),
        telegram_payment_charge_id: change.charge_id,
        amount: change.amount,
        period_days: change.period_days,
        premium_until_after,
        admin_id: change.admin_id,
        refund_of: change.refund_of,
        reason: change.reason,
        now,
    };
    Ok(payments::append(txn, new).await?)
}

#[derive(Debug, Clone)]
pub struct BillingService {
    db: Database,
    clock: Arc<dyn Clock>,
    settings: BillingSettings,
    plans: Plans,
    cache: UserCache,
    gateway: Arc<dyn StarsGateway>,
}

impl BillingService {
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        settings: BillingSettings,
        plans: Plans,
        cache: UserCache,
        gateway: Arc<dyn StarsGateway>,
    ) -> Self {
        Self { db, clock, settings, plans, cache, gateway }
    }

    pub fn offer(&self, plan: PlanId) -> Offer {
        let stars = match plan {
            PlanId::Monthly => self.settings.stars_monthly_price,
            PlanId::Yearly => self.settings.stars_yearly_price,
        };
        Offer { plan, stars, period_days: plan.period_days(), recurring: plan.recurring() }
    }

    pub fn offers(&self) -> Vec<Offer> {
        PlanId::ALL.into_iter().map(|plan| self.offer(plan)).collect()
    }

    /// Whether the user may still start the trial (it is on and theirs is unused).
    pub fn trial_available(&self, trial_used: bool) -> bool {
        self.settings.trial_days.is_some() && !trial_used
    }

    pub fn trial_days(&self) -> u32 {
        self.settings.trial_days.unwrap_or(0)
    }

    /// Read from the database, not the sign-in cache: the Mini App polls it after paying, and
    /// the payment may have been recorded by another process (the bot's) a moment ago.
    pub async fn catalogue(&self, user_id: UserId) -> Result<Catalogue, BillingError> {
        let user = users::find_by_id(self.db.conn(), user_id).await?.ok_or(BillingError::UserGone)?;
        let now = self.clock.now();
        Ok(Catalogue {
            offers: self.offers(),
            plan: Plan::of(user.premium_until, now),
            premium_until: user.premium_until,
            trial_available: self.trial_available(user.trial_used),
            trial_days: self.trial_days(),
            limits: self.plans,
        })
    }

    /// The invoice a user pays for `plan`, in their language (a link, or the bot's `sendInvoice`).
    pub fn invoice(&self, user_id: UserId, plan: PlanId, language: InterfaceLanguage) -> Invoice {
        let offer = self.offer(plan);
        let (title, description) = invoice_words(plan, language);
        Invoice {
            title: title.to_owned(),
            description: description.to_owned(),
            payload: invoice_payload(plan, user_id),
            label: title.to_owned(),
            stars: offer.stars,
            subscription_period: plan.recurring().then_some(SUBSCRIPTION_PERIOD_SECONDS),
        }
    }

    /// A `createInvoiceLink` link for the Mini App (monthly as a 30-day subscription).
    pub async fn invoice_link(&self, user_id: UserId, plan: PlanId) -> Result<InvoiceLink, BillingError> {
        let user = self.cache.get(user_id).await?.ok_or(BillingError::UserGone)?;
        let language =
            crate::users::interface_language(user.interface_language.as_deref(), user.user.language_code.as_deref());
        let invoice = self.invoice(user_id, plan, language);
        let link = self.gateway.create_invoice_link(&invoice).await?;
        Ok(InvoiceLink { plan, stars: invoice.stars, link })
    }

    /// Starts the user's one trial; the new end of premium.
    pub async fn start_trial(&self, user_id: UserId) -> Result<DateTime<Utc>, BillingError> {
        let days = self.settings.trial_days.ok_or(BillingError::TrialUnavailable)?;
        let days = i32::try_from(days).map_err(|_| BillingError::TrialUnavailable)?;
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        users::lock(&txn, user_id).await?.ok_or(BillingError::UserGone)?;
        if !payments::take_trial(&txn, user_id).await? {
            return Err(BillingError::TrialUnavailable);
        }
        let change = Change {
            provider: payments::PROVIDER_TRIAL,
            kind: "trial",
            plan: None,
            charge_id: None,
            amount: 0,
            period_days: days,
            until: None,
            admin_id: None,
            refund_of: None,
            reason: None,
        };
        let row = append_locked(&txn, user_id, change, now).await?.ok_or(BillingError::TrialUnavailable)?;
        txn.commit().await.map_err(RepoError::from)?;
        self.cache.forget(user_id);
        Ok(row.premium_until_after)
    }

    /// The user's payments, newest first.
    pub async fn payments(&self, user_id: UserId) -> Result<Vec<PaymentRow>, BillingError> {
        Ok(payments::for_user(self.db.conn(), user_id, 500).await?)
    }

    /// Refunds a Stars payment at Telegram (`refundStarPayment`) after checking it can be:
    /// the caller then records the refund with [`record_refund`] in its own transaction.
    pub async fn refund_at_telegram(&self, payment_id: uuid::Uuid) -> Result<RefundTicket, BillingError> {
        let conn = self.db.conn();
        let payment = payments::find(conn, payment_id).await?.ok_or(BillingError::PaymentNotFound)?;
        let (Some(charge_id), Some(plan)) =
            (payment.telegram_payment_charge_id.as_deref(), payment.plan.as_deref().and_then(PlanId::parse))
        else {
            return Err(BillingError::NotRefundable);
        };
        if payments::refund_of(conn, payment.id).await?.is_some() {
            return Err(BillingError::AlreadyRefunded);
        }
        let user_id = UserId::from_uuid(payment.user_id);
        let telegram_id = users::find_by_id(conn, user_id).await?.ok_or(BillingError::UserGone)?.telegram_id;
        match self.gateway.refund_star_payment(telegram_id, charge_id).await {
            // Refunded at Telegram by an earlier attempt whose row was never written.
            Err(GatewayError::Refused { description, .. }) if description.contains("CHARGE_ALREADY_REFUNDED") => {}
            other => other?,
        }
        Ok(RefundTicket { payment, plan, user_id })
    }

    pub(crate) fn forget(&self, user_id: UserId) {
        self.cache.forget(user_id);
    }
}

fn invoice_words(plan: PlanId, language: InterfaceLanguage) -> (&'static str, &'static str) {
    match (language, plan) {
        (InterfaceLanguage::Ru, PlanId::Monthly) => {
            ("Lang Agent Premium на месяц", "Премиум на 30 дней, продлевается каждый месяц. Отменить можно в Telegram.")
        }
        (InterfaceLanguage::Ru, PlanId::Yearly) => {
            ("Lang Agent Premium на год", "Премиум на 365 дней, оплата один раз.")
        }
        (InterfaceLanguage::En, PlanId::Monthly) => {
            ("Lang Agent Premium, monthly", "Premium for 30 days, renewed every month. Cancel any time in Telegram.")
        }
        (InterfaceLanguage::En, PlanId::Yearly) => ("Lang Agent Premium, yearly", "Premium for 365 days, paid once."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn premium_is_extended_from_its_end_or_from_now_and_never_ends_in_the_past() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap();
        let later = now + Duration::days(10);
        assert_eq!(extended(None, now, 30), now + Duration::days(30));
        assert_eq!(extended(Some(later), now, 30), later + Duration::days(30), "what is left is kept");
        assert_eq!(extended(Some(now - Duration::days(3)), now, 7), now + Duration::days(7), "lapsed: from now");
        assert_eq!(extended(Some(later), now, -4), later - Duration::days(4));
        assert_eq!(extended(Some(later), now, -30), now, "never before now");
    }

    #[test]
    fn plans_parse_and_know_their_periods() {
        assert_eq!(PlanId::parse("monthly"), Some(PlanId::Monthly));
        assert_eq!(PlanId::parse("weekly"), None);
        assert_eq!((PlanId::Yearly.period_days(), PlanId::Yearly.recurring()), (365, false));
    }
}
