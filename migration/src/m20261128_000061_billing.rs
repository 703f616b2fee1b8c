//! Plans and payments: the append-only `payments` log that `users.premium_until` follows, the
//! admins' audit log and the notices sent at most once. Held by the database on both engines:
//! - a row's provider, kind, plan, charge id and amount agree (a Stars purchase has a charge id
//!   and a plan; a grant or a trial has neither and costs nothing; a refund names the payment it
//!   refunds, at most once);
//! - inserting a payment sets the user's `premium_until` to its `premium_until_after` (a
//!   trigger), so the user's column is always that of their newest payment;
//! - payments and admin actions are never updated (a trigger); only the `set null` of a deleted
//!   admin or target touches them, and a deleted user takes their payments along.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_users::Users;
use crate::m20261127_000003_cards_and_study::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns no statement may change once a payment is written (`admin_id` is set null when the
/// admin is deleted).
const PAYMENT_COLUMNS: &str = "id, user_id, provider, kind, plan, telegram_payment_charge_id, amount, currency, \
     period_days, premium_until_after, refund_of, reason, created_at";
const ACTION_COLUMNS: &str = "id, admin_telegram_id, action, details, created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(sent_notices()).await?;
        manager.create_table(payments()).await?;
        manager.create_table(admin_actions()).await?;
        let mut statements = vec![
            "CREATE INDEX ix_payments_user_time ON payments (user_id, created_at)".to_owned(),
            "CREATE INDEX ix_payments_time ON payments (created_at)".to_owned(),
            "CREATE UNIQUE INDEX ux_payments_refund_of ON payments (refund_of)".to_owned(),
            "CREATE INDEX ix_admin_actions_time ON admin_actions (created_at)".to_owned(),
            "CREATE INDEX ix_admin_actions_target ON admin_actions (target_user_id)".to_owned(),
            "CREATE INDEX ix_users_premium_until ON users (premium_until)".to_owned(),
        ];
        if manager.get_database_backend() == DbBackend::Postgres {
            statements.extend([
                "CREATE FUNCTION billing_reject_update() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
                    .to_owned(),
                "CREATE FUNCTION billing_follow_payment() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE users SET premium_until = NEW.premium_until_after WHERE id = NEW.user_id; \
                 RETURN NULL; END $$"
                    .to_owned(),
                format!(
                    "CREATE TRIGGER tr_payments_append_only BEFORE UPDATE OF {PAYMENT_COLUMNS} ON payments \
                     FOR EACH ROW EXECUTE FUNCTION billing_reject_update()"
                ),
                format!(
                    "CREATE TRIGGER tr_admin_actions_append_only BEFORE UPDATE OF {ACTION_COLUMNS} ON admin_actions \
                     FOR EACH ROW EXECUTE FUNCTION billing_reject_update()"
                ),
                "CREATE TRIGGER tr_payments_premium_until AFTER INSERT ON payments \
                 FOR EACH ROW EXECUTE FUNCTION billing_follow_payment()"
                    .to_owned(),
            ]);
        } else {
            statements.extend([
                format!(
                    "CREATE TRIGGER tr_payments_append_only BEFORE UPDATE OF {PAYMENT_COLUMNS} ON payments \
                     BEGIN SELECT RAISE(ABORT, 'payments is append-only'); END"
                ),
                format!(
                    "CREATE TRIGGER tr_admin_actions_append_only BEFORE UPDATE OF {ACTION_COLUMNS} ON admin_actions \
                     BEGIN SELECT RAISE(ABORT, 'admin_actions is append-only'); END"
                ),
                "CREATE TRIGGER tr_payments_premium_until AFTER INSERT ON payments \
                 BEGIN UPDATE users SET premium_until = NEW.premium_until_after WHERE id = NEW.user_id; END"
                    .to_owned(),
            ]);
        }
        let db = manager.get_connection();
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [AdminActions::Table.into_iden(), Payments::Table.into_iden(), SentNotices::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS ix_users_premium_until").await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS billing_reject_update()").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS billing_follow_payment()").await?;
        }
        Ok(())
    }
}

fn sent_notices() -> TableCreateStatement {
    Table::create()
        .table(SentNotices::Table)
        .col(uuid(SentNotices::UserId))
        .col(text(SentNotices::Kind).check(Expr::col(SentNotices::Kind).is_in([
            "premium_expiry_3d",
            "premium_expiry_1d",
            "teacher_digest",
        ])))
        .col(text(SentNotices::Key).check(Expr::cust("length(key) BETWEEN 1 AND 64")))
        .col(timestamp_with_time_zone(SentNotices::SentAt))
        .primary_key(Index::create().col(SentNotices::UserId).col(SentNotices::Kind).col(SentNotices::Key))
        .foreign_key(&mut cascade((SentNotices::Table, SentNotices::UserId), (Users::Table, Users::Id)))
        .to_owned()
}

