//! Bodies of `/api/groups`: requests as the contract takes them, responses as it shows them.

use chrono::{DateTime, Utc};
use domain::LanguageCode;
use serde::{Deserialize, Serialize};
use services::groups::{GroupDetail, GroupSummary, Invite, InvitePreview, Member, Person};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::Pagination;
use super::values::{LanguageCodeValue, non_blank};

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct GroupListQuery {
    /// Archived groups too (default: only live ones).
    #[serde(default)]
    pub include_archived: bool,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(range(max = super::MAX_OFFSET))]
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// Unique among the owner's live groups, case-insensitively (409 `CONFLICT`).
    #[validate(length(min = 1, max = 80), custom(function = "non_blank"))]
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub name: String,
    #[validate(length(max = 500))]
    #[schema(max_length = 500, pattern = "^[^\\u0000]*$")]
    pub description: Option<String>,
    #[schema(value_type = LanguageCodeValue, example = "de")]
    pub language: LanguageCode,
    /// Members at most, the owner included: the owner's plan limit by default, never above it
    /// (402 `LIMIT_REACHED`, `limit: "group_members"`).
    #[validate(range(min = 2, max = 1000))]
    #[schema(minimum = 2, maximum = 1000)]
    pub max_members: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupRequest {
    #[validate(length(min = 1, max = 80), custom(function = "non_blank"))]
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub name: Option<String>,
    /// `null` clears it.
    #[validate(length(max = 500))]
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>, max_length = 500, pattern = "^[^\\u0000]*$")]
    pub description: Option<Option<String>>,
    #[validate(range(min = 2, max = 1000))]
    #[schema(minimum = 2, maximum = 1000)]
    pub max_members: Option<u32>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// Default 168 (a week).
    #[validate(range(min = 1, max = 720))]
    #[schema(minimum = 1, maximum = 720)]
    pub expires_in_hours: Option<u32>,
    /// Default: unlimited.
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_uses: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SetRoleRequest {
    #[schema(value_type = String, pattern = "^(teacher|student)$")]
    pub role: domain::GroupRole,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct JoinGroupRequest {
    /// The invite code, with or without its `g_` prefix.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = "^(g_)?[A-Za-z0-9_-]+$")]
    pub code: String,
}

/// Exactly one of `deck_id` and `topic_id`: one of the teacher's own.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ShareMaterialRequest {
    pub deck_id: Option<Uuid>,
    pub topic_id: Option<Uuid>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CopyDeckRequest {
    /// Default: my profile of the deck's language, else the active one.
    pub profile_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonResponse {
    pub user_id: Uuid,
    pub first_name: String,
    pub username: Option<String>,
}

impl From<Person> for PersonResponse {
    fn from(p: Person) -> Self {
        Self { user_id: p.user_id.as_uuid(), first_name: p.first_name, username: p.username }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupSummaryResponse {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    #[schema(value_type = LanguageCodeValue)]
    pub language: String,
    /// The caller's role: `teacher` or `student`.
    #[schema(pattern = "^(teacher|student)$")]
    pub role: String,
    pub is_owner: bool,
    pub owner: PersonResponse,
    pub member_count: u64,
    pub max_members: u32,
    pub created_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

impl From<GroupSummary> for GroupSummaryResponse {
    fn from(g: GroupSummary) -> Self {
        Self {
            id: g.id,
            name: g.name,
            description: g.description,
            language: g.language,
            role: g.role.as_str().to_owned(),
            is_owner: g.is_owner,
            owner: g.owner.into(),
            member_count: g.member_count,
            max_members: g.max_members,
            created_at: g.created_at,
            archived_at: g.archived_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupList {
    pub data: Vec<GroupSummaryResponse>,
    pub pagination: Pagination,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberResponse {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    #[schema(pattern = "^(teacher|student)$")]
    pub role: String,
    pub joined_at: DateTime<Utc>,
}

impl From<Member> for MemberResponse {
    fn from(m: Member) -> Self {
        Self {
            user_id: m.person.user_id.as_uuid(),
            first_name: m.person.first_name,
            last_name: m.person.last_name,
            username: m.person.username,
            role: m.role.as_str().to_owned(),
            joined_at: m.joined_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupDetailResponse {
    #[serde(flatten)]
    pub summary: GroupSummaryResponse,
    /// Teachers see every member; students see the teachers.
    pub members: Vec<MemberResponse>,
    /// What teachers see of a student, in the caller's language.
    pub teacher_sees: Vec<String>,
}

impl From<GroupDetail> for GroupDetailResponse {
    fn from(d: GroupDetail) -> Self {
        Self {
            summary: d.summary.into(),
            members: d.members.into_iter().map(Into::into).collect(),
            teacher_sees: d.teacher_sees,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InviteResponse {
    pub id: Uuid,
    pub code: String,
    /// `g_<code>`, the `start`/`startapp` payload.
    pub payload: String,
    /// Opens the Mini App at the invite (`null` without `TELEGRAM_BOT_USERNAME` and `TELEGRAM_MINI_APP_NAME`).
    pub app_link: Option<String>,
    /// Opens the bot with `/start g_<code>` (`null` without `TELEGRAM_BOT_USERNAME`).
    pub bot_link: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub created_at: DateTime<Utc>,
}

impl From<Invite> for InviteResponse {
    fn from(i: Invite) -> Self {
        Self {
            id: i.id,
            code: i.code,
            payload: i.payload,
            app_link: i.app_link,
            bot_link: i.bot_link,
            expires_at: i.expires_at,
            max_uses: i.max_uses,
            uses: i.uses,
            created_at: i.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InviteList {
    pub data: Vec<InviteResponse>,
    pub pagination: Pagination,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewGroup {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    #[schema(value_type = LanguageCodeValue)]
    pub language: String,
    pub member_count: u64,
    pub max_members: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewTeacher {
    pub first_name: String,
    pub username: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitePreviewResponse {
    pub group: PreviewGroup,
    pub teacher: PreviewTeacher,
    pub already_member: bool,
    pub teacher_sees: Vec<String>,
}

impl From<InvitePreview> for InvitePreviewResponse {
    fn from(p: InvitePreview) -> Self {
        Self {
            group: PreviewGroup {
                id: p.group_id,
                name: p.name,
                description: p.description,
                language: p.language,
                member_count: p.member_count,
                max_members: p.max_members,
            },
            teacher: PreviewTeacher { first_name: p.teacher.first_name, username: p.teacher.username },
            already_member: p.already_member,
            teacher_sees: p.teacher_sees,
        }
    }
}
