//! Teacher groups, for the Mini App and the bot alike: groups and their members (the owner a
//! teacher member from the start), invite codes, shared decks and topics, what teachers see of
//! their students, and the weekly digest. Plan limits: groups owned, and members per group
//! (the lower of the group's cap and its owner's current plan).

mod digest;
mod invites;
mod materials;
mod model;
mod progress;

use std::sync::Arc;

use domain::{GroupRole, InterfaceLanguage, LimitExceeded, Plans, UserId};
use repositories::groups::{self as rows, GroupChanges, GroupRow, MemberRow};
use repositories::{Database, RepoError, TransactionTrait, users};
use uuid::Uuid;

pub use self::digest::{ComposeDigest, DIGEST_KIND, DigestFacts, DigestGroup, DigestRun, DigestText};
pub use self::model::*;
use crate::Clock;
use crate::cards::CardService;
use crate::plans::Entitlement;
use crate::profiles::ProfileError;
use crate::user_cache::UserCache;

#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// Not a member (someone else's group is indistinguishable from a missing one), an unknown
    /// invite code, or a join to an archived group.
    #[error("group not found")]
    NotFound,
    /// A member without the role the action needs.
    #[error("only the group's teachers (or its owner) may do this")]
    Forbidden,
    #[error("another group of yours already has that name")]
    NameTaken,
    /// The owner cannot leave or be removed (the group is archived instead).
    #[error("the owner stays in the group")]
    OwnerStays,
    #[error("no such member")]
    MemberNotFound,
    #[error("no such invite")]
    InviteNotFound,
    /// Expired, used up or revoked.
    #[error("the invite no longer works")]
    InviteExpired,
    #[error("already a member")]
    AlreadyMember,
    #[error("already shared with the group")]
    AlreadyShared,
    #[error("deck not found")]
    DeckNotFound,
    #[error("topic not found")]
    TopicNotFound,
    #[error("no such material in the group")]
    MaterialNotFound,
    /// Only a shared deck can be copied.
    #[error("the material is not a deck")]
    NotADeck,
    #[error(transparent)]
    LimitReached(#[from] LimitExceeded),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("the user no longer exists")]
    UserGone,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Where invite links point (`TELEGRAM_BOT_USERNAME`, `TELEGRAM_MINI_APP_NAME`).
#[derive(Debug, Clone, Default)]
pub struct InviteLinks {
    pub bot_username: Option<String>,
    pub mini_app_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GroupService {
    db: Database,
    clock: Arc<dyn Clock>,
    plans: Plans,
    users: UserCache,
    links: InviteLinks,
    cards: CardService,
}

/// The name index's violation is a taken name; anything else is a fault.
fn name_taken_or(error: RepoError) -> GroupError {
    match &error {
        RepoError::UniqueViolation(what) if what.contains("ux_groups_owner_name") || what.contains("name_key") => {
            GroupError::NameTaken
        }
        _ => error.into(),
    }
}

fn role_of(member: &MemberRow) -> GroupRole {
    member.role.parse().unwrap_or(GroupRole::Student)
}

impl GroupService {
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        plans: Plans,
        users: UserCache,
        links: InviteLinks,
        cards: CardService,
    ) -> Self {
        Self { db, clock, plans, users, links, cards }
    }

    /// The user's language (for `teacher_sees`) and plan.
    async fn language_of(&self, user_id: UserId) -> Result<InterfaceLanguage, GroupError> {
        let found = self.users.get(user_id).await?.ok_or(GroupError::UserGone)?;
        Ok(crate::users::interface_language(found.interface_language.as_deref(), found.user.language_code.as_deref()))
    }

    fn entitlement(&self, premium_until: Option<chrono::DateTime<chrono::Utc>>) -> Entitlement {
        Entitlement::of(&self.plans, premium_until, self.clock.now())
    }

    /// The group and the caller's membership; `NotFound` unless they are a member.
    async fn member_of(&self, user_id: UserId, id: Uuid) -> Result<(GroupRow, MemberRow), GroupError> {
        rows::find_for_member(self.db.conn(), id, user_id).await?.ok_or(GroupError::NotFound)
    }

    /// Like [`Self::member_of`], for a teacher's action: a student gets `Forbidden`.
    async fn teacher_of(&self, user_id: UserId, id: Uuid) -> Result<(GroupRow, MemberRow), GroupError> {
        let (group, member) = self.member_of(user_id, id).await?;
        if !role_of(&member).is_teacher() {
            return Err(GroupError::Forbidden);
        }
        Ok((group, member))
    }

    /// Live groups the user owns and what their plan allows (for `GET /api/me`).
    pub async fn owned_count(&self, user_id: UserId) -> Result<u64, GroupError> {
        Ok(rows::count_owned(self.db.conn(), user_id).await?)
    }

    pub async fn list(&self, user_id: UserId, include_archived: bool) -> Result<Vec<GroupSummary>, GroupError> {
        let rows = rows::list_for_user(self.db.conn(), user_id, include_archived, None).await?;
        Ok(rows.into_iter().map(|row| GroupSummary::of(row, user_id)).collect())
    }

    pub async fn get(&self, user_id: UserId, id: Uuid) -> Result<GroupDetail, GroupError> {
        let language = self.language_of(user_id).await?;
        let row = rows::list_for_user(self.db.conn(), user_id, true, Some(id)).await?;
        let summary = row.into_iter().next().map(|row| GroupSummary::of(row, user_id)).ok_or(GroupError::NotFound)?;
        let members = rows::members(self.db.conn(), id, !summary.role.is_teacher()).await?;
        Ok(GroupDetail {
            summary,
            members: members.into_iter().map(Member::from).collect(),
            teacher_sees: teacher_sees(language),
        })
    }

    /// A new group owned by the user, who becomes its first teacher in the same transaction.
    pub async fn create(&self, user_id: UserId, new: NewGroup) -> Result<GroupDetail, GroupError> {
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        // One group creation of this user at a time, so two at once cannot pass the limit.
        let owner = users::lock(&txn, user_id).await?.ok_or(GroupError::UserGone)?;
        let limits = self.entitlement(owner.premium_until).limits;
        limits.group_room(rows::count_owned(&txn, user_id).await?)?;
        let max_members = match new.max_members {
            Some(wanted) if wanted > limits.group_members => {
                return Err(LimitExceeded {
                    limit: domain::LimitKind::GroupMembers,
                    used: u64::from(wanted),
                    max: limits.group_members,
                }
                .into());
            }
            Some(wanted) => wanted,
            None => limits.group_members,
        };
        if rows::name_taken(&txn, user_id, &new.name, None).await? {
            return Err(GroupError::NameTaken);
        }
        let group = rows::insert_with_owner(
            &txn,
            rows::NewGroup {
                owner_id: user_id,
                name: &new.name,
                description: new.description.as_deref().filter(|d| !d.trim().is_empty()),
                language: new.language.as_str(),
                max_members: i32::try_from(max_members.clamp(2, 1000)).unwrap_or(2),
                now,
            },
        )
        .await
        .map_err(name_taken_or)?;
        txn.commit().await.map_err(RepoError::from)?;
        self.get(user_id, group.id).await
    }

    /// A teacher's change of the name, description or member cap.
    pub async fn update(&self, user_id: UserId, id: Uuid, patch: GroupPatch) -> Result<GroupDetail, GroupError> {
        let (group, _) = self.teacher_of(user_id, id).await?;
        let owner_id = UserId::from_uuid(group.owner_id);
        if let Some(name) = &patch.name
            && rows::name_taken(self.db.conn(), owner_id, name, Some(id)).await?
        {
            return Err(GroupError::NameTaken);
        }
        if let Some(wanted) = patch.max_members {
            let owner = users::find_by_id(self.db.conn(), owner_id).await?.ok_or(GroupError::NotFound)?;
            let max = self.entitlement(owner.premium_until).limits.group_members;
            if wanted > max {
                let limit = domain::LimitKind::GroupMembers;
                return Err(LimitExceeded { limit, used: u64::from(wanted), max }.into());
            }
        }
        let changes = GroupChanges {
            name: patch.name,
            description: patch.description.map(|d| d.filter(|d| !d.trim().is_empty())),
            max_members: patch.max_members.map(|m| i32::try_from(m.clamp(2, 1000)).unwrap_or(2)),
            archived_at: None,
        };
        rows::update(self.db.conn(), group, changes, self.clock.now()).await.map_err(name_taken_or)?;
        self.get(user_id, id).await
    }

    /// The owner archives the group: invites stop working, members keep reading materials.
    pub async fn archive(&self, user_id: UserId, id: Uuid) -> Result<(), GroupError> {
        let (group, _) = self.member_of(user_id, id).await?;
        if group.owner_id != user_id.as_uuid() {
            return Err(GroupError::Forbidden);
        }
        if group.archived_at.is_none() {
            let changes = GroupChanges { archived_at: Some(self.clock.now()), ..Default::default() };
            rows::update(self.db.conn(), group, changes, self.clock.now()).await?;
        }
        Ok(())
    }

    /// A member leaves; the owner cannot (they archive the group instead).
    pub async fn leave(&self, user_id: UserId, id: Uuid) -> Result<(), GroupError> {
        let (group, _) = self.member_of(user_id, id).await?;
        if group.owner_id == user_id.as_uuid() {
            return Err(GroupError::OwnerStays);
        }
        rows::remove_member(self.db.conn(), id, user_id).await?;
        Ok(())
    }

    /// The owner makes a member a teacher or a student again; the owner stays a teacher.
    pub async fn set_role(
        &self,
        user_id: UserId,
        id: Uuid,
        member: UserId,
        role: GroupRole,
    ) -> Result<GroupDetail, GroupError> {
        let (group, _) = self.member_of(user_id, id).await?;
        if group.owner_id != user_id.as_uuid() {
            return Err(GroupError::Forbidden);
        }
        if member.as_uuid() == group.owner_id {
            return Err(GroupError::OwnerStays);
        }
        if !rows::set_role(self.db.conn(), id, member, role.as_str()).await? {
            return Err(GroupError::MemberNotFound);
        }
        self.get(user_id, id).await
    }

    /// A teacher removes a student; only the owner removes a teacher; nobody removes the owner.
    pub async fn remove(&self, user_id: UserId, id: Uuid, member: UserId) -> Result<(), GroupError> {
        let (group, _) = self.teacher_of(user_id, id).await?;
        let target = rows::membership(self.db.conn(), id, member).await?.ok_or(GroupError::MemberNotFound)?;
        if target.user_id == group.owner_id {
            return Err(GroupError::OwnerStays);
        }
        if role_of(&target).is_teacher() && group.owner_id != user_id.as_uuid() {
            return Err(GroupError::Forbidden);
        }
        rows::remove_member(self.db.conn(), id, member).await?;
        Ok(())
    }
}
