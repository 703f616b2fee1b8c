use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// A failure of the data layer. A unique-constraint violation gets its own variant so the
/// service that knows the constraint can turn it into a domain error (409 and friends).
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    /// A row refers to one that is gone (deleted while the request ran).
    #[error("foreign key constraint violated: {0}")]
    ForeignKeyViolation(String),
    #[error("database error: {0}")]
    Database(#[source] DbErr),
    #[error("could not prepare the database: {0}")]
    Setup(String),
}

impl From<DbErr> for RepoError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(what)) => Self::UniqueViolation(what),
            Some(SqlErr::ForeignKeyConstraintViolation(what)) => Self::ForeignKeyViolation(what),
            _ => Self::Database(err),
        }
    }
}

/// The database could not be reached (no connection within the deadline, or the connection
/// broke mid-statement: a restart, a failover, a network cut), as opposed to a statement the
/// database refused. The first is the outage of a dependency (503, retry); the second a bug.
pub fn is_connection_failure(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed | Sqlx::Tls(_)
        ),
        _ => false,
    }
}
