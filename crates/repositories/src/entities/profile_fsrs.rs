use sea_orm::entity::prelude::*;

/// The FSRS parameters a profile schedules with, and the fitting job's lease (`fsrs.rs`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "profile_fsrs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub profile_id: Uuid,
    pub parameters: Option<Json>,
    pub parameters_since: Option<DateTimeUtc>,
    pub lease_until: Option<DateTimeUtc>,
    pub last_fit_at: Option<DateTimeUtc>,
    pub reviews_at_last_fit: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
