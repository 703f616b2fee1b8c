//! Telegram Stars prices, the trial and who the admins are.

use crate::env::EnvReader;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingSettings {
    /// Stars for the 30-day subscription.
    pub stars_monthly_price: u32,
    /// Stars for 365 days, paid once.
    pub stars_yearly_price: u32,
    /// Days of the one trial per user; `None` (0): no trial.
    pub trial_days: Option<u32>,
    /// Telegram ids of the admins, read on every request (never stored as a grant).
    pub admin_telegram_ids: Vec<i64>,
}

impl BillingSettings {
    pub fn is_admin(&self, telegram_id: i64) -> bool {
        self.admin_telegram_ids.contains(&telegram_id)
    }
}

pub(crate) fn read_billing(env: &mut EnvReader) -> BillingSettings {
    let mut admin_telegram_ids = Vec::new();
    for item in env.list("ADMIN_TELEGRAM_IDS") {
        match item.parse::<i64>() {
            Ok(id) if id > 0 => admin_telegram_ids.push(id),
            _ => env.problem(format!("ADMIN_TELEGRAM_IDS must be comma-separated Telegram ids (got {item:?})")),
        }
    }
    BillingSettings {
        stars_monthly_price: env.ranged("STARS_MONTHLY_PRICE", 250, 1, 100_000),
        stars_yearly_price: env.ranged("STARS_YEARLY_PRICE", 2000, 1, 100_000),
        trial_days: Some(env.ranged("TRIAL_DAYS", 7, 0, 365)).filter(|&days| days > 0),
        admin_telegram_ids,
    }
}
