//! What a teacher sees of a group: each student's progress over a period, and the week's
//! summary of every group for the weekly digest. One statement each, whatever the number of
//! students (no query per student).

use chrono::{DateTime, Utc};
use domain::UserId;
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::users::{self, Entity as Users};
use crate::raw::{Params, columns};
use crate::users::UserRow;

/// One student's numbers. Counts are for the period; `last_*` are of all time.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StudentProgressRow {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub joined_at: DateTime<Utc>,
    pub reviews: i64,
    /// Reviews rated 2 (hard) or better.
    pub remembered: i64,
    /// Cards of the group's shared decks whose review is due now.
    pub due_backlog: i64,
    pub exercises: i64,
    pub correct: i64,
    pub partial: i64,
    pub last_review_at: Option<DateTime<Utc>>,
    pub last_exercise_at: Option<DateTime<Utc>>,
}

/// Every student of the group with their numbers since `from` (`None`: all time) up to `now`,
/// in the order they joined.
pub async fn students(
    conn: &impl ConnectionTrait,
    group_id: Uuid,
    from: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Vec<StudentProgressRow>, RepoError> {
    let mut p = Params::default();
    let group = p.bind(group_id);
    let now = p.bind(now);
    let (in_period_review, in_period_exercise) = match from {
        Some(from) => {
            let from = p.bind(from);
            (format!("r.reviewed_at >= {from}"), format!("a.completed_at >= {from}"))
        }
        None => ("1 = 1".to_owned(), "1 = 1".to_owned()),
    };
    let sql = format!(
        "WITH students AS (\
            SELECT m.user_id, m.joined_at FROM group_members m WHERE m.group_id = {group} AND m.role = 'student'), \
        rv AS (\
            SELECT r.user_id, COUNT(*) FILTER (WHERE {in_period_review}) AS reviews, \
                COUNT(*) FILTER (WHERE {in_period_review} AND r.rating >= 2) AS remembered, \
                MAX(r.reviewed_at) AS last_review_at \
            FROM card_reviews r JOIN students s ON s.user_id = r.user_id \
            WHERE r.undone_at IS NULL AND r.reviewed_at <= {now} GROUP BY r.user_id), \
        ex AS (\
            SELECT a.user_id, COUNT(*) FILTER (WHERE {in_period_exercise}) AS exercises, \
                COUNT(*) FILTER (WHERE {in_period_exercise} AND a.result = 'correct') AS correct, \
                COUNT(*) FILTER (WHERE {in_period_exercise} AND a.result = 'partial') AS partial, \
                MAX(a.completed_at) AS last_exercise_at \
            FROM exercise_attempts a JOIN students s ON s.user_id = a.user_id \
            WHERE a.completed_at <= {now} GROUP BY a.user_id), \
        backlog AS (\
            SELECT g.user_id, COUNT(*) AS due_backlog \
            FROM card_progress g JOIN students s ON s.user_id = g.user_id \
            JOIN cards c ON c.id = g.card_id \
            JOIN group_materials gm ON gm.deck_id = c.deck_id AND gm.group_id = {group} \
            WHERE g.state <> 'new' AND g.due <= {now} GROUP BY g.user_id) \
        SELECT u.id AS user_id, u.first_name, u.last_name, u.username, s.joined_at, \
            COALESCE(rv.reviews, 0) AS reviews, COALESCE(rv.remembered, 0) AS remembered, \
            COALESCE(b.due_backlog, 0) AS due_backlog, COALESCE(ex.exercises, 0) AS exercises, \
            COALESCE(ex.correct, 0) AS correct, COALESCE(ex.partial, 0) AS partial, \
            rv.last_review_at, ex.last_exercise_at \
        FROM students s JOIN users u ON u.id = s.user_id \
        LEFT JOIN rv ON rv.user_id = s.user_id LEFT JOIN ex ON ex.user_id = s.user_id \
        LEFT JOIN backlog b ON b.user_id = s.user_id \
        ORDER BY s.joined_at, u.id"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter().map(|row| Ok(StudentProgressRow::from_query_result(row, "")?)).collect()
}

/// A group's week, for its teacher's digest.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct GroupWeekRow {
    pub group_id: Uuid,
    pub name: String,
    pub students: i64,
    /// Students with at least one review or exercise in the period.
    pub active_students: i64,
    pub reviews: i64,
    pub remembered: i64,
    pub exercises: i64,
}

/// Every live group `teacher` teaches that has students, with the period's totals.
pub async fn teacher_week(
    conn: &impl ConnectionTrait,
    teacher: UserId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<GroupWeekRow>, RepoError> {
    let mut p = Params::default();
    let teacher = p.bind(teacher.as_uuid());
    let from = p.bind(from);
    let to = p.bind(to);
    let sql = format!(
        "WITH mine AS (\
            SELECT g.id, g.name, g.created_at FROM groups g \
            JOIN group_members t ON t.group_id = g.id AND t.user_id = {teacher} AND t.role = 'teacher' \
            WHERE g.archived_at IS NULL), \
        students AS (\
            SELECT m.group_id, m.user_id FROM group_members m JOIN mine ON mine.id = m.group_id \
            WHERE m.role = 'student'), \
        rv AS (\
            SELECT r.user_id, COUNT(*) AS reviews, COUNT(*) FILTER (WHERE r.rating >= 2) AS remembered \
            FROM card_reviews r WHERE r.user_id IN (SELECT user_id FROM students) AND r.undone_at IS NULL \
                AND r.reviewed_at >= {from} AND r.reviewed_at < {to} GROUP BY r.user_id), \
        ex AS (\
            SELECT a.user_id, COUNT(*) AS exercises FROM exercise_attempts a \
            WHERE a.user_id IN (SELECT user_id FROM students) \
                AND a.completed_at >= {from} AND a.completed_at < {to} GROUP BY a.user_id) \
        SELECT mine.id AS group_id, mine.name, COUNT(*) AS students, \
            COUNT(*) FILTER (WHERE COALESCE(rv.reviews, 0) + COALESCE(ex.exercises, 0) > 0) AS active_students, \
            CAST(COALESCE(SUM(rv.reviews), 0) AS BIGINT) AS reviews, \
            CAST(COALESCE(SUM(rv.remembered), 0) AS BIGINT) AS remembered, \
            CAST(COALESCE(SUM(ex.exercises), 0) AS BIGINT) AS exercises \
        FROM mine JOIN students s ON s.group_id = mine.id \
        LEFT JOIN rv ON rv.user_id = s.user_id LEFT JOIN ex ON ex.user_id = s.user_id \
        GROUP BY mine.id, mine.name, mine.created_at ORDER BY mine.created_at, mine.id"
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter().map(|row| Ok(GroupWeekRow::from_query_result(row, "")?)).collect()
}

/// Teachers of a live group with at least one student who can be written to and have had no
/// notice of `kind` since `since`, by id after `after`, at most `limit`.
pub async fn digest_candidates(
    conn: &impl ConnectionTrait,
    kind: &str,
    since: DateTime<Utc>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<UserRow>, RepoError> {
    let mut p = Params::default();
    let after = match after {
        Some(id) => format!(" AND u.id > {}", p.bind(id)),
        None => String::new(),
    };
    let sql = format!(
        "SELECT {user} FROM users u WHERE u.bot_blocked_at IS NULL{after} \
         AND EXISTS (SELECT 1 FROM group_members t JOIN groups g ON g.id = t.group_id AND g.archived_at IS NULL \
            WHERE t.user_id = u.id AND t.role = 'teacher' \
            AND EXISTS (SELECT 1 FROM group_members s WHERE s.group_id = g.id AND s.role = 'student')) \
         AND NOT EXISTS (SELECT 1 FROM sent_notices n WHERE n.user_id = u.id AND n.kind = {kind} AND n.sent_at > {since}) \
         ORDER BY u.id LIMIT {limit}",
        user = columns::<Users>("u", ""),
        kind = p.bind(kind),
        since = p.bind(since),
        limit = p.bind(i64::try_from(limit).unwrap_or(i64::MAX)),
    );
    let rows = conn.query_all_raw(p.statement(conn, &sql)).await?;
    rows.iter().map(|row| Ok(users::Model::from_query_result(row, "")?)).collect()
}

/// Records that the notice `kind`/`key` went to the user; `false` when it already had (so
/// it is sent once, whatever the number of notifiers).
pub async fn record_notice(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    kind: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let mut p = Params::default();
    let sql = format!(
        "INSERT INTO sent_notices (user_id, kind, key, sent_at) VALUES ({}, {}, {}, {}) \
         ON CONFLICT (user_id, kind, key) DO NOTHING",
        p.bind(user_id.as_uuid()),
        p.bind(kind),
        p.bind(key),
        p.bind(now),
    );
    Ok(conn.execute_raw(p.statement(conn, &sql)).await?.rows_affected() > 0)
}
