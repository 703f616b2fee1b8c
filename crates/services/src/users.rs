//! The signed-in person: their settings, plan and limits ("me"), export and erasure.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::{InterfaceLanguage, Plan, PlanLimits, Plans, ProfileId, TimeZone, UserId};
pub use repositories::users::TelegramAccount;
use repositories::users::{self, UserRow, UserSettingsChanges};
use repositories::{Database, RepoError, TransactionTrait, profiles};
use serde::Serialize;

use crate::Clock;
use crate::plans::Entitlement;
use crate::user_cache::UserCache;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("the user no longer exists")]
    UserGone,
    /// The interface language lives on the active profile; there is none yet.
    #[error("there is no active profile")]
    NoActiveProfile,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub telegram_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
    pub photo_url: Option<String>,
    pub timezone: String,
    /// The zone was picked by hand: a device's detected zone no longer replaces it.
    pub timezone_manual: bool,
    pub day_rollover_hour: i16,
    pub reminders_enabled: bool,
    pub reminder_hour: i16,
    pub rating_buttons: i16,
    pub premium_until: Option<DateTime<Utc>>,
    /// The one trial was taken.
    pub trial_used: bool,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: UserId::from_uuid(row.id),
            telegram_id: row.telegram_id,
            first_name: row.first_name,
            last_name: row.last_name,
            username: row.username,
            language_code: row.language_code,
            photo_url: row.photo_url,
            timezone: row.timezone,
            timezone_manual: row.timezone_source == users::TIMEZONE_MANUAL,
            day_rollover_hour: row.day_rollover_hour,
            reminders_enabled: row.reminders_enabled,
            reminder_hour: row.reminder_hour,
            rating_buttons: row.rating_buttons,
            premium_until: row.premium_until,
            trial_used: row.trial_used,
            is_admin: row.is_admin,
            created_at: row.created_at,
        }
    }
}

/// `GET /api/me`: the user with their plan, limits and interface language.
#[derive(Debug, Clone)]
pub struct Me {
    pub user: User,
    pub plan: Plan,
    pub limits: PlanLimits,
    pub interface_language: InterfaceLanguage,
    pub profiles_used: u64,
    pub cards_used: u64,
    /// Live groups the user owns.
    pub groups_used: u64,
    pub active_profile_id: Option<ProfileId>,
}

/// Settings from `PATCH /api/me`, already parsed at the edge.
#[derive(Debug, Default, Clone)]
pub struct MeChanges {
    /// Picked by hand: stored, and kept from then on (see [`TimeZoneChange`]).
    pub timezone: Option<TimeZone>,
    /// The zone a device reports: stored only while the learner follows the device.
    pub detected_timezone: Option<TimeZone>,
    /// `true`: follow the device again (with `detected_timezone`, its zone at once).
    pub follow_device_timezone: bool,
    pub day_rollover_hour: Option<u8>,
    pub reminders_enabled: Option<bool>,
    pub reminder_hour: Option<u8>,
    pub rating_buttons: Option<u8>,
    pub interface_language: Option<InterfaceLanguage>,
}

/// What a settings change does to the stored zone and where it came from: a zone picked by
/// hand always wins and sticks; a device's detected zone is taken only by a learner who never
/// picked one (or asked to follow the device again), so two devices in different zones never
/// overwrite a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneChange<'a> {
    pub timezone: Option<&'a str>,
    pub source: Option<&'static str>,
}

impl<'a> TimeZoneChange<'a> {
    pub fn of(changes: &'a MeChanges, currently_manual: bool) -> Self {
        if let Some(chosen) = &changes.timezone {
            return Self { timezone: Some(chosen.name()), source: Some(users::TIMEZONE_MANUAL) };
        }
        let follows_device = changes.follow_device_timezone || !currently_manual;
        let detected = changes.detected_timezone.as_ref().filter(|_| follows_device).map(TimeZone::name);
        let source = changes.follow_device_timezone.then_some(users::TIMEZONE_FROM_DEVICE);
        Self { timezone: detected, source }
    }
}

/// The language to speak to a user in: their active profile's interface language, else the
/// one their Telegram client uses.
pub fn interface_language(active_profile: Option<&str>, telegram_language: Option<&str>) -> InterfaceLanguage {
    active_profile
        .and_then(|language| language.parse().ok())
        .unwrap_or_else(|| InterfaceLanguage::from_telegram(telegram_language))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Option<TimeZone> {
        TimeZone::parse(name).ok()
    }

    #[test]
    fn a_zone_picked_by_hand_is_kept_from_detected_ones() {
        let detected = MeChanges { detected_timezone: zone("Asia/Tokyo"), ..Default::default() };
        assert_eq!(TimeZoneChange::of(&detected, true), TimeZoneChange { timezone: None, source: None });
        assert_eq!(TimeZoneChange::of(&detected, false), TimeZoneChange { timezone: Some("Asia/Tokyo"), source: None });
        let chosen = MeChanges { timezone: zone("Europe/Madrid"), ..Default::default() };
        assert_eq!(
            TimeZoneChange::of(&chosen, false),
            TimeZoneChange { timezone: Some("Europe/Madrid"), source: Some(users::TIMEZONE_MANUAL) }
        );
        let follow = MeChanges { follow_device_timezone: true, ..detected };
        assert_eq!(
            TimeZoneChange::of(&follow, true),
            TimeZoneChange { timezone: Some("Asia/Tokyo"), source: Some(users::TIMEZONE_FROM_DEVICE) }
        );
    }
}

