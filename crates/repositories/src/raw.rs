//! Hand-written SQL for the hot paths, where one statement has to do what the query builder
//! would spread over several. `$n` placeholders work on PostgreSQL and on SQLite (through
//! sqlx), so one text serves both.

use domain::ProfileId;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Iterable, Statement, Value};

/// Numbered parameters: `bind` hands out `$1`, `$2`, … in the order values are added, so a
/// statement assembled from optional parts never sends a value it does not use.
#[derive(Default)]
pub(crate) struct Params {
    values: Vec<Value>,
}

impl Params {
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    pub(crate) fn statement(self, conn: &impl ConnectionTrait, sql: &str) -> Statement {
        statement(conn.get_database_backend(), sql, self.values)
    }
}

fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, sql, values)
}

/// `alias.col AS prefix_col, …` for every column of `E`, to read a joined row back with
/// `Model::from_query_result(row, prefix)`.
pub(crate) fn columns<E: EntityTrait>(alias: &str, prefix: &str) -> String {
    use sea_orm::IdenStatic;
    E::Column::iter()
        .map(|column| format!("{alias}.{name} AS {prefix}{name}", name = column.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The condition on `language_profiles` that picks the named profile, or the active one.
pub(crate) fn profile_condition(p: &mut Params, profile_id: Option<ProfileId>) -> String {
    match profile_id {
        Some(id) => format!("id = {}", p.bind(id.as_uuid())),
        None => "is_active".to_owned(),
    }
}

/// `EXISTS …` true when material `id_expr` (a deck or topic id; `column` names which) is shared
/// with a group that `user` belongs to and that is not archived: what lets a student study a
/// teacher's deck or practise a teacher's topic.
pub(crate) fn shared_with(user: &str, column: &str, id_expr: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM group_materials gm \
            JOIN group_members gmm ON gmm.group_id = gm.group_id AND gmm.user_id = {user} \
            JOIN groups g ON g.id = gm.group_id AND g.archived_at IS NULL \
            WHERE gm.{column} = {id_expr})"
    )
}

/// A SQL count as an unsigned number.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The new cards the profile `alias` started on `day`, less the extra ones the learner allowed
/// for that day ("study more today"; so it may be negative), 0 without activity, as a scalar
/// subquery: the day's new-card allowance is what is left of the profile's daily number.
pub(crate) fn new_cards_studied_on(user: &str, day: &str, alias: &str) -> String {
    format!(
        "COALESCE((SELECT a.new_cards_studied - a.extra_new_cards FROM daily_activity a \
            WHERE a.user_id = {user} AND a.profile_id = {alias}.id AND a.local_date = {day}), 0)"
    )
}
