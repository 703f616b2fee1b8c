//! `/api/me`: the signed-in user's settings, plan and limits; export and erasure.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::DailyQuota;
use domain::{InterfaceLanguage, TimeZone};
use serde::{Deserialize, Serialize};
use services::users::{Me, MeChanges};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::schemas::{QuotaResponse, UserResponse};
use crate::state::AppState;
use crate::validated_json::ValidatedJson;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    /// `free` or `premium`.
    pub name: String,
    pub premium_until: Option<DateTime<Utc>>,
    /// The one trial can still be started (`POST /api/billing/trial`).
    pub trial_available: bool,
    /// Days of the trial; 0 when there is none.
    pub trial_days: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LimitUsage {
    pub used: u64,
    pub max: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardLimit {
    /// Cards in all of the user's profiles.
    pub used: u64,
    /// `null`: unlimited on this plan.
    pub max: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Limits {
    pub profiles: LimitUsage,
    pub cards: CardLimit,
    /// Live groups the user owns.
    pub groups: LimitUsage,
    /// Tutor answers today.
    pub messages: QuotaResponse,
    /// Words turned into cards by the LLM today.
    pub card_generation: QuotaResponse,
    /// Voice messages turned into text today.
    pub voice: QuotaResponse,
    /// Exercises generated today.
    pub exercises: QuotaResponse,
}

/// What this server can do, so the Mini App never offers a feature that would only say 503.
#[derive(Debug, Serialize, ToSchema)]
pub struct Features {
    /// An LLM provider is configured: the tutor and card generation work.
    pub llm: bool,
    /// Speech to text works: the tutor takes voice questions (`POST /api/media/transcribe`).
    pub speech: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserResponse,
    pub plan: PlanResponse,
    pub limits: Limits,
    pub features: Features,
    pub active_profile_id: Option<Uuid>,
    /// Listed in `ADMIN_TELEGRAM_IDS` now: the admin screens are open.
    pub is_admin: bool,
}

impl MeResponse {
    /// `me` with today's quotas.
    async fn describe(state: &AppState, me: Me) -> Result<Self, ApiError> {
        let kinds = [DailyQuota::Messages, DailyQuota::CardGeneration, DailyQuota::Voice, DailyQuota::Exercises];
        let [messages, card_generation, voice, exercises]: [_; 4] = state
            .quotas
            .statuses(me.user.id, &kinds)
            .await?
            .try_into()
            .map_err(|_| ApiError::internal(anyhow::anyhow!("a quota status is missing")))?;
        let plan = PlanResponse {
            name: me.plan.as_str().to_owned(),
            premium_until: me.user.premium_until,
            trial_available: state.billing.trial_available(me.user.trial_used),
            trial_days: state.billing.trial_days(),
        };
        let is_admin = state.admin.is_admin_telegram_id(me.user.telegram_id);
        let mut me = me;
        me.user.is_admin = is_admin;
        Ok(Self {
            plan,
            limits: Limits {
                profiles: LimitUsage { used: me.profiles_used, max: me.limits.profiles },
                cards: CardLimit { used: me.cards_used, max: me.limits.cards },
                groups: LimitUsage { used: me.groups_used, max: me.limits.groups },
                messages: messages.into(),
                card_generation: card_generation.into(),
                voice: voice.into(),
                exercises: exercises.into(),
            },
            features: Features { llm: state.tutor.is_configured(), speech: state.media.speech_available() },
            active_profile_id: me.active_profile_id.map(|id| id.as_uuid()),
            is_admin,
            user: UserResponse::new(me.user, me.interface_language),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// IANA time zone picked by the learner: stored and kept (`timezone_source` `manual`).
    #[schema(value_type = Option<crate::schemas::values::TimeZoneValue>, example = "Europe/Berlin")]
    pub timezone: Option<TimeZone>,
    /// The zone the device reports: stored only while `timezone_source` is `device`, so
    /// another device never overwrites a zone picked by hand.
    #[schema(value_type = Option<crate::schemas::values::TimeZoneValue>, example = "Asia/Tokyo")]
    pub detected_timezone: Option<TimeZone>,
    /// `true`: follow the device's zone again (`detected_timezone` is then stored at once).
    pub follow_device_timezone: Option<bool>,
    /// The local hour (0–23) at which a new study day begins.
    #[validate(range(max = 23))]
    #[schema(maximum = 23)]
    pub day_rollover_hour: Option<u8>,
    pub reminders_enabled: Option<bool>,
    #[validate(range(max = 23))]
    #[schema(maximum = 23)]
    pub reminder_hour: Option<u8>,
    /// 3 (Again/Hard/Good) or 4 (with Easy).
    #[validate(range(min = 3, max = 4))]
    #[schema(minimum = 3, maximum = 4)]
    pub rating_buttons: Option<u8>,
    /// Stored on the active profile: 404 `PROFILE_NOT_FOUND` without one.
    #[schema(value_type = Option<crate::schemas::values::InterfaceLanguageValue>, example = "en")]
    pub interface_language: Option<InterfaceLanguage>,
}

#[utoipa::path(get, path = "/api/me", tag = "me", security(("bearer" = [])), responses((status = 200, body = MeResponse)))]
pub async fn get_me(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let me = state.users.me(user.id()).await?;
    Ok(HttpResponse::Ok().json(MeResponse::describe(&state, me).await?))
}

#[utoipa::path(patch, path = "/api/me", tag = "me", security(("bearer" = [])), request_body = UpdateMeRequest,
    responses((status = 200, body = MeResponse),
              (status = 404, description = "PROFILE_NOT_FOUND: interface_language needs an active profile", body = crate::error::ErrorBody)))]
pub async fn update_me(
    user: AuthUser,
    state: web::Data<AppState>,
    body: ValidatedJson<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let changes = MeChanges {
        timezone: body.timezone,
        detected_timezone: body.detected_timezone,
        follow_device_timezone: body.follow_device_timezone.unwrap_or(false),
        day_rollover_hour: body.day_rollover_hour,
        reminders_enabled: body.reminders_enabled,
        reminder_hour: body.reminder_hour,
        rating_buttons: body.rating_buttons,
        interface_language: body.interface_language,
    };
    let me = state.users.update(user.id(), changes).await?;
    Ok(HttpResponse::Ok().json(MeResponse::describe(&state, me).await?))
}

/// Erases the account and everything it owns.
#[utoipa::path(delete, path = "/api/me", tag = "me", security(("bearer" = [])), responses((status = 204)))]
pub async fn delete_me(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.users.delete(user.id()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything the user owns, as JSON: `user`, `profiles`, `decks`, `cards`, `progress`,
/// `reviews`, `activity`, `messages`, `token_usage`, `sessions` (without token hashes).
#[utoipa::path(get, path = "/api/me/export", tag = "me", security(("bearer" = [])),
    responses((status = 200, description = "every row the user owns, as stored", body = Object, content_type = "application/json")))]
pub async fn export_me(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let export = state.export.export(user.id()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("content-disposition", "attachment; filename=\"lang-agent-export.json\""))
        .json(export))
}
