//! The append-only payments log (Stars purchases and renewals, admin grants, trials, refunds)
//! and the premium-expiry notices. Inserting a payment moves `users.premium_until` to its
//! `premium_until_after` (a database trigger), so callers lock the user's row first and compute
//! the new end from the locked row.

use chrono::{DateTime, Duration, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::payments::{self, Column, Entity as Payments};
use crate::entities::sent_notices::{self, Entity as SentNotices};
use crate::entities::users::{Column as UserColumn, Entity as Users};
use crate::users::UserRow;

pub use crate::entities::payments::Model as PaymentRow;

pub const PROVIDER_STARS: &str = "telegram_stars";
pub const PROVIDER_ADMIN: &str = "admin";
pub const PROVIDER_TRIAL: &str = "trial";

/// A row to append; `id` and `currency` (`XTR`) are filled in here.
#[derive(Debug, Clone)]
pub struct NewPayment<'a> {
    pub user_id: UserId,
    pub provider: &'a str,
    /// `purchase`, `renewal`, `grant`, `trial` or `refund`.
    pub kind: &'a str,
    pub plan: Option<&'a str>,
    pub telegram_payment_charge_id: Option<&'a str>,
    pub amount: i32,
    pub period_days: i32,
    pub premium_until_after: DateTime<Utc>,
    pub admin_id: Option<UserId>,
    pub refund_of: Option<Uuid>,
    pub reason: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Appends the payment; `None` when a row with the same Telegram charge id exists already (a
/// redelivered update), in which case nothing changed.
pub async fn append(conn: &impl ConnectionTrait, new: NewPayment<'_>) -> Result<Option<PaymentRow>, RepoError> {
    let id = Uuid::now_v7();
    let row = payments::ActiveModel {
        id: Set(id),
        user_id: Set(new.user_id.as_uuid()),
        provider: Set(new.provider.to_owned()),
        kind: Set(new.kind.to_owned()),
        plan: Set(new.plan.map(str::to_owned)),
        telegram_payment_charge_id: Set(new.telegram_payment_charge_id.map(str::to_owned)),
        amount: Set(new.amount),
        currency: Set("XTR".to_owned()),
        period_days: Set(new.period_days),
        premium_until_after: Set(new.premium_until_after),
        admin_id: Set(new.admin_id.map(|id| id.as_uuid())),
        refund_of: Set(new.refund_of),
        reason: Set(new.reason.map(str::to_owned)),
        created_at: Set(new.now),
    };
    let conflict = OnConflict::column(Column::TelegramPaymentChargeId).do_nothing().to_owned();
    let inserted = Payments::insert(row).on_conflict(conflict).exec_without_returning(conn).await?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(Payments::find_by_id(id).one(conn).await?)
}

/// The user's payments, newest first.
pub async fn for_user(conn: &impl ConnectionTrait, user_id: UserId, limit: u64) -> Result<Vec<PaymentRow>, RepoError> {
    Ok(Payments::find()
        .filter(Column::UserId.eq(user_id.as_uuid()))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<PaymentRow>, RepoError> {
    Ok(Payments::find_by_id(id).one(conn).await?)
}

pub async fn find_by_charge(conn: &impl ConnectionTrait, charge_id: &str) -> Result<Option<PaymentRow>, RepoError> {
    Ok(Payments::find().filter(Column::TelegramPaymentChargeId.eq(charge_id)).one(conn).await?)
}

/// The refund of `payment_id`, when it was refunded.
pub async fn refund_of(conn: &impl ConnectionTrait, payment_id: Uuid) -> Result<Option<PaymentRow>, RepoError> {
    Ok(Payments::find().filter(Column::RefundOf.eq(payment_id)).one(conn).await?)
}

/// Users whose premium ends within `(now, now + within]` and who got no `kind` notice in the
/// last `within` (the exact once-only check is [`notice_once`]), soonest end first.
pub async fn premium_ending(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    after: Duration,
    within: Duration,
    kind: &str,
    limit: u64,
) -> Result<Vec<UserRow>, RepoError> {
    use sea_orm::sea_query::Query;
    let recently_told = Query::select()
        .column(sent_notices::Column::UserId)
        .from(SentNotices)
        .and_where(sent_notices::Column::Kind.eq(kind))
        .and_where(sent_notices::Column::SentAt.gt(now - within))
        .to_owned();
    Ok(Users::find()
        .filter(UserColumn::PremiumUntil.gt(now + after))
        .filter(UserColumn::PremiumUntil.lte(now + within))
        .filter(UserColumn::Id.not_in_subquery(recently_told))
        .order_by_asc(UserColumn::PremiumUntil)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Records that the `kind` notice about `key` went to the user; `false` when it had already
/// (another notifier replica, or an earlier run), so it is sent at most once.
pub async fn notice_once(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    kind: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let row = sent_notices::ActiveModel {
        user_id: Set(user_id.as_uuid()),
        kind: Set(kind.to_owned()),
        key: Set(key.to_owned()),
        sent_at: Set(now),
    };
    let conflict =
        OnConflict::columns([sent_notices::Column::UserId, sent_notices::Column::Kind, sent_notices::Column::Key])
            .do_nothing()
            .to_owned();
    Ok(SentNotices::insert(row).on_conflict(conflict).exec_without_returning(conn).await? > 0)
}

/// Marks the one trial as used; `false` when it was used already.
pub async fn take_trial(conn: &impl ConnectionTrait, user_id: UserId) -> Result<bool, RepoError> {
    use sea_orm::sea_query::Expr;
    let result = Users::update_many()
        .col_expr(UserColumn::TrialUsed, Expr::value(true))
        .filter(UserColumn::Id.eq(user_id.as_uuid()))
        .filter(UserColumn::TrialUsed.eq(false))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
