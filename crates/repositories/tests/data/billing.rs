//! The invariants of payments, the admin audit log and sent notices hold in the database
//! itself, on both engines: rows agree with their kind, a charge is recorded and a payment
//! refunded at most once, a payment moves `users.premium_until`, and neither log is rewritten.

use repositories::ConnectionTrait;
use sea_orm::Statement;
use test_support::backends::{Backend, empty_postgres, empty_sqlite};

const USER: &str = "0192e7a0-0000-7000-8000-000000000001";
const ADMIN: &str = "0192e7a0-0000-7000-8000-000000000002";

fn payment(n: u8, columns: &str, values: &str) -> String {
    format!(
        "INSERT INTO payments (id, user_id, premium_until_after, created_at, {columns}) \
         VALUES ('0192e7a0-0000-7000-8000-0000000001{n:02}', '{USER}', '2030-01-0{} 00:00:00+00:00', CURRENT_TIMESTAMP, {values})",
        n % 9 + 1
    )
}

fn payment_id(n: u8) -> String {
    format!("0192e7a0-0000-7000-8000-0000000001{n:02}")
}

async fn count(backend: &Backend, sql: &str) -> i64 {
    let conn = backend.db.conn();
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn billing_invariants_hold(backend: Backend) {
    backend.db.migrate().await.unwrap();
    let conn = backend.db.conn();
    let exec = |sql: String| async move { conn.execute_unprepared(&sql).await };
    for (id, tg) in [(USER, 1), (ADMIN, 2)] {
        exec(format!("INSERT INTO users (id, telegram_id, first_name) VALUES ('{id}', {tg}, 'A')")).await.unwrap();
    }
    let stars = "provider, kind, plan, telegram_payment_charge_id, amount, period_days";
    exec(payment(1, stars, "'telegram_stars', 'purchase', 'monthly', 'ch-1', 250, 30")).await.unwrap();
    let follows = format!(
        "SELECT COUNT(*) AS n FROM users u JOIN payments p ON p.user_id = u.id \
         WHERE u.premium_until = p.premium_until_after AND p.id = '{}'",
        payment_id(1)
    );
    assert_eq!(count(&backend, &follows).await, 1, "a payment moves premium_until");
    assert!(
        exec(payment(2, stars, "'telegram_stars', 'renewal', 'monthly', 'ch-1', 250, 30")).await.is_err(),
        "a charge is recorded once"
    );
    assert!(exec(payment(2, stars, "'telegram_stars', 'purchase', NULL, 'ch-2', 250, 30")).await.is_err(), "a plan");
    assert!(
        exec(payment(2, stars, "'telegram_stars', 'purchase', 'monthly', NULL, 250, 30")).await.is_err(),
        "a charge id"
    );
    assert!(
        exec(payment(2, stars, "'telegram_stars', 'purchase', 'weekly', 'ch-2', 250, 30")).await.is_err(),
        "a known plan"
    );
    assert!(
        exec(payment(2, stars, "'telegram_stars', 'purchase', 'monthly', 'ch-2', -1, 30")).await.is_err(),
        "amount ≥ 0"
    );
    assert!(
        exec(payment(2, stars, "'telegram_stars', 'purchase', 'monthly', 'ch-2', 250, 0")).await.is_err(),
        "a period"
    );
    assert!(
        exec(payment(2, stars, "'admin', 'purchase', 'monthly', 'ch-2', 250, 30")).await.is_err(),
        "provider and kind"
    );
    let bad_currency = format!("{stars}, currency");
    let usd = "'telegram_stars', 'purchase', 'monthly', 'ch-2', 250, 30, 'USD'";
    assert!(exec(payment(2, &bad_currency, usd)).await.is_err(), "Stars only");

    let grant = "provider, kind, amount, period_days, admin_id, reason";
    exec(payment(3, grant, &format!("'admin', 'grant', 0, -5, '{ADMIN}', 'support'"))).await.unwrap();
    assert!(
        exec(payment(4, grant, &format!("'admin', 'grant', 10, 5, '{ADMIN}', 'x'"))).await.is_err(),
        "grants are free"
    );
    assert!(exec(payment(4, grant, &format!("'admin', 'grant', 0, 5, '{ADMIN}', ''"))).await.is_err(), "a reason");
    exec(payment(4, "provider, kind, amount, period_days", "'trial', 'trial', 0, 7")).await.unwrap();

    let refund = "provider, kind, plan, amount, period_days, refund_of";
    let of = |n: u8| format!("'telegram_stars', 'refund', 'monthly', 250, -30, '{}'", payment_id(n));
    assert!(
        exec(payment(5, refund, "'telegram_stars', 'refund', 'monthly', 250, -30, NULL")).await.is_err(),
        "names a payment"
    );
    exec(payment(5, refund, &of(1))).await.unwrap();
    assert!(exec(payment(6, refund, &of(1))).await.is_err(), "refunded once");

    for update in [
        "UPDATE payments SET amount = 1".to_owned(),
        "UPDATE payments SET premium_until_after = CURRENT_TIMESTAMP".to_owned(),
        "UPDATE admin_actions SET action = 'payment_refund'".to_owned(),
    ] {
        let action = format!(
            "INSERT INTO admin_actions (id, admin_id, admin_telegram_id, action, target_user_id, details, created_at) \
             VALUES ('0192e7a0-0000-7000-8000-0000000002{:02}', '{ADMIN}', 2, 'premium_grant', '{USER}', '{{}}', CURRENT_TIMESTAMP)",
            count(&backend, "SELECT COUNT(*) AS n FROM admin_actions").await
        );
        exec(action).await.unwrap();
        assert!(exec(update.clone()).await.is_err(), "{update} was accepted");
    }
    let unknown = "INSERT INTO admin_actions (id, admin_telegram_id, action, details, created_at) \
         VALUES ('0192e7a0-0000-7000-8000-000000000299', 2, 'drop_tables', '{}', CURRENT_TIMESTAMP)";
    assert!(exec(unknown.to_owned()).await.is_err(), "a known action");

    let notice = |kind: &str, key: &str| {
        format!(
            "INSERT INTO sent_notices (user_id, kind, key, sent_at) VALUES ('{USER}', '{kind}', '{key}', CURRENT_TIMESTAMP)"
        )
    };
    exec(notice("premium_expiry_3d", "2030-01-01T00:00:00Z")).await.unwrap();
    assert!(exec(notice("premium_expiry_3d", "2030-01-01T00:00:00Z")).await.is_err(), "sent once");
    exec(notice("premium_expiry_1d", "2030-01-01T00:00:00Z")).await.unwrap();
    exec(notice("teacher_digest", "2026-W48")).await.unwrap();
    assert!(exec(notice("birthday", "x")).await.is_err(), "a known kind");

    // The admin's deletion keeps the audit (who is kept by Telegram id); the user's takes all.
    exec(format!("DELETE FROM users WHERE id = '{ADMIN}'")).await.unwrap();
    assert_eq!(count(&backend, "SELECT COUNT(*) AS n FROM admin_actions WHERE admin_id IS NULL").await, 3);
    assert_eq!(count(&backend, "SELECT COUNT(*) AS n FROM payments WHERE admin_id IS NULL").await, 4);
    exec(format!("DELETE FROM users WHERE id = '{USER}'")).await.unwrap();
    for table in ["payments", "sent_notices"] {
        assert_eq!(count(&backend, &format!("SELECT COUNT(*) AS n FROM {table}")).await, 0, "{table} kept rows");
    }
    assert_eq!(count(&backend, "SELECT COUNT(*) AS n FROM admin_actions WHERE target_user_id IS NULL").await, 3);
}

#[tokio::test]
async fn billing_invariants_on_postgres() {
    billing_invariants_hold(empty_postgres().await).await;
}

#[tokio::test]
async fn billing_invariants_on_sqlite() {
    billing_invariants_hold(empty_sqlite().await).await;
}
