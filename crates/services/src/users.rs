//! The signed-in person: their settings, plan and limits ("me"), export and erasure.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use config::PlanSettings;
use domain::{InterfaceLanguage, Plan, ProfileId, TimeZone, UserId};
use repositories::users::{self, UserRow, UserSettingsChanges};
use repositories::{Database, RepoError, TransactionTrait, decks, profiles};
use serde::Serialize;

use crate::Clock;
use crate::profiles::{Profile, ProfileError};

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
    pub day_rollover_hour: i16,
    pub reminders_enabled: bool,
    pub reminder_hour: i16,
    pub rating_buttons: i16,
    pub premium_until: Option<DateTime<Utc>>,
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
            day_rollover_hour: row.day_rollover_hour,
            reminders_enabled: row.reminders_enabled,
            reminder_hour: row.reminder_hour,
            rating_buttons: row.rating_buttons,
            premium_until: row.premium_until,
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
    pub interface_language: InterfaceLanguage,
    pub profiles_used: u64,
    pub profiles_max: u32,
    pub active_profile_id: Option<ProfileId>,
}

/// Settings from `PATCH /api/me`, already parsed at the edge.
#[derive(Debug, Default, Clone)]
pub struct MeChanges {
    pub timezone: Option<TimeZone>,
    pub day_rollover_hour: Option<u8>,
    pub reminders_enabled: Option<bool>,
    pub reminder_hour: Option<u8>,
    pub rating_buttons: Option<u8>,
    pub interface_language: Option<InterfaceLanguage>,
}

/// Everything a user owns, for `GET /api/me/export`.
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub exported_at: DateTime<Utc>,
    pub user: User,
    pub profiles: Vec<Profile>,
    pub decks: Vec<ExportedDeck>,
    pub cards: Vec<ExportedCard>,
    pub messages: Vec<ExportedMessage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedCard {
    pub id: uuid::Uuid,
    pub deck_id: uuid::Uuid,
    #[serde(flatten)]
    pub content: repositories::cards::CardContent,
    pub source: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedMessage {
    pub id: uuid::Uuid,
    pub profile_id: uuid::Uuid,
    pub role: String,
    pub content: String,
    pub channel: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedDeck {
    pub id: uuid::Uuid,
    pub profile_id: uuid::Uuid,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct UserService {
    db: Database,
    clock: Arc<dyn Clock>,
    plans: PlanSettings,
}

impl UserService {
    pub fn new(db: Database, clock: Arc<dyn Clock>, plans: PlanSettings) -> Self {
        Self { db, clock, plans }
    }

    pub fn max_profiles(&self, plan: Plan) -> u32 {
        match plan {
            Plan::Free => self.plans.free_max_profiles,
            Plan::Premium => self.plans.premium_max_profiles,
        }
    }

    pub async fn me(&self, user_id: UserId) -> Result<Me, ProfileError> {
        let conn = self.db.conn();
        let user = users::find_by_id(conn, user_id).await?.ok_or(ProfileError::UserGone)?;
        self.describe(conn, User::from(user)).await
    }

    pub async fn update(&self, user_id: UserId, changes: MeChanges) -> Result<Me, ProfileError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let row = users::lock(&txn, user_id).await?.ok_or(ProfileError::UserGone)?;
        let settings = UserSettingsChanges {
            timezone: changes.timezone.map(|tz| tz.name().to_owned()),
            day_rollover_hour: changes.day_rollover_hour.map(i16::from),
            reminders_enabled: changes.reminders_enabled,
            reminder_hour: changes.reminder_hour.map(i16::from),
            rating_buttons: changes.rating_buttons.map(i16::from),
        };
        let row = users::update_settings(&txn, row, settings, now).await?;
        if let Some(language) = changes.interface_language {
            // The interface language belongs to the active profile (data.md); without one
            // there is nothing to store it on yet.
            let active = profiles::find_active(&txn, user_id).await?.ok_or(ProfileError::NoActiveProfile)?;
            let changes = profiles::ProfileChanges {
                interface_language: Some(language.as_str().to_owned()),
                ..Default::default()
            };
            profiles::update(&txn, active, changes, now).await?;
        }
        let me = self.describe(&txn, User::from(row)).await?;
        txn.commit().await.map_err(RepoError::from)?;
        Ok(me)
    }

    /// Erases the user and, by cascade, every profile, deck and session they own.
    pub async fn delete(&self, user_id: UserId) -> Result<(), ProfileError> {
        users::delete(self.db.conn(), user_id).await?;
        tracing::info!(user_id = %user_id, "account erased");
        Ok(())
    }

    pub async fn export(&self, user_id: UserId) -> Result<Export, ProfileError> {
        let conn = self.db.conn();
        let user = users::find_by_id(conn, user_id).await?.ok_or(ProfileError::UserGone)?;
        let profiles = profiles::list_for_user(conn, user_id).await?;
        let decks = decks::list_for_owner(conn, user_id).await?;
        let mut cards = Vec::new();
        for deck in &decks {
            for row in repositories::cards::list_in_deck(conn, domain::DeckId::from_uuid(deck.id)).await? {
                let card = crate::cards::Card::from_rows(row, None);
                cards.push(ExportedCard {
                    id: card.id,
                    deck_id: card.deck_id.as_uuid(),
                    content: card.content,
                    source: card.source,
                    created_at: card.created_at,
                });
            }
        }
        let messages = repositories::messages::list_for_user(conn, user_id)
            .await?
            .into_iter()
            .map(|m| ExportedMessage {
                id: m.id,
                profile_id: m.profile_id,
                role: m.role,
                content: m.content,
                channel: m.channel,
                created_at: m.created_at,
            })
            .collect();
        Ok(Export {
            cards,
            messages,
            exported_at: self.clock.now(),
            user: User::from(user),
            profiles: profiles.into_iter().map(Profile::try_from).collect::<Result<_, _>>()?,
            decks: decks
                .into_iter()
                .map(|d| ExportedDeck {
                    id: d.id,
                    profile_id: d.profile_id,
                    name: d.name,
                    description: d.description,
                    is_default: d.is_default,
                    archived_at: d.archived_at,
                    created_at: d.created_at,
                })
                .collect(),
        })
    }

    async fn describe(&self, conn: &impl repositories::ConnectionTrait, user: User) -> Result<Me, ProfileError> {
        let plan = Plan::of(user.premium_until, self.clock.now());
        let profiles_used = profiles::count_for_user(conn, user.id).await?;
        let active = profiles::find_active(conn, user.id).await?;
        let interface_language = active
            .as_ref()
            .and_then(|p| p.interface_language.parse().ok())
            .unwrap_or_else(|| InterfaceLanguage::from_telegram(user.language_code.as_deref()));
        Ok(Me {
            plan,
            interface_language,
            profiles_used,
            profiles_max: self.max_profiles(plan),
            active_profile_id: active.map(|p| ProfileId::from_uuid(p.id)),
            user,
        })
    }
}
