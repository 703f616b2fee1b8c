//! Invite codes and joining. A join runs under the group's lock, so concurrent joins are
//! counted one at a time and the member limit holds; the invite's use is taken by one
//! conditional update, so an invite of one use admits one member.

use chrono::Duration;
use domain::group::INVITE_CODE_LENGTH;
use domain::{InviteCode, UserId};
use rand::Rng;
use repositories::groups::invites::{self, InviteRow, NewInvite as NewInviteRow};
use repositories::groups::{self as rows, STUDENT};
use repositories::{RepoError, TransactionTrait, users};
use uuid::Uuid;

use super::model::{GroupDetail, Invite, InvitePreview, NewInvite, Person, teacher_sees};
use super::{GroupError, GroupService, InviteLinks};

/// Without `_`, so a code never starts with the `g_` of a payload and reads the same either way.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
const DEFAULT_EXPIRY_HOURS: u32 = 168;
/// Attempts at a code nobody has (a clash among 63^10 codes is all but impossible).
const CODE_ATTEMPTS: usize = 5;

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..INVITE_CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET.get(rng.random_range(0..CODE_ALPHABET.len())).copied().unwrap_or(b'x')))
        .collect()
}

impl InviteLinks {
    fn invite(&self, row: InviteRow) -> Invite {
        let payload = format!("{}{}", domain::group::INVITE_PAYLOAD_PREFIX, row.code);
        let bot_link = self.bot_username.as_ref().map(|bot| format!("https://t.me/{bot}?start={payload}"));
        let app_link = match (&self.bot_username, &self.mini_app_name) {
            (Some(bot), Some(app)) => Some(format!("https://t.me/{bot}/{app}?startapp={payload}")),
            _ => None,
        };
        Invite {
            id: row.id,
            code: row.code,
            payload,
            app_link,
            bot_link,
            expires_at: row.expires_at,
            max_uses: row.max_uses.and_then(|n| u32::try_from(n).ok()),
            uses: u32::try_from(row.uses).unwrap_or(0),
            created_at: row.created_at,
        }
    }
}

impl GroupService {
    /// A teacher's new invite: a week unless said otherwise, and as many uses as given.
    pub async fn create_invite(&self, user_id: UserId, id: Uuid, new: NewInvite) -> Result<Invite, GroupError> {
        let (group, _) = self.teacher_of(user_id, id).await?;
        if group.archived_at.is_some() {
            return Err(GroupError::NotFound);
        }
        let now = self.clock.now();
        let hours = new.expires_in_hours.unwrap_or(DEFAULT_EXPIRY_HOURS);
        let expires_at = Some(now + Duration::hours(i64::from(hours)));
        let max_uses = new.max_uses.and_then(|n| i32::try_from(n).ok());
        for _ in 0..CODE_ATTEMPTS {
            let code = new_code();
            let row = NewInviteRow { group_id: id, code: &code, created_by: user_id, expires_at, max_uses, now };
            match invites::insert(self.db.conn(), row).await {
                Ok(row) => return Ok(self.links.invite(row)),
                Err(RepoError::UniqueViolation(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(RepoError::Setup("could not find a free invite code".into()).into())
    }

    /// The group's invites that still work.
    pub async fn invites(&self, user_id: UserId, id: Uuid) -> Result<Vec<Invite>, GroupError> {
        self.teacher_of(user_id, id).await?;
        let rows = invites::live(self.db.conn(), id, self.clock.now()).await?;
        Ok(rows.into_iter().map(|row| self.links.invite(row)).collect())
    }

    pub async fn revoke_invite(&self, user_id: UserId, id: Uuid, invite_id: Uuid) -> Result<(), GroupError> {
        self.teacher_of(user_id, id).await?;
        if !invites::revoke(self.db.conn(), id, invite_id, self.clock.now()).await? {
            return Err(GroupError::InviteNotFound);
        }
        Ok(())
    }

    /// The invite's group as its holder sees it before joining. `NotFound` for an unknown code
    /// or an archived group, `InviteExpired` for one that no longer works.
    pub async fn preview(&self, user_id: UserId, code: &str) -> Result<InvitePreview, GroupError> {
        let language = self.language_of(user_id).await?;
        let (invite, group) = self.usable_invite(code).await?;
        let already_member = rows::membership(self.db.conn(), group.id, user_id).await?.is_some();
        if !already_member && !invites::is_live(&invite, self.clock.now()) {
            return Err(GroupError::InviteExpired);
        }
        let teacher =
            users::find_by_id(self.db.conn(), UserId::from_uuid(group.owner_id)).await?.ok_or(GroupError::NotFound)?;
        Ok(InvitePreview {
            group_id: group.id,
            member_count: rows::count_members(self.db.conn(), group.id).await?,
            max_members: u32::try_from(group.max_members).unwrap_or(0),
            name: group.name,
            description: group.description,
            language: group.language,
            teacher: Person {
                user_id: UserId::from_uuid(teacher.id),
                first_name: teacher.first_name,
                last_name: teacher.last_name,
                username: teacher.username,
            },
            already_member,
            teacher_sees: teacher_sees(language),
        })
    }

    /// The invite of `code` (with or without `g_`) and its live group.
    async fn usable_invite(&self, code: &str) -> Result<(InviteRow, rows::GroupRow), GroupError> {
        let code = InviteCode::parse(code).ok_or(GroupError::NotFound)?;
        let invite = invites::find_by_code(self.db.conn(), code.as_str()).await?.ok_or(GroupError::NotFound)?;
        let group = rows::find(self.db.conn(), invite.group_id).await?.ok_or(GroupError::NotFound)?;
        if group.archived_at.is_some() {
            return Err(GroupError::NotFound);
        }
        Ok((invite, group))
    }

    /// Joins the invite's group as a student: under the group's lock, checks membership, the
    /// member limit (the lower of the group's cap and its owner's current plan) and takes one
    /// use of the invite, all in one transaction.
    pub async fn join(&self, user_id: UserId, code: &str) -> Result<GroupDetail, GroupError> {
        let (invite, _) = self.usable_invite(code).await?;
        let now = self.clock.now();
        let txn = self.db.conn().begin().await.map_err(RepoError::from)?;
        let group = rows::lock(&txn, invite.group_id).await?.ok_or(GroupError::NotFound)?;
        if group.archived_at.is_some() {
            return Err(GroupError::NotFound);
        }
        if rows::membership(&txn, group.id, user_id).await?.is_some() {
            return Err(GroupError::AlreadyMember);
        }
        if !invites::is_live(&invite, now) {
            return Err(GroupError::InviteExpired);
        }
        let owner = users::find_by_id(&txn, UserId::from_uuid(group.owner_id)).await?.ok_or(GroupError::NotFound)?;
        let limits = self.entitlement(owner.premium_until).limits;
        let members = rows::count_members(&txn, group.id).await?;
        limits.member_room(members, u32::try_from(group.max_members).unwrap_or(0))?;
        if !invites::take_use(&txn, invite.id, now).await? {
            return Err(GroupError::InviteExpired);
        }
        rows::add_member(&txn, group.id, user_id, STUDENT, now).await.map_err(|e| match e {
            RepoError::UniqueViolation(_) => GroupError::AlreadyMember,
            e => e.into(),
        })?;
        txn.commit().await.map_err(RepoError::from)?;
        self.get(user_id, group.id).await
    }
}
