//! Bodies of a group's shared material and of the teacher's progress table.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use services::groups::{GroupProgress, Material, StudentProgress};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::Pagination;

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProgressQuery {
    /// `week` (default), `month`, `3months` or `all`.
    #[param(pattern = "^(week|month|3months|all)$")]
    pub period: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SharedBy {
    pub user_id: Uuid,
    pub first_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialDeckResponse {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub card_count: u64,
    /// My cards of the deck due for review now.
    pub due_now: u64,
    /// Cards of the deck I have not started.
    pub new_available: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialTopicResponse {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    #[schema(value_type = super::values::TopicKindValue)]
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialResponse {
    pub id: Uuid,
    #[schema(pattern = "^(deck|topic)$")]
    pub kind: String,
    pub shared_at: DateTime<Utc>,
    pub shared_by: SharedBy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deck: Option<MaterialDeckResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<MaterialTopicResponse>,
}

impl From<Material> for MaterialResponse {
    fn from(m: Material) -> Self {
        Self {
            id: m.id,
            kind: m.kind.as_str().to_owned(),
            shared_at: m.shared_at,
            shared_by: SharedBy { user_id: m.shared_by.as_uuid(), first_name: m.shared_by_first_name },
            deck: m.deck.map(|d| MaterialDeckResponse {
                id: d.id,
                name: d.name,
                description: d.description,
                card_count: d.card_count,
                due_now: d.due_now,
                new_available: d.new_available,
            }),
            topic: m.topic.map(|t| MaterialTopicResponse {
                id: t.id,
                name: t.name,
                description: t.description,
                kind: t.kind,
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialList {
    pub data: Vec<MaterialResponse>,
    pub pagination: Pagination,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudentProgressResponse {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub joined_at: DateTime<Utc>,
    pub reviews: u64,
    /// Share of reviews rated 2 or better, 0–1; `null` without reviews.
    pub retention: Option<f64>,
    /// Cards of the group's shared decks due now.
    pub due_backlog: u64,
    pub exercises: u64,
    /// (correct + partial / 2) / exercises, 0–1; `null` without exercises.
    pub accuracy: Option<f64>,
    pub last_active_at: Option<DateTime<Utc>>,
}

impl From<StudentProgress> for StudentProgressResponse {
    fn from(s: StudentProgress) -> Self {
        Self {
            user_id: s.person.user_id.as_uuid(),
            first_name: s.person.first_name,
            last_name: s.person.last_name,
            username: s.person.username,
            joined_at: s.joined_at,
            reviews: s.reviews,
            retention: s.retention,
            due_backlog: s.due_backlog,
            exercises: s.exercises,
            accuracy: s.accuracy,
            last_active_at: s.last_active_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupProgressResponse {
    #[schema(pattern = "^(week|month|3months|all)$")]
    pub period: String,
    /// `null` for `all`.
    pub from: Option<DateTime<Utc>>,
    pub to: DateTime<Utc>,
    pub students: Vec<StudentProgressResponse>,
}

impl From<GroupProgress> for GroupProgressResponse {
    fn from(p: GroupProgress) -> Self {
        Self {
            period: p.period.as_str().to_owned(),
            from: p.from,
            to: p.to,
            students: p.students.into_iter().map(Into::into).collect(),
        }
    }
}
