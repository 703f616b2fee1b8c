//! Everything a user owns, read at once for the data export (`GET /api/me/export`). Deleting
//! the user's row removes all of it by cascade.

use domain::UserId;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::RepoError;
use crate::entities::{admin_actions, payments, sent_notices};
use crate::entities::{
    card_progress, card_reviews, cards, daily_activity, decks, exercise_attempts, language_profiles, messages,
    notifications, outbox, refresh_sessions, reminder_log, token_usage, topics,
};
use crate::entities::{fsrs_fits, profile_fsrs};
use crate::entities::{group_invites, group_materials, group_members, groups};

pub use crate::entities::daily_activity::Model as ActivityRow;
pub use crate::entities::token_usage::Model as TokenUsageRow;

/// The user's rows of every table that refers to them, each oldest first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountRows {
    pub profiles: Vec<language_profiles::Model>,
    pub decks: Vec<decks::Model>,
    pub cards: Vec<cards::Model>,
    pub progress: Vec<card_progress::Model>,
    pub reviews: Vec<card_reviews::Model>,
    pub activity: Vec<daily_activity::Model>,
    pub messages: Vec<messages::Model>,
    pub topics: Vec<topics::Model>,
    pub exercise_attempts: Vec<exercise_attempts::Model>,
    pub notifications: Vec<notifications::Model>,
    pub reminders: Vec<reminder_log::Model>,
    /// Bot messages queued or sent to the user (the reminders' text).
    pub outbox: Vec<outbox::Model>,
    pub token_usage: Vec<token_usage::Model>,
    pub sessions: Vec<refresh_sessions::Model>,
    /// Stars payments, grants, trials and refunds.
    pub payments: Vec<payments::Model>,
    /// What admins did about the user (kept, without the user, after an erasure).
    pub admin_actions: Vec<admin_actions::Model>,
    /// Premium-expiry warnings and digests sent, so none is sent twice.
    pub sent_notices: Vec<sent_notices::Model>,
    /// Groups the user owns, their memberships (their own groups' included), the invites they
    /// made and the decks and topics they shared.
    pub groups: Vec<groups::Model>,
    pub group_memberships: Vec<group_members::Model>,
    pub group_invites: Vec<group_invites::Model>,
    pub group_materials: Vec<group_materials::Model>,
    /// The FSRS parameters each profile schedules with, and every fit of them.
    pub memory_parameters: Vec<profile_fsrs::Model>,
    pub memory_fits: Vec<fsrs_fits::Model>,
}

/// The rows of `E` whose `user` column is `user_id`, ordered by `order` (ids are UUIDv7, so
/// ordering by id is ordering by creation).
async fn of_user<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    user: E::Column,
    order: E::Column,
    user_id: UserId,
) -> Result<Vec<E::Model>, RepoError> {
    Ok(E::find().filter(user.eq(user_id.as_uuid())).order_by_asc(order).all(conn).await?)
}

pub async fn rows_of(conn: &impl ConnectionTrait, user_id: UserId) -> Result<AccountRows, RepoError> {
    let cards = cards::Entity::find()
        .filter(cards::Column::ProfileId.in_subquery(crate::cards::owned_profiles(user_id)))
        .order_by_asc(cards::Column::CreatedAt)
        .order_by_asc(cards::Column::Id)
        .all(conn)
        .await?;
    Ok(AccountRows {
        profiles: of_user::<language_profiles::Entity>(
            conn,
            language_profiles::Column::UserId,
            language_profiles::Column::CreatedAt,
            user_id,
        )
        .await?,
        decks: of_user::<decks::Entity>(conn, decks::Column::OwnerId, decks::Column::CreatedAt, user_id).await?,
        cards,
        progress: of_user::<card_progress::Entity>(
            conn,
            card_progress::Column::UserId,
            card_progress::Column::Id,
            user_id,
        )
        .await?,
        reviews: of_user::<card_reviews::Entity>(conn, card_reviews::Column::UserId, card_reviews::Column::Id, user_id)
            .await?,
        activity: of_user::<daily_activity::Entity>(
            conn,
            daily_activity::Column::UserId,
            daily_activity::Column::LocalDate,
            user_id,
        )
        .await?,
        messages: of_user::<messages::Entity>(conn, messages::Column::UserId, messages::Column::Id, user_id).await?,
        topics: of_user::<topics::Entity>(conn, topics::Column::OwnerId, topics::Column::Id, user_id).await?,
        exercise_attempts: of_user::<exercise_attempts::Entity>(
            conn,
            exercise_attempts::Column::UserId,
            exercise_attempts::Column::Id,
            user_id,
        )
        .await?,
        notifications: of_user::<notifications::Entity>(
            conn,
            notifications::Column::UserId,
            notifications::Column::Id,
            user_id,
        )
        .await?,
        reminders: of_user::<reminder_log::Entity>(
            conn,
            reminder_log::Column::UserId,
            reminder_log::Column::Id,
            user_id,
        )
        .await?,
        outbox: of_user::<outbox::Entity>(conn, outbox::Column::UserId, outbox::Column::Id, user_id).await?,
        token_usage: of_user::<token_usage::Entity>(
            conn,
            token_usage::Column::UserId,
            token_usage::Column::Id,
            user_id,
        )
        .await?,
        sessions: of_user::<refresh_sessions::Entity>(
            conn,
            refresh_sessions::Column::UserId,
            refresh_sessions::Column::CreatedAt,
            user_id,
        )
        .await?,
        payments: of_user::<payments::Entity>(conn, payments::Column::UserId, payments::Column::Id, user_id).await?,
        admin_actions: of_user::<admin_actions::Entity>(
            conn,
            admin_actions::Column::TargetUserId,
            admin_actions::Column::Id,
            user_id,
        )
        .await?,
        sent_notices: of_user::<sent_notices::Entity>(
            conn,
            sent_notices::Column::UserId,
            sent_notices::Column::SentAt,
            user_id,
        )
        .await?,
        groups: of_user::<groups::Entity>(conn, groups::Column::OwnerId, groups::Column::Id, user_id).await?,
        group_memberships: of_user::<group_members::Entity>(
            conn,
            group_members::Column::UserId,
            group_members::Column::JoinedAt,
            user_id,
        )
        .await?,
        group_invites: of_user::<group_invites::Entity>(
            conn,
            group_invites::Column::CreatedBy,
            group_invites::Column::Id,
            user_id,
        )
        .await?,
        group_materials: of_user::<group_materials::Entity>(
            conn,
            group_materials::Column::SharedBy,
            group_materials::Column::Id,
            user_id,
        )
        .await?,
        memory_parameters: profile_fsrs::Entity::find()
            .filter(profile_fsrs::Column::ProfileId.in_subquery(crate::cards::owned_profiles(user_id)))
            .order_by_asc(profile_fsrs::Column::ProfileId)
            .all(conn)
            .await?,
        memory_fits: fsrs_fits::Entity::find()
            .filter(fsrs_fits::Column::ProfileId.in_subquery(crate::cards::owned_profiles(user_id)))
            .order_by_asc(fsrs_fits::Column::Id)
            .all(conn)
            .await?,
    })
}
