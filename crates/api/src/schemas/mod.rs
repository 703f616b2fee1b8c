//! Response bodies shared by several routes, with their OpenAPI schemas.

pub mod cards;
pub mod group_materials;
pub mod groups;
pub mod values;

use chrono::{DateTime, Utc};
use serde::Serialize;
use services::profiles::Profile;
use services::users::User;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    pub telegram_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
    pub photo_url: Option<String>,
    /// IANA time zone, e.g. `Europe/Moscow`.
    pub timezone: String,
    /// `manual`: picked by the learner, kept whatever a device detects; `device`: follows the
    /// zone the learner's device reports (`detected_timezone` in `PATCH /api/me`).
    pub timezone_source: TimeZoneSource,
    pub day_rollover_hour: i16,
    pub reminders_enabled: bool,
    pub reminder_hour: i16,
    /// 3 (Again/Hard/Good) or 4 (with Easy).
    pub rating_buttons: i16,
    /// The active profile's, else derived from Telegram's language.
    #[schema(value_type = values::InterfaceLanguageValue, example = "ru")]
    pub interface_language: String,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
}

/// Where the stored time zone comes from.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimeZoneSource {
    Device,
    Manual,
}

impl UserResponse {
    pub fn new(user: User, interface_language: domain::InterfaceLanguage) -> Self {
        Self {
            id: user.id.as_uuid(),
            telegram_id: user.telegram_id,
            first_name: user.first_name,
            last_name: user.last_name,
            username: user.username,
            language_code: user.language_code,
            photo_url: user.photo_url,
            timezone: user.timezone,
            timezone_source: if user.timezone_manual { TimeZoneSource::Manual } else { TimeZoneSource::Device },
            day_rollover_hour: user.day_rollover_hour,
            reminders_enabled: user.reminders_enabled,
            reminder_hour: user.reminder_hour,
            rating_buttons: user.rating_buttons,
            interface_language: interface_language.as_str().to_owned(),
            is_admin: user.is_admin,
            created_at: user.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    pub id: Uuid,
    #[schema(value_type = values::LanguageCodeValue, example = "en")]
    pub language: String,
    #[schema(value_type = values::CefrLevelValue, example = "A2")]
    pub current_level: String,
    #[schema(value_type = values::CefrLevelValue, example = "B2")]
    pub target_level: String,
    #[schema(value_type = Vec<values::GoalValue>, example = json!(["travel", "work"]))]
    pub goals: Vec<String>,
    #[schema(value_type = values::InterfaceLanguageValue, example = "ru")]
    pub interface_language: String,
    pub is_active: bool,
    pub new_cards_per_day: i32,
    pub desired_retention: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Profile> for ProfileResponse {
    fn from(p: Profile) -> Self {
        Self {
            id: p.id.as_uuid(),
            language: p.language.as_str().to_owned(),
            current_level: p.current_level.as_str().to_owned(),
            target_level: p.target_level.as_str().to_owned(),
            goals: p
                .goals
                .iter()
                .filter_map(|g| serde_json::to_value(g).ok().and_then(|v| v.as_str().map(str::to_owned)))
                .collect(),
            interface_language: p.interface_language.as_str().to_owned(),
            is_active: p.is_active,
            new_cards_per_day: p.new_cards_per_day,
            desired_retention: p.desired_retention,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pagination {
    pub limit: u32,
    pub offset: u32,
    pub total: u64,
    pub has_more: bool,
}

/// How far a list may be paged: further than anyone scrolls, within every integer type.
pub const MAX_OFFSET: u32 = 100_000;

/// A list of one profile's things (decks, topics): the active profile unless `profile_id`
/// says otherwise, archived ones only when asked, a page of `limit` (1–100, default 20).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct ProfileListQuery {
    pub profile_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub include_archived: bool,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(range(max = MAX_OFFSET))]
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

/// `limit`/`offset` query parameters: limit 1–100 (default 20), offset 0–100 000.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(range(max = MAX_OFFSET))]
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

impl PageQuery {
    /// One page of an already loaded list, with its pagination block.
    pub fn slice<T>(&self, items: Vec<T>) -> (Vec<T>, Pagination) {
        let limit = self.limit.unwrap_or(20);
        let offset = self.offset.unwrap_or(0);
        let total = items.len() as u64;
        let page: Vec<T> = items.into_iter().skip(offset as usize).take(limit as usize).collect();
        let has_more = u64::from(offset) + (page.len() as u64) < total;
        (page, Pagination { limit, offset, total, has_more })
    }
}

/// Tells "absent" (`None`) from "null" (`Some(None)`) in a PATCH body.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A daily LLM quota in the user's local day; `max: null` is unlimited.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaResponse {
    pub used: u32,
    pub max: Option<u32>,
    /// The user's next local midnight.
    pub reset_at: chrono::DateTime<chrono::FixedOffset>,
}

impl From<services::quota::QuotaStatus> for QuotaResponse {
    fn from(q: services::quota::QuotaStatus) -> Self {
        Self { used: q.used, max: q.max, reset_at: q.reset_at }
    }
}