#[derive(Debug, Clone)]
pub struct UserService {
    db: Database,
    clock: Arc<dyn Clock>,
    plans: Plans,
    cache: UserCache,
}

impl UserService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, plans: Plans, cache: UserCache) -> Self {
        Self { db, clock, plans, cache }
    }

    /// One round trip: the user comes from the sign-in cache, the usage from one query.
    pub async fn me(&self, user_id: UserId) -> Result<Me, UserError> {
        let user = self.cache.get(user_id).await?.ok_or(UserError::UserGone)?;
        self.describe(self.db.conn(), User::from(user.user.clone())).await
    }

    pub async fn update(&self, user_id: UserId, changes: MeChanges) -> Result<Me, UserError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let row = users::lock(&txn, user_id).await?.ok_or(UserError::UserGone)?;
        let zone = TimeZoneChange::of(&changes, row.timezone_source == users::TIMEZONE_MANUAL);
        let settings = UserSettingsChanges {
            timezone: zone.timezone.map(str::to_owned),
            timezone_source: zone.source,
            day_rollover_hour: changes.day_rollover_hour.map(i16::from),
            reminders_enabled: changes.reminders_enabled,
            reminder_hour: changes.reminder_hour.map(i16::from),
            rating_buttons: changes.rating_buttons.map(i16::from),
        };
        let row = users::update_settings(&txn, row, settings, now).await?;
        if let Some(language) = changes.interface_language {
            // The interface language belongs to the active profile (data.md); without one
            // there is nothing to store it on yet.
            let active = profiles::find_active(&txn, user_id).await?.ok_or(UserError::NoActiveProfile)?;
            let changes = profiles::ProfileChanges {
                interface_language: Some(language.as_str().to_owned()),
                ..Default::default()
            };
            let profile_id = ProfileId::from_uuid(active.id);
            profiles::update(&txn, active, changes, now).await?;
            crate::profiles::name_default_deck(&txn, profile_id, language, now).await?;
        }
        let me = self.describe(&txn, User::from(row)).await?;
        txn.commit().await.map_err(RepoError::from)?;
        self.cache.forget(user_id);
        Ok(me)
    }

    /// Registers or refreshes the person writing to the bot (and clears a "blocked" mark),
    /// described from the row just written.
    pub async fn from_bot(&self, account: &TelegramAccount) -> Result<Me, UserError> {
        let row = users::upsert_from_bot(self.db.conn(), account, self.clock.now()).await?;
        self.describe(self.db.conn(), User::from(row)).await
    }

    /// Telegram refused a message to this Telegram user with 403 (they blocked the bot):
    /// senders skip them until they write again. Unknown ids change nothing.
    pub async fn bot_blocked(&self, telegram_id: i64) -> Result<(), UserError> {
        users::set_bot_blocked(self.db.conn(), telegram_id, Some(self.clock.now())).await?;
        Ok(())
    }

    /// The user wrote to the bot, so it may message them again. Writes only when they were
    /// marked blocked. (A cached copy of the user sees either change within the sign-in
    /// cache's bound, `AUTH_USER_CACHE_SECONDS`.)
    pub async fn bot_reachable(&self, telegram_id: i64) -> Result<(), UserError> {
        users::set_bot_blocked(self.db.conn(), telegram_id, None).await?;
        Ok(())
    }

    /// Erases the user and, by cascade, every profile, deck and session they own.
    /// Taken under the user's lock first, so the erasure waits for the user's own writes
    /// instead of deadlocking with one of them (a refresh inserting its next session).
    pub async fn delete(&self, user_id: UserId) -> Result<(), UserError> {
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        users::lock(&txn, user_id).await?.ok_or(UserError::UserGone)?;
        users::delete(&txn, user_id).await?;
        txn.commit().await.map_err(RepoError::from)?;
        self.cache.forget(user_id);
        tracing::info!(user_id = %user_id, "account erased");
        Ok(())
    }

    async fn describe(&self, conn: &impl repositories::ConnectionTrait, user: User) -> Result<Me, UserError> {
        let Entitlement { plan, limits } = Entitlement::of(&self.plans, user.premium_until, self.clock.now());
        let usage = users::usage(conn, user.id).await?;
        let interface_language =
            interface_language(usage.active_interface_language.as_deref(), user.language_code.as_deref());
        Ok(Me {
            plan,
            limits,
            interface_language,
            profiles_used: u64::try_from(usage.profiles_used).unwrap_or(0),
            cards_used: u64::try_from(usage.cards_used).unwrap_or(0),
            groups_used: u64::try_from(usage.groups_used).unwrap_or(0),
            active_profile_id: usage.active_profile_id.map(ProfileId::from_uuid),
            user,
        })
    }
}
