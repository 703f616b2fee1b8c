//! What admins may do: an admin is whoever's Telegram id is in `ADMIN_TELEGRAM_IDS` at the time
//! of the request (never a database flag). Every change they make is written to
//! `admin_actions` in the same transaction as the change itself.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use config::BillingSettings;
use domain::{Plan, UserId};
use repositories::admin::{self, AdminUserRow, Metrics, NewAdminAction, UserQuery};
use repositories::payments::PaymentRow;
use repositories::{Database, RepoError, TransactionTrait, payments};
use serde_json::json;
use uuid::Uuid;

use crate::Clock;
use crate::billing::{BillingError, BillingService, Change, append_locked};
use crate::user_cache::UserCache;

pub use repositories::admin::UserSort;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The caller is not (or no longer) an admin.
    #[error("admins only")]
    Forbidden,
    #[error("user not found")]
    UserNotFound,
    #[error(transparent)]
    Billing(#[from] BillingError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// A signed-in admin, checked against the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admin {
    pub user_id: UserId,
    pub telegram_id: i64,
}

/// How a grant moves premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Added to what is left (negative: taken off, never before now).
    Days(i32),
    /// The new end as it is.
    Until(DateTime<Utc>),
}

/// The metrics period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    ThreeMonths,
}

impl Period {
    fn days(self) -> i64 {
        match self {
            Self::Week => 7,
            Self::Month => 30,
            Self::ThreeMonths => 91,
        }
    }
}

/// Of the users who signed up in the period long enough ago, the share seen again at least
/// 1, 7 and 30 days after signing up (`None` when nobody is old enough).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Retention {
    pub d1: Option<f64>,
    pub d7: Option<f64>,
    pub d30: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct AdminMetrics {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub numbers: Metrics,
    pub retention: Retention,
}

/// Users in one retention cohort at most (a bound on memory, far above the expected sign-ups).
const COHORT_LIMIT: u64 = 100_000;

#[derive(Debug, Clone)]
pub struct AdminService {
    db: Database,
    clock: Arc<dyn Clock>,
    settings: BillingSettings,
    cache: UserCache,
    billing: BillingService,
}

