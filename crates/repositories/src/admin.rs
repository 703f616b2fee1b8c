//! What admins read and write: the user list with its filters, the service-wide metrics (users,
//! activity, retention, LLM cost, Stars revenue) and the audit log of admin actions.

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JsonValue, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::admin_actions::{self, Column, Entity as AdminActions};
use crate::raw::{Params, count};

pub use crate::entities::admin_actions::Model as AdminActionRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSort {
    CreatedAt,
    LastSeenAt,
    PremiumUntil,
}

/// The user list's filters, order and page.
#[derive(Debug, Clone)]
pub struct UserQuery {
    /// Part of a name or username (case-insensitive), or a whole Telegram id.
    pub search: Option<String>,
    /// `Some(true)`: premium at `now` only; `Some(false)`: free only.
    pub premium: Option<bool>,
    pub sort: UserSort,
    pub descending: bool,
    pub limit: u64,
    pub offset: u64,
    pub now: DateTime<Utc>,
    /// Reviews are counted from here on.
    pub reviews_since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct AdminUserRow {
    pub id: Uuid,
    pub telegram_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub premium_until: Option<DateTime<Utc>>,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub cards: i64,
    pub reviews: i64,
}

/// A page of users and the number matching the filters.
pub async fn users(conn: &impl ConnectionTrait, query: &UserQuery) -> Result<(Vec<AdminUserRow>, u64), RepoError> {
    let mut p = Params::default();
    let total_sql = format!("SELECT COUNT(*) AS n FROM users u WHERE {}", user_condition(&mut p, query));
    let total = match conn.query_one_raw(p.statement(conn, &total_sql)).await? {
        Some(row) => count(row.try_get::<i64>("", "n")?),
        None => 0,
    };
    let mut p = Params::default();
    let condition = user_condition(&mut p, query);
    let column = match query.sort {
        UserSort::CreatedAt => "created_at",
        UserSort::LastSeenAt => "last_seen_at",
        UserSort::PremiumUntil => "premium_until",
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT u.id, u.telegram_id, u.first_name, u.last_name, u.username, u.premium_until, u.is_admin, \
         u.created_at, u.last_seen_at, \
         (SELECT COUNT(*) FROM cards c JOIN language_profiles lp ON lp.id = c.profile_id WHERE lp.user_id = u.id) AS cards, \
         (SELECT COUNT(*) FROM card_reviews r WHERE r.user_id = u.id AND r.undone_at IS NULL AND r.reviewed_at >= {since}) \
         AS reviews \
         FROM users u WHERE {condition} \
         ORDER BY (u.{column} IS NULL), u.{column} {direction}, u.id {direction} LIMIT {limit} OFFSET {offset}",
        since = p.bind(query.reviews_since),
        limit = p.bind(i64::try_from(query.limit).unwrap_or(i64::MAX)),
        offset = p.bind(i64::try_from(query.offset).unwrap_or(i64::MAX)),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    let users = rows.iter().map(|row| AdminUserRow::from_query_result(row, "")).collect::<Result<_, _>>()?;
    Ok((users, total))
}

fn user_condition(p: &mut Params, query: &UserQuery) -> String {
    let mut conditions = vec!["1 = 1".to_owned()];
    if let Some(search) = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = search.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = p.bind(format!("%{escaped}%"));
        let mut any = ["first_name", "last_name", "username"]
            .map(|column| format!("lower(u.{column}) LIKE {pattern} ESCAPE '\\'"))
            .join(" OR ");
        if let Ok(telegram_id) = search.parse::<i64>() {
            any.push_str(&format!(" OR u.telegram_id = {}", p.bind(telegram_id)));
        }
        conditions.push(format!("({any})"));
    }
    match query.premium {
        Some(true) => conditions.push(format!("u.premium_until > {}", p.bind(query.now))),
        Some(false) => {
            conditions.push(format!("(u.premium_until IS NULL OR u.premium_until <= {})", p.bind(query.now)))
        }
        None => {}
    }
    conditions.join(" AND ")
}

/// Service-wide numbers over `[from, now]` (users active by `last_seen_at`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    pub users_total: u64,
    pub users_new: u64,
    pub active_1d: u64,
    pub active_7d: u64,
    pub active_30d: u64,
    pub premium: u64,
    pub reviews: u64,
    pub exercises: u64,
    /// The learners' own tutor messages.
    pub messages: u64,
    pub llm_calls: u64,
    pub llm_cost_usd_micros: i64,
    pub llm_by_operation: Vec<OperationCost>,
    /// Stars of purchases and renewals less refunds.
    pub stars: i64,
    pub payments: u64,
    pub refunds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct OperationCost {
    pub operation: String,
    pub calls: i64,
    pub cost_usd_micros: i64,
}

/// When a user signed up and was last seen, for retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct Cohort {
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
}

