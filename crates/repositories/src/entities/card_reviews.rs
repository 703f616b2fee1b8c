use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "card_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub card_id: Uuid,
    pub profile_id: Uuid,
    pub client_review_id: Uuid,
    pub rating: i16,
    pub state_before: String,
    pub state_after: String,
    pub elapsed_days: i32,
    pub scheduled_days: i32,
    pub stability_after: Option<f64>,
    pub difficulty_after: Option<f64>,
    pub progress_before: Json,
    pub progress_after: Json,
    pub scheduled_seconds: i64,
    pub duration_ms: Option<i32>,
    pub local_date: Date,
    pub reviewed_at: DateTimeUtc,
    pub undone_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
