/// A failure of the data layer. Constraint violations that a caller may expect are turned
/// into their own variants by the repository that knows the constraint.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("could not prepare the database: {0}")]
    Setup(String),
}
