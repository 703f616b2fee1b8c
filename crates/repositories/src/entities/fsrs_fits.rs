use sea_orm::entity::prelude::*;

/// One fit of a profile's FSRS parameters, adopted or not (`fsrs.rs`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "fsrs_fits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub profile_id: Uuid,
    pub outcome: String,
    pub review_count: i32,
    pub trained_on: i32,
    pub held_out: i32,
    pub parameters: Option<Json>,
    pub log_loss_before: Option<f64>,
    pub rmse_before: Option<f64>,
    pub log_loss_after: Option<f64>,
    pub rmse_after: Option<f64>,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