pub async fn metrics(
    conn: &impl ConnectionTrait,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Metrics, RepoError> {
    let day = chrono::Duration::days(1);
    let mut p = Params::default();
    let (from_, now_) = (p.bind(from), p.bind(now));
    let (d1, d7, d30) = (p.bind(now - day), p.bind(now - day * 7), p.bind(now - day * 30));
    let sql = format!(
        "SELECT \
         (SELECT COUNT(*) FROM users) AS users_total, \
         (SELECT COUNT(*) FROM users WHERE created_at >= {from_}) AS users_new, \
         (SELECT COUNT(*) FROM users WHERE last_seen_at >= {d1}) AS active_1d, \
         (SELECT COUNT(*) FROM users WHERE last_seen_at >= {d7}) AS active_7d, \
         (SELECT COUNT(*) FROM users WHERE last_seen_at >= {d30}) AS active_30d, \
         (SELECT COUNT(*) FROM users WHERE premium_until > {now_}) AS premium, \
         (SELECT COUNT(*) FROM card_reviews WHERE reviewed_at >= {from_} AND undone_at IS NULL) AS reviews, \
         (SELECT COUNT(*) FROM exercise_attempts WHERE completed_at >= {from_}) AS exercises, \
         (SELECT COUNT(*) FROM messages WHERE created_at >= {from_} AND role = 'user') AS messages, \
         (SELECT COUNT(*) FROM token_usage WHERE created_at >= {from_}) AS llm_calls, \
         (SELECT CAST(COALESCE(SUM(cost_usd_micros), 0) AS BIGINT) FROM token_usage WHERE created_at >= {from_}) AS llm_cost, \
         (SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'refund' THEN -amount ELSE amount END), 0) AS BIGINT) FROM payments \
            WHERE provider = 'telegram_stars' AND created_at >= {from_}) AS stars, \
         (SELECT COUNT(*) FROM payments WHERE kind IN ('purchase', 'renewal') AND created_at >= {from_}) AS payments, \
         (SELECT COUNT(*) FROM payments WHERE kind = 'refund' AND created_at >= {from_}) AS refunds"
    );
    let row =
        conn.query_one_raw(p.statement(conn, &sql)).await?.ok_or_else(|| RepoError::Setup("no metrics row".into()))?;
    let n = |name: &str| row.try_get::<i64>("", name).map(count);
    let mut p = Params::default();
    let sql = format!(
        "SELECT operation, COUNT(*) AS calls, CAST(COALESCE(SUM(cost_usd_micros), 0) AS BIGINT) AS cost_usd_micros FROM token_usage \
         WHERE created_at >= {} GROUP BY operation ORDER BY 3 DESC, 1",
        p.bind(from)
    );
    let by_operation = conn.query_all_raw(p.statement(conn, &sql)).await?;
    Ok(Metrics {
        users_total: n("users_total")?,
        users_new: n("users_new")?,
        active_1d: n("active_1d")?,
        active_7d: n("active_7d")?,
        active_30d: n("active_30d")?,
        premium: n("premium")?,
        reviews: n("reviews")?,
        exercises: n("exercises")?,
        messages: n("messages")?,
        llm_calls: n("llm_calls")?,
        llm_cost_usd_micros: row.try_get::<i64>("", "llm_cost")?,
        llm_by_operation: by_operation
            .iter()
            .map(|row| OperationCost::from_query_result(row, ""))
            .collect::<Result<_, _>>()?,
        stars: row.try_get::<i64>("", "stars")?,
        payments: n("payments")?,
        refunds: n("refunds")?,
    })
}

/// Users who signed up within `[from, until)`, for retention (bounded by `limit`).
pub async fn cohort(
    conn: &impl ConnectionTrait,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Cohort>, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT created_at, last_seen_at FROM users WHERE created_at >= {} AND created_at < {} ORDER BY created_at LIMIT {}",
        p.bind(from),
        p.bind(until),
        p.bind(i64::try_from(limit).unwrap_or(i64::MAX))
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    Ok(rows.iter().map(|row| Cohort::from_query_result(row, "")).collect::<Result<_, _>>()?)
}

pub struct NewAdminAction<'a> {
    pub admin_id: UserId,
    pub admin_telegram_id: i64,
    /// `premium_grant` or `payment_refund`.
    pub action: &'a str,
    pub target_user_id: Option<UserId>,
    pub details: JsonValue,
    pub now: DateTime<Utc>,
}

pub async fn record(conn: &impl ConnectionTrait, new: NewAdminAction<'_>) -> Result<AdminActionRow, RepoError> {
    let row = admin_actions::ActiveModel {
        id: Set(Uuid::now_v7()),
        admin_id: Set(Some(new.admin_id.as_uuid())),
        admin_telegram_id: Set(new.admin_telegram_id),
        action: Set(new.action.to_owned()),
        target_user_id: Set(new.target_user_id.map(|id| id.as_uuid())),
        details: Set(new.details),
        created_at: Set(new.now),
    };
    Ok(AdminActions::insert(row).exec_with_returning(conn).await?)
}

/// A page of the audit log, newest first, with its total.
pub async fn actions(
    conn: &impl ConnectionTrait,
    limit: u64,
    offset: u64,
) -> Result<(Vec<AuditEntry>, u64), RepoError> {
    let total = AdminActions::find().count(conn).await?;
    let rows = AdminActions::find()
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .offset(offset)
        .all(conn)
        .await?;
    // The people the page names, in one more statement (a page is at most 100 rows).
    let ids: Vec<Uuid> = rows.iter().filter_map(|row| row.target_user_id).collect();
    let targets: std::collections::HashMap<Uuid, crate::entities::users::Model> = if ids.is_empty() {
        std::collections::HashMap::new()
    } else {
        crate::entities::users::Entity::find()
            .filter(crate::entities::users::Column::Id.is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|user| (user.id, user))
            .collect()
    };
    let entries = rows
        .into_iter()
        .map(|action| {
            let target = action.target_user_id.and_then(|id| targets.get(&id)).map(|user| AuditTarget {
                telegram_id: user.telegram_id,
                first_name: user.first_name.clone(),
                username: user.username.clone(),
            });
            AuditEntry { action, target }
        })
        .collect();
    Ok((entries, total))
}

/// An audit row with who it was about (`None` once that user erased their account).
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub action: AdminActionRow,
    pub target: Option<AuditTarget>,
}

#[derive(Debug, Clone)]
pub struct AuditTarget {
    pub telegram_id: i64,
    pub first_name: String,
    pub username: Option<String>,
}