fn payments() -> TableCreateStatement {
    Table::create()
        .table(Payments::Table)
        .col(pk_uuid(Payments::Id))
        .col(uuid(Payments::UserId))
        .col(text(Payments::Provider).check(Expr::col(Payments::Provider).is_in(["telegram_stars", "admin", "trial"])))
        .col(
            text(Payments::Kind)
                .check(Expr::col(Payments::Kind).is_in(["purchase", "renewal", "grant", "trial", "refund"])),
        )
        .col(text_null(Payments::Plan).check(Expr::col(Payments::Plan).is_in(["monthly", "yearly"])))
        .col(
            text_null(Payments::TelegramPaymentChargeId)
                .unique_key()
                .check(Expr::cust("length(telegram_payment_charge_id) BETWEEN 1 AND 255")),
        )
        .col(integer(Payments::Amount).check(Expr::col(Payments::Amount).gte(0)))
        .col(text(Payments::Currency).default("XTR").check(Expr::col(Payments::Currency).eq("XTR")))
        .col(integer(Payments::PeriodDays).check(Expr::col(Payments::PeriodDays).between(-3650, 3650)))
        .col(timestamp_with_time_zone(Payments::PremiumUntilAfter))
        .col(uuid_null(Payments::AdminId))
        // The payment a `refund` row takes back (unique: a payment is refunded at most once).
        .col(uuid_null(Payments::RefundOf))
        .col(text_null(Payments::Reason).check(Expr::cust("length(reason) BETWEEN 1 AND 500")))
        .col(timestamp_with_time_zone(Payments::CreatedAt))
        .check(Expr::cust(
            "(provider = 'telegram_stars' AND kind IN ('purchase', 'renewal', 'refund') AND plan IS NOT NULL) \
             OR (provider = 'admin' AND kind = 'grant' AND plan IS NULL AND amount = 0) \
             OR (provider = 'trial' AND kind = 'trial' AND plan IS NULL AND amount = 0)",
        ))
        .check(Expr::cust("(telegram_payment_charge_id IS NOT NULL) = (kind IN ('purchase', 'renewal'))"))
        .check(Expr::cust("(refund_of IS NOT NULL) = (kind = 'refund')"))
        .check(Expr::cust(
            "(kind IN ('purchase', 'renewal', 'trial') AND period_days > 0) OR (kind = 'refund' AND period_days <= 0) \
             OR kind = 'grant'",
        ))
        .foreign_key(&mut cascade((Payments::Table, Payments::UserId), (Users::Table, Users::Id)))
        .foreign_key(&mut set_null((Payments::Table, Payments::AdminId), (Users::Table, Users::Id)))
        .foreign_key(&mut cascade((Payments::Table, Payments::RefundOf), (Payments::Table, Payments::Id)))
        .to_owned()
}

fn admin_actions() -> TableCreateStatement {
    Table::create()
        .table(AdminActions::Table)
        .col(pk_uuid(AdminActions::Id))
        .col(uuid_null(AdminActions::AdminId))
        // Kept when the admin's user row is gone: who did it stays known.
        .col(big_integer(AdminActions::AdminTelegramId))
        .col(
            text(AdminActions::Action)
                .check(Expr::col(AdminActions::Action).is_in(["premium_grant", "payment_refund"])),
        )
        .col(uuid_null(AdminActions::TargetUserId))
        .col(json(AdminActions::Details))
        .col(timestamp_with_time_zone(AdminActions::CreatedAt))
        .foreign_key(&mut set_null((AdminActions::Table, AdminActions::AdminId), (Users::Table, Users::Id)))
        .foreign_key(&mut set_null((AdminActions::Table, AdminActions::TargetUserId), (Users::Table, Users::Id)))
        .to_owned()
}

fn set_null(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::SetNull).to_owned()
}

#[derive(DeriveIden)]
enum SentNotices {
    Table,
    UserId,
    Kind,
    Key,
    SentAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    UserId,
    Provider,
    Kind,
    Plan,
    TelegramPaymentChargeId,
    Amount,
    Currency,
    PeriodDays,
    PremiumUntilAfter,
    AdminId,
    RefundOf,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AdminActions {
    Table,
    Id,
    AdminId,
    AdminTelegramId,
    Action,
    TargetUserId,
    Details,
    CreatedAt,
}
