use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "daily_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub profile_id: Uuid,
    pub local_date: Date,
    pub cards_reviewed: i32,
    pub new_cards_studied: i32,
    pub cards_added: i32,
    pub exercises_done: i32,
    pub messages_sent: i32,
    pub seconds_spent: i32,
    /// New cards added to the day's allowance by the learner ("study more today").
    pub extra_new_cards: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
