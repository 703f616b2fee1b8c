use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub telegram_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
    pub photo_url: Option<String>,
    pub timezone: String,
    /// `device`: follows the zone the learner's device reports; `manual`: picked by hand.
    pub timezone_source: String,
    pub day_rollover_hour: i16,
    pub premium_until: Option<DateTimeUtc>,
    pub trial_used: bool,
    pub is_admin: bool,
    pub reminders_enabled: bool,
    pub reminder_hour: i16,
    pub rating_buttons: i16,
    pub last_seen_at: Option<DateTimeUtc>,
    /// Bumped by logout and erasure; access tokens carry the version they were issued under.
    pub auth_version: i32,
    /// When Telegram last refused a message to this user with 403 (they blocked the bot);
    /// `None` once they write to it again.
    pub bot_blocked_at: Option<DateTimeUtc>,
    /// The next instant the local reminder hour comes; `None` until the notifier schedules it.
    pub next_reminder_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
