//! The body of `GET /api/admin/metrics`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use services::admin::AdminMetrics;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserNumbers {
    pub total: u64,
    /// Signed up in the period.
    pub new: u64,
    /// Seen in the last 1, 7 and 30 days.
    pub active_1d: u64,
    pub active_7d: u64,
    pub active_30d: u64,
    /// Premium now.
    pub premium: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityNumbers {
    pub reviews: u64,
    pub exercises: u64,
    /// Learners' own tutor messages.
    pub messages: u64,
}

/// Of those who signed up in the period long enough ago, the share seen again at least 1, 7
/// and 30 days later (0–1; `null` when nobody is old enough).
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionNumbers {
    pub d1: Option<f64>,
    pub d7: Option<f64>,
    pub d30: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OperationCostResponse {
    pub operation: String,
    pub calls: i64,
    pub cost_usd: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LlmNumbers {
    pub calls: u64,
    pub cost_usd: f64,
    pub by_operation: Vec<OperationCostResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevenueNumbers {
    /// Stars paid less Stars refunded.
    pub stars: i64,
    /// Purchases and renewals.
    pub payments: u64,
    pub refunds: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsResponse {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub users: UserNumbers,
    pub activity: ActivityNumbers,
    pub retention: RetentionNumbers,
    pub llm: LlmNumbers,
    pub revenue: RevenueNumbers,
}

#[allow(clippy::cast_precision_loss)] // micro-dollars far below 2^52
fn usd(micros: i64) -> f64 {
    micros as f64 / 1_000_000.0
}

impl From<AdminMetrics> for MetricsResponse {
    fn from(m: AdminMetrics) -> Self {
        let n = m.numbers;
        Self {
            from: m.from,
            to: m.to,
            users: UserNumbers {
                total: n.users_total,
                new: n.users_new,
                active_1d: n.active_1d,
                active_7d: n.active_7d,
                active_30d: n.active_30d,
                premium: n.premium,
            },
            activity: ActivityNumbers { reviews: n.reviews, exercises: n.exercises, messages: n.messages },
            retention: RetentionNumbers { d1: m.retention.d1, d7: m.retention.d7, d30: m.retention.d30 },
            llm: LlmNumbers {
                calls: n.llm_calls,
                cost_usd: usd(n.llm_cost_usd_micros),
                by_operation: n
                    .llm_by_operation
                    .into_iter()
                    .map(|op| OperationCostResponse {
                        operation: op.operation,
                        calls: op.calls,
                        cost_usd: usd(op.cost_usd_micros),
                    })
                    .collect(),
            },
            revenue: RevenueNumbers { stars: n.stars, payments: n.payments, refunds: n.refunds },
        }
    }
}
