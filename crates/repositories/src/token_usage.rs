//! One row per LLM call (successful or not), for cost accounting per user and operation.

use chrono::{DateTime, Utc};
use domain::{ProfileId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::token_usage::{self, Entity as TokenUsage};

pub struct NewTokenUsage<'a> {
    pub user_id: Option<UserId>,
    pub profile_id: Option<ProfileId>,
    pub operation: &'a str,
    pub provider: &'a str,
    pub model: &'a str,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub cost_usd_micros: u64,
    pub latency_ms: u64,
    /// `ok` or `error`.
    pub outcome: &'static str,
    pub created_at: DateTime<Utc>,
}

fn clamp_i32(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

pub async fn insert(conn: &impl ConnectionTrait, usage: NewTokenUsage<'_>) -> Result<(), RepoError> {
    let row = token_usage::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(usage.user_id.map(|id| id.as_uuid())),
        profile_id: Set(usage.profile_id.map(|id| id.as_uuid())),
        operation: Set(usage.operation.to_owned()),
        provider: Set(usage.provider.to_owned()),
        model: Set(usage.model.to_owned()),
        prompt_tokens: Set(clamp_i32(usage.prompt_tokens.into())),
        completion_tokens: Set(clamp_i32(usage.completion_tokens.into())),
        cost_usd_micros: Set(i64::try_from(usage.cost_usd_micros).unwrap_or(i64::MAX)),
        latency_ms: Set(clamp_i32(usage.latency_ms)),
        outcome: Set(usage.outcome.to_owned()),
        created_at: Set(usage.created_at),
    };
    TokenUsage::insert(row).exec_without_returning(conn).await?;
    Ok(())
}