impl AdminService {
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        settings: BillingSettings,
        cache: UserCache,
        billing: BillingService,
    ) -> Self {
        Self { db, clock, settings, cache, billing }
    }

    pub fn is_admin_telegram_id(&self, telegram_id: i64) -> bool {
        self.settings.is_admin(telegram_id)
    }

    /// The caller as an admin, or `Forbidden`.
    pub async fn admin(&self, user_id: UserId) -> Result<Admin, AdminError> {
        let user = self.cache.get(user_id).await?.ok_or(AdminError::Forbidden)?;
        if !self.settings.is_admin(user.user.telegram_id) {
            return Err(AdminError::Forbidden);
        }
        Ok(Admin { user_id, telegram_id: user.user.telegram_id })
    }

    /// A page of users; `plan` filters on the plan at this moment.
    #[allow(clippy::too_many_arguments)]
    pub async fn users(
        &self,
        _admin: Admin,
        search: Option<String>,
        plan: Option<Plan>,
        sort: UserSort,
        descending: bool,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<AdminUserRow>, u64), AdminError> {
        let now = self.clock.now();
        let query = UserQuery {
            search,
            premium: plan.map(|plan| plan == Plan::Premium),
            sort,
            descending,
            limit,
            offset,
            now,
            reviews_since: now - Duration::days(30),
        };
        Ok(admin::users(self.db.conn(), &query).await?)
    }

    pub async fn metrics(&self, _admin: Admin, period: Period) -> Result<AdminMetrics, AdminError> {
        let now = self.clock.now();
        let from = now - Duration::days(period.days());
        let numbers = admin::metrics(self.db.conn(), from, now).await?;
        let cohort = admin::cohort(self.db.conn(), from, now, COHORT_LIMIT).await?;
        let share = |days: i64| {
            let after = Duration::days(days);
            let old_enough: Vec<_> = cohort.iter().filter(|user| user.created_at + after <= now).collect();
            let back = old_enough
                .iter()
                .filter(|user| user.last_seen_at.is_some_and(|seen| seen >= user.created_at + after))
                .count();
            #[allow(clippy::cast_precision_loss)] // counts far below 2^52
            (!old_enough.is_empty()).then(|| back as f64 / old_enough.len() as f64)
        };
        let retention = Retention { d1: share(1), d7: share(7), d30: share(30) };
        Ok(AdminMetrics { from, to: now, numbers, retention })
    }

    /// Moves the user's premium and records it: one `admin`/`grant` payment and one audit row,
    /// in one transaction. The new end of premium.
    pub async fn grant(
        &self,
        admin: Admin,
        user_id: UserId,
        grant: Grant,
        reason: &str,
    ) -> Result<DateTime<Utc>, AdminError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let (period_days, until) = match grant {
            Grant::Days(days) => (days, None),
            Grant::Until(until) => (0, Some(until)),
        };
        let change = Change {
            provider: payments::PROVIDER_ADMIN,
            kind: "grant",
            plan: None,
            charge_id: None,
            amount: 0,
            period_days,
            until,
            admin_id: Some(admin.user_id),
            refund_of: None,
            reason: Some(reason),
        };
        let row = match append_locked(&txn, user_id, change, now).await {
            Err(BillingError::UserGone) => return Err(AdminError::UserNotFound),
            other => other?.ok_or(AdminError::UserNotFound)?,
        };
        let details = json!({
            "payment_id": row.id,
            "days": matches!(grant, Grant::Days(_)).then_some(period_days),
            "until": until,
            "premium_until": row.premium_until_after,
            "reason": reason,
        });
        self.audit(&txn, admin, "premium_grant", Some(user_id), details, now).await?;
        txn.commit().await.map_err(RepoError::from)?;
        self.cache.forget(user_id);
        tracing::info!(admin = %admin.user_id, user_id = %user_id, "premium granted by an admin");
        Ok(row.premium_until_after)
    }

    /// Refunds a Stars payment: Telegram first, then the `refund` row and its audit row in one
    /// transaction. The user's new end of premium.
    pub async fn refund(&self, admin: Admin, payment_id: Uuid, reason: &str) -> Result<DateTime<Utc>, AdminError> {
        let ticket = self.billing.refund_at_telegram(payment_id).await?;
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let refund = crate::billing::record_refund(&txn, &ticket, admin.user_id, reason, now).await?;
        let details = json!({
            "payment_id": ticket.payment.id,
            "refund_id": refund.id,
            "stars": ticket.payment.amount,
            "premium_until": refund.premium_until_after,
            "reason": reason,
        });
        self.audit(&txn, admin, "payment_refund", Some(ticket.user_id), details, now).await?;
        txn.commit().await.map_err(RepoError::from)?;
        self.cache.forget(ticket.user_id);
        Ok(refund.premium_until_after)
    }

    pub async fn actions(
        &self,
        _admin: Admin,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<admin::AuditEntry>, u64), AdminError> {
        Ok(admin::actions(self.db.conn(), limit, offset).await?)
    }

    /// A user's payments, newest first, each with whether it can still be refunded.
    pub async fn user_payments(&self, _admin: Admin, user_id: UserId) -> Result<Vec<(PaymentRow, bool)>, AdminError> {
        let conn = self.db.conn();
        repositories::users::find_by_id(conn, user_id).await?.ok_or(AdminError::UserNotFound)?;
        let rows = payments::for_user(conn, user_id, 500).await?;
        let refunded: std::collections::HashSet<Uuid> = rows.iter().filter_map(|row| row.refund_of).collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let refundable = row.provider == payments::PROVIDER_STARS
                    && row.telegram_payment_charge_id.is_some()
                    && !refunded.contains(&row.id);
                (row, refundable)
            })
            .collect())
    }

    async fn audit(
        &self,
        conn: &impl repositories::ConnectionTrait,
        admin: Admin,
        action: &str,
        target_user_id: Option<UserId>,
        details: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<(), AdminError> {
        let new = NewAdminAction {
            admin_id: admin.user_id,
            admin_telegram_id: admin.telegram_id,
            action,
            target_user_id,
            details,
            now,
        };
        admin::record(conn, new).await?;
        Ok(())
    }
}
