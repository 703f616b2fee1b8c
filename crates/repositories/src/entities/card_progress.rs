use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "card_progress")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub card_id: Uuid,
    pub state: String,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub due: DateTimeUtc,
    pub last_review: Option<DateTimeUtc>,
    pub reps: i32,
    pub lapses: i32,
    pub step: Option<i32>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
