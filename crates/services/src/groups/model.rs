//! What the groups use cases take and give back, free of rows and of HTTP.

use chrono::{DateTime, Utc};
use domain::{GroupRole, InterfaceLanguage, LanguageCode, UserId};
use repositories::groups::{GroupListRow, MemberWithPerson, PersonRow};
use uuid::Uuid;

/// Someone as other members see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user_id: UserId,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
}

impl From<PersonRow> for Person {
    fn from(row: PersonRow) -> Self {
        Self {
            user_id: UserId::from_uuid(row.user_id),
            first_name: row.first_name,
            last_name: row.last_name,
            username: row.username,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSummary {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub language: String,
    /// The caller's role.
    pub role: GroupRole,
    pub is_owner: bool,
    pub owner: Person,
    pub member_count: u64,
    pub max_members: u32,
    pub created_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

impl GroupSummary {
    pub(super) fn of(row: GroupListRow, viewer: UserId) -> Self {
        let role = row.role.parse().unwrap_or(GroupRole::Student);
        Self {
            id: row.group.id,
            is_owner: row.group.owner_id == viewer.as_uuid(),
            name: row.group.name,
            description: row.group.description,
            language: row.group.language,
            role,
            owner: row.owner.into(),
            member_count: row.member_count,
            max_members: u32::try_from(row.group.max_members).unwrap_or(0),
            created_at: row.group.created_at,
            archived_at: row.group.archived_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person: Person,
    pub role: GroupRole,
    pub joined_at: DateTime<Utc>,
}

impl From<MemberWithPerson> for Member {
    fn from(row: MemberWithPerson) -> Self {
        Self {
            person: row.person.into(),
            role: row.role.parse().unwrap_or(GroupRole::Student),
            joined_at: row.joined_at,
        }
    }
}

/// A group as one member sees it: teachers see every member, students the teachers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetail {
    pub summary: GroupSummary,
    pub members: Vec<Member>,
    /// What teachers see of a student, in the caller's language.
    pub teacher_sees: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NewGroup {
    pub name: String,
    pub description: Option<String>,
    pub language: LanguageCode,
    /// Defaults to (and may not exceed) the owner's plan limit.
    pub max_members: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    pub name: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    pub max_members: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct NewInvite {
    /// Defaults to a week; `None` after defaults means it never expires.
    pub expires_in_hours: Option<u32>,
    pub max_uses: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub id: Uuid,
    pub code: String,
    /// `g_<code>`: the `start`/`startapp` payload.
    pub payload: String,
    /// `https://t.me/<bot>/<app>?startapp=g_<code>` when the bot and Mini App names are set.
    pub app_link: Option<String>,
    /// `https://t.me/<bot>?start=g_<code>` when the bot's name is set.
    pub bot_link: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub created_at: DateTime<Utc>,
}

/// What someone holding an invite is shown before joining.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitePreview {
    pub group_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub language: String,
    pub member_count: u64,
    pub max_members: u32,
    pub teacher: Person,
    pub already_member: bool,
    pub teacher_sees: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialKind {
    Deck,
    Topic,
}

impl MaterialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deck => "deck",
            Self::Topic => "topic",
        }
    }
}

/// A deck with the viewer's own counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialDeck {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub card_count: u64,
    pub due_now: u64,
    pub new_available: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialTopic {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub id: Uuid,
    pub kind: MaterialKind,
    pub shared_at: DateTime<Utc>,
    pub shared_by: UserId,
    pub shared_by_first_name: String,
    pub deck: Option<MaterialDeck>,
    pub topic: Option<MaterialTopic>,
}

/// What a teacher shares: one of their decks or topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareRequest {
    Deck(Uuid),
    Topic(Uuid),
}

/// The window of the teacher's progress table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    Week,
    Month,
    ThreeMonths,
    All,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
            Self::ThreeMonths => "3months",
            Self::All => "all",
        }
    }

    /// Where the period starts (`None`: all time).
    pub fn start(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let days = match self {
            Self::Week => 7,
            Self::Month => 30,
            Self::ThreeMonths => 90,
            Self::All => return None,
        };
        Some(now - chrono::Duration::days(days))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudentProgress {
    pub person: Person,
    pub joined_at: DateTime<Utc>,
    pub reviews: u64,
    /// Share of reviews rated 2 or better; `None` without reviews.
    pub retention: Option<f64>,
    /// Cards of the group's shared decks due now.
    pub due_backlog: u64,
    pub exercises: u64,
    /// (correct + partial / 2) / exercises; `None` without exercises.
    pub accuracy: Option<f64>,
    pub last_active_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupProgress {
    pub period: Period,
    pub from: Option<DateTime<Utc>>,
    pub to: DateTime<Utc>,
    pub students: Vec<StudentProgress>,
}

/// What teachers see of a student, told to students before they join.
pub fn teacher_sees(language: InterfaceLanguage) -> Vec<String> {
    let lines: [&str; 5] = match language {
        InterfaceLanguage::Ru => [
            "ваше имя и имя пользователя в Telegram",
            "сколько карточек вы повторили и какую долю из них вспомнили",
            "сколько карточек из колод группы ждут повторения",
            "сколько упражнений вы сделали и с какой точностью",
            "когда вы занимались в последний раз",
        ],
        InterfaceLanguage::En => [
            "your name and Telegram username",
            "how many cards you reviewed and the share you remembered",
            "how many cards of the group's decks are due",
            "how many exercises you did and how accurately",
            "when you last studied",
        ],
    };
    lines.iter().map(|line| (*line).to_owned()).collect()
}

/// A ratio of two counts, `None` when there is nothing to divide by.
pub(super) fn share(part: f64, whole: u64) -> Option<f64> {
    let whole = whole as f64;
    (whole > 0.0).then(|| (part / whole).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn students_are_told_the_same_in_both_languages() {
        let (ru, en) = (teacher_sees(InterfaceLanguage::Ru), teacher_sees(InterfaceLanguage::En));
        assert_eq!(ru.len(), en.len());
        assert!(ru.iter().chain(&en).all(|line| !line.trim().is_empty()));
        assert_eq!(share(1.0, 4), Some(0.25));
        assert_eq!(share(1.0, 0), None);
        let now = chrono::Utc::now();
        assert_eq!(Period::All.start(now), None);
        assert_eq!(Period::Week.start(now), Some(now - chrono::Duration::days(7)));
    }
}
