use sea_orm::{DbErr, SqlErr};

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
    Database(DbErr),
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
