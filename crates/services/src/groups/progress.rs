//! The teacher's table: every student's reviews, retention, backlog on the group's decks,
//! exercises and accuracy over a period, read in one statement.

use domain::UserId;
use repositories::group_progress::{self, StudentProgressRow};
use repositories::groups::materials::counted;
use uuid::Uuid;

use super::model::{GroupProgress, Period, Person, StudentProgress, share};
use super::{GroupError, GroupService};

impl From<StudentProgressRow> for StudentProgress {
    fn from(row: StudentProgressRow) -> Self {
        let reviews = counted(row.reviews);
        let exercises = counted(row.exercises);
        let credited = counted(row.correct) as f64 + counted(row.partial) as f64 / 2.0;
        Self {
            person: Person {
                user_id: UserId::from_uuid(row.user_id),
                first_name: row.first_name,
                last_name: row.last_name,
                username: row.username,
            },
            joined_at: row.joined_at,
            reviews,
            retention: share(counted(row.remembered) as f64, reviews),
            due_backlog: counted(row.due_backlog),
            exercises,
            accuracy: share(credited, exercises),
            last_active_at: row.last_review_at.max(row.last_exercise_at),
        }
    }
}

impl GroupService {
    /// A teacher's view of the students over `period` (archived groups included).
    pub async fn progress(&self, user_id: UserId, id: Uuid, period: Period) -> Result<GroupProgress, GroupError> {
        self.teacher_of(user_id, id).await?;
        let to = self.clock.now();
        let from = period.start(to);
        let rows = group_progress::students(self.db.conn(), id, from, to).await?;
        Ok(GroupProgress { period, from, to, students: rows.into_iter().map(StudentProgress::from).collect() })
    }
}
